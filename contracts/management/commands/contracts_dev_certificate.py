"""Create the self-signed development seal for contract PDFs (a PKCS#12 file at
CONTRACTS_DEV_SEAL_PATH, under .data/ by default, never committed). Production loads its
seal from CONTRACTS_SEAL_PKCS12_PATH / CONTRACTS_SEAL_PKCS12_PASSPHRASE instead."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from contracts.seal import DEV_PASSPHRASE, dev_certificate_create


class Command(BaseCommand):
    help = "Create a self-signed PKCS#12 seal for contract PDFs in development."

    def add_arguments(self, parser):
        parser.add_argument("--path", help="Where to write it (default: CONTRACTS_DEV_SEAL_PATH)")
        parser.add_argument("--force", action="store_true", help="Replace an existing file")
        parser.add_argument("--common-name", default="KOL Hub development seal")

    def handle(self, *args, path=None, force=False, common_name="", **options):
        target = Path(path or settings.CONTRACTS_DEV_SEAL_PATH)
        if target.exists() and not force:
            raise CommandError(
                f"{target} exists; --force replaces it (PDFs sealed with the old one will then "
                "verify only if its certificate is listed in CONTRACTS_SEAL_EXTRA_TRUST)."
            )
        fingerprint = dev_certificate_create(path=target, common_name=common_name)
        self.stdout.write(f"wrote {target} (passphrase {DEV_PASSPHRASE!r})")
        self.stdout.write(f"certificate SHA-256 {fingerprint}")
        self.stdout.write(
            "Self-signed: it proves a PDF is unchanged since this deployment sealed it, not "
            "who runs the deployment. Production: CONTRACTS_SEAL_PKCS12_PATH/_PASSPHRASE."
        )
