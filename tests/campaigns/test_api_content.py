"""The API for the brief (save, publish, versions, acknowledgements), deliverables (list,
due date), submissions (multipart create, review, file) and live posts (multipart
create, verify, screenshot), as the brand with an API key, with errors naming the field,
and other organizations' rows answering 404."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from campaigns import services
from campaigns.models import ContentSubmission
from campaigns.pipeline import Stage
from kolhub import services as platform_services
from kolhub.models import Role
from tests.campaigns.content_factories import (
    HTML_AS_JPG,
    deliverables_of,
    png,
    publish_brief,
    shipped_collaboration,
    upload,
)
from tests.campaigns.factories import make_campaign, make_collaboration

pytestmark = pytest.mark.django_db


def api(tenant, path):
    return f"/api/v1/o/{tenant.organization.slug}/{path}"


def key_client(tenant, role="member") -> Client:
    with tenant.context():
        _, raw = platform_services.api_key_create(
            organization=tenant.organization, actor=tenant.memberships[Role.OWNER],
            name="cms", role=role,
        )  # fmt: skip
    return Client(HTTP_AUTHORIZATION=f"Api-Key {raw}")


def test_brief_save_publish_versions_and_acknowledgements(tenant_a):
    with tenant_a.context():
        campaign = make_campaign(tenant_a.organization)
        collaboration = make_collaboration(tenant_a.organization, campaign, stage=Stage.INVITED)
    client = key_client(tenant_a)
    bad = client.post(api(tenant_a, "briefs/"), {"campaign": campaign.pk,
                      "links": ["ftp://x"]}, content_type="application/json")  # fmt: skip
    assert bad.status_code == 400 and "links" in bad.json()["errors"]
    created = client.post(api(tenant_a, "briefs/"), {
        "campaign": campaign.pk, "goals": "Explain", "disclosures": ["#ad"],
        "mentions": ["glowlab"],
    }, content_type="application/json")  # fmt: skip
    assert created.status_code == 201, created.json()
    brief = created.json()
    assert brief["mentions"] == ["@glowlab"] and brief["latest_version"] is None
    patched = client.patch(api(tenant_a, f"briefs/{brief['id']}/"), {"promo_codes": ["GLOW15"]},
                           content_type="application/json")  # fmt: skip
    assert patched.json()["promo_codes"] == ["GLOW15"] and patched.json()["goals"] == "Explain"
    published = client.post(api(tenant_a, f"briefs/{brief['id']}/publish/"), {"note": "v1"},
                            content_type="application/json")  # fmt: skip
    assert published.status_code == 201 and published.json()["number"] == 1
    versions = client.get(api(tenant_a, f"brief-versions/?campaign={campaign.pk}")).json()
    assert [v["number"] for v in versions["results"]] == [1]
    with tenant_a.context():
        version = campaign.brief_versions.get()
        services.brief_acknowledge(organization=tenant_a.organization,
                                   collaboration=collaboration, version=version)  # fmt: skip
    acks = client.get(api(tenant_a, f"brief-acknowledgements/?campaign={campaign.pk}")).json()
    assert acks["results"][0]["version_number"] == 1
    assert acks["results"][0]["collaboration"] == collaboration.pk
    refused = client.post(api(tenant_a, "brief-assets/"), {
        "campaign": campaign.pk, "file": upload("mood.png", HTML_AS_JPG)})  # fmt: skip
    assert refused.status_code == 400 and "file" in refused.json()["errors"]
    asset = client.post(api(tenant_a, "brief-assets/"), {"campaign": campaign.pk,
                                                         "file": png("mood.png")}).json()  # fmt: skip
    assert asset["content_type"] == "image/png" and asset["name"] == "mood.png"
    assert client.get(api(tenant_a, f"brief-assets/{asset['id']}/file/")).status_code == 200
    removed = client.post(api(tenant_a, f"brief-assets/{asset['id']}/remove/")).json()
    assert removed["removed_at"] is not None
    missing = client.post(api(tenant_a, "briefs/"), {"campaign": 999999},
                          content_type="application/json")  # fmt: skip
    assert missing.status_code == 400 and "campaign" in missing.json()["errors"]


def test_deliverables_submissions_review_and_live_posts(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org)
        publish_brief(org, campaign)
        collaboration = shipped_collaboration(org, campaign)
        (deliverable,) = deliverables_of(collaboration)
    client = key_client(tenant_a)
    listed = client.get(api(tenant_a, f"deliverables/?collaboration={collaboration.pk}")).json()
    assert listed["count"] == 1 and listed["results"][0]["overdue"] is False
    assert listed["results"][0]["status"] == "pending"
    past = client.post(api(tenant_a, f"deliverables/{deliverable.pk}/due-date/"),
                       {"due_date": "2001-01-01"}, content_type="application/json")  # fmt: skip
    assert past.status_code == 400 and "due_date" in past.json()["errors"]
    refused = client.post(api(tenant_a, "submissions/"), {
        "deliverable": deliverable.pk, "caption": "#ad",
        "file": upload("d.jpg", HTML_AS_JPG, "image/jpeg"),
    })  # fmt: skip
    assert refused.status_code == 400 and "file" in refused.json()["errors"]
    created = client.post(api(tenant_a, "submissions/"), {
        "deliverable": deliverable.pk, "caption": "No tag here", "file": png("d.png"),
    })  # fmt: skip
    assert created.status_code == 201, created.json()
    submission = created.json()
    assert submission["round"] == 1 and submission["has_file"]
    assert submission["disclosure_passed"] is False
    assert submission["disclosure_check"][0]["required"] == "#ad"
    assert submission["actor"] == "API key cms"
    file = client.get(api(tenant_a, f"submissions/{submission['id']}/file/"))
    assert file.status_code == 200 and file["Content-Type"] == "image/png"
    review = client.post(api(tenant_a, f"submissions/{submission['id']}/review/"),
                         {"decision": "approve"}, content_type="application/json")  # fmt: skip
    assert review.status_code == 200 and review.json()["status"] == "approved"
    with tenant_a.context():
        collaboration.refresh_from_db()
        assert collaboration.stage == Stage.APPROVED
    bad = client.post(api(tenant_a, "live-posts/"), {
        "deliverable": deliverable.pk, "url": "https://instagram.com/p/1", "likes": "-3",
        "screenshot": png("s.png"),
    })  # fmt: skip
    assert bad.status_code == 400 and "likes" in bad.json()["errors"]
    live = client.post(api(tenant_a, "live-posts/"), {
        "deliverable": deliverable.pk, "url": "https://instagram.com/p/1", "reach": "5000",
        "screenshot": png("s.png"),
    })  # fmt: skip
    assert live.status_code == 201, live.json()
    post = live.json()
    assert post["reach"] == 5000 and post["source"] == "creator_reported"
    verified = client.post(api(tenant_a, f"live-posts/{post['id']}/verify/"))
    assert verified.json()["verified_at"] is not None
    assert client.get(api(tenant_a, f"live-posts/{post['id']}/screenshot/")).status_code == 200
    with tenant_a.context():
        collaboration.refresh_from_db()
        assert collaboration.stage == Stage.PUBLISHED


def test_read_only_keys_cannot_write_and_other_orgs_rows_are_404(tenant_a, tenant_b):
    with tenant_b.context():
        b_collab = shipped_collaboration(tenant_b.organization)
        (b_deliverable,) = deliverables_of(b_collab)
        b_draft = services.submission_create(organization=tenant_b.organization,
                                             deliverable=b_deliverable, upload=png())  # fmt: skip
    client = key_client(tenant_a)
    assert client.get(api(tenant_a, f"submissions/{b_draft.pk}/")).status_code == 404
    assert client.get(api(tenant_a, f"submissions/{b_draft.pk}/file/")).status_code == 404
    assert client.post(api(tenant_a, f"submissions/{b_draft.pk}/review/"),
                       {"decision": "approve"}, content_type="application/json"
                       ).status_code == 404  # fmt: skip
    assert client.get(api(tenant_a, f"deliverables/{b_deliverable.pk}/")).status_code == 404
    sneaky = client.post(api(tenant_a, "submissions/"), {"deliverable": b_deliverable.pk,
                                                         "url": "https://x.test"})  # fmt: skip
    assert sneaky.status_code == 400 and "deliverable" in sneaky.json()["errors"]
    assert client.get(api(tenant_a, "submissions/")).json()["count"] == 0
    reader = key_client(tenant_a, role="viewer")
    with tenant_a.context():
        campaign = make_campaign(tenant_a.organization)
    assert reader.post(api(tenant_a, "briefs/"), {"campaign": campaign.pk},
                       content_type="application/json").status_code == 403  # fmt: skip
    with tenant_b.context():
        b_draft.refresh_from_db()
        assert b_draft.status == "in_review" and ContentSubmission.objects.count() == 1


def test_schema_documents_the_content_routes(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = out.read_text()
    for route in ("/briefs/{brief_id}/publish/", "/brief-assets/{brief_asset_id}/file/", "/submissions/{submission_id}/review/",
                  "/live-posts/", "/deliverables/{deliverable_id}/due-date/",
                  "/brief-acknowledgements/", "multipart/form-data"):  # fmt: skip
        assert route in schema, route
