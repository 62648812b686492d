"""Click flush, run by beat every 15 seconds (kolhub/celery.py) and callable by hand."""

from __future__ import annotations

from celery import shared_task

from kolhub.celery import TenantBatchTask
from tracking.clicks import flush_clicks


@shared_task
def flush_clicks_task() -> int:
    # A platform job: it writes clicks of every organization, each row carrying its own
    # organization_id checked against its link (tracking.clicks._INSERT).
    return flush_clicks()


REPORT_MAX_RETRIES = 3


# acks_late + reject_on_worker_lost: a worker killed mid-render leaves the message
# unacknowledged and it is delivered again; tracking.services.reports makes the rerun
# harmless. Two transactions, so "rendering" is visible while the render runs.
@shared_task(
    base=TenantBatchTask, bind=True, acks_late=True, reject_on_worker_lost=True,
    autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=120,
    max_retries=REPORT_MAX_RETRIES,
)  # fmt: skip
def render_campaign_report_task(self, organization_id: int, report_id: int) -> dict:
    from kolhub.models import Organization
    from kolhub.tenancy.context import tenant_context
    from tracking.services import reports

    organization = Organization.objects.get(pk=organization_id)
    with tenant_context(organization):
        if not reports.campaign_report_start(organization=organization, report_id=report_id):
            return {"report_id": report_id, "rendered": False}
    try:
        with tenant_context(organization):
            report = reports.campaign_report_render(organization=organization, report_id=report_id)
    except Exception as error:
        if self.request.retries >= self.max_retries:
            with tenant_context(organization):
                reports.campaign_report_failed(
                    organization=organization,
                    report_id=report_id,
                    error=f"{type(error).__name__}: {error}",
                )
        raise
    return {"report_id": report_id, "rendered": True, "sha256": report.sha256}
