"""Campaign PDF reports: asked for by a person, rendered by a worker, stored privately.

Exactly one file per report, however often the task runs or crashes: the file has a
deterministic name (`tracking/reports/<org>/campaign-<id>-report-<id>.pdf`) and a file
left by a crashed attempt is replaced; the render runs under a row lock and starts by
checking the state, so a second delivery of the task finds the report ready."""

from __future__ import annotations

import datetime
import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from campaigns.models import Campaign
from kolhub.models import Organization, User
from tracking import report_pdf
from tracking.models import CampaignReport, ReportStatus
from tracking.selectors.reports import campaign_report_data, report_range


def report_storage_name(report: CampaignReport) -> str:
    return (
        f"tracking/reports/{report.organization_id}/"
        f"campaign-{report.campaign_id}-report-{report.pk}.pdf"
    )


@transaction.atomic
def campaign_report_request(
    *,
    organization: Organization,
    campaign: Campaign,
    requested_by: User | None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> CampaignReport:
    """A new report of the campaign, rendered by a worker once this commits."""
    from tracking.tasks import render_campaign_report_task

    if campaign.organization_id != organization.pk:
        raise ValidationError("That campaign is not in this organization.")
    date_from, date_to = report_range(organization, campaign, date_from, date_to)
    report = CampaignReport(
        organization=organization, campaign=campaign, date_from=date_from, date_to=date_to,
        requested_by=requested_by,
    )  # fmt: skip
    report.full_clean()
    report.save()
    render_campaign_report_task.delay_on_commit(organization.pk, report.pk)
    return report


def _lock(organization: Organization, report_id: int) -> CampaignReport:
    return (
        CampaignReport.objects.for_org(organization)
        .select_for_update(of=("self",))
        .select_related("campaign")
        .get(pk=report_id)
    )


@transaction.atomic
def campaign_report_start(*, organization: Organization, report_id: int) -> bool:
    """Committed on its own, so the page shows "rendering" and the attempt count survives
    a crash. False when the report is already ready."""
    locked = _lock(organization, report_id)
    if locked.status == ReportStatus.READY:
        return False
    locked.status = ReportStatus.RENDERING
    locked.attempts += 1
    locked.save(update_fields=["status", "attempts", "updated_at"])
    return True


@transaction.atomic
def campaign_report_render(*, organization: Organization, report_id: int) -> CampaignReport:
    locked = _lock(organization, report_id)
    if locked.status == ReportStatus.READY:
        return locked
    data = campaign_report_data(
        organization=organization, campaign=locked.campaign, date_from=locked.date_from,
        date_to=locked.date_to,
    )  # fmt: skip
    pdf = report_pdf.report_render(data)
    name = report_storage_name(locked)
    if default_storage.exists(name):
        default_storage.delete(name)  # left by an attempt that crashed before committing
    stored = default_storage.save(name, ContentFile(pdf))
    if stored != name:
        raise RuntimeError(f"storage saved {stored!r} instead of {name!r}")
    locked.file.name = stored
    locked.sha256 = hashlib.sha256(pdf).hexdigest()
    locked.status, locked.error = ReportStatus.READY, ""
    locked.rendered_at = timezone.now()
    locked.save(update_fields=["file", "sha256", "status", "error", "rendered_at", "updated_at"])
    return locked


@transaction.atomic
def campaign_report_failed(*, organization: Organization, report_id: int, error: str) -> None:
    locked = _lock(organization, report_id)
    if locked.status == ReportStatus.READY:
        return
    locked.status, locked.error = ReportStatus.FAILED, error[:2000]
    locked.save(update_fields=["status", "error", "updated_at"])
