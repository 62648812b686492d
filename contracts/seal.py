"""The deployment's seal on signed contract PDFs: its key and certificate, sealing with
pyHanko (PAdES B-B, or B-T when a timestamp authority is configured), and checking a
seal. No database here.

Where the key comes from:
- production: a PKCS#12 file named by CONTRACTS_SEAL_PKCS12_PATH, its passphrase in
  CONTRACTS_SEAL_PKCS12_PASSPHRASE (both from the environment);
- development and tests: with no path configured, a self-signed development seal at
  CONTRACTS_DEV_SEAL_PATH (under .data/, never committed), created on first use or with
  `manage.py contracts_dev_certificate`. Production settings never fall back to it.

What a seal proves, and what a self-signed one does not, is in the README ("Contracts").
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SEAL_FIELD = "KOLHubSeal"
DEV_PASSPHRASE = "kolhub-development-seal"


def _sync(fn, /, *args, **kwargs):
    """Call one of pyHanko's synchronous functions. They use asyncio.run(), which refuses
    to start where an event loop already runs in this thread (an async server, a test
    that drives a browser): there, the call gets a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args, **kwargs).result()


# --- the key ----------------------------------------------------------------------------


def _signer_class():
    from pyhanko.sign import signers
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash

    class CachedKeySigner(signers.SimpleSigner):
        """pyHanko's SimpleSigner re-parses the private key for every signature, and
        parsing (and checking) an RSA key costs ~70 ms, more than the rest of sealing
        together: keep the parsed key."""

        def __init__(self, *args, pyca_key, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._pyca_key = pyca_key

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
            name = mechanism["algorithm"].native
            hash_algo = get_pyca_cryptography_hash(digest_algorithm)
            key = self._pyca_key
            if isinstance(key, RSAPrivateKey) and name.endswith("rsa"):
                return key.sign(data, padding.PKCS1v15(), hash_algo)
            if isinstance(key, EllipticCurvePrivateKey) and name.endswith("ecdsa"):
                return key.sign(data, ECDSA(hash_algo))
            return super().sign_raw(data, digest_algorithm)

    return CachedKeySigner


@dataclass(frozen=True)
class SealKey:
    signer: object  # pyhanko SimpleSigner
    certificate: asn1_x509.Certificate
    chain: tuple[asn1_x509.Certificate, ...]
    fingerprint: str  # SHA-256 of the certificate (DER), hex
    subject: str
    self_signed: bool
    path: str


_cache: dict[tuple, SealKey] = {}
_lock = threading.Lock()


def seal_source() -> tuple[Path, bytes]:
    """(PKCS#12 path, passphrase) in force, creating the development seal if that is
    what is configured and it does not exist yet."""
    configured = getattr(settings, "CONTRACTS_SEAL_PKCS12_PATH", "")
    if configured:
        return Path(configured), settings.CONTRACTS_SEAL_PKCS12_PASSPHRASE.encode()
    if not settings.CONTRACTS_ALLOW_DEV_SEAL:
        raise ImproperlyConfigured(
            "No seal for contract PDFs: set CONTRACTS_SEAL_PKCS12_PATH (a PKCS#12 file) and "
            "CONTRACTS_SEAL_PKCS12_PASSPHRASE."
        )
    path = Path(settings.CONTRACTS_DEV_SEAL_PATH)
    if not path.exists():
        with _lock:
            if not path.exists():
                dev_certificate_create(path=path)
    return path, DEV_PASSPHRASE.encode()


def seal_key() -> SealKey:
    path, passphrase = seal_source()
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise ImproperlyConfigured(f"The seal file {path} does not exist.") from None
    cache_key = (str(path), stat.st_mtime_ns, stat.st_size, hashlib.sha256(passphrase).digest())
    key = _cache.get(cache_key)
    if key is None:
        key = _load(path, passphrase)
        _cache.clear()
        _cache[cache_key] = key
    return key


def _load(path: Path, passphrase: bytes) -> SealKey:
    from pyhanko.keys.internal import (
        translate_pyca_cryptography_cert_to_asn1,
        translate_pyca_cryptography_key_to_asn1,
    )
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    try:
        private_key, certificate, extra = pkcs12.load_key_and_certificates(
            path.read_bytes(), passphrase or None
        )
    except ValueError as error:
        raise ImproperlyConfigured(
            f"Cannot open the seal {path}: wrong passphrase or not PKCS#12 ({error})."
        ) from None
    if private_key is None or certificate is None:
        raise ImproperlyConfigured(f"The seal {path} holds no key and certificate.")
    cert = translate_pyca_cryptography_cert_to_asn1(certificate)
    chain = tuple(translate_pyca_cryptography_cert_to_asn1(c) for c in extra or ())
    store = SimpleCertificateStore()
    store.register_multiple(chain)
    signer = _signer_class()(
        signing_cert=cert,
        signing_key=translate_pyca_cryptography_key_to_asn1(private_key),
        cert_registry=store,
        pyca_key=private_key,
    )
    return SealKey(
        signer=signer,
        certificate=cert,
        chain=chain,
        fingerprint=hashlib.sha256(cert.dump()).hexdigest(),
        subject=cert.subject.human_friendly,
        self_signed=certificate.issuer == certificate.subject,
        path=str(path),
    )


def dev_certificate_create(
    *, path: Path, common_name: str = "KOL Hub development seal", days: int = 3650
) -> str:
    """Write a self-signed PKCS#12 (RSA 3072, SHA-256) for development; return the
    certificate's SHA-256 fingerprint. The file is readable by its owner only."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "KOL Hub (development only)"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    data = pkcs12.serialize_key_and_certificates(
        b"kolhub-seal",
        key,
        certificate,
        None,
        serialization.BestAvailableEncryption(DEV_PASSPHRASE.encode()),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(data)
    temporary.chmod(0o600)
    temporary.replace(path)  # atomic: a concurrent reader never sees half a file
    return hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest()


def trusted_certificates() -> list[asn1_x509.Certificate]:
    """What a seal is checked against: the seal certificate in force, its chain, and any
    earlier seal certificates kept in CONTRACTS_SEAL_EXTRA_TRUST (PEM files), so PDFs
    sealed before a key rotation still verify."""
    from pyhanko.keys import load_certs_from_pemder

    key = seal_key()
    out = [key.certificate, *key.chain]
    extra = getattr(settings, "CONTRACTS_SEAL_EXTRA_TRUST", [])
    if extra:
        out.extend(load_certs_from_pemder(extra))
    return out


# --- sealing ----------------------------------------------------------------------------


def seal_pdf(pdf: bytes, *, reason: str, location: str = "") -> bytes:
    """Seal a PDF: PAdES baseline B-B, or B-T with a signature timestamp from
    CONTRACTS_TSA_URL when one is configured."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter

    key = seal_key()
    timestamper = None
    if getattr(settings, "CONTRACTS_TSA_URL", ""):
        from pyhanko.sign.timestamps import HTTPTimeStamper

        timestamper = HTTPTimeStamper(settings.CONTRACTS_TSA_URL, timeout=10)
    meta = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        reason=reason,
        location=location or None,
        name="KOL Hub",
        signer_key_usage={"non_repudiation"},
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    output = io.BytesIO()
    pdf_signer = signers.PdfSigner(meta, signer=key.signer, timestamper=timestamper)
    # Without a timestamp the signature's size depends on the key alone: reserve what
    # pyHanko's own estimate gives (a whole dummy signature, ~40 % of sealing) once per
    # key. A timestamp token varies in size: pyHanko estimates it per call.
    reserved = None if timestamper is not None else _bytes_reserved(key)
    _sync(pdf_signer.sign_pdf, writer, output=output, bytes_reserved=reserved)
    return output.getvalue()


_reserved: dict[str, int] = {}


def _bytes_reserved(key: SealKey) -> int:
    """What PdfSigningSession.estimate_signature_container_size returns for this key,
    without a timestamper or revocation info (the same dummy signature, the same
    margin), computed once per key."""
    if key.fingerprint not in _reserved:
        from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

        cms = _sync(
            asyncio.run,
            key.signer.async_sign(
                hashes.Hash(hashes.SHA256()).finalize(),
                "sha256",
                use_pades=True,
                dry_run=True,
                signed_attr_settings=PdfCMSSignedAttributes(signing_time=dt.datetime.now(dt.UTC)),
            ),
        )
        size = len(cms.dump()) * 2  # embedded as a hexadecimal string
        _reserved[key.fingerprint] = size + 2 * (size // 4)
    return _reserved[key.fingerprint]


# --- checking ---------------------------------------------------------------------------


@dataclass
class SealCheck:
    readable: bool = True
    found: bool = False  # a seal field of ours is in the file
    intact: bool = False  # the bytes it covers are unchanged and the signature is sound
    trusted: bool = False  # made with this deployment's certificate
    whole_file: bool = False  # nothing was appended after sealing
    timestamped: bool = False  # B-T: a timestamp authority vouched for the time
    signer_subject: str = ""
    certificate_sha256: str = ""
    sealed_at: dt.datetime | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.found and self.intact and self.trusted and self.whole_file


def seal_check(pdf: bytes) -> SealCheck:
    """Validate our seal in `pdf` against the deployment's certificates (no network:
    revocation is not fetched; the trust anchor is the deployment's own certificate)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    check = SealCheck()
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = [s for s in reader.embedded_signatures if s.field_name == SEAL_FIELD]
    except Exception as error:  # a damaged file can fail in many ways inside the parser
        check.readable = False
        check.problems.append(f"The file cannot be read as a PDF ({type(error).__name__}).")
        return check
    if not signatures:
        return check
    check.found = True
    embedded = signatures[-1]
    try:
        trust = trusted_certificates()
        context = ValidationContext(trust_roots=trust, allow_fetching=False)
        status = _sync(
            validate_pdf_signature,
            embedded,
            signer_validation_context=context,
            ts_validation_context=context,
        )
    except Exception as error:
        check.problems.append(f"The seal cannot be checked ({type(error).__name__}).")
        return check
    certificate = embedded.signer_cert
    check.signer_subject = certificate.subject.human_friendly
    check.certificate_sha256 = hashlib.sha256(certificate.dump()).hexdigest()
    check.intact = bool(status.intact and status.valid)
    fingerprints = {hashlib.sha256(c.dump()).hexdigest() for c in trust}
    check.trusted = bool(status.trusted) or check.certificate_sha256 in fingerprints
    check.whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    check.timestamped = status.timestamp_validity is not None
    check.sealed_at = (
        status.timestamp_validity.timestamp
        if status.timestamp_validity
        else status.signer_reported_dt
    )
    if not check.intact:
        check.problems.append("The sealed bytes were changed, or the seal itself was altered.")
    if not check.trusted:
        check.problems.append("The seal was not made with this deployment's certificate.")
    if not check.whole_file:
        check.problems.append("Content was added to the file after it was sealed.")
    return check
