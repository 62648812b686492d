"""Outreach over the API: pitch templates (CRUD), a collaboration's pitch (preview, then
send), its message thread (list, write), and a campaign's follow-up schedule. Writes go
through campaigns.services.outreach, which refuses what the web pages refuse."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from campaigns import merge_fields, selectors, services
from campaigns.api.campaigns import request_actor
from campaigns.models import (
    Campaign,
    Collaboration,
    FollowUpPlan,
    MessageKind,
    OutreachMessage,
    PitchTemplate,
    TemplateKind,
)
from kolhub.api.base import OrganizationViewSet


class PitchTemplateSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=TemplateKind.choices, default=TemplateKind.PITCH)
    body = serializers.CharField(
        max_length=10_000,
        help_text="Merge fields: "
        + ", ".join(merge_fields.placeholder(n) for n in merge_fields.MERGE_FIELDS),
    )

    class Meta:
        model = PitchTemplate
        fields = ["id", "name", "kind", "subject", "body", "is_default", "created_at",
                  "updated_at"]  # fmt: skip
        read_only_fields = ["id", "created_at", "updated_at"]


class PitchTemplateApi(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    """Pitch and follow-up templates. An unknown merge field or a template tag is refused
    (400) naming it; `kind` cannot change after creation."""

    model = PitchTemplate
    lookup_url_kwarg = "pitch_template_id"
    serializer_class = PitchTemplateSerializer

    def get_org_queryset(self, organization):
        return selectors.pitch_template_list(organization=organization)

    def create(self, request, *args, **kwargs):
        body = PitchTemplateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user, _label = request_actor(request)
        template = services.pitch_template_create(
            organization=self.organization, created_by=user, **body.validated_data
        )
        return Response(PitchTemplateSerializer(template).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        template = self.get_object()
        body = PitchTemplateSerializer(template, data=request.data,
                                       partial=kwargs.get("partial", False))  # fmt: skip
        body.is_valid(raise_exception=True)
        data = {**PitchTemplateSerializer(template).data, **body.validated_data}
        template = services.pitch_template_update(
            organization=self.organization, template=template, name=data["name"],
            subject=data["subject"], body=data["body"], is_default=data["is_default"],
        )  # fmt: skip
        return Response(PitchTemplateSerializer(template).data)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request, *args, **kwargs):
        services.pitch_template_delete(organization=self.organization, template=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class PitchPreviewRequestSerializer(serializers.Serializer):
    template = serializers.IntegerField(
        required=False, allow_null=True,
        help_text="A pitch template of the organization; its default pitch when empty",
    )  # fmt: skip


class PitchPreviewSerializer(serializers.Serializer):
    collaboration = serializers.IntegerField(source="collaboration.pk")
    subject = serializers.CharField()
    body = serializers.CharField(
        help_text="With {{ portal_link }} kept: the link is created when the pitch is sent"
    )
    problems = serializers.ListField(
        child=serializers.CharField(), help_text="Why it cannot be sent now; empty when it can"
    )


class PitchSendSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=300)
    body = serializers.CharField(
        max_length=10_000, help_text="{{ portal_link }} becomes the creator's new link"
    )
    template = serializers.IntegerField(
        required=False, allow_null=True, help_text="The template it was written from"
    )


class MessageSerializer(serializers.ModelSerializer):
    collaboration = serializers.PrimaryKeyRelatedField(read_only=True)
    author = serializers.PrimaryKeyRelatedField(read_only=True)
    kind = serializers.ChoiceField(choices=MessageKind.choices, read_only=True)
    # Plain text, not an enum: the offers' ProposedByEnum already names this choice set.
    side = serializers.CharField(read_only=True, help_text="brand or creator")

    class Meta:
        model = OutreachMessage
        fields = ["id", "collaboration", "kind", "side", "author", "actor", "subject", "body",
                  "follow_up_step", "sent_at", "email_sent_at", "read_at"]  # fmt: skip
        read_only_fields = fields


class MessageWriteSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=10_000)


def _template(organization, template_id) -> PitchTemplate | None:
    if template_id is None:
        return None
    found = selectors.pitch_template_list(organization=organization).filter(pk=template_id).first()
    if found is None:
        raise serializers.ValidationError({"template": ["No such template."]})
    return found


class CollaborationOutreachApi(OrganizationViewSet):
    """A collaboration's pitch (preview, send) and its message thread."""

    model = Collaboration
    lookup_url_kwarg = "collaboration_id"
    serializer_class = MessageSerializer
    pagination_class = None

    def get_org_queryset(self, organization):
        return selectors.collaboration_queryset(organization=organization)

    @extend_schema(request=PitchPreviewRequestSerializer, responses=PitchPreviewSerializer)
    @action(detail=True, methods=["post"], url_path="pitch/preview")
    def pitch_preview(self, request, *args, **kwargs):
        """The pitch as the template renders it for this creator, to edit before sending."""
        body = PitchPreviewRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        org = self.organization
        services.pitch_templates_ensure_defaults(organization=org)
        template = _template(org, body.validated_data.get("template"))
        if template is None:
            template = selectors.pitch_template_default(organization=org, kind=TemplateKind.PITCH)
        user, _label = request_actor(request)
        draft = selectors.pitch_drafts(organization=org, collaborations=[self.get_object()],
                                       template=template, sender=user)[0]  # fmt: skip
        return Response(PitchPreviewSerializer(draft).data)

    @extend_schema(request=PitchSendSerializer, responses={201: MessageSerializer})
    @action(detail=True, methods=["post"])
    def pitch(self, request, *args, **kwargs):
        """Send the pitch: a new portal link, the message, the move to invited, and the
        email (after commit). 400 for a creator without email, a collaboration that is
        not shortlisted, or an empty body."""
        body = PitchSendSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user, label = request_actor(request)
        message = services.pitch_send(
            organization=self.organization, collaboration=self.get_object(),
            subject=body.validated_data["subject"], body=body.validated_data["body"], by=user,
            actor=label,
            template=_template(self.organization, body.validated_data.get("template")),
        )  # fmt: skip
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["get"], responses=MessageSerializer(many=True))
    @extend_schema(methods=["post"], request=MessageWriteSerializer,
                   responses={201: MessageSerializer})  # fmt: skip
    @action(detail=True, methods=["get", "post"])
    def messages(self, request, *args, **kwargs):
        """GET: the thread, oldest first (the stored text keeps {{ portal_link }}; the
        link itself is never stored). POST: write to the creator, who is emailed."""
        collaboration = self.get_object()
        if request.method == "GET":
            thread = selectors.outreach_thread(organization=self.organization,
                                               collaboration=collaboration)  # fmt: skip
            return Response(MessageSerializer(thread, many=True).data)
        body = MessageWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user, label = request_actor(request)
        message = services.message_post_brand(
            organization=self.organization, collaboration=collaboration,
            body=body.validated_data["body"], by=user, actor=label,
        )  # fmt: skip
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)


class FollowUpPlanSerializer(serializers.ModelSerializer):
    campaign = serializers.PrimaryKeyRelatedField(read_only=True)
    days = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=60),
                                 help_text="Days after the pitch; default 3 and 7")  # fmt: skip
    template = serializers.IntegerField(
        source="template_id", required=False, allow_null=True,
        help_text="A follow-up template; the default if empty",
    )  # fmt: skip

    class Meta:
        model = FollowUpPlan
        fields = ["campaign", "enabled", "days", "template"]


class FollowUpPlanApi(OrganizationViewSet):
    """A campaign's follow-up schedule (a campaign without one follows up after 3 and 7
    days). Follow-ups stop when the creator replies, counters, accepts or declines."""

    model = Campaign
    lookup_url_kwarg = "campaign_id"
    serializer_class = FollowUpPlanSerializer

    def get_org_queryset(self, organization):
        return Campaign.objects.for_org(organization)

    def retrieve(self, request, *args, **kwargs):
        plan = selectors.follow_up_plan_get(organization=self.organization,
                                            campaign=self.get_object())  # fmt: skip
        return Response(FollowUpPlanSerializer(plan).data)

    @extend_schema(request=FollowUpPlanSerializer, responses=FollowUpPlanSerializer)
    def update(self, request, *args, **kwargs):
        body = FollowUpPlanSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        plan = services.follow_up_plan_set(
            organization=self.organization, campaign=self.get_object(), days=data["days"],
            enabled=data.get("enabled", True),
            template=_template(self.organization, data.get("template_id")),
        )  # fmt: skip
        return Response(FollowUpPlanSerializer(plan).data)
