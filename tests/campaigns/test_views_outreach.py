"""Outreach in the browser's HTML: templates, the pitch preview and sending one or many,
the thread on the collaboration page and in the portal (escaped), the follow-up form,
and portal tokens that reach only their own creator's thread."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from campaigns import services
from campaigns.models import Collaboration, OutreachMessage, PitchTemplate, Side
from campaigns.pipeline import Stage
from kolhub.models import OutboxEmail, Role
from tests.campaigns.factories import make_campaign, make_collaboration
from tests.creators.factories import make_creator

pytestmark = pytest.mark.django_db
LINK = re.compile(r"http://[^/\s]+(/p/[A-Za-z0-9_-]{43}/c/\d+/)")


@pytest.fixture
def world(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org, name="Barrier Serum launch")
        ana = make_collaboration(org, campaign, creator=make_creator(
            org, name="Ana Ruiz", email="ana@ruiz.test"))  # fmt: skip
        ben = make_collaboration(org, campaign, creator=make_creator(
            org, name="Ben Okoro", email="ben@okoro.test"))  # fmt: skip
        nomail = make_collaboration(org, campaign, creator=make_creator(org, name="Cy NoMail"))
    return tenant_a, campaign, ana, ben, nomail


def base(tenant, campaign) -> str:
    return f"/o/{tenant.organization.slug}/campaigns/{campaign.pk}"


def test_preview_shows_each_creators_editable_pitch(world):
    tenant, campaign, ana, ben, nomail = world
    client = tenant.client(Role.MEMBER)
    response = client.get(f"{base(tenant, campaign)}/outreach/pitch/",
                          {"collaboration": [ana.pk, ben.pk, nomail.pk]})  # fmt: skip
    assert response.status_code == 200
    html = response.content.decode()
    assert f'name="body-{ana.pk}"' in html and f'name="body-{ben.pk}"' in html
    assert "Hi Ana," in html and "Hi Ben," in html
    assert "No email address" in html and f'name="body-{nomail.pk}"' not in html
    assert "Send 2 pitches" in html
    with tenant.context():
        assert PitchTemplate.objects.count() == 2  # the defaults, for a new organization


def test_send_many_each_their_own_and_a_failure_names_itself(
    world, django_capture_on_commit_callbacks
):
    tenant, campaign, ana, ben, nomail = world
    client = tenant.client(Role.MEMBER)
    data = {
        "collaboration": [ana.pk, ben.pk, nomail.pk],
        f"subject-{ana.pk}": "For Ana", f"body-{ana.pk}": "Ana, your retinol post! {{ portal_link }}",
        f"subject-{ben.pk}": "For Ben", f"body-{ben.pk}": "Ben, your marathon vlog!",
        f"subject-{nomail.pk}": "For Cy", f"body-{nomail.pk}": "Cy, hello",
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{base(tenant, campaign)}/outreach/pitch/", data)
    assert response.status_code == 200  # back to the preview with the one that failed
    html = response.content.decode()
    assert "Pitch sent to Ana Ruiz, Ben Okoro." in html
    assert "Cy NoMail" in html and "no email address" in html
    ana_mail = OutboxEmail.objects.get(to="ana@ruiz.test")
    ben_mail = OutboxEmail.objects.get(to="ben@okoro.test")
    assert "your retinol post" in ana_mail.body_text and "marathon" in ben_mail.body_text
    ana_link, ben_link = LINK.search(ana_mail.body_text)[1], LINK.search(ben_mail.body_text)[1]
    assert ana_link != ben_link
    # Ben's text had no placeholder: the link was added at the end.
    assert "Your private portal:" in ben_mail.body_text
    with tenant.context():
        stages = dict(Collaboration.objects.values_list("pk", "stage"))
        assert stages == {ana.pk: Stage.INVITED, ben.pk: Stage.INVITED,
                          nomail.pk: Stage.SHORTLISTED}  # fmt: skip
        assert not OutreachMessage.objects.filter(collaboration=nomail).exists()
    # Each creator's link opens their own collaboration, and only theirs.
    assert Client().get(ana_link).status_code == 200
    other = ana_link.replace(f"/c/{ana.pk}/", f"/c/{ben.pk}/")
    assert Client().get(other).status_code == 404


def test_the_list_and_the_board_offer_the_selection(world):
    tenant, campaign, ana, ben, nomail = world
    client = tenant.client(Role.MEMBER)
    for page in ("collaborations/", "pipeline/"):
        html = client.get(f"{base(tenant, campaign)}/{page}").content.decode()
        assert 'id="pitch-form"' in html
        assert f'name="collaboration" value="{ana.pk}" form="pitch-form"' in html


def test_a_viewer_cannot_send(world):
    tenant, campaign, ana, ben, nomail = world
    response = tenant.client(Role.VIEWER).post(f"{base(tenant, campaign)}/outreach/pitch/", {
        "collaboration": [ana.pk], f"subject-{ana.pk}": "x", f"body-{ana.pk}": "y"})  # fmt: skip
    assert response.status_code == 403
    with tenant.context():
        assert not OutreachMessage.objects.exists()


def test_template_pages_refuse_an_unknown_field_by_name(world):
    tenant, campaign, *_ = world
    client = tenant.client(Role.MEMBER)
    url = f"/o/{tenant.organization.slug}/campaigns/outreach/templates/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "Mine", "kind": "pitch", "subject": "Hi",
                                 "body": "Hello {{ creator.__class__ }}"})  # fmt: skip
    assert response.status_code == 200
    assert "Unknown merge field: {{ creator.__class__ }}" in response.content.decode()
    response = client.post(url, {"name": "Mine", "kind": "pitch", "subject": "Hi",
                                 "body": "Hello {{ creator_name }}"})  # fmt: skip
    assert response.status_code == 302
    with tenant.context():
        template = PitchTemplate.objects.get(name="Mine")
    edit = f"{url}{template.pk}/"
    assert client.get(edit).status_code == 200
    response = client.post(edit, {"name": "Mine 2", "subject": "Hi", "body": "{% load x %}"})
    assert "not supported" in response.content.decode()
    assert client.post(f"{edit}delete/").status_code == 302
    with tenant.context():
        assert not PitchTemplate.objects.filter(pk=template.pk).exists()


def test_thread_on_both_sides_escapes_html(world, django_capture_on_commit_callbacks):
    tenant, campaign, ana, ben, nomail = world
    org = tenant.organization
    with tenant.context(), django_capture_on_commit_callbacks(execute=True):
        services.pitch_send(organization=org, collaboration=ana, by=tenant.owner, subject="Hi",
                            body="Hi <b>Ana</b> {{ portal_link }}")  # fmt: skip
    link = LINK.search(OutboxEmail.objects.get(to="ana@ruiz.test").body_text)[1]
    creator = Client()
    page = creator.get(link).content.decode()
    assert "Hi &lt;b&gt;Ana&lt;/b&gt; [your portal link]" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = creator.post(f"{link}messages/",
                                {"body": "<script>alert('x')</script> Count me in"})  # fmt: skip
    assert response.status_code == 302 and response["Location"].endswith("#messages")
    page = creator.get(link).content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Count me in" in page
    assert "<script>alert(" not in page
    # The brand was emailed, and sees the reply (escaped) with an unread badge.
    assert OutboxEmail.objects.filter(to=tenant.owner.email, subject__contains="replied").exists()
    detail = f"{base(tenant, campaign)}/collaborations/{ana.pk}/"
    brand = tenant.client(Role.MEMBER)
    html = brand.get(detail).content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Count me in" in html
    assert 'data-unread="1"' in html and "<script>alert(" not in html
    overview = brand.get(f"{base(tenant, campaign)}/outreach/").content.decode()
    assert 'data-unread-total="1"' in overview
    # The thread page marks it read; the brand answers and the creator is emailed.
    assert brand.get(f"{detail}messages/").status_code == 200
    assert 'data-unread="1"' not in brand.get(detail).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = brand.post(f"{detail}messages/", {"body": "Great <i>news</i>"})
    assert response.status_code == 302
    mail = OutboxEmail.objects.get(subject__startswith="New message")
    assert mail.to == "ana@ruiz.test" and "Great <i>news</i>" in mail.body_text
    assert "Great &lt;i&gt;news&lt;/i&gt;" in creator.get(link).content.decode()


def test_portal_tokens_reach_only_their_own_thread(world, tenant_b):
    tenant, campaign, ana, ben, nomail = world
    org = tenant.organization
    with tenant.context():
        services.pitch_send(organization=org, collaboration=ana, by=None, subject="A",
                            body="Secret pitch to Ana")  # fmt: skip
        services.pitch_send(organization=org, collaboration=ben, by=None, subject="B",
                            body="Secret pitch to Ben")  # fmt: skip
        _t, ben_raw = services.portal_token_issue(organization=org, creator=ben.creator,
                                                  issued_by=None)  # fmt: skip
    with tenant_b.context():
        b_creator = make_creator(tenant_b.organization, name="Quokka", email="q@b.test")
        _t, b_raw = services.portal_token_issue(organization=tenant_b.organization,
                                                creator=b_creator, issued_by=None)  # fmt: skip
    for raw in (ben_raw, b_raw):
        for url in (f"/p/{raw}/c/{ana.pk}/", f"/p/{raw}/c/{ana.pk}/messages/"):
            response = Client().get(url)
            assert response.status_code == 404
            assert "Secret pitch to Ana" not in response.content.decode()
        response = Client().post(f"/p/{raw}/c/{ana.pk}/messages/", {"body": "intrusion"})
        assert response.status_code == 404
    with tenant.context():
        assert not OutreachMessage.objects.filter(side=Side.CREATOR).exists()
    assert "Secret pitch to Ben" in Client().get(f"/p/{ben_raw}/c/{ben.pk}/").content.decode()


def test_follow_up_form_on_the_campaign_page(world):
    tenant, campaign, *_ = world
    client = tenant.client(Role.MEMBER)
    url = f"{base(tenant, campaign)}/outreach/follow-ups/"
    assert client.get(url).status_code == 405
    response = client.post(url, {"enabled": "on", "days": "2, 5"}, follow=True)
    assert "Follow-ups go out 2 and 5 days after a pitch" in response.content.decode()
    response = client.post(url, {"enabled": "on", "days": "0"}, follow=True)
    assert "between 1 and 60 days" in response.content.decode()
    response = client.post(url, {"enabled": "on", "days": "three"}, follow=True)
    assert "is not a number of days" in response.content.decode()
