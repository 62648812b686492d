"""The creative brief and content review over the API, as the brand: the brief's draft
(save, publish), its published versions and the creators' acknowledgements; the
deliverables made from the agreed terms (with a due-date action); drafts (created with
a multipart upload or a URL, reviewed with an action, their file downloaded); and live
posts with figures and a screenshot (created multipart, verified with an action).
Writes go through campaigns.services.briefs / .content; querysets come from
get_org_queryset, so another organization's rows are a 404."""

from __future__ import annotations

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from campaigns import selectors, services
from campaigns.api.campaigns import request_actor
from campaigns.models import (
    FIGURES,
    Brief,
    BriefAcknowledgement,
    BriefAsset,
    BriefVersion,
    Campaign,
    Collaboration,
    ContentDeliverable,
    ContentSubmission,
    DeliverableStatus,
    LivePost,
)
from campaigns.services.content import REVIEW_DECISIONS
from campaigns.uploads import file_response
from kolhub.api.base import OrganizationViewSet

# --- serializers -----------------------------------------------------------------------

BRIEF_FIELDS = [
    "goals", "talking_points", "disclosures", "paid_partnership_label", "mentions", "links",
    "promo_codes", "dos", "donts", "deliverable_specs", "reference_urls",
]  # fmt: skip


class BriefSerializer(serializers.ModelSerializer):
    campaign = serializers.PrimaryKeyRelatedField(read_only=True)
    latest_version = serializers.SerializerMethodField(
        help_text="The number of the newest published version (null: none)"
    )

    class Meta:
        model = Brief
        fields = ["id", "campaign", *BRIEF_FIELDS, "latest_version", "updated_at"]
        read_only_fields = fields

    def get_latest_version(self, brief: Brief) -> int | None:
        version = brief.versions.order_by("-number").first()
        return version.number if version else None


class BriefInputSerializer(serializers.Serializer):
    goals = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    talking_points = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    disclosures = serializers.ListField(child=serializers.CharField(max_length=60), required=False)
    paid_partnership_label = serializers.BooleanField(required=False)
    mentions = serializers.ListField(child=serializers.CharField(max_length=60), required=False)
    links = serializers.ListField(child=serializers.CharField(max_length=500), required=False)
    promo_codes = serializers.ListField(child=serializers.CharField(max_length=60), required=False)
    dos = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    donts = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    deliverable_specs = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    reference_urls = serializers.ListField(child=serializers.CharField(max_length=500),
                                           required=False)  # fmt: skip


class BriefCreateSerializer(BriefInputSerializer):
    campaign = serializers.IntegerField(help_text="Saves that campaign's draft (made if none)")


class BriefPublishSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class BriefAssetSerializer(serializers.ModelSerializer):
    brief = serializers.PrimaryKeyRelatedField(read_only=True)
    campaign = serializers.IntegerField(source="brief.campaign_id", read_only=True)
    uploaded_by = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = BriefAsset
        fields = ["id", "brief", "campaign", "name", "content_type", "size", "uploaded_by",
                  "created_at", "removed_at"]  # fmt: skip
        read_only_fields = fields


class BriefAssetCreateSerializer(serializers.Serializer):
    campaign = serializers.IntegerField(help_text="Adds the file to that campaign's draft")
    file = serializers.FileField(help_text="Image, video or PDF, checked by content")


class BriefVersionSerializer(serializers.ModelSerializer):
    campaign = serializers.PrimaryKeyRelatedField(read_only=True)
    brief = serializers.PrimaryKeyRelatedField(read_only=True)
    published_by = serializers.PrimaryKeyRelatedField(read_only=True)
    asset_ids = serializers.ListField(child=serializers.IntegerField(), read_only=True)

    class Meta:
        model = BriefVersion
        fields = ["id", "brief", "campaign", "number", *BRIEF_FIELDS, "asset_ids", "note",
                  "published_at", "published_by"]  # fmt: skip
        read_only_fields = fields


class BriefAcknowledgementSerializer(serializers.ModelSerializer):
    version = serializers.PrimaryKeyRelatedField(read_only=True)
    version_number = serializers.IntegerField(source="version.number", read_only=True)
    collaboration = serializers.PrimaryKeyRelatedField(read_only=True)
    creator = serializers.IntegerField(source="collaboration.creator_id", read_only=True)
    by = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = BriefAcknowledgement
        fields = ["id", "version", "version_number", "collaboration", "creator",
                  "acknowledged_at", "by", "actor"]  # fmt: skip
        read_only_fields = fields


class DeliverableSerializer(serializers.ModelSerializer):
    collaboration = serializers.PrimaryKeyRelatedField(read_only=True)
    campaign = serializers.IntegerField(source="collaboration.campaign_id", read_only=True)
    offer = serializers.PrimaryKeyRelatedField(read_only=True)
    title = serializers.CharField(read_only=True)
    overdue = serializers.SerializerMethodField(help_text="Past its due date and not live")

    class Meta:
        model = ContentDeliverable
        fields = ["id", "collaboration", "campaign", "offer", "position", "piece", "title",
                  "platform", "kind", "due_date", "status", "overdue"]  # fmt: skip
        read_only_fields = fields

    def get_overdue(self, deliverable: ContentDeliverable) -> bool:
        return deliverable.overdue_on(self.context["today"])


class DueDateSerializer(serializers.Serializer):
    due_date = serializers.DateField()


class CheckItemSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="disclosure, label, mention, link or promo_code")
    required = serializers.CharField()
    passed = serializers.BooleanField()
    detail = serializers.CharField()


class SubmissionSerializer(serializers.ModelSerializer):
    deliverable = serializers.PrimaryKeyRelatedField(read_only=True)
    collaboration = serializers.IntegerField(source="deliverable.collaboration_id",
                                             read_only=True)  # fmt: skip
    brief_version = serializers.PrimaryKeyRelatedField(read_only=True)
    has_file = serializers.SerializerMethodField()
    disclosure_check = CheckItemSerializer(many=True, read_only=True)
    submitted_by = serializers.PrimaryKeyRelatedField(read_only=True)
    reviewed_by = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = ContentSubmission
        fields = ["id", "deliverable", "collaboration", "round", "has_file", "file_name",
                  "content_type", "size", "url", "caption", "paid_partnership_label",
                  "brief_version", "disclosure_check", "disclosure_passed", "submitted_at",
                  "submitted_by", "actor", "status", "review_comment", "reviewed_at",
                  "reviewed_by"]  # fmt: skip
        read_only_fields = fields

    def get_has_file(self, submission: ContentSubmission) -> bool:
        return bool(submission.file)


class SubmissionCreateSerializer(serializers.Serializer):
    deliverable = serializers.IntegerField()
    file = serializers.FileField(required=False, help_text="Image, video (MP4, MOV, WebM) or "
                                 "PDF, checked by content; or give `url`")  # fmt: skip
    url = serializers.CharField(required=False, allow_blank=True, max_length=500)
    caption = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    paid_partnership_label = serializers.BooleanField(required=False, default=False)


class ReviewSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=REVIEW_DECISIONS)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000,
                                    help_text="Required to request changes")  # fmt: skip


class LivePostSerializer(serializers.ModelSerializer):
    deliverable = serializers.PrimaryKeyRelatedField(read_only=True)
    collaboration = serializers.IntegerField(source="deliverable.collaboration_id",
                                             read_only=True)  # fmt: skip
    reported_by = serializers.PrimaryKeyRelatedField(read_only=True)
    verified_by = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = LivePost
        fields = ["id", "deliverable", "collaboration", "url", *FIGURES, "screenshot_name",
                  "screenshot_content_type", "source", "reported_at", "reported_by", "actor",
                  "verified_at", "verified_by"]  # fmt: skip
        read_only_fields = fields


class LivePostCreateSerializer(serializers.Serializer):
    deliverable = serializers.IntegerField()
    url = serializers.CharField(max_length=500)
    screenshot = serializers.FileField(help_text="An image of the figures, checked by content")

    def get_fields(self):
        fields = super().get_fields()
        for name in FIGURES:
            # Validated (whole numbers ≥ 0, each named) by the service.
            fields[name] = serializers.CharField(required=False, allow_blank=True, max_length=20)
        return fields


# --- filters ---------------------------------------------------------------------------


class CampaignFilterSet(django_filters.FilterSet):
    campaign = django_filters.NumberFilter(field_name="campaign_id")

    class Meta:
        fields: list[str] = []


class AcknowledgementFilterSet(django_filters.FilterSet):
    campaign = django_filters.NumberFilter(field_name="version__campaign_id")
    collaboration = django_filters.NumberFilter(field_name="collaboration_id")
    version = django_filters.NumberFilter(field_name="version_id")

    class Meta:
        fields: list[str] = []


class DeliverableFilterSet(django_filters.FilterSet):
    campaign = django_filters.NumberFilter(field_name="collaboration__campaign_id")
    collaboration = django_filters.NumberFilter(field_name="collaboration_id")
    status = django_filters.MultipleChoiceFilter(choices=DeliverableStatus.choices)

    class Meta:
        fields: list[str] = []


class ContentFilterSet(django_filters.FilterSet):
    deliverable = django_filters.NumberFilter(field_name="deliverable_id")
    collaboration = django_filters.NumberFilter(field_name="deliverable__collaboration_id")

    class Meta:
        fields: list[str] = []


# --- views -----------------------------------------------------------------------------


def _row(getter, field: str, **kwargs):
    try:
        return getter(**kwargs)
    except (Campaign.DoesNotExist, Collaboration.DoesNotExist, ContentDeliverable.DoesNotExist):
        # Missing and another organization's look the same.
        raise serializers.ValidationError({field: ["Not found."]}) from None


class BriefApi(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    """Each campaign's brief draft. POST saves a campaign's draft (made on first save);
    PATCH changes the fields given; `publish` makes the draft the next immutable version."""

    model = Brief
    lookup_url_kwarg = "brief_id"
    filterset_class = CampaignFilterSet
    serializer_class = BriefSerializer

    def get_org_queryset(self, organization):
        return selectors.brief_queryset(organization=organization).order_by("campaign_id")

    def _show(self, brief: Brief, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_org_queryset(self.organization).get(pk=brief.pk)
        return Response(BriefSerializer(fresh).data, status=code)

    @extend_schema(request=BriefCreateSerializer, responses={201: BriefSerializer})
    def create(self, request, *args, **kwargs):
        body = BriefCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        campaign = _row(selectors.campaign_get, "campaign", organization=self.organization,
                        campaign_id=data.pop("campaign"))  # fmt: skip
        user, _label = request_actor(request)
        brief = services.brief_save(organization=self.organization, campaign=campaign,
                                    data=data, by=user)  # fmt: skip
        return self._show(brief, status.HTTP_201_CREATED)

    @extend_schema(request=BriefInputSerializer, responses=BriefSerializer)
    def partial_update(self, request, *args, **kwargs):
        body = BriefInputSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        brief = self.get_object()
        user, _label = request_actor(request)
        services.brief_save(organization=self.organization, campaign=brief.campaign,
                            data=body.validated_data, by=user)  # fmt: skip
        return self._show(brief)

    @extend_schema(request=BriefPublishSerializer, responses={201: BriefVersionSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, *args, **kwargs):
        """Publish the draft as the next version (a draft identical to the latest version
        returns that version). Creators are asked to acknowledge it in the portal."""
        body = BriefPublishSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        brief = self.get_object()
        user, _label = request_actor(request)
        version = services.brief_publish(
            organization=self.organization, campaign=brief.campaign, by=user,
            note=body.validated_data.get("note", ""),
        )  # fmt: skip
        return Response(BriefVersionSerializer(version).data, status=status.HTTP_201_CREATED)


class AssetFilterSet(django_filters.FilterSet):
    campaign = django_filters.NumberFilter(field_name="brief__campaign_id")
    removed = django_filters.BooleanFilter(field_name="removed_at", lookup_expr="isnull",
                                           exclude=True)  # fmt: skip

    class Meta:
        fields: list[str] = []


class BriefAssetApi(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    """Reference files of the briefs. POST (multipart) adds one to a campaign's draft;
    it reaches creators with the next published version. `remove` takes it off the draft
    (published versions keep it); `file` downloads it."""

    model = BriefAsset
    lookup_url_kwarg = "brief_asset_id"
    filterset_class = AssetFilterSet
    serializer_class = BriefAssetSerializer
    parser_classes = [MultiPartParser, FormParser]

    def get_org_queryset(self, organization):
        return selectors.brief_asset_queryset(organization=organization)

    @extend_schema(request=BriefAssetCreateSerializer, responses={201: BriefAssetSerializer})
    def create(self, request, *args, **kwargs):
        body = BriefAssetCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        campaign = _row(selectors.campaign_get, "campaign", organization=self.organization,
                        campaign_id=body.validated_data["campaign"])  # fmt: skip
        user, _label = request_actor(request)
        asset = services.brief_asset_add(organization=self.organization, campaign=campaign,
                                         upload=body.validated_data["file"], by=user)  # fmt: skip
        return Response(BriefAssetSerializer(asset).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=BriefAssetSerializer)
    @action(detail=True, methods=["post"])
    def remove(self, request, *args, **kwargs):
        asset = services.brief_asset_remove(organization=self.organization,
                                            asset=self.get_object())  # fmt: skip
        return Response(BriefAssetSerializer(asset).data)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def file(self, request, *args, **kwargs):
        asset = self.get_object()
        return file_response(asset.file, content_type=asset.content_type, name=asset.name)


class BriefVersionApi(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    """Published brief versions, newest first; never changed once published."""

    model = BriefVersion
    lookup_url_kwarg = "brief_version_id"
    filterset_class = CampaignFilterSet
    serializer_class = BriefVersionSerializer

    def get_org_queryset(self, organization):
        return selectors.brief_version_queryset(organization=organization).order_by(
            "campaign_id", "-number"
        )


class BriefAcknowledgementApi(mixins.ListModelMixin, OrganizationViewSet):
    """Which creator (collaboration) read which version of the brief, and when."""

    model = BriefAcknowledgement
    lookup_url_kwarg = "brief_acknowledgement_id"
    filterset_class = AcknowledgementFilterSet
    serializer_class = BriefAcknowledgementSerializer

    def get_org_queryset(self, organization):
        return selectors.brief_acknowledgement_queryset(organization=organization)


class DeliverableApi(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    """Deliverables made from the agreed terms, one per piece, by due date."""

    model = ContentDeliverable
    lookup_url_kwarg = "deliverable_id"
    filterset_class = DeliverableFilterSet
    serializer_class = DeliverableSerializer

    def get_org_queryset(self, organization):
        return selectors.deliverable_queryset(organization=organization)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["today"] = selectors.organization_today(self.organization)
        return context

    @extend_schema(request=DueDateSerializer, responses=DeliverableSerializer)
    @action(detail=True, methods=["post"], url_path="due-date")
    def due_date(self, request, *args, **kwargs):
        """Move the due date (not into the past; a live deliverable keeps its date)."""
        body = DueDateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user, _label = request_actor(request)
        deliverable = services.deliverable_due_date_set(
            organization=self.organization, deliverable=self.get_object(), by=user,
            due_date=body.validated_data["due_date"],
        )  # fmt: skip
        return Response(self.get_serializer(deliverable).data)


class SubmissionApi(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    """Drafts by round, each with its automatic disclosure check. POST (multipart)
    submits a round on a creator's behalf (the creator's own way is the portal);
    `review` approves or requests changes; `file` downloads the uploaded draft."""

    model = ContentSubmission
    lookup_url_kwarg = "submission_id"
    filterset_class = ContentFilterSet
    serializer_class = SubmissionSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_org_queryset(self, organization):
        return selectors.submission_queryset(organization=organization).order_by(
            "deliverable_id", "round"
        )

    @extend_schema(request=SubmissionCreateSerializer, responses={201: SubmissionSerializer})
    def create(self, request, *args, **kwargs):
        body = SubmissionCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        deliverable = _row(selectors.deliverable_get, "deliverable",
                           organization=self.organization,
                           deliverable_id=data["deliverable"])  # fmt: skip
        user, label = request_actor(request)
        submission = services.submission_create(
            organization=self.organization, deliverable=deliverable,
            caption=data.get("caption", ""),
            upload=data.get("file"), url=data.get("url", ""), by=user, actor=label,
            paid_partnership_label=data.get("paid_partnership_label", False),
        )  # fmt: skip
        fresh = self.get_org_queryset(self.organization).get(pk=submission.pk)
        return Response(SubmissionSerializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReviewSerializer, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, *args, **kwargs):
        """Approve the round, or request changes with a comment. The last deliverable
        approved moves the collaboration to approved."""
        body = ReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user, label = request_actor(request)
        submission = services.submission_review(
            organization=self.organization, submission=self.get_object(), by=user, actor=label,
            decision=body.validated_data["decision"],
            comment=body.validated_data.get("comment", ""),
        )  # fmt: skip
        fresh = self.get_org_queryset(self.organization).get(pk=submission.pk)
        return Response(SubmissionSerializer(fresh).data)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def file(self, request, *args, **kwargs):
        """The uploaded draft (404 for a draft given as a URL)."""
        submission = self.get_object()
        return file_response(submission.file, content_type=submission.content_type,
                             name=submission.file_name)  # fmt: skip


class LivePostApi(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    """Live posts of approved deliverables with their figures and provenance (source,
    who reported them and when, the screenshot). POST (multipart) reports one on a
    creator's behalf; `verify` marks the figures checked; `screenshot` downloads it."""

    model = LivePost
    lookup_url_kwarg = "live_post_id"
    filterset_class = ContentFilterSet
    serializer_class = LivePostSerializer
    parser_classes = [MultiPartParser, FormParser]

    def get_org_queryset(self, organization):
        return selectors.live_post_queryset(organization=organization)

    @extend_schema(request=LivePostCreateSerializer, responses={201: LivePostSerializer})
    def create(self, request, *args, **kwargs):
        body = LivePostCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        deliverable = _row(selectors.deliverable_get, "deliverable",
                           organization=self.organization,
                           deliverable_id=data["deliverable"])  # fmt: skip
        user, label = request_actor(request)
        post = services.live_post_submit(
            organization=self.organization, deliverable=deliverable, url=data["url"],
            figures={name: data.get(name) for name in FIGURES}, screenshot=data["screenshot"],
            by=user, actor=label,
        )  # fmt: skip
        fresh = self.get_org_queryset(self.organization).get(pk=post.pk)
        return Response(LivePostSerializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=LivePostSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, *args, **kwargs):
        user, _label = request_actor(request)
        post = services.live_post_verify(organization=self.organization,
                                         live_post=self.get_object(), by=user)  # fmt: skip
        return Response(LivePostSerializer(self.get_org_queryset(self.organization)
                                           .get(pk=post.pk)).data)  # fmt: skip

    @extend_schema(responses={(200, "image/*"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def screenshot(self, request, *args, **kwargs):
        post = self.get_object()
        return file_response(post.screenshot, content_type=post.screenshot_content_type,
                             name=post.screenshot_name)  # fmt: skip
