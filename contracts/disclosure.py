"""What a signer is shown and agrees to before signing electronically (ESIGN Act, 15 U.S.C.
§ 7001(c); UETA § 5 and § 7): the consumer disclosure, and the words that state intent.

Both texts are versioned by their SHA-256: a signature records the hash of the disclosure
the signer consented to and the exact intent wording they clicked, so changing a text
later never rewrites what an old signer agreed to."""

from __future__ import annotations

import hashlib

DISCLOSURE_TITLE = "Consumer disclosure: agreeing to sign electronically"

# Plain text, one paragraph per line; the sign page and the certificate show it as is.
DISCLOSURE_PARAGRAPHS = (
    "You are about to sign this contract electronically. Before you do, you must agree to "
    "use electronic records and signatures. Under the U.S. ESIGN Act and the Uniform "
    "Electronic Transactions Act, an electronic signature is as binding as a signature "
    "on paper.",
    "Scope: your consent covers this contract and the notices about it (signing requests, "
    "the completed copy). It does not cover other agreements.",
    "Paper copy: you may ask for a paper copy of this contract at any time, free of "
    "charge, by writing to the brand that sent it (their email is in the signing email and "
    "in the contract). You can also download and print the signed PDF once everyone has "
    "signed.",
    "Withdrawing consent: you may withdraw your consent to sign electronically at any time "
    "before you sign, by not signing and telling the brand that you want to sign on paper. "
    "Withdrawing does not undo a signature you already gave and has no fee.",
    "Keeping your contact details current: if your email address changes, tell the brand, "
    "so that notices reach you.",
    "System requirements: a current web browser (Chrome, Safari, Firefox or Edge) with "
    "cookies enabled, an email account, and software that opens PDF files (any browser "
    "does). By continuing you confirm that you can read this page, which shows you can "
    "access the contract electronically, and that you can keep a copy by downloading or "
    "printing it.",
)
DISCLOSURE_TEXT = "\n".join(DISCLOSURE_PARAGRAPHS)
DISCLOSURE_SHA256 = hashlib.sha256(DISCLOSURE_TEXT.encode()).hexdigest()

CONSENT_LABEL = (
    "I have read the consumer disclosure above and I agree to use electronic records and "
    "signatures for this contract."
)


def intent_text(*, name_hint: str, version: int, document_sha256: str) -> str:
    """The sentence beside the Sign button, naming the exact document version."""
    return (
        f"By typing my full name and clicking “Sign contract”, I adopt it as my electronic "
        f"signature and agree to be legally bound by this contract, version {version} "
        f"(document SHA-256 {document_sha256}), as {name_hint}."
    )
