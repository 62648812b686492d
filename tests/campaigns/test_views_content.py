"""The brand's pages for the brief and content review: editing and publishing the brief,
reference files (checked by content), the collaboration page's deliverables with rounds,
the disclosure check and review, due dates, live figures and their verification, private
files served only to the organization, and every typed text escaped."""

from __future__ import annotations

import datetime

import pytest

from campaigns import services
from campaigns.models import BriefAsset, BriefVersion, ContentSubmission
from campaigns.pipeline import Stage
from campaigns.selectors import organization_today
from kolhub.models import Role
from tests.campaigns.content_factories import (
    HTML_AS_JPG,
    deliverables_of,
    png,
    png_bytes,
    publish_brief,
    shipped_collaboration,
    upload,
)
from tests.campaigns.factories import make_campaign

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def body(response) -> str:
    return response.content.decode()


def brief_url(tenant, campaign, suffix=""):
    return f"/o/{tenant.organization.slug}/campaigns/{campaign.pk}/brief/{suffix}"


def collab_url(tenant, collaboration, suffix=""):
    return (f"/o/{tenant.organization.slug}/campaigns/{collaboration.campaign_id}/"
            f"collaborations/{collaboration.pk}/{suffix}")  # fmt: skip


def test_edit_publish_and_see_versions(tenant_a):
    with tenant_a.context():
        campaign = make_campaign(tenant_a.organization)
    client = tenant_a.client(Role.MEMBER)
    assert "Not published yet" in body(client.get(brief_url(tenant_a, campaign)))
    response = client.post(brief_url(tenant_a, campaign), {
        "goals": f"Goals {XSS}", "disclosures": "#ad", "mentions": "@glowlab",
        "links": "https://glowlab.com/serum", "paid_partnership_label": "on",
        "talking_points": "One\nTwo",
    })  # fmt: skip
    assert response.status_code == 302
    response = client.post(brief_url(tenant_a, campaign, "publish/"), {"note": f"First {XSS}"})
    assert response.status_code == 302
    page = body(client.get(brief_url(tenant_a, campaign)))
    assert "Creators see" in page and "The draft matches v1" in page
    assert "Publish as v2" not in page
    # A second publish of the same draft says nothing changed.
    again = client.post(brief_url(tenant_a, campaign, "publish/"), follow=True)
    assert "Nothing changed since v1" in body(again)
    with tenant_a.context():
        version = BriefVersion.objects.get()
    assert version.paid_partnership_label and version.mentions == ["@glowlab"]
    shown = body(client.get(f"/o/{tenant_a.organization.slug}/campaigns/brief-versions/"
                            f"{version.pk}/"))  # fmt: skip
    assert "Brief v1" in shown and "#ad" in shown and "paid-partnership label" in shown
    for text in (shown, page):
        assert "<script>" not in text and "onerror=alert(1)>" not in text
        assert "&lt;script&gt;" in text
    client.post(brief_url(tenant_a, campaign), {"goals": "Sharper goals", "disclosures": "#ad"})
    page = body(client.get(brief_url(tenant_a, campaign)))
    assert "Unpublished changes" in page and "Publish as v2" in page
    # The checklist's brief step ticked itself.
    overview = body(client.get(f"/o/{tenant_a.organization.slug}/campaigns/{campaign.pk}/"))
    assert "a version of the brief is published" in overview


def test_brief_errors_show_on_the_form_and_viewers_cannot_edit(tenant_a):
    with tenant_a.context():
        campaign = make_campaign(tenant_a.organization)
    client = tenant_a.client(Role.MEMBER)
    page = body(client.post(brief_url(tenant_a, campaign), {"links": "javascript:alert(1)"}))
    assert "is not a web address" in page
    publish = client.post(brief_url(tenant_a, campaign, "publish/"), follow=True)
    assert "The brief is empty" in body(publish)
    viewer = tenant_a.client(Role.VIEWER)
    assert "Save draft" not in body(viewer.get(brief_url(tenant_a, campaign)))
    assert viewer.post(brief_url(tenant_a, campaign), {"goals": "x"}).status_code in (403, 404)


def test_reference_files_are_checked_by_content_and_served_privately(tenant_a, tenant_b):
    with tenant_a.context():
        campaign = make_campaign(tenant_a.organization)
    client = tenant_a.client(Role.MEMBER)
    refused = client.post(brief_url(tenant_a, campaign, "assets/"),
                          {"file": upload("mood.jpg", HTML_AS_JPG, "image/jpeg")})  # fmt: skip
    assert refused.status_code == 400 and "whatever its name says" in body(refused)
    ok = client.post(brief_url(tenant_a, campaign, "assets/"), {"file": png("mood.png")})
    assert ok.status_code == 302
    with tenant_a.context():
        asset = BriefAsset.objects.get()
    file_url = f"/o/{tenant_a.organization.slug}/campaigns/files/brief-assets/{asset.pk}/"
    served = client.get(file_url)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == png_bytes()
    assert served["X-Content-Type-Options"] == "nosniff" and "sandbox" in served[
        "Content-Security-Policy"]  # fmt: skip
    # Another organization's member, through their own organization's URL: 404.
    b_url = f"/o/{tenant_b.organization.slug}/campaigns/files/brief-assets/{asset.pk}/"
    assert tenant_b.client(Role.OWNER).get(b_url).status_code == 404
    assert tenant_b.client(Role.OWNER).get(file_url).status_code == 404
    # No public media URL serves it.
    assert client.get(f"/media/{asset.file.name}").status_code == 404
    client.post(brief_url(tenant_a, campaign, f"assets/{asset.pk}/remove/"))
    with tenant_a.context():
        asset.refresh_from_db()
        assert asset.removed_at is not None


def test_review_on_the_collaboration_page(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org)
        publish_brief(org, campaign)
        collaboration = shipped_collaboration(org, campaign)
        (deliverable,) = deliverables_of(collaboration)
        draft = services.submission_create(organization=org, deliverable=deliverable,
                                           upload=png("draft.png"), caption=f"No tag {XSS}")  # fmt: skip
    client = tenant_a.client(Role.MEMBER)
    page = body(client.get(collab_url(tenant_a, collaboration)))
    assert "Round 1" in page and 'data-check="fail"' in page and "#ad is missing" in page
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "Approve round 1" in page
    file_url = f"/o/{org.slug}/campaigns/files/submissions/{draft.pk}/"
    assert file_url in page
    assert client.get(file_url).status_code == 200
    # Requesting changes needs a comment; with one, the creator is told.
    review = collab_url(tenant_a, collaboration, f"submissions/{draft.pk}/review/")
    client.post(review, {"decision": "request_changes", "comment": ""})
    with tenant_a.context():
        draft.refresh_from_db()
        assert draft.status == "in_review"
    client.post(review, {"decision": "request_changes", "comment": f"Add #ad {XSS}"})
    with tenant_a.context():
        draft.refresh_from_db()
        assert draft.status == "changes_requested"
    page = body(client.get(collab_url(tenant_a, collaboration)))
    assert "Changes requested" in page and "Add #ad &lt;script&gt;" in page
    assert "Approve round 1" not in page
    # A viewer sees the review but cannot act on it.
    assert "Approve round" not in body(tenant_a.client(Role.VIEWER).get(
        collab_url(tenant_a, collaboration)))  # fmt: skip


def test_due_dates_overdue_flags_and_verifying_figures(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        collaboration = shipped_collaboration(org)
        (deliverable,) = deliverables_of(collaboration)
    client = tenant_a.client(Role.MEMBER)
    later = organization_today(org) + datetime.timedelta(days=45)
    client.post(collab_url(tenant_a, collaboration, f"deliverables/{deliverable.pk}/due-date/"),
                {"due_date": later.isoformat()})  # fmt: skip
    with tenant_a.context():
        deliverable.refresh_from_db()
        assert deliverable.due_date == later
        # Overdue is flagged once the date has passed (moved back in the database, as a
        # contract's older date would have it).
        type(deliverable).objects.filter(pk=deliverable.pk).update(
            due_date=organization_today(org) - datetime.timedelta(days=2)
        )
    page = body(client.get(collab_url(tenant_a, collaboration)))
    assert "Overdue" in page
    with tenant_a.context():
        draft = services.submission_create(organization=org, deliverable=deliverable,
                                           url="https://drive.test/x", caption="#ad")  # fmt: skip
        services.submission_review(organization=org, submission=draft, decision="approve",
                                   by=tenant_a.member)  # fmt: skip
        post = services.live_post_submit(organization=org, deliverable=deliverable,
                                          url="https://instagram.com/p/live1",
                                          figures={"reach": 4321}, screenshot=png())  # fmt: skip
        collaboration.refresh_from_db()
        assert collaboration.stage == Stage.PUBLISHED
    page = body(client.get(collab_url(tenant_a, collaboration)))
    assert "4321" in page and "Not verified" in page and "Overdue" not in page
    client.post(collab_url(tenant_a, collaboration, f"live-posts/{post.pk}/verify/"))
    page = body(client.get(collab_url(tenant_a, collaboration)))
    assert "Verified" in page and "Mark figures verified" not in page
    shot = client.get(f"/o/{org.slug}/campaigns/files/live-posts/{post.pk}/")
    assert shot.status_code == 200 and shot["Content-Type"] == "image/png"


def test_other_organizations_content_is_404_through_our_urls(tenant_a, tenant_b):
    with tenant_b.context():
        b_collab = shipped_collaboration(tenant_b.organization)
        (b_deliverable,) = deliverables_of(b_collab)
        b_draft = services.submission_create(organization=tenant_b.organization,
                                             deliverable=b_deliverable, upload=png())  # fmt: skip
    with tenant_a.context():
        a_collab = shipped_collaboration(tenant_a.organization)
    client = tenant_a.client(Role.OWNER)
    slug = tenant_a.organization.slug
    assert client.get(f"/o/{slug}/campaigns/files/submissions/{b_draft.pk}/").status_code == 404
    for suffix in (f"submissions/{b_draft.pk}/review/",
                   f"deliverables/{b_deliverable.pk}/due-date/"):  # fmt: skip
        response = client.post(collab_url(tenant_a, a_collab, suffix),
                               {"decision": "approve", "due_date": "2099-01-01"})  # fmt: skip
        assert response.status_code == 404
    with tenant_b.context():
        b_draft.refresh_from_db()
        assert b_draft.status == "in_review"
        assert ContentSubmission.objects.count() == 1
