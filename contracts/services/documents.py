"""The signed PDF: rendered, sealed and stored by a worker once everyone has signed.

Exactly one PDF per contract version, however often the task runs or crashes:
- the file has a deterministic name (`contracts/<org>/contract-<id>-v<version>.pdf`), and a
  file left there by a crashed attempt is replaced, never kept beside a new one;
- the render runs under a row lock on the contract and starts by checking the state, so
  a second delivery of the task waits for the first and then finds the PDF ready;
- the row, the register entry (IssuedDocument) and the event commit together, after the
  file is stored, so a crash leaves either nothing recorded or everything."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from contracts import rendering, seal, selectors
from contracts.models import (
    Contract,
    ContractState,
    EventKind,
    IssuedDocument,
    Party,
    PdfStatus,
    Signer,
)
from contracts.services.common import Actor, event_add, same_org
from contracts.services.contracts import pdf_queue
from kolhub.models import Organization

KOLHUB = Actor(label="KOL Hub")


def pdf_storage_name(contract: Contract) -> str:
    return f"contracts/{contract.organization_id}/contract-{contract.pk}-v{contract.version}.pdf"


def _lock(organization: Organization, contract_id: int) -> Contract:
    return (
        Contract.objects.for_org(organization).select_for_update(of=("self",)).get(pk=contract_id)
    )


@transaction.atomic
def contract_pdf_start(*, organization: Organization, contract_id: int) -> bool:
    """First step of a render, committed on its own so the page can show "rendering" and
    the attempt count survives a crash. False when there is nothing to do."""
    locked = _lock(organization, contract_id)
    if locked.state != ContractState.COMPLETED or locked.pdf_status == PdfStatus.READY:
        return False
    locked.pdf_status = PdfStatus.RENDERING
    locked.pdf_attempts += 1
    locked.save(update_fields=["pdf_status", "pdf_attempts", "updated_at"])
    return True


@transaction.atomic
def contract_pdf_render(*, organization: Organization, contract_id: int) -> Contract:
    """Render, seal, store and record the signed PDF (run by the worker)."""
    locked = _lock(organization, contract_id)
    if locked.state != ContractState.COMPLETED or locked.pdf_status == PdfStatus.READY:
        return locked
    key = seal.seal_key()
    pages = selectors.contract_pdf_pages(organization=organization, contract=locked, seal_key=key)
    pdf = seal.seal_pdf(
        rendering.pdf_render(pages),
        reason=f"Contract {locked.pk} v{locked.version} signed by every party; sealed by KOL Hub",
        location=settings.SITE_URL,
    )
    digest = hashlib.sha256(pdf).hexdigest()
    name = pdf_storage_name(locked)
    if default_storage.exists(name):
        default_storage.delete(name)  # left by an attempt that crashed before committing
    stored = default_storage.save(name, ContentFile(pdf))
    if stored != name:
        raise RuntimeError(f"storage saved {stored!r} instead of {name!r}")
    sealed_at = timezone.now()
    IssuedDocument.objects.create(
        sha256=digest,
        organization=organization,
        contract_id=locked.pk,
        title=locked.title,
        version=locked.version,
        document_sha256=locked.document_sha256,
        sealed_at=sealed_at,
        seal_certificate_sha256=key.fingerprint,
        signers=[
            {"name": s.typed_name, "party": s.party, "signed_at": s.signed_at.isoformat()}
            for s in pages.signatures
        ],
    )
    locked.pdf_file.name = stored
    locked.pdf_sha256, locked.pdf_sealed_at = digest, sealed_at
    locked.pdf_status, locked.pdf_error = PdfStatus.READY, ""
    locked.save(
        update_fields=[
            "pdf_file",
            "pdf_sha256",
            "pdf_sealed_at",
            "pdf_status",
            "pdf_error",
            "updated_at",
        ]
    )
    event_add(
        organization=organization,
        contract=locked,
        kind=EventKind.PDF_SEALED,
        actor=KOLHUB,
        detail=f"PDF SHA-256 {digest}, sealed with certificate {key.fingerprint}",
    )
    _completion_notify(organization, locked)
    return locked


def _completion_notify(organization: Organization, contract: Contract) -> None:
    """Email every signer the sealed PDF. The creator's signing link keeps working for
    another CONTRACTS_SIGN_LINK_DAYS, to download it again (they have no login)."""
    from contracts.tasks import send_contract_email_task

    for signer in Signer.objects.for_org(organization).filter(contract=contract):
        if signer.party == Party.CREATOR and signer.token_hash:
            signer.token_expires_at = timezone.now() + timedelta(
                days=settings.CONTRACTS_SIGN_LINK_DAYS
            )
            signer.save(update_fields=["token_expires_at", "updated_at"])
        send_contract_email_task.delay_on_commit(organization.pk, signer.pk, "completed", "")


@transaction.atomic
def contract_pdf_failed(*, organization: Organization, contract_id: int, error: str) -> None:
    """The worker gave up (retries exhausted): say so on the contract page."""
    locked = _lock(organization, contract_id)
    if locked.pdf_status == PdfStatus.READY:
        return
    locked.pdf_status, locked.pdf_error = PdfStatus.FAILED, error[:2000]
    locked.save(update_fields=["pdf_status", "pdf_error", "updated_at"])
    event_add(
        organization=organization,
        contract=locked,
        kind=EventKind.PDF_FAILED,
        actor=KOLHUB,
        detail=error[:500],
    )


@transaction.atomic
def contract_pdf_retry(*, organization: Organization, contract: Contract) -> Contract:
    same_org(organization, contract)
    locked = _lock(organization, contract.pk)
    if locked.state != ContractState.COMPLETED:
        raise ValidationError("Only a completed contract has a signed PDF.")
    if locked.pdf_status == PdfStatus.READY:
        raise ValidationError("The signed PDF is already there.")
    pdf_queue(organization=organization, contract=locked)
    return locked
