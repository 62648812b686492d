"""The creator's side of the brief and content review, through a real portal link: read
and acknowledge the brief (a newer version asks again), submit drafts (upload or link)
and see the disclosure check and feedback, resubmit, report the live post; files served
only to that creator; another creator's or organization's rows are a 404 and leave no
trace; everything typed is escaped."""

from __future__ import annotations

import pytest

from campaigns import services
from campaigns.models import BriefAcknowledgement, ContentSubmission, LivePost
from campaigns.pipeline import Stage
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
from tests.creators.factories import make_creator
from tests.portal.factories import portal_for, visitor

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script>'


def body(response) -> str:
    return response.content.decode()


def world(tenant, **brief):
    org = tenant.organization
    with tenant.context():
        campaign = make_campaign(org, name="Serum launch")
        creator = make_creator(org, name="Dr Ana Ruiz")
        version = publish_brief(org, campaign, goals=f"Explain it {XSS}", **brief)
        collaboration = shipped_collaboration(org, campaign, creator=creator)
    return collaboration, version, portal_for(tenant, creator)


def test_read_and_acknowledge_the_brief(tenant_a):
    collaboration, v1, portal = world(tenant_a)
    client = visitor()
    page = body(client.get(portal.collaboration(collaboration)))
    assert "Creative brief · v1" in page and "I have read brief v1" in page
    assert "&lt;script&gt;" in page and "<script>alert" not in page
    client.post(portal.collaboration(collaboration, f"brief/{v1.pk}/acknowledge/"))
    page = body(client.get(portal.collaboration(collaboration)))
    assert 'data-brief-acknowledged="1"' in page and "I have read" not in page
    with tenant_a.context():
        ack = BriefAcknowledgement.objects.get()
        assert ack.version == v1 and ack.actor == "creator via portal"
        v2 = publish_brief(tenant_a.organization, collaboration.campaign, goals="Sharper goals")
    page = body(client.get(portal.collaboration(collaboration)))
    assert "The brief changed since you read v1" in page and "I have read brief v2" in page
    client.post(portal.collaboration(collaboration, f"brief/{v2.pk}/acknowledge/"))
    with tenant_a.context():
        assert BriefAcknowledgement.objects.filter(version=v2).exists()


def test_submit_see_the_check_and_feedback_and_resubmit(tenant_a):
    collaboration, _v1, portal = world(tenant_a, mentions=["@glowlab"])
    with tenant_a.context():
        (deliverable,) = deliverables_of(collaboration)
    client = visitor()
    submit = portal.collaboration(collaboration, f"deliverables/{deliverable.pk}/submit/")
    # A web page named .jpg: refused, said why, nothing stored.
    response = client.post(submit, {"file": upload("d.jpg", HTML_AS_JPG, "image/jpeg"),
                                    "caption": "x"}, follow=True)  # fmt: skip
    assert "whatever its name says" in body(response)
    with tenant_a.context():
        assert not ContentSubmission.objects.exists()
    response = client.post(submit, {"file": png("draft.png"),
                                    "caption": f"Love it @glowlab {XSS}"}, follow=True)  # fmt: skip
    page = body(response)
    assert "Round 1 of" in page and "disclosure check found something to fix" in page
    assert 'data-check="fail"' in page and "#ad is missing" in page
    assert "<script>alert" not in page
    with tenant_a.context():
        draft = ContentSubmission.objects.get()
        collaboration.refresh_from_db()
        assert collaboration.stage == Stage.CONTENT_IN_REVIEW
    file_url = portal.collaboration(collaboration, f"submissions/{draft.pk}/file/")
    served = client.get(file_url)
    assert served.status_code == 200 and b"".join(served.streaming_content) == png_bytes()
    assert "Resubmit" not in page  # waiting for review
    with tenant_a.context():
        services.submission_review(organization=tenant_a.organization, submission=draft,
                                   decision="request_changes", by=tenant_a.member,
                                   comment=f"Put #ad first {XSS}")  # fmt: skip
    page = body(client.get(portal.collaboration(collaboration)))
    assert "Feedback from" in page and "Put #ad first &lt;script&gt;" in page
    assert "Resubmit (round 2)" in page
    client.post(submit, {"url": "https://drive.test/v2", "caption": "#ad Love it @glowlab"})
    with tenant_a.context():
        second = ContentSubmission.objects.get(round=2)
        assert second.disclosure_passed and second.url == "https://drive.test/v2"


def test_live_post_with_figures_and_screenshot(tenant_a):
    collaboration, _v1, portal = world(tenant_a)
    with tenant_a.context():
        (deliverable,) = deliverables_of(collaboration)
        draft = services.submission_create(organization=tenant_a.organization,
                                           deliverable=deliverable, url="https://d.test/1",
                                           caption="#ad")  # fmt: skip
        services.submission_review(organization=tenant_a.organization, submission=draft,
                                   decision="approve", by=tenant_a.member)  # fmt: skip
    client = visitor()
    page = body(client.get(portal.collaboration(collaboration)))
    assert "Posted? Add the live URL and figures" in page
    live = portal.collaboration(collaboration, f"deliverables/{deliverable.pk}/live/")
    bad = client.post(live, {"url": "https://instagram.com/p/1", "reach": "-5",
                             "screenshot": png()}, follow=True)  # fmt: skip
    assert "not a whole number" in body(bad)
    with tenant_a.context():
        assert not LivePost.objects.exists()
    client.post(live, {"url": "https://instagram.com/p/1", "reach": "12000", "likes": "900",
                       "screenshot": png("figures.png")})  # fmt: skip
    with tenant_a.context():
        post = LivePost.objects.get()
        collaboration.refresh_from_db()
        assert (post.reach, post.likes, post.actor) == (12000, 900, "creator via portal")
        assert collaboration.stage == Stage.PUBLISHED
    shot = client.get(portal.collaboration(collaboration, f"live-posts/{post.pk}/screenshot/"))
    assert shot.status_code == 200


def test_another_creators_link_reaches_none_of_it(tenant_a, tenant_b):
    collaboration, v1, _portal = world(tenant_a)
    with tenant_a.context():
        (deliverable,) = deliverables_of(collaboration)
        draft = services.submission_create(organization=tenant_a.organization,
                                           deliverable=deliverable, upload=png(),
                                           caption="Secret caption")  # fmt: skip
        other = portal_for(tenant_a, make_creator(tenant_a.organization, name="Other creator"))
    b_collab, _b_v1, b_portal = world(tenant_b)
    for who in (other, b_portal):
        client = visitor()
        for suffix in (f"submissions/{draft.pk}/file/", ""):
            response = client.get(who.collaboration(collaboration, suffix))
            assert response.status_code == 404 and "Secret caption" not in body(response)
        for suffix, data in ((f"brief/{v1.pk}/acknowledge/", {}),
                             (f"deliverables/{deliverable.pk}/submit/",
                              {"url": "https://x.test", "caption": "mine"})):  # fmt: skip
            assert client.post(who.collaboration(collaboration, suffix), data).status_code == 404
    # B's creator, on B's own collaboration, naming A's rows: still 404.
    client = visitor()
    assert client.get(b_portal.collaboration(b_collab, f"submissions/{draft.pk}/file/")
                      ).status_code == 404  # fmt: skip
    assert client.post(b_portal.collaboration(b_collab, f"brief/{v1.pk}/acknowledge/")
                       ).status_code == 404  # fmt: skip
    assert client.post(b_portal.collaboration(b_collab, f"deliverables/{deliverable.pk}/submit/"),
                       {"url": "https://x.test"}).status_code == 404  # fmt: skip
    with tenant_a.context():
        assert ContentSubmission.objects.count() == 1
        assert not BriefAcknowledgement.objects.exists()


def test_draft_files_of_the_brief_stay_with_the_brand(tenant_a):
    collaboration, _v1, portal = world(tenant_a)
    with tenant_a.context():
        draft_only = services.brief_asset_add(organization=tenant_a.organization,
                                              campaign=collaboration.campaign,
                                              upload=png("unreleased.png"), by=None)  # fmt: skip
    client = visitor()
    url = portal.collaboration(collaboration, f"brief/assets/{draft_only.pk}/")
    assert client.get(url).status_code == 404
    with tenant_a.context():
        services.brief_publish(organization=tenant_a.organization,
                               campaign=collaboration.campaign, by=None)  # fmt: skip
    assert client.get(url).status_code == 200
    assert "unreleased.png" in body(client.get(portal.collaboration(collaboration)))


def test_the_portal_home_says_what_waits_on_the_creator(tenant_a):
    collaboration, v1, portal = world(tenant_a)
    client = visitor()
    assert "shared a creative brief: read it and acknowledge it" in body(client.get(portal.url))
    client.post(portal.collaboration(collaboration, f"brief/{v1.pk}/acknowledge/"))
    home = body(client.get(portal.url))
    assert "creative brief" not in home and "time to create" in home
    with tenant_a.context():
        (deliverable,) = deliverables_of(collaboration)
        draft = services.submission_create(organization=tenant_a.organization,
                                           deliverable=deliverable, url="https://d.test/1")  # fmt: skip
        services.submission_review(organization=tenant_a.organization, submission=draft,
                                   decision="request_changes", comment="Add #ad",
                                   by=tenant_a.member)  # fmt: skip
    assert "asked for changes to a draft" in body(client.get(portal.url))
