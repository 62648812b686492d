"""Celery tasks for contracts: thin wrappers that call a service with ids."""

from __future__ import annotations

from celery import shared_task

from kolhub.celery import TenantBatchTask, TenantTask
from kolhub.tenancy.context import current_organization

PDF_MAX_RETRIES = 4


@shared_task(
    base=TenantTask, bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def send_contract_email_task(
    self, organization_id: int, signer_id: int, kind: str, token: str = ""
) -> bool:
    from contracts.services import contract_email_send

    return contract_email_send(
        organization=current_organization(), signer_id=signer_id, kind=kind, token=token
    )


# acks_late + reject_on_worker_lost: a worker killed mid-render (SIGKILL, OOM) leaves the
# message unacknowledged and it is delivered again; the services make the rerun harmless
# (contracts.services.documents). Two transactions, so "rendering" and the attempt count
# are visible (and survive a crash) while the render itself runs under its row lock.
@shared_task(
    base=TenantBatchTask,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=120,
    max_retries=PDF_MAX_RETRIES,
)
def render_contract_pdf_task(self, organization_id: int, contract_id: int) -> dict:
    from contracts import services
    from kolhub.models import Organization
    from kolhub.tenancy.context import tenant_context

    organization = Organization.objects.get(pk=organization_id)
    with tenant_context(organization):
        if not services.contract_pdf_start(organization=organization, contract_id=contract_id):
            return {"contract_id": contract_id, "rendered": False}
    try:
        with tenant_context(organization):
            contract = services.contract_pdf_render(
                organization=organization, contract_id=contract_id
            )
    except Exception as error:
        if self.request.retries >= self.max_retries:
            with tenant_context(organization):
                services.contract_pdf_failed(
                    organization=organization,
                    contract_id=contract_id,
                    error=f"{type(error).__name__}: {error}",
                )
        raise
    return {"contract_id": contract_id, "rendered": True, "pdf_sha256": contract.pdf_sha256}
