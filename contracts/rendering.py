"""The signed PDF's pages: the contract exactly as signed, a signature page, and the
certificate of completion (the whole audit trail), laid out with WeasyPrint. Sealing is
contracts.seal's job; storing and recording it is contracts.services.documents'.

WeasyPrint may fetch nothing from outside: the only URLs it accepts are `data:` ones (the
drawn signatures), so a contract can never make a worker reach the network or the disk."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from contracts.disclosure import DISCLOSURE_PARAGRAPHS, DISCLOSURE_SHA256
from contracts.models import Contract, ContractEvent, Signature, Signer


@dataclass(frozen=True)
class PdfPages:
    """Everything the PDF prints, loaded by the caller (a selector) beforehand."""

    contract: Contract
    organization_name: str
    campaign_name: str
    signers: list[Signer]
    signatures: list[Signature]
    events: list[ContractEvent]
    earlier_versions: list[Contract]
    seal_subject: str
    seal_fingerprint: str
    generated_at: datetime


def _png_data_url(data: bytes | memoryview | None) -> str:
    if not data:
        return ""
    return "data:image/png;base64," + base64.b64encode(bytes(data)).decode()


def pdf_html(pages: PdfPages) -> str:
    by_signer = {s.signer_id: s for s in pages.signatures}
    rows = []
    for signer in pages.signers:
        signature = by_signer.get(signer.pk)
        rows.append(
            {
                "signer": signer,
                "signature": signature,
                "drawn": _png_data_url(signature.drawn_png) if signature else "",
            }
        )
    return render_to_string(
        "contracts/pdf/contract.html",
        {
            "pages": pages,
            "contract": pages.contract,
            # The body was sanitized when it was rendered (contracts.templating); it is printed
            # byte for byte as hashed and signed.
            "body": mark_safe(pages.contract.body_html),  # noqa: S308
            "signature_rows": rows,
            "disclosure": DISCLOSURE_PARAGRAPHS,
            "disclosure_sha256": DISCLOSURE_SHA256,
            "verify_url": settings.SITE_URL.rstrip("/") + "/verify/",
        },
    )


_shared: dict = {}


def _weasyprint_tools():
    """One URL fetcher (data: URLs only), one font configuration and one parsed
    stylesheet per process: building the font configuration and parsing the stylesheet
    are what every render would otherwise repeat, whatever the contract."""
    if not _shared:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import URLFetcher

        fetcher = URLFetcher(allowed_protocols={"data"}, timeout=1)
        fonts = FontConfiguration()
        # Passed as a user stylesheet: it beats the user-agent one exactly as the page's
        # own <style> did (no presentational hints, and the sanitized contract text has
        # no <style> of its own for the origins to disagree about).
        sheet = CSS(
            string=render_to_string("contracts/pdf/contract.css"),
            font_config=fonts,
            url_fetcher=fetcher,
        )
        _shared.update(fetcher=fetcher, fonts=fonts, sheet=sheet)
    return _shared["fetcher"], _shared["fonts"], _shared["sheet"]


def pdf_render(pages: PdfPages) -> bytes:
    """The unsealed PDF."""
    from weasyprint import HTML

    fetcher, fonts, sheet = _weasyprint_tools()
    return HTML(string=pdf_html(pages), base_url=None, url_fetcher=fetcher).write_pdf(
        stylesheets=[sheet], font_config=fonts
    )
