"""Every write in contracts: templates, contracts and their versions, signing, the sealed
PDF. Each service takes the organization first, runs in one transaction and enqueues its
side effects (emails, the PDF) on commit. Import as `from contracts import services`."""

from contracts.services.common import Actor
from contracts.services.contracts import (
    BRAND_SIGNER_ROLE,
    brand_signer_member,
    contract_create,
    contract_send,
    contract_update,
    contract_void,
    signer_link_issue,
    signer_link_resend,
)
from contracts.services.documents import (
    contract_pdf_failed,
    contract_pdf_render,
    contract_pdf_retry,
    contract_pdf_start,
    pdf_storage_name,
)
from contracts.services.signing import (
    PortalSigner,
    contract_email_send,
    contract_sign,
    signer_intent,
    signing_page_viewed,
    token_matches,
)
from contracts.services.templates import (
    default_template_ensure,
    template_create,
    template_delete,
    template_update,
)

__all__ = [
    "BRAND_SIGNER_ROLE",
    "Actor",
    "PortalSigner",
    "brand_signer_member",
    "contract_create",
    "contract_email_send",
    "contract_pdf_failed",
    "contract_pdf_render",
    "contract_pdf_retry",
    "contract_pdf_start",
    "contract_send",
    "contract_sign",
    "contract_update",
    "contract_void",
    "default_template_ensure",
    "pdf_storage_name",
    "signer_intent",
    "signer_link_issue",
    "signer_link_resend",
    "signing_page_viewed",
    "template_create",
    "template_delete",
    "template_update",
    "token_matches",
]
