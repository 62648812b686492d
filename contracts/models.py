"""Contract templates (versioned), contracts (one row per document version), who must sign
each one, their signatures with ESIGN/UETA evidence, the audit trail, and the platform's
register of issued PDFs.

A contract row is one *document version*: its terms, the HTML rendered from them, and the
SHA-256 of that HTML are frozen once it is sent. Changing a sent contract makes a new row
(version + 1, `previous` pointing back) and supersedes the old one, whose signatures are
voided; a signature always names the hash of the exact version its signer saw.

States: draft → sent → partially_signed → completed, or voided / superseded
(contracts.services holds the moves)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from campaigns.models import Collaboration, PortalToken
from kolhub.models import CURRENCIES, Organization, TenantModel


class ContractState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent"
    PARTIALLY_SIGNED = "partially_signed", "Partially signed"
    COMPLETED = "completed", "Completed"
    VOIDED = "voided", "Voided"
    SUPERSEDED = "superseded", "Superseded"


# A collaboration has at most one contract in these states at a time.
LIVE_STATES = (
    ContractState.DRAFT,
    ContractState.SENT,
    ContractState.PARTIALLY_SIGNED,
    ContractState.COMPLETED,
)
# States in which signers may sign.
SIGNABLE_STATES = (ContractState.SENT, ContractState.PARTIALLY_SIGNED)


class SigningOrder(models.TextChoices):
    BRAND_FIRST = "brand_first", "Brand signs first"
    CREATOR_FIRST = "creator_first", "Creator signs first"


class Party(models.TextChoices):
    # Labels distinct from campaigns' offer sides, so the API schema keeps two enums.
    BRAND = "brand", "Brand (organization)"
    CREATOR = "creator", "Creator (signing link)"


class PdfStatus(models.TextChoices):
    NONE = "", "Not yet"
    QUEUED = "queued", "Queued"
    RENDERING = "rendering", "Rendering"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class ContractTemplate(TenantModel):
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    is_default = models.BooleanField(
        default=False, help_text="Used for new contracts unless another is chosen"
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="contract_template_name"),
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(is_default=True),
                name="contract_template_one_default",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ContractTemplateVersion(TenantModel):
    """One saved text of a template. Never edited: saving a changed text adds a version,
    so a contract always points at the exact text it was rendered from."""

    template = models.ForeignKey(
        ContractTemplate, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    body = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "template", "number"], name="contract_template_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.template_id} v{self.number}"


class Contract(TenantModel):
    # RESTRICT rather than PROTECT: a contract cannot be deleted from under its
    # collaboration, but deleting the whole organization still cascades.
    collaboration = models.ForeignKey(Collaboration, on_delete=models.RESTRICT, related_name="+")
    # The text a contract was rendered from must outlive edits to its template.
    template_version = models.ForeignKey(
        ContractTemplateVersion, on_delete=models.RESTRICT, related_name="contracts"
    )
    # A foreign key with a per-organization unique constraint rather than a one-to-one
    # field: every unique key of a tenant table includes the organization (Citus).
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="successors",
        help_text="The version this one supersedes",
    )
    version = models.PositiveIntegerField(default=1)
    title = models.CharField(max_length=240)
    state = models.CharField(
        max_length=20, choices=ContractState.choices, default=ContractState.DRAFT
    )
    signing_order = models.CharField(
        max_length=16, choices=SigningOrder.choices, default=SigningOrder.BRAND_FIRST
    )

    # The terms, as contracts.terms.ContractTerms.to_json(); read through `terms_data`.
    terms = models.JSONField()
    # Columns derived from the terms, for the queries that run over many contracts.
    start_date = models.DateField()
    fee_amount = models.DecimalField(max_digits=14, decimal_places=2)
    fee_currency = models.CharField(max_length=3, choices=CURRENCIES)
    usage_rights_end = models.DateField(null=True, blank=True)
    exclusivity_start = models.DateField(null=True, blank=True)
    exclusivity_end = models.DateField(null=True, blank=True)
    exclusivity_categories = ArrayField(models.CharField(max_length=80), default=list, blank=True)

    # The document: sanitized HTML rendered from template_version and the terms, and the
    # SHA-256 of exactly its UTF-8 bytes.
    body_html = models.TextField()
    document_sha256 = models.CharField(max_length=64)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.TextField(blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    # The sealed PDF, rendered by a worker once everyone has signed.
    pdf_status = models.CharField(
        max_length=10, choices=PdfStatus.choices, default=PdfStatus.NONE, blank=True
    )
    pdf_file = models.FileField(upload_to="contracts/", max_length=300, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    pdf_attempts = models.PositiveSmallIntegerField(default=0)
    pdf_error = models.TextField(blank=True)
    pdf_sealed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "collaboration", "version"], name="contract_version"
            ),
            models.UniqueConstraint(
                fields=["organization", "previous"],
                condition=Q(previous__isnull=False),
                name="contract_one_successor",
            ),
            models.UniqueConstraint(
                fields=["organization", "collaboration"],
                condition=Q(state__in=LIVE_STATES),
                name="contract_one_live_per_collaboration",
            ),
            models.CheckConstraint(
                condition=Q(exclusivity_end__isnull=True)
                | Q(exclusivity_end__gte=F("exclusivity_start")),
                name="contract_exclusivity_in_order",
            ),
            models.CheckConstraint(condition=Q(fee_amount__gte=0), name="contract_fee_positive"),
        ]
        indexes = [
            models.Index(fields=["organization", "state"], name="contract_org_state"),
            models.Index(fields=["organization", "collaboration"], name="contract_org_collab"),
            models.Index(fields=["organization", "usage_rights_end"], name="contract_usage_end"),
            models.Index(
                fields=["organization", "exclusivity_start", "exclusivity_end"],
                name="contract_exclusivity_window",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version}, {self.state})"

    @property
    def next_version(self) -> Contract | None:
        """The version that superseded this one, if any."""
        return self.successors.first()

    @property
    def terms_data(self):
        from contracts.terms import ContractTerms

        return ContractTerms.from_json(self.terms)

    @property
    def is_signable(self) -> bool:
        return self.state in SIGNABLE_STATES

    @property
    def is_final(self) -> bool:
        return self.state in (
            ContractState.COMPLETED,
            ContractState.VOIDED,
            ContractState.SUPERSEDED,
        )


class Signer(TenantModel):
    """Who must sign a contract version, in which position. The creator signs through a
    per-signer link whose token is stored hashed (random, expiring, revocable, bound to
    this signer of this contract); the brand signer is a member and signs logged in."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="signers")
    party = models.CharField(max_length=10, choices=Party.choices)
    position = models.PositiveSmallIntegerField(help_text="1 signs first")
    name = models.CharField(max_length=200)
    email = models.EmailField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The member who signs for the brand",
    )
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    first_viewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["contract", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "contract", "party"], name="signer_one_per_party"
            ),
            models.UniqueConstraint(
                fields=["organization", "contract", "position"], name="signer_position"
            ),
            models.UniqueConstraint(
                fields=["organization", "token_hash"],
                condition=~Q(token_hash=""),
                name="signer_token",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.party}) on {self.contract_id}"

    @property
    def link_is_live(self) -> bool:
        return (
            bool(self.token_hash)
            and bool(self.token_expires_at)
            and (self.token_expires_at > timezone.now())
        )


class SignerKind(models.TextChoices):
    MEMBER = "member", "Organization member"
    CREATOR = "creator", "Creator (signing link)"
    PORTAL = "portal", "Creator (portal)"


class Signature(TenantModel):
    """The evidence of one signature (ESIGN § 7001, UETA § 9: attributable to the person,
    with intent, on a record they could keep)."""

    contract = models.ForeignKey(Contract, on_delete=models.RESTRICT, related_name="signatures")
    signer = models.ForeignKey(Signer, on_delete=models.RESTRICT, related_name="signatures")
    party = models.CharField(max_length=10, choices=Party.choices)
    signer_kind = models.CharField(max_length=10, choices=SignerKind.choices)
    typed_name = models.CharField(max_length=200)
    email = models.EmailField()
    role = models.CharField(
        max_length=40, blank=True, help_text="The member's role in the organization"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.TextField(blank=True)
    signed_at = models.DateTimeField(default=timezone.now)
    document_sha256 = models.CharField(max_length=64)
    consented_at = models.DateTimeField()
    disclosure_sha256 = models.CharField(max_length=64)
    intent_text = models.TextField()
    drawn_png = models.BinaryField(null=True, blank=True, editable=False)
    # A creator who signed in the portal: the invite link they came in with (an account
    # that claimed the creator is in `user` instead). Evidence of who they were to us.
    portal_token = models.ForeignKey(
        PortalToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "signer"],
                condition=Q(voided_at__isnull=True),
                name="signature_one_per_signer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.typed_name} signed {self.contract_id} at {self.signed_at:%Y-%m-%d %H:%M}"


class EventKind(models.TextChoices):
    CREATED = "created", "Created"
    UPDATED = "updated", "Draft edited"
    SENT = "sent", "Sent for signature"
    LINK_SENT = "link_sent", "Signing request emailed"
    VIEWED = "viewed", "Opened by signer"
    CONSENTED = "consented", "Consented to sign electronically"
    SIGNED = "signed", "Signed"
    COMPLETED = "completed", "Completed"
    SUPERSEDED = "superseded", "Superseded by a new version"
    VOIDED = "voided", "Voided"
    PDF_SEALED = "pdf_sealed", "Signed PDF sealed"
    PDF_FAILED = "pdf_failed", "Signed PDF failed"


class ContractEvent(TenantModel):
    """The audit trail the certificate of completion prints: every event with its time,
    who, from where (IP, user agent) and the document hash it concerned."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.CharField(max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.TextField(blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["organization", "contract", "at"], name="contract_event_at")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"


class IssuedDocument(models.Model):
    """The platform's register of the PDFs it sealed, looked up by SHA-256 from the public
    /verify/ page. Platform-level (not a tenant table): the lookup happens before anyone
    knows the tenant. It holds only what the PDF itself prints (title, version, signers
    and times), so answering a holder of the PDF reveals nothing new."""

    sha256 = models.CharField(max_length=64, unique=True)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    contract_id = models.BigIntegerField(db_index=True)
    title = models.CharField(max_length=240)
    version = models.PositiveIntegerField()
    document_sha256 = models.CharField(max_length=64)
    sealed_at = models.DateTimeField()
    seal_certificate_sha256 = models.CharField(max_length=64)
    # [{"name", "party", "signed_at"}], as printed on the signature page.
    signers = models.JSONField(default=list)

    class Meta:
        ordering = ["-sealed_at"]

    def __str__(self) -> str:
        return f"{self.title} v{self.version} ({self.sha256[:12]}…)"
