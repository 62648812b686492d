"""The admin shows the brief and content-review rows to platform staff; what creators
read, submitted or reported (published versions, rounds, live posts) is read-only."""

from __future__ import annotations

import pytest
from django.test import Client

from campaigns import services
from campaigns.models import BriefVersion, ContentDeliverable, ContentSubmission, LivePost
from kolhub.models import User
from tests.campaigns.content_factories import (
    deliverables_of,
    png,
    publish_brief,
    shipped_collaboration,
)
from tests.campaigns.factories import make_campaign

pytestmark = pytest.mark.django_db


def test_content_rows_in_the_admin(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org)
        publish_brief(org, campaign, goals="Staff can read these goals")
        (deliverable,) = deliverables_of(shipped_collaboration(org, campaign))
        draft = services.submission_create(organization=org, deliverable=deliverable,
                                           url="https://d.test/1", caption="#ad staff caption")  # fmt: skip
        services.submission_review(organization=org, submission=draft, decision="approve",
                                   by=tenant_a.member)  # fmt: skip
        services.live_post_submit(organization=org, deliverable=deliverable,
                                  url="https://instagram.com/p/1", figures={}, screenshot=png())  # fmt: skip
        version, post = BriefVersion.objects.get(), LivePost.objects.get()
    client = Client()
    client.force_login(User.objects.create_superuser("staff@platform.test", "pw-for-tests-1"))
    page = client.get(f"/admin/campaigns/briefversion/{version.pk}/change/").content.decode()
    assert "Staff can read these goals" in page and 'name="goals"' not in page
    page = client.get(f"/admin/campaigns/contentsubmission/{draft.pk}/change/").content.decode()
    assert "staff caption" in page and 'name="caption"' not in page
    assert client.get(f"/admin/campaigns/livepost/{post.pk}/change/").status_code == 200
    assert (
        client.get(f"/admin/campaigns/contentdeliverable/{deliverable.pk}/change/").status_code
        == 200
    )
    assert client.get("/admin/campaigns/contentsubmission/add/").status_code == 403
    assert client.post(f"/admin/campaigns/briefversion/{version.pk}/delete/").status_code == 403
    with tenant_a.context():
        assert ContentSubmission.objects.exists() and ContentDeliverable.objects.exists()
