"""The public /verify/ answer for an uploaded PDF: was it issued by this deployment, is it
intact or modified since sealing, and who signed it when.

Two independent checks: the SHA-256 of the uploaded bytes against the register of issued
PDFs (IssuedDocument), and pyHanko's validation of the seal against the deployment's
certificate (contracts.seal). The answer shows only what the PDF itself prints (title,
version, signers' names and times), so anyone holding the PDF learns nothing new."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings

from contracts import seal, selectors
from contracts.models import IssuedDocument

PDF_MAGIC = b"%PDF-"


class VerifyRefused(Exception):
    """The upload is not something we check (not a PDF, too large)."""


@dataclass
class Verdict:
    status: str  # "valid", "modified", "unknown"
    headline: str
    sha256: str
    record: IssuedDocument | None = None
    check: seal.SealCheck | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.status == "valid"

    @property
    def signers(self) -> list[dict]:
        """The register's signers with their times as datetimes, as the PDF prints them."""
        if self.record is None:
            return []
        return [
            {**s, "signed_at": datetime.fromisoformat(s["signed_at"])} for s in self.record.signers
        ]


def check_upload_size(size: int | None) -> None:
    limit = settings.CONTRACTS_VERIFY_MAX_BYTES
    if size is not None and size > limit:
        raise VerifyRefused(
            f"That file is {size / 1_048_576:.1f} MB; sealed contracts are small, and this page "
            f"accepts PDFs up to {limit / 1_048_576:.0f} MB."
        )


def check_pdf_magic(head: bytes) -> None:
    # PDF readers accept the header anywhere in the first 1024 bytes.
    if PDF_MAGIC not in head[:1024]:
        raise VerifyRefused("That file is not a PDF: upload the contract PDF you downloaded.")


def verify_pdf(data: bytes) -> Verdict:
    check_upload_size(len(data))
    check_pdf_magic(data)
    digest = hashlib.sha256(data).hexdigest()
    record = selectors.issued_document_get(digest)
    check = seal.seal_check(data)
    if record is not None and check.valid:
        return Verdict(
            status="valid",
            sha256=digest,
            record=record,
            check=check,
            headline="Valid: issued by this deployment and unchanged since it was sealed.",
        )
    if record is not None:
        # Byte-identical to what we issued, yet the seal does not check out: the seal
        # certificate changed without its predecessor being kept for verification.
        return Verdict(
            status="valid",
            sha256=digest,
            record=record,
            check=check,
            headline="Issued by this deployment and unchanged (its bytes match our register).",
            notes=[
                "The seal could not be checked against the current certificate: "
                + " ".join(check.problems)
            ],
        )
    if check.found and check.trusted:
        return Verdict(
            status="modified",
            sha256=digest,
            check=check,
            headline="Modified: this PDF was sealed by this deployment, but it has been changed "
            "since. Do not rely on it; ask the sender for the original.",
            notes=check.problems,
        )
    if check.found or not check.readable:
        return Verdict(
            status="modified",
            sha256=digest,
            check=check,
            headline="Not valid: the file is damaged or its seal does not check out, and it does "
            "not match any contract this deployment issued.",
            notes=check.problems,
        )
    return Verdict(
        status="unknown",
        sha256=digest,
        check=check,
        headline="Not issued here: this PDF carries no seal of this deployment and matches no "
        "contract it issued.",
    )
