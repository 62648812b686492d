"""The signed PDF: rendered with WeasyPrint, sealed with pyHanko (PAdES), validated here
with pyHanko against the test certificate, its text extracted to show the terms and the
certificate of completion; stored once, however often the render runs; verified intact,
and refused when one byte is changed."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from django.conf import settings
from django.core.files.storage import default_storage
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from contracts import services
from contracts.models import ContractState, IssuedDocument, PdfStatus
from contracts.seal import DEV_PASSPHRASE, SEAL_FIELD
from contracts.verification import VerifyRefused, verify_pdf
from tests.contracts.factories import completed_contract, seal_for_tests_path

pytestmark = pytest.mark.django_db


def seal_certificate() -> asn1_x509.Certificate:
    _, certificate, _ = pkcs12.load_key_and_certificates(
        seal_for_tests_path().read_bytes(), DEV_PASSPHRASE.encode()
    )
    return asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER))


@pytest.fixture
def sealed(tenant_a):
    with tenant_a.context():
        contract = completed_contract(
            tenant_a, fee="4321.00", exclusive=["skincare"], exclusive_days=45
        )
    with contract.pdf_file.open("rb") as handle:
        data = handle.read()
    return contract, data


def flip(data: bytes, at: int) -> bytes:
    out = bytearray(data)
    out[at] ^= 0x01
    return bytes(out)


def test_pdf_is_sealed_pades_and_trusted_against_the_test_certificate(sealed):
    contract, data = sealed
    assert contract.state == ContractState.COMPLETED and contract.pdf_status == PdfStatus.READY
    assert contract.pdf_sha256 == hashlib.sha256(data).hexdigest()
    reader = PdfFileReader(io.BytesIO(data))
    (signature,) = reader.embedded_signatures
    assert signature.field_name == SEAL_FIELD
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    status = validate_pdf_signature(
        signature, signer_validation_context=ValidationContext(trust_roots=[seal_certificate()])
    )
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.bottom_line


def test_pdf_text_shows_the_terms_signatures_and_certificate_of_completion(sealed, tenant_a):
    contract, data = sealed
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    flat = " ".join(text.split())
    for expected in (
        "Creator Partnership Agreement",
        "Dr Ana Ruiz",
        "USD 4,321.00",
        "Reel",
        "skincare",
        "12.5%",
        "the State of New York",
        "#ad",
        "Signature page",
        "Certificate of completion",
        "Audit trail",
        "203.0.113.7",
        "198.51.100.42",
        "BrandBrowser/1.0",
        "CreatorPhone/2.0",
        tenant_a.organization.name,
        "Consumer disclosure",
    ):
        assert expected in flat, expected
    assert "{#" not in flat and "{%" not in flat and "{{" not in flat  # no template leaks
    # Document hashes: the certificate prints the full SHA-256 of the signed version.
    assert contract.document_sha256[:32] in flat.replace(" ", "")


def test_verify_says_valid_for_the_pdf_and_modified_for_one_changed_byte(sealed):
    contract, data = sealed
    verdict = verify_pdf(data)
    assert verdict.status == "valid", verdict.headline
    assert verdict.record.contract_id == contract.pk
    assert {s["party"] for s in verdict.record.signers} == {"brand", "creator"}
    assert verdict.check.intact and verdict.check.trusted and verdict.check.whole_file
    # One byte in the middle of the sealed content, and one inside the signature itself.
    for at in (len(data) // 3, data.index(b"/Contents <") + 200):
        tampered = verify_pdf(flip(data, at))
        assert tampered.status == "modified", (at, tampered.headline)
        assert tampered.record is None


def test_content_appended_after_sealing_is_reported(sealed):
    _, data = sealed
    verdict = verify_pdf(data + b"\n% appended\n")
    assert verdict.status == "modified"


def test_verify_refuses_non_pdf_and_oversized_input(settings):
    with pytest.raises(VerifyRefused, match="not a PDF"):
        verify_pdf(b"GIF89a not a pdf at all")
    settings.CONTRACTS_VERIFY_MAX_BYTES = 1000
    with pytest.raises(VerifyRefused, match="up to 0 MB|accepts PDFs up to"):
        verify_pdf(b"%PDF-1.7\n" + b"0" * 2000)


def test_a_pdf_not_issued_here_is_unknown():
    from weasyprint import HTML

    verdict = verify_pdf(HTML(string="<p>someone else's contract</p>").write_pdf())
    assert verdict.status == "unknown"


def test_rerunning_the_render_keeps_exactly_one_pdf(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        contract = completed_contract(tenant_a, render=False)
        name = services.pdf_storage_name(contract)
        # A crashed attempt left a file at the deterministic name, and nothing recorded.
        default_storage.save(name, io.BytesIO(b"%PDF-1.7 half-written"))
        assert services.contract_pdf_start(organization=org, contract_id=contract.pk)
        services.contract_pdf_render(organization=org, contract_id=contract.pk)
        contract.refresh_from_db()
        first = contract.pdf_sha256
        # Delivered again: nothing to do.
        assert not services.contract_pdf_start(organization=org, contract_id=contract.pk)
        services.contract_pdf_render(organization=org, contract_id=contract.pk)
        contract.refresh_from_db()
        assert contract.pdf_sha256 == first and contract.pdf_attempts == 1
    folder = Path(settings.MEDIA_ROOT) / Path(name).parent
    assert [p.name for p in folder.iterdir()] == [Path(name).name]
    assert hashlib.sha256((folder / Path(name).name).read_bytes()).hexdigest() == first
    assert IssuedDocument.objects.filter(contract_id=contract.pk).count() == 1


def test_completion_email_carries_the_sealed_pdf(tenant_a, django_capture_on_commit_callbacks):
    from kolhub.models import OutboxEmail

    org = tenant_a.organization
    with tenant_a.context():
        contract = completed_contract(tenant_a, render=False)
        services.contract_pdf_start(organization=org, contract_id=contract.pk)
        with django_capture_on_commit_callbacks(execute=True):
            services.contract_pdf_render(organization=org, contract_id=contract.pk)
    done = OutboxEmail.objects.filter(subject__startswith="Signed by everyone")
    assert sorted(done.values_list("to", flat=True)) == sorted(
        ["ana@creator.test", tenant_a.admin.email]
    )
