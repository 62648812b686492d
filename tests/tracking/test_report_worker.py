"""A real Celery worker renders a campaign's PDF report: the button enqueues the task on
commit, the status fragment polls until the worker has stored the file, and the download
is the PDF with the campaign's figures. Stored privately under the organization's folder."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from kolhub.models import Role
from tests.kolhub.test_worker import live_worker, wait_for  # noqa: F401 (fixture)
from tests.tracking.results_world import results_world
from tracking.models import CampaignReport

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_worker_renders_the_report_the_page_polls_for(live_worker, tenant_a):  # noqa: F811
    org = tenant_a.organization
    with tenant_a.context():
        world = results_world(org)
    client = tenant_a.client(Role.MEMBER)
    args = [org.slug, world.campaign.pk]
    response = client.post(reverse("campaign_report_create", args=args),
                           {"date_from": "2026-01-01", "date_to": "2026-01-31"},
                           HTTP_HX_REQUEST="true")  # fmt: skip
    assert b"hx-trigger" in response.content  # the fragment polls itself
    with tenant_a.context():
        report = CampaignReport.objects.get()
    status_url = reverse("campaign_report_status", args=[*args, report.pk])
    wait_for(lambda: b'data-status="ready"' in client.get(status_url).content, timeout=60)
    fragment = client.get(status_url).content
    assert b"hx-trigger" not in fragment and b"Download PDF" in fragment
    with tenant_a.context():
        report.refresh_from_db()
    assert report.attempts == 1 and report.file.name.startswith(f"tracking/reports/{org.pk}/")
    pdf = client.get(reverse("campaign_report_pdf", args=[*args, report.pk]))
    text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(b"".join(pdf.streaming_content))).pages
    )
    assert "Glow launch" in text and "Per creator" in text and "Alice Derm" in text
    # Another organization's member cannot reach it.
    outsider = client.__class__()
    outsider.force_login(tenant_a.viewer.__class__.objects.create_user(email="x@quokka.test",
                                                                       password="x"))  # fmt: skip
    assert outsider.get(reverse("campaign_report_pdf", args=[*args, report.pk])).status_code == 404
