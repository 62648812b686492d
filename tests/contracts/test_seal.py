"""The seal itself: the development certificate command, production refusing to fall back
to a self-signed seal, and PAdES B-T when a timestamp authority is configured (a real
RFC 3161 exchange over HTTP with a TSA served on the loopback interface)."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from asn1crypto import tsp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from pyhanko.keys.internal import (
    translate_pyca_cryptography_cert_to_asn1,
    translate_pyca_cryptography_key_to_asn1,
)
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from weasyprint import HTML

from contracts import seal


def test_dev_certificate_command_writes_a_usable_seal(tmp_path, settings):
    target = tmp_path / "seal.p12"
    out = io.StringIO()
    call_command("contracts_dev_certificate", path=str(target), stdout=out)
    assert "certificate SHA-256" in out.getvalue() and "Self-signed" in out.getvalue()
    assert target.stat().st_mode & 0o077 == 0  # readable by its owner only
    with pytest.raises(CommandError, match="exists"):
        call_command("contracts_dev_certificate", path=str(target))
    settings.CONTRACTS_SEAL_PKCS12_PATH = str(target)
    settings.CONTRACTS_SEAL_PKCS12_PASSPHRASE = seal.DEV_PASSPHRASE
    key = seal.seal_key()
    assert key.self_signed and "development" in key.subject


def test_without_a_configured_seal_production_refuses(settings):
    settings.CONTRACTS_SEAL_PKCS12_PATH = ""
    settings.CONTRACTS_ALLOW_DEV_SEAL = False
    with pytest.raises(ImproperlyConfigured, match="CONTRACTS_SEAL_PKCS12_PATH"):
        seal.seal_key()


def test_a_wrong_passphrase_is_named(settings):
    settings.CONTRACTS_SEAL_PKCS12_PASSPHRASE = "not-it"
    with pytest.raises(ImproperlyConfigured, match="wrong passphrase"):
        seal.seal_key()


def _tsa(tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Loopback test TSA")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(key, hashes.SHA256())
    )
    pem = tmp_path / "tsa.pem"
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    stamper = DummyTimeStamper(
        tsa_cert=translate_pyca_cryptography_cert_to_asn1(cert),
        tsa_key=translate_pyca_cryptography_key_to_asn1(key),
    )

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's naming)
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            reply = asyncio.run(stamper.async_request_tsa_response(request)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, pem


def test_with_a_timestamp_authority_the_seal_is_pades_b_t(tmp_path, settings):
    server, tsa_pem = _tsa(tmp_path)
    try:
        settings.CONTRACTS_TSA_URL = f"http://127.0.0.1:{server.server_port}/"
        settings.CONTRACTS_SEAL_EXTRA_TRUST = [str(tsa_pem)]
        sealed = seal.seal_pdf(HTML(string="<p>B-T</p>").write_pdf(), reason="test")
    finally:
        server.shutdown()
    check = seal.seal_check(sealed)
    assert check.valid and check.timestamped, check.problems
    assert check.sealed_at is not None


def test_sealing_and_checking_work_where_an_event_loop_is_running():
    # pyHanko's synchronous API uses asyncio.run(); inside a running loop (an async
    # server, a test driving a browser) contracts.seal moves the call to its own thread.
    async def inside():
        sealed = seal.seal_pdf(HTML(string="<p>inside a loop</p>").write_pdf(), reason="test")
        return seal.seal_check(sealed)

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:  # a thread whose loop we own
        assert pool.submit(lambda: asyncio.run(inside())).result().valid


def test_the_cached_reservation_is_pyhankos_own_estimate():
    """seal_pdf reserves the signature's room once per key instead of letting pyHanko
    make a dummy signature every time: the sealed file is laid out exactly as pyHanko's
    own estimate would lay it out, and it validates."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter

    pdf = HTML(string="<p>Reserved</p>").write_pdf()
    ours = seal.seal_pdf(pdf, reason="test")
    key = seal.seal_key()
    meta = signers.PdfSignatureMetadata(
        field_name=seal.SEAL_FIELD, md_algorithm="sha256", subfilter=SigSeedSubFilter.PADES,
        reason="test", name="KOL Hub", signer_key_usage={"non_repudiation"},
    )  # fmt: skip
    output = io.BytesIO()
    # Through seal's own wrapper: a browser test earlier in the session leaves an event
    # loop running in this thread, where pyHanko's asyncio.run() would refuse to start.
    seal._sync(signers.PdfSigner(meta, signer=key.signer).sign_pdf,
               IncrementalPdfFileWriter(io.BytesIO(pdf)), output=output)  # fmt: skip
    assert len(ours) == len(output.getvalue())
    assert seal.seal_check(ours).valid
