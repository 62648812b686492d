"""Content metrics and share of voice over the API, under /api/v1/o/<org_slug>/:

- metric snapshots: list (filter by live post, collaboration, campaign, source, time),
  one, and create (figures entered by hand, as the creator gave them or read from a
  screenshot; platform figures arrive through the pull);
- a live post's latest figures, each with its provenance, and its pull state; "refresh"
  queues a pull from the platform; its transcript (read, set, remove);
- a campaign's share-of-voice keywords (CRUD) and its share-of-voice figures.

Writes go through tracking.services, which refuse what the web page refuses."""

from __future__ import annotations

import datetime

import django_filters
from django.core.exceptions import ObjectDoesNotExist
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from campaigns import selectors as campaign_selectors
from campaigns.api.campaigns import request_actor
from campaigns.models import Campaign, LivePost
from kolhub.api.base import OrganizationApiView, OrganizationViewSet
from tracking.models import METRIC_FIELDS, ContentMetricSnapshot, MetricSource, VoiceKeyword
from tracking.selectors import metrics as selectors
from tracking.services import metric_pulls
from tracking.services import metrics as services


def _not_found(field: str) -> serializers.ValidationError:
    # Missing and another organization's look the same.
    return serializers.ValidationError({field: ["Not found."]})


# --- snapshots ---------------------------------------------------------------------------------


class ContentMetricSnapshotSerializer(serializers.ModelSerializer):
    campaign = serializers.IntegerField(source="collaboration.campaign_id", read_only=True)
    recorded_by = serializers.IntegerField(source="recorded_by_id", read_only=True,
                                           allow_null=True)  # fmt: skip
    who = serializers.CharField(read_only=True, help_text="Who recorded the figures")

    class Meta:
        model = ContentMetricSnapshot
        fields = [
            "id", "live_post", "collaboration", "campaign", "source", "observed_at",
            *METRIC_FIELDS, "recorded_by", "who", "note", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class ContentMetricSnapshotCreateSerializer(serializers.Serializer):
    live_post = serializers.IntegerField()
    source = serializers.ChoiceField(
        choices=MetricSource.choices,
        help_text="creator: as the creator gave them; screenshot: read from a screenshot "
        "(api is refused: platform figures arrive through the pull)",
    )
    observed_at = serializers.DateTimeField(help_text="When the figures were true (ISO 8601)")
    note = serializers.CharField(max_length=services.MAX_NOTE, required=False, allow_blank=True)
    # Absent or null: not reported (never 0).
    reach = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    impressions = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    likes = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    comments = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    shares = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    saves = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    views = serializers.IntegerField(min_value=0, required=False, allow_null=True)


class ContentMetricSnapshotFilterSet(django_filters.FilterSet):
    live_post = django_filters.NumberFilter(field_name="live_post_id")
    collaboration = django_filters.NumberFilter(field_name="collaboration_id")
    campaign = django_filters.NumberFilter(field_name="collaboration__campaign_id")
    source = django_filters.ChoiceFilter(choices=MetricSource.choices)
    since = django_filters.IsoDateTimeFilter(field_name="observed_at", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(field_name="observed_at", lookup_expr="lt")

    class Meta:
        fields: list[str] = []


class ContentMetricSnapshotApi(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet
):  # fmt: skip
    """Figures of published posts, one snapshot per observation, newest first, each with
    its provenance: source (api, creator, screenshot), time and who recorded it. A figure
    the source did not report is null, not 0. Snapshots are never overwritten."""

    model = ContentMetricSnapshot
    lookup_url_kwarg = "snapshot_id"
    filterset_class = ContentMetricSnapshotFilterSet
    serializer_class = ContentMetricSnapshotSerializer

    def get_org_queryset(self, organization):
        return selectors.metric_snapshot_queryset(organization=organization)

    @extend_schema(request=ContentMetricSnapshotCreateSerializer,
                   responses={201: ContentMetricSnapshotSerializer})  # fmt: skip
    def create(self, request, *args, **kwargs):
        body = ContentMetricSnapshotCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            post = selectors.live_post_get(organization=self.organization,
                                           live_post_id=data["live_post"])  # fmt: skip
        except ObjectDoesNotExist:
            raise _not_found("live_post") from None
        user, _label = request_actor(request)
        snapshot = services.metric_snapshot_enter(
            organization=self.organization, live_post=post, source=data["source"],
            observed_at=data["observed_at"], figures={n: data.get(n) for n in METRIC_FIELDS},
            by=user, note=data.get("note", ""),
        )  # fmt: skip
        fresh = selectors.metric_snapshot_get(organization=self.organization,
                                              snapshot_id=snapshot.pk)  # fmt: skip
        return Response(ContentMetricSnapshotSerializer(fresh).data,
                        status=status.HTTP_201_CREATED)  # fmt: skip


# --- one live post: latest figures, refresh, transcript ---------------------------------------


class FigureSerializer(serializers.Serializer):
    value = serializers.IntegerField()
    source = serializers.ChoiceField(choices=MetricSource.choices)
    observed_at = serializers.DateTimeField()
    who = serializers.CharField()
    snapshot = serializers.IntegerField(help_text="The snapshot it comes from")


class PullStateSerializer(serializers.Serializer):
    platform = serializers.CharField()
    external_id = serializers.CharField()
    last_attempt_at = serializers.DateTimeField(allow_null=True)
    last_success_at = serializers.DateTimeField(allow_null=True)
    error = serializers.CharField(help_text="The last pull's failure; empty after a success")
    failures = serializers.IntegerField(help_text="Consecutive failures")


class LivePostMetricsSerializer(serializers.Serializer):
    live_post = serializers.IntegerField()
    url = serializers.URLField()
    engagements = serializers.IntegerField(
        allow_null=True, help_text="likes + comments + shares + saves"
    )
    engagement_rate = serializers.DecimalField(
        max_digits=12, decimal_places=6, allow_null=True,
        help_text="engagements / reach; where reach is unknown, engagements / followers at "
        "posting time (engagement_rate_by says which); null when neither is known",
    )  # fmt: skip
    engagement_rate_by = serializers.CharField(
        help_text='"reach", or "by followers" when divided by followers at posting time'
    )
    pull = PullStateSerializer(allow_null=True)
    # Each figure's latest report; null when no source reported it.
    reach = FigureSerializer(allow_null=True)
    impressions = FigureSerializer(allow_null=True)
    likes = FigureSerializer(allow_null=True)
    comments = FigureSerializer(allow_null=True)
    shares = FigureSerializer(allow_null=True)
    saves = FigureSerializer(allow_null=True)
    views = FigureSerializer(allow_null=True)


class TranscriptSerializer(serializers.Serializer):
    live_post = serializers.IntegerField(read_only=True)
    text = serializers.CharField(max_length=services.MAX_TRANSCRIPT, allow_blank=True,
                                 trim_whitespace=False,
                                 help_text="An empty text removes the transcript")  # fmt: skip
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)


class RefreshSerializer(serializers.Serializer):
    queued = serializers.BooleanField()
    detail = serializers.CharField()


def _metrics_data(organization, post: LivePost) -> dict:
    metrics = selectors.latest_metrics(organization, live_posts=[post])[post.pk]
    state = selectors.pull_states(organization=organization, live_posts=[post]).get(post.pk)
    data = {
        "live_post": post.pk, "url": post.url, "engagements": metrics.engagements,
        "engagement_rate": metrics.engagement_rate,
        "engagement_rate_by": metrics.engagement_rate_label or "reach",
        "pull": None if state is None else {
            "platform": state.platform, "external_id": state.external_id,
            "last_attempt_at": state.last_attempt_at, "last_success_at": state.last_success_at,
            "error": state.error, "failures": state.failures,
        },
    }  # fmt: skip
    for name, figure in metrics.rows():
        data[name] = None if figure is None else {
            "value": figure.value, "source": figure.source, "observed_at": figure.observed_at,
            "who": figure.snapshot.who, "snapshot": figure.snapshot.pk,
        }  # fmt: skip
    return data


class LivePostMetricsApi(OrganizationViewSet):
    """A published post's latest figures (each the newest report of it, with source, time
    and who), its platform pull state, a pull on demand, and its transcript."""

    model = LivePost
    lookup_url_kwarg = "live_post_id"
    serializer_class = LivePostMetricsSerializer
    pagination_class = None
    filterset_class = None

    def get_org_queryset(self, organization):
        return LivePost.objects.for_org(organization)

    @extend_schema(responses=LivePostMetricsSerializer)
    def latest(self, request, *args, **kwargs):
        post = self.get_object()
        return Response(LivePostMetricsSerializer(_metrics_data(self.organization, post)).data)

    @extend_schema(request=None, responses={202: RefreshSerializer})
    @action(detail=True, methods=["post"])
    def refresh(self, request, *args, **kwargs):
        """Queue a pull of this post's figures from its platform (YouTube videos)."""
        label = metric_pulls.content_metrics_pull_request(organization=self.organization,
                                                          live_post=self.get_object())  # fmt: skip
        return Response({"queued": True, "detail": f"{label} figures will arrive shortly."},
                        status=status.HTTP_202_ACCEPTED)  # fmt: skip

    def _transcript(self, post: LivePost) -> dict:
        row = selectors.live_post_transcript_get(organization=self.organization, live_post=post)
        return {"live_post": post.pk, "text": row.text if row else "",
                "updated_at": row.updated_at if row else None}  # fmt: skip

    @extend_schema(methods=["GET"], responses=TranscriptSerializer)
    @extend_schema(methods=["PUT"], request=TranscriptSerializer, responses=TranscriptSerializer)
    @extend_schema(methods=["DELETE"], responses={204: None})
    @action(detail=True, methods=["get", "put", "delete"], serializer_class=TranscriptSerializer)
    def transcript(self, request, *args, **kwargs):
        """What is said in the post, counted for share of voice. PUT replaces it; an empty
        text or DELETE removes it."""
        post = self.get_object()
        if request.method in ("PUT", "DELETE"):
            text = ""
            if request.method == "PUT":
                body = TranscriptSerializer(data=request.data)
                body.is_valid(raise_exception=True)
                text = body.validated_data["text"]
            user, _label = request_actor(request)
            services.live_post_transcript_set(organization=self.organization, live_post=post,
                                              text=text, by=user)  # fmt: skip
            if request.method == "DELETE":
                return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(TranscriptSerializer(self._transcript(post)).data)


# --- share of voice ------------------------------------------------------------------------


class VoiceKeywordSerializer(serializers.ModelSerializer):
    class Meta:
        model = VoiceKeyword
        fields = ["id", "campaign", "keyword", "is_brand", "label", "created_at", "updated_at"]
        read_only_fields = fields


class VoiceKeywordCreateSerializer(serializers.Serializer):
    campaign = serializers.IntegerField()
    keyword = serializers.CharField(max_length=services.MAX_KEYWORD,
                                    help_text="Counted as a whole word, in any case")  # fmt: skip
    is_brand = serializers.BooleanField(help_text="Our brand's keyword; false: a competitor's")
    label = serializers.CharField(max_length=services.MAX_LABEL, required=False, allow_blank=True,
                                  help_text="Groups keywords (a competitor and its products); "
                                  "blank: the keyword")  # fmt: skip


class VoiceKeywordUpdateSerializer(serializers.Serializer):
    keyword = serializers.CharField(max_length=services.MAX_KEYWORD, required=False)
    is_brand = serializers.BooleanField(required=False)
    label = serializers.CharField(max_length=services.MAX_LABEL, required=False, allow_blank=True)


class VoiceKeywordFilterSet(django_filters.FilterSet):
    campaign = django_filters.NumberFilter(field_name="campaign_id")
    is_brand = django_filters.BooleanFilter()

    class Meta:
        fields: list[str] = []


class VoiceKeywordApi(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
    OrganizationViewSet,
):  # fmt: skip
    """A campaign's brand and competitor keywords, counted for its share of voice."""

    model = VoiceKeyword
    lookup_url_kwarg = "keyword_id"
    filterset_class = VoiceKeywordFilterSet
    serializer_class = VoiceKeywordSerializer

    def get_org_queryset(self, organization):
        return selectors.voice_keyword_queryset(organization=organization)

    @extend_schema(request=VoiceKeywordCreateSerializer, responses={201: VoiceKeywordSerializer})
    def create(self, request, *args, **kwargs):
        body = VoiceKeywordCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            campaign = campaign_selectors.campaign_get(organization=self.organization,
                                                       campaign_id=data["campaign"])  # fmt: skip
        except Campaign.DoesNotExist:
            raise _not_found("campaign") from None
        keyword = services.voice_keyword_create(
            organization=self.organization, campaign=campaign, keyword=data["keyword"],
            is_brand=data["is_brand"], label=data.get("label", ""),
        )  # fmt: skip
        return Response(VoiceKeywordSerializer(keyword).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=VoiceKeywordUpdateSerializer, responses=VoiceKeywordSerializer)
    def partial_update(self, request, *args, **kwargs):
        body = VoiceKeywordUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        keyword = services.voice_keyword_update(
            organization=self.organization, voice_keyword=self.get_object(),
            **body.validated_data,
        )  # fmt: skip
        return Response(VoiceKeywordSerializer(keyword).data)

    def perform_destroy(self, instance):
        services.voice_keyword_delete(organization=self.organization, voice_keyword=instance)


class KeywordMentionsSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="keyword.id")
    keyword = serializers.CharField(source="keyword.keyword")
    is_brand = serializers.BooleanField(source="keyword.is_brand")
    label = serializers.CharField(source="keyword.label")
    in_captions = serializers.IntegerField()
    in_transcripts = serializers.IntegerField()
    mentions = serializers.IntegerField()


class LabelMentionsSerializer(serializers.Serializer):
    label = serializers.CharField()
    is_brand = serializers.BooleanField()
    mentions = serializers.IntegerField()
    share = serializers.DecimalField(
        max_digits=8, decimal_places=6, allow_null=True,
        help_text="Of all tracked mentions; null when none",
    )  # fmt: skip


class ShareOfVoiceSerializer(serializers.Serializer):
    share = serializers.DecimalField(
        max_digits=8, decimal_places=6, allow_null=True,
        help_text="brand mentions / (brand + competitor mentions); null (shown as —) when "
        "there are none",
    )  # fmt: skip
    brand_mentions = serializers.IntegerField()
    competitor_mentions = serializers.IntegerField()
    posts = serializers.IntegerField(help_text="Published posts in the period")
    captions = serializers.IntegerField(help_text="Approved captions read")
    transcripts = serializers.IntegerField(help_text="Transcripts read")
    since = serializers.DateField(allow_null=True)
    until = serializers.DateField(allow_null=True)
    keywords = KeywordMentionsSerializer(many=True)
    labels = LabelMentionsSerializer(many=True)


def _date_param(request, name: str) -> datetime.date | None:
    raw = (request.query_params.get(name) or "").strip()
    if not raw:
        return None
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise serializers.ValidationError(
            {name: [f"{raw!r} is not a date (YYYY-MM-DD)."]}
        ) from None


class ShareOfVoiceApi(OrganizationApiView):
    """A campaign's share of voice (METRICS.md): mentions of its brand and competitor
    keywords in the approved captions and transcripts of its posts published in the
    period (by publication day in the organization's timezone), per keyword and label."""

    serializer_class = ShareOfVoiceSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("since", OpenApiTypes.DATE, description="First day (inclusive)"),
            OpenApiParameter("until", OpenApiTypes.DATE, description="Last day (inclusive)"),
        ],
        responses=ShareOfVoiceSerializer,
    )
    def get(self, request, org_slug: str, campaign_id: int):
        try:
            campaign = campaign_selectors.campaign_get(organization=self.organization,
                                                       campaign_id=campaign_id)  # fmt: skip
        except Campaign.DoesNotExist:
            raise NotFound() from None
        since, until = _date_param(request, "since"), _date_param(request, "until")
        if since and until and since > until:
            raise serializers.ValidationError({"until": ["The period ends before it starts."]})
        sov = selectors.share_of_voice(organization=self.organization, campaign=campaign,
                                       since=since, until=until)  # fmt: skip
        data = {
            "share": sov.share, "brand_mentions": sov.brand_mentions,
            "competitor_mentions": sov.competitor_mentions, "posts": sov.posts,
            "captions": sov.captions, "transcripts": sov.transcripts, "since": since,
            "until": until, "keywords": sov.keywords, "labels": sov.labels,
        }  # fmt: skip
        return Response(ShareOfVoiceSerializer(data).data)
