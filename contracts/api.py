"""REST API for contract templates (CRUD; a changed text becomes a new version),
contracts (list, detail, create, revise, send, void), their signing status, the signed
PDF, and the exclusivity check. Mounted at /api/v1/o/<org_slug>/ by contracts/api_urls.py.

Signing itself is not an API operation: an electronic signature needs the person, their
consent to the disclosure and their stated intent, so it happens on the signing pages."""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from campaigns.models import Collaboration
from contracts import selectors, services
from contracts.models import (
    Contract,
    ContractEvent,
    ContractState,
    ContractTemplate,
    ContractTemplateVersion,
    Party,
    SignerKind,
    SigningOrder,
)
from contracts.terms import ContractTerms
from contracts.views import pdf_response
from kolhub.api.authentication import ApiKeyPrincipal
from kolhub.api.base import OrganizationApiView, OrganizationViewSet
from kolhub.clients import client_ip
from kolhub.models import CURRENCIES


def _actor(request) -> services.Actor:
    user = request.user
    meta = request._request.META
    common = {
        "ip_address": client_ip(request._request),
        "user_agent": meta.get("HTTP_USER_AGENT", ""),
    }
    if isinstance(user, ApiKeyPrincipal):
        return services.Actor(label=f"API key {user.key.name}", **common)
    return services.Actor(label=f"{user.display_name} <{user.email}> (API)", user=user, **common)


# --- terms -------------------------------------------------------------------------------


class ContractPartiesSerializer(serializers.Serializer):
    brand_name = serializers.CharField(max_length=200)
    brand_signer_name = serializers.CharField(max_length=200)
    brand_signer_email = serializers.EmailField(
        help_text="A member with role admin or owner: they sign for the brand"
    )
    brand_signer_title = serializers.CharField(max_length=120, required=False, allow_blank=True)
    creator_name = serializers.CharField(max_length=200)
    creator_email = serializers.EmailField(
        help_text="The signing request (a link to the contract in their portal) is emailed here"
    )


class ContractDeliverableSerializer(serializers.Serializer):
    platform = serializers.CharField(max_length=40)
    type = serializers.CharField(max_length=60)
    quantity = serializers.IntegerField(min_value=1, max_value=1000)
    due_date = serializers.DateField()


class ContractInstallmentSerializer(serializers.Serializer):
    percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    trigger = serializers.CharField(max_length=120)
    net_days = serializers.IntegerField(min_value=0, max_value=365)


class ContractUsageRightsSerializer(serializers.Serializer):
    duration_days = serializers.IntegerField(min_value=0, max_value=3650)
    channels = serializers.ListField(child=serializers.CharField(max_length=80), required=False)
    paid_amplification = serializers.BooleanField(required=False)


class ContractExclusivitySerializer(serializers.Serializer):
    categories = serializers.ListField(child=serializers.CharField(max_length=80), required=False)
    duration_days = serializers.IntegerField(min_value=0, max_value=3650)


class ContractTermsSerializer(serializers.Serializer):
    """contracts.terms.ContractTerms as JSON."""

    parties = ContractPartiesSerializer()
    campaign_name = serializers.CharField(max_length=200)
    deliverables = ContractDeliverableSerializer(many=True)
    fee_amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    fee_currency = serializers.ChoiceField(choices=CURRENCIES)
    commission_percent = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)
    payment_schedule = ContractInstallmentSerializer(many=True, required=False)
    usage_rights = ContractUsageRightsSerializer(required=False)
    exclusivity = ContractExclusivitySerializer(required=False)
    start_date = serializers.DateField()
    governing_law = serializers.CharField(max_length=120)


def _terms(data) -> ContractTerms:
    body = ContractTermsSerializer(data=data)
    body.is_valid(raise_exception=True)
    try:
        return ContractTerms.from_json(body.validated_data)
    except ValidationError as error:
        raise serializers.ValidationError(
            {f"terms.{k}": v for k, v in error.message_dict.items()}
        ) from None


# --- templates ---------------------------------------------------------------------------


class ContractTemplateSerializer(serializers.ModelSerializer):
    latest_version = serializers.SerializerMethodField(help_text="Number of the current text")
    latest_version_id = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField(help_text="The current text")
    archived = serializers.SerializerMethodField()

    class Meta:
        model = ContractTemplate
        fields = [
            "id",
            "name",
            "description",
            "is_default",
            "archived",
            "latest_version",
            "latest_version_id",
            "body",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def _latest(self, obj) -> ContractTemplateVersion | None:
        if not hasattr(obj, "_latest"):
            obj._latest = selectors.template_latest_version(
                organization=self.context["organization"], template=obj
            )
        return obj._latest

    def get_latest_version(self, obj) -> int | None:
        latest = self._latest(obj)
        return latest.number if latest else None

    def get_latest_version_id(self, obj) -> int | None:
        latest = self._latest(obj)
        return latest.pk if latest else None

    def get_body(self, obj) -> str:
        latest = self._latest(obj)
        return latest.body if latest else ""

    def get_archived(self, obj) -> bool:
        return obj.archived_at is not None


class ContractTemplateWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)
    is_default = serializers.BooleanField(required=False)
    archived = serializers.BooleanField(required=False)
    body = serializers.CharField(help_text="The template text; a change makes a new version")


class ContractTemplateApi(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    OrganizationViewSet,
):
    """Contract templates. Writing `body` checks it (unknown merge fields and anything
    but {{ field }}, {% if %} and {% for %} are refused, naming what is wrong) and, when
    it changed, adds a version. Deleting is only for a template no contract was made
    from; archive it otherwise."""

    model = ContractTemplate
    lookup_url_kwarg = "template_id"
    serializer_class = ContractTemplateSerializer

    def get_org_queryset(self, organization):
        return ContractTemplate.objects.for_org(organization).order_by("-is_default", "name", "id")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "organization": self.organization}

    def _out(self, template, code=status.HTTP_200_OK) -> Response:
        template = self.get_org_queryset(self.organization).get(pk=template.pk)
        return Response(
            ContractTemplateSerializer(template, context=self.get_serializer_context()).data,
            status=code,
        )

    @extend_schema(
        request=ContractTemplateWriteSerializer, responses={201: ContractTemplateSerializer}
    )
    def create(self, request, *args, **kwargs):
        body = ContractTemplateWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        template = services.template_create(
            organization=self.organization,
            name=data["name"],
            body=data["body"],
            description=data.get("description", ""),
            is_default=data.get("is_default", False),
            created_by=_actor(request).user,
        )
        return self._out(template, status.HTTP_201_CREATED)

    @extend_schema(request=ContractTemplateWriteSerializer, responses=ContractTemplateSerializer)
    def update(self, request, *args, **kwargs):
        template = self.get_object()
        body = ContractTemplateWriteSerializer(
            data=request.data, partial=kwargs.get("partial", False)
        )
        body.is_valid(raise_exception=True)
        data = body.validated_data
        services.template_update(
            organization=self.organization,
            template=template,
            name=data.get("name"),
            body=data.get("body"),
            description=data.get("description"),
            is_default=data.get("is_default") or None,
            archived=data.get("archived"),
            updated_by=_actor(request).user,
        )
        return self._out(template)

    def perform_destroy(self, instance):
        services.template_delete(organization=self.organization, template=instance)


# --- contracts ---------------------------------------------------------------------------


class ContractSignatureSerializer(serializers.Serializer):
    typed_name = serializers.CharField()
    signer_kind = serializers.ChoiceField(
        choices=SignerKind.choices,
        help_text="Who signed: a member, or the creator (in the portal, or by an older "
        "signing link)",
    )
    signed_at = serializers.DateTimeField()
    ip_address = serializers.CharField(allow_null=True)
    user_agent = serializers.CharField()
    document_sha256 = serializers.CharField()
    drawn = serializers.BooleanField(help_text="Whether a drawn signature was added")


class ContractSignerSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="signer.pk")
    position = serializers.IntegerField(source="signer.position")
    party = serializers.ChoiceField(choices=Party.choices, source="signer.party")
    name = serializers.CharField(source="signer.name")
    email = serializers.EmailField(source="signer.email")
    is_turn = serializers.BooleanField(help_text="Whether this signer is the one to sign now")
    notified_at = serializers.DateTimeField(source="signer.notified_at", allow_null=True)
    signature = serializers.SerializerMethodField()

    @extend_schema_field(ContractSignatureSerializer(allow_null=True))
    def get_signature(self, obj) -> dict | None:
        s = obj.signature
        if s is None:
            return None
        return {
            "typed_name": s.typed_name,
            "signer_kind": s.signer_kind,
            "signed_at": s.signed_at,
            "ip_address": s.ip_address,
            "user_agent": s.user_agent,
            "document_sha256": s.document_sha256,
            "drawn": bool(s.drawn_png),
        }


class ContractEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContractEvent
        fields = ["kind", "at", "actor", "ip_address", "user_agent", "document_sha256", "detail"]
        read_only_fields = fields


class ContractSerializer(serializers.ModelSerializer):
    collaboration = serializers.PrimaryKeyRelatedField(read_only=True)
    campaign = serializers.IntegerField(source="collaboration.campaign_id", read_only=True)
    creator = serializers.IntegerField(source="collaboration.creator_id", read_only=True)
    template_version = serializers.PrimaryKeyRelatedField(read_only=True)
    previous = serializers.PrimaryKeyRelatedField(read_only=True)
    pdf_url = serializers.SerializerMethodField(help_text="Download of the sealed PDF, when ready")

    class Meta:
        model = Contract
        fields = [
            "id",
            "title",
            "version",
            "state",
            "signing_order",
            "collaboration",
            "campaign",
            "creator",
            "template_version",
            "previous",
            "start_date",
            "fee_amount",
            "fee_currency",
            "usage_rights_end",
            "exclusivity_start",
            "exclusivity_end",
            "exclusivity_categories",
            "document_sha256",
            "sent_at",
            "completed_at",
            "voided_at",
            "void_reason",
            "superseded_at",
            "pdf_status",
            "pdf_sha256",
            "pdf_sealed_at",
            "pdf_url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_pdf_url(self, obj) -> str | None:
        if obj.pdf_status != "ready":
            return None
        return self.context["request"].build_absolute_uri(
            f"/api/v1/o/{obj.organization.slug}/contracts/{obj.pk}/pdf/"
        )


class ContractDetailSerializer(ContractSerializer):
    terms = ContractTermsSerializer(read_only=True)
    body_html = serializers.CharField(read_only=True, help_text="The document as signed")
    signers = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()

    class Meta(ContractSerializer.Meta):
        fields = [*ContractSerializer.Meta.fields, "terms", "body_html", "signers", "events"]
        read_only_fields = fields

    @extend_schema_field(ContractSignerSerializer(many=True))
    def get_signers(self, obj) -> list[dict]:
        rows = selectors.contract_signing_status(
            organization=self.context["organization"], contract=obj
        )
        return ContractSignerSerializer(rows, many=True).data

    @extend_schema_field(ContractEventSerializer(many=True))
    def get_events(self, obj) -> list[dict]:
        events = selectors.contract_events(organization=self.context["organization"], contract=obj)
        return ContractEventSerializer(events, many=True).data


class ContractCreateSerializer(serializers.Serializer):
    collaboration = serializers.IntegerField(help_text="A collaboration at stage agreed or later")
    terms = ContractTermsSerializer()
    template_version = serializers.IntegerField(
        required=False, help_text="A template version id; default: the default template's latest"
    )
    signing_order = serializers.ChoiceField(choices=SigningOrder.choices, required=False)
    title = serializers.CharField(max_length=240, required=False, allow_blank=True)


class ContractReviseSerializer(serializers.Serializer):
    terms = ContractTermsSerializer(required=False)
    template_version = serializers.IntegerField(required=False)
    signing_order = serializers.ChoiceField(choices=SigningOrder.choices, required=False)
    title = serializers.CharField(max_length=240, required=False, allow_blank=True)


class ContractSendSerializer(serializers.Serializer):
    signing_order = serializers.ChoiceField(choices=SigningOrder.choices, required=False)


class ContractVoidSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ContractFilterSet(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(choices=ContractState.choices)
    campaign = django_filters.NumberFilter(field_name="collaboration__campaign_id")
    collaboration = django_filters.NumberFilter(field_name="collaboration_id")
    creator = django_filters.NumberFilter(field_name="collaboration__creator_id")

    class Meta:
        fields: list[str] = []


class ContractApi(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    """Contracts, one row per document version. Create a draft from a collaboration and
    its terms; `revise` changes it (a draft in place; a sent one becomes a new version
    and its signatures are voided); `send` asks the signers in order; `void` withdraws
    it. Filter with `state` (repeatable), `campaign`, `collaboration`, `creator`."""

    model = Contract
    lookup_url_kwarg = "contract_id"
    filterset_class = ContractFilterSet

    def get_org_queryset(self, organization):
        return (
            selectors.contract_queryset(organization=organization)
            .select_related("organization")
            .order_by("-id")
        )

    def get_serializer_class(self):
        return {
            "list": ContractSerializer,
            "create": ContractCreateSerializer,
            "revise": ContractReviseSerializer,
            "send": ContractSendSerializer,
            "void": ContractVoidSerializer,
            "signing": ContractSignerSerializer,
        }.get(self.action, ContractDetailSerializer)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "organization": self.organization}

    def _detail(self, contract: Contract, code=status.HTTP_200_OK) -> Response:
        contract = self.get_org_queryset(self.organization).get(pk=contract.pk)
        return Response(
            ContractDetailSerializer(contract, context=self.get_serializer_context()).data,
            status=code,
        )

    def _version(self, version_id):
        if version_id is None:
            return None
        try:
            return selectors.template_version_get(
                organization=self.organization, version_id=version_id
            )
        except ContractTemplateVersion.DoesNotExist:
            raise serializers.ValidationError(
                {"template_version": ["No such template version."]}
            ) from None

    @extend_schema(request=ContractCreateSerializer, responses={201: ContractDetailSerializer})
    def create(self, request, *args, **kwargs):
        body = ContractCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            collaboration = selectors.collaboration_for_contract(
                organization=self.organization, collaboration_id=data["collaboration"]
            )
        except Collaboration.DoesNotExist:
            # Missing and another organization's look the same.
            raise serializers.ValidationError(
                {"collaboration": ["No such collaboration."]}
            ) from None
        contract = services.contract_create(
            organization=self.organization,
            collaboration=collaboration,
            terms=_terms(request.data.get("terms")),
            template_version=self._version(data.get("template_version")),
            signing_order=data.get("signing_order") or SigningOrder.BRAND_FIRST,
            title=data.get("title", ""),
            actor=_actor(request),
        )
        return self._detail(contract, status.HTTP_201_CREATED)

    @extend_schema(request=ContractReviseSerializer, responses=ContractDetailSerializer)
    @action(detail=True, methods=["post"])
    def revise(self, request, *args, **kwargs):
        """Change the terms, template, signing order or title. Answers the contract now
        current: the same one for a draft, the new version for a sent one."""
        body = ContractReviseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        current = services.contract_update(
            organization=self.organization,
            contract=self.get_object(),
            terms=_terms(request.data.get("terms")) if "terms" in data else None,
            template_version=self._version(data.get("template_version")),
            signing_order=data.get("signing_order"),
            title=data.get("title"),
            actor=_actor(request),
        )
        return self._detail(current)

    @extend_schema(request=ContractSendSerializer, responses=ContractDetailSerializer)
    @action(detail=True, methods=["post"])
    def send(self, request, *args, **kwargs):
        """Send a draft for signature: the first signer is emailed."""
        body = ContractSendSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        contract = services.contract_send(
            organization=self.organization,
            contract=self.get_object(),
            actor=_actor(request),
            signing_order=body.validated_data.get("signing_order"),
        )
        return self._detail(contract)

    @extend_schema(request=ContractVoidSerializer, responses=ContractDetailSerializer)
    @action(detail=True, methods=["post"])
    def void(self, request, *args, **kwargs):
        """Withdraw a contract that is not completed; its signing links stop working."""
        body = ContractVoidSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        contract = services.contract_void(
            organization=self.organization,
            contract=self.get_object(),
            reason=body.validated_data["reason"],
            actor=_actor(request),
        )
        return self._detail(contract)

    @extend_schema(responses=ContractSignerSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def signing(self, request, *args, **kwargs):
        """Who signs, in which order, whose turn it is, and each signature's evidence."""
        rows = selectors.contract_signing_status(
            organization=self.organization, contract=self.get_object()
        )
        return Response(ContractSignerSerializer(rows, many=True).data)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def pdf(self, request, *args, **kwargs):
        """The sealed PDF (404 until the worker has made it). `X-Content-SHA256` carries
        its hash."""
        contract = self.get_object()
        try:
            return pdf_response(contract)
        except Http404:
            raise serializers.ValidationError(
                {"pdf": ["The signed PDF is not ready; see pdf_status."]}
            ) from None


class ExclusivityConflictSerializer(serializers.Serializer):
    contract = serializers.IntegerField(source="contract.pk")
    campaign = serializers.CharField(source="contract.collaboration.campaign.name")
    categories = serializers.ListField(child=serializers.CharField())
    start = serializers.DateField()
    end = serializers.DateField()
    binding = serializers.BooleanField(help_text="Signed by both sides (else out for signature)")
    message = serializers.CharField()


class ExclusivityConflictsApi(OrganizationApiView):
    """Contracts that keep a creator exclusive for any of the given categories during a
    period (default: today). For offer forms: warn before offering a conflicting deal.
    Without parameters: every exclusivity in force today."""

    serializer_class = ExclusivityConflictSerializer

    def get_queryset(self):
        # Only for the schema generator's benefit: the rows come from the selector below.
        return Contract.objects.none()

    @extend_schema(
        parameters=[
            OpenApiParameter("creator", int, description="A creator id; default: every creator"),
            OpenApiParameter(
                "categories", str, description="Comma separated; default: every category"
            ),
            OpenApiParameter("start", OpenApiTypes.DATE),
            OpenApiParameter("end", OpenApiTypes.DATE),
        ],
        responses=ExclusivityConflictSerializer(many=True),
    )
    def get(self, request, org_slug: str):
        from django.utils.dateparse import parse_date

        params = request.query_params
        creator = params.get("creator") or ""
        if creator and not creator.isdigit():
            raise serializers.ValidationError({"creator": ["A creator id is a number."]})
        conflicts = selectors.exclusivity_conflicts(
            organization=self.organization,
            creator=int(creator) if creator else None,
            categories=[c for c in (params.get("categories") or "").split(",") if c.strip()],
            start=parse_date(params.get("start") or "") or None,
            end=parse_date(params.get("end") or "") or None,
        )
        return Response(ExclusivityConflictSerializer(conflicts, many=True).data)
