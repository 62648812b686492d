"""Outreach services on real PostgreSQL: templates, sending pitches (link, message, stage,
email after commit), the thread from both sides with its emails, follow-ups with time
travel, the checklist and the demo data."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from campaigns import selectors, services
from campaigns.models import (
    Collaboration,
    MessageKind,
    OutreachMessage,
    PitchTemplate,
    PortalToken,
    Side,
    StageChange,
    TemplateKind,
)
from campaigns.pipeline import Stage
from kolhub.models import OutboxEmail
from tests.campaigns.factories import make_campaign, make_collaboration, make_offer, terms
from tests.creators.factories import make_creator

pytestmark = pytest.mark.django_db
LINK = re.compile(r"http://[^/\s]+/p/([A-Za-z0-9_-]{43})/c/(\d+)/")


@pytest.fixture
def world(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org, name="Barrier Serum launch", products=[
            {"name": "Barrier Serum", "sku": "BS-1", "unit_cost": "5", "price": "30"}])  # fmt: skip
        creator = make_creator(org, name="Dr Ana Ruiz", email="ana@ruiz.test", accounts=[
            {"platform": "youtube", "handle": "drana", "followers": 90_000,
             "url": "https://youtube.com/@drana"},
            {"platform": "instagram", "handle": "ana.small", "followers": 1_000}])  # fmt: skip
        collaboration = make_collaboration(org, campaign, creator=creator)
    return tenant_a, campaign, collaboration


def send(tenant, collaboration, body="Loved your barrier video. {{ portal_link }}", **kw):
    return services.pitch_send(organization=tenant.organization, collaboration=collaboration,
                               subject=kw.pop("subject", "Hello"), body=body,
                               by=kw.pop("by", tenant.owner), **kw)  # fmt: skip


# --- templates -------------------------------------------------------------------------


def test_template_with_an_unknown_field_is_refused_by_name(tenant_a):
    with tenant_a.context(), pytest.raises(ValidationError) as refused:
        services.pitch_template_create(organization=tenant_a.organization, name="T",
                                       subject="Hi", body="{{ creator.__class__.__mro__ }}")  # fmt: skip
    assert "{{ creator.__class__.__mro__ }}" in str(refused.value)
    with tenant_a.context():
        assert not PitchTemplate.objects.exists()


def test_one_default_per_kind(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        services.pitch_templates_ensure_defaults(organization=org)
        services.pitch_templates_ensure_defaults(organization=org)  # idempotent
        assert PitchTemplate.objects.count() == 2
        new = services.pitch_template_create(organization=org, name="Short", subject="Hi",
                                             body="Hey {{ creator_name }}", is_default=True)  # fmt: skip
        assert selectors.pitch_template_default(organization=org, kind=TemplateKind.PITCH) == new
        assert PitchTemplate.objects.filter(kind=TemplateKind.PITCH, is_default=True).count() == 1
        with pytest.raises(ValidationError, match="already a template"):
            services.pitch_template_create(organization=org, name="short", subject="x", body="y")


def test_preview_renders_the_creators_own_values(world):
    tenant, campaign, collaboration = world
    org = tenant.organization
    with tenant.context():
        services.pitch_templates_ensure_defaults(organization=org)
        template = selectors.pitch_template_default(organization=org, kind=TemplateKind.PITCH)

        def draft():
            fresh = Collaboration.objects.select_related("creator", "campaign").get(
                pk=collaboration.pk)  # fmt: skip
            return selectors.pitch_drafts(organization=org, collaborations=[fresh],
                                          template=template, sender=tenant.owner)[0]  # fmt: skip

        before = draft()
        make_offer(org, collaboration, by=tenant.owner)
        values = selectors.merge_values(organization=org, collaboration=collaboration,
                                        sender=tenant.owner)  # fmt: skip
        # The offer moved it to negotiating: a pitch is for the shortlist.
        blocked = draft()
    assert before.sendable
    assert before.subject == f"{org.name} × Dr Ana Ruiz: Barrier Serum launch"
    assert "Hi Dr Ana Ruiz," in before.body
    assert "your YouTube @drana (https://youtube.com/@drana)" in before.body
    assert "try Barrier Serum" in before.body and "{{ portal_link }}" in before.body
    assert "Our offer" not in before.body  # no offer yet: the line is left out
    assert values["offer_summary"].startswith("Our offer: USD 1,000.00 for 1 × Instagram reel")
    assert not blocked.sendable and "shortlisted creators only" in blocked.problems[0]
    assert blocked.body == ""


# --- sending a pitch -------------------------------------------------------------------


def test_send_issues_a_link_records_the_text_moves_to_invited_and_emails(
    world, django_capture_on_commit_callbacks
):
    tenant, campaign, collaboration = world
    with tenant.context(), django_capture_on_commit_callbacks(execute=True):
        message = send(tenant, collaboration, subject="Your barrier video",
                       body="Hi Ana, your barrier video was great.\n{{ portal_link }}")  # fmt: skip
    with tenant.context():
        message.refresh_from_db()
        collaboration.refresh_from_db()
        assert collaboration.stage == Stage.INVITED
        change = StageChange.objects.filter(collaboration=collaboration).last()
        assert change.to_stage == Stage.INVITED and change.by == tenant.owner
        assert message.kind == MessageKind.PITCH and message.side == Side.BRAND
        assert message.body == "Hi Ana, your barrier video was great.\n{{ portal_link }}"
        assert message.email_sent_at is not None
        token = PortalToken.objects.get(creator=collaboration.creator)
        assert message.portal_token == token
    email = OutboxEmail.objects.get(to="ana@ruiz.test")
    assert email.subject == "Your barrier video"
    assert "your barrier video was great" in email.body_text
    raw, collab_id = LINK.search(email.body_text).groups()
    assert int(collab_id) == collaboration.pk
    # The link in the email is never stored, only its hash.
    assert raw not in message.body
    organization, creator, _ = services.portal_token_resolve(raw)
    assert organization == tenant.organization and creator.pk == collaboration.creator_id


def test_a_rollback_never_sends(world, django_capture_on_commit_callbacks):
    tenant, campaign, collaboration = world
    with tenant.context(), django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                send(tenant, collaboration)
                raise RuntimeError("the request failed later")
        except RuntimeError:
            pass
    assert not OutboxEmail.objects.exists()
    with tenant.context():
        assert not OutboxEmail.objects.exists() and not OutreachMessage.objects.exists()
        collaboration.refresh_from_db()
        assert collaboration.stage == Stage.SHORTLISTED


@pytest.mark.parametrize("case", ["no email", "not shortlisted", "empty body", "do not contact"])
def test_refusals_name_the_creator_and_write_nothing(world, case):
    tenant, campaign, collaboration = world
    org = tenant.organization
    body = "Hello {{ portal_link }}"
    with tenant.context():
        creator = collaboration.creator
        if case == "no email":
            creator.email = ""
            creator.save()
        elif case == "not shortlisted":
            services.collaboration_transition(organization=org, collaboration=collaboration,
                                              to_stage=Stage.INVITED, by=None)  # fmt: skip
        elif case == "empty body":
            body = "  \n "
        else:
            creator.status = "do_not_contact"
            creator.save()
        tokens = PortalToken.objects.count()
        with pytest.raises(ValidationError) as refused:
            send(tenant, collaboration, body=body)
        assert "Dr Ana Ruiz" in " ".join(refused.value.messages)
        assert not OutreachMessage.objects.exists()
        assert PortalToken.objects.count() == tokens
    assert not OutboxEmail.objects.exists()


def test_pitching_twice_is_refused(world):
    tenant, campaign, collaboration = world
    with tenant.context():
        send(tenant, collaboration)
        with pytest.raises(ValidationError, match="invited"):
            send(tenant, collaboration)
        assert OutreachMessage.objects.count() == 1


def test_the_email_task_sends_once(world, django_capture_on_commit_callbacks):
    tenant, campaign, collaboration = world
    with tenant.context(), django_capture_on_commit_callbacks(execute=True):
        message = send(tenant, collaboration)
    raw = LINK.search(OutboxEmail.objects.get().body_text).group(1)
    with tenant.context():
        # A redelivered task (acks_late) finds the email sent and does nothing.
        assert not services.outreach_email_send(organization=tenant.organization,
                                                message_id=message.pk, raw_token=raw)  # fmt: skip
    assert OutboxEmail.objects.count() == 1


def test_another_organizations_collaboration_is_refused(world, tenant_b):
    tenant, campaign, collaboration = world
    with tenant_b.context(), pytest.raises(ValidationError, match="another organization"):
        services.pitch_send(organization=tenant_b.organization, collaboration=collaboration,
                            subject="x", body="y", by=None)  # fmt: skip


def test_checklist_ticks_when_a_pitch_was_sent(world):
    tenant, campaign, collaboration = world
    org = tenant.organization

    def done():
        checklist = selectors.campaign_checklist(organization=org, campaign=campaign)
        return {i.step.key for i in checklist.items if i.done}

    with tenant.context():
        assert "pitch" not in done()
        send(tenant, collaboration)
        assert "pitch" in done()
        assert selectors.campaign_facts(organization=org, campaign=campaign).pitches_sent == 1


# --- the thread ------------------------------------------------------------------------


def test_creator_reply_emails_the_pitch_sender(world, django_capture_on_commit_callbacks):
    tenant, campaign, collaboration = world
    org = tenant.organization
    with tenant.context():
        send(tenant, collaboration, by=tenant.member)
    with tenant.context(), django_capture_on_commit_callbacks(execute=True):
        services.message_post_creator(organization=org, collaboration=collaboration,
                                      body="Yes! <script>alert(1)</script>")  # fmt: skip
    email = OutboxEmail.objects.get(subject__contains="replied")
    assert email.to == tenant.member.email
    assert f"/o/{org.slug}/campaigns/{campaign.pk}/collaborations/{collaboration.pk}/#messages" in (
        email.body_text)  # fmt: skip
    with tenant.context():
        assert selectors.unread_count(organization=org, collaboration=collaboration) == 1
        services.messages_mark_read(organization=org, collaboration=collaboration)
        assert selectors.unread_count(organization=org, collaboration=collaboration) == 0


def test_reply_goes_to_owners_and_admins_when_the_sender_left(
    world, django_capture_on_commit_callbacks
):
    tenant, campaign, collaboration = world
    org = tenant.organization
    with tenant.context():
        send(tenant, collaboration, by=tenant.member)
        tenant.memberships["member"].delete()
    with tenant.context(), django_capture_on_commit_callbacks(execute=True):
        services.message_post_creator(organization=org, collaboration=collaboration, body="Hi")
    email = OutboxEmail.objects.get(subject__contains="replied")
    assert set(email.to.split(", ")) == {tenant.owner.email, tenant.admin.email}


def test_brand_message_emails_the_creator_a_working_link(world, django_capture_on_commit_callbacks):
    tenant, campaign, collaboration = world
    org = tenant.organization
    with tenant.context():
        send(tenant, collaboration)
    with tenant.context(), django_capture_on_commit_callbacks(execute=True):
        services.message_post_brand(organization=org, collaboration=collaboration,
                                    body="Any questions?", by=tenant.owner)  # fmt: skip
    email = OutboxEmail.objects.get(subject__startswith="New message")
    assert email.to == "ana@ruiz.test" and "Any questions?" in email.body_text
    raw = LINK.search(email.body_text).group(1)
    assert services.portal_token_resolve(raw)[1].pk == collaboration.creator_id


def test_brand_message_to_a_claimed_creator_links_their_account(
    world, django_capture_on_commit_callbacks
):
    from tests.kolhub.factories import UserFactory

    tenant, campaign, collaboration = world
    org = tenant.organization
    with tenant.context():
        send(tenant, collaboration)
        services.portal_claim(organization=org, creator=collaboration.creator,
                              user=UserFactory(email="ana-account@ruiz.test"))  # fmt: skip
        tokens = PortalToken.objects.count()
    with tenant.context(), django_capture_on_commit_callbacks(execute=True):
        services.message_post_brand(organization=org, collaboration=collaboration,
                                    body="Hello again", by=tenant.owner)  # fmt: skip
    email = OutboxEmail.objects.get(subject__startswith="New message")
    assert f"/p/b/{org.slug}/c/{collaboration.pk}/" in email.body_text
    with tenant.context():
        assert PortalToken.objects.count() == tokens  # no new link for an account


def test_messages_are_refused_before_the_pitch_and_when_empty(world):
    tenant, campaign, collaboration = world
    org = tenant.organization
    with tenant.context():
        with pytest.raises(ValidationError, match="send a pitch first"):
            services.message_post_brand(organization=org, collaboration=collaboration,
                                        body="hi", by=tenant.owner)  # fmt: skip
        send(tenant, collaboration)
        with pytest.raises(ValidationError, match="Write something"):
            services.message_post_creator(organization=org, collaboration=collaboration,
                                          body="   ")  # fmt: skip


# --- follow-ups ------------------------------------------------------------------------


def follow_ups(tenant, at):
    return services.follow_ups_send_due(organization=tenant.organization, now=at)


def test_follow_ups_after_3_and_7_days_never_twice(world, django_capture_on_commit_callbacks):
    tenant, campaign, collaboration = world
    with tenant.context():
        services.pitch_templates_ensure_defaults(organization=tenant.organization)
        pitch = send(tenant, collaboration)
        start = pitch.sent_at
        assert follow_ups(tenant, start + timedelta(days=2, hours=23)) == []
    with tenant.context(), django_capture_on_commit_callbacks(execute=True):
        [first] = follow_ups(tenant, start + timedelta(days=3))
    with tenant.context():
        assert first.follow_up_step == 1 and first.kind == MessageKind.FOLLOW_UP
        assert follow_ups(tenant, start + timedelta(days=3, hours=5)) == []  # a rerun
        assert follow_ups(tenant, start + timedelta(days=6)) == []
    with tenant.context(), django_capture_on_commit_callbacks(execute=True):
        [second] = follow_ups(tenant, start + timedelta(days=7))
    with tenant.context():
        assert second.follow_up_step == 2
        assert follow_ups(tenant, start + timedelta(days=30)) == []
        assert OutreachMessage.objects.filter(kind=MessageKind.FOLLOW_UP).count() == 2
    emails = OutboxEmail.objects.filter(to="ana@ruiz.test").order_by("id")
    assert emails.count() == 2
    assert emails[1].subject.startswith("Re: ")
    assert "Hi Dr Ana Ruiz" in emails[1].body_text and LINK.search(emails[1].body_text)


def test_a_late_worker_sends_one_follow_up_not_two(world):
    tenant, campaign, collaboration = world
    with tenant.context():
        pitch = send(tenant, collaboration)
        [only] = follow_ups(tenant, pitch.sent_at + timedelta(days=8))
        assert only.follow_up_step == 2
        assert follow_ups(tenant, pitch.sent_at + timedelta(days=9)) == []


def test_the_unique_constraint_holds_the_line(world):
    tenant, campaign, collaboration = world
    with tenant.context():
        pitch = send(tenant, collaboration)
        follow_ups(tenant, pitch.sent_at + timedelta(days=3))
        with pytest.raises(Exception, match="outreach_follow_up_once"), transaction.atomic():
            OutreachMessage.objects.create(
                organization=tenant.organization, collaboration=collaboration,
                kind=MessageKind.FOLLOW_UP, side=Side.BRAND, body="again", follow_up_step=1,
            )  # fmt: skip


@pytest.mark.parametrize("answer", ["reply", "counter", "accept", "decline", "cancel"])
def test_follow_ups_stop_when_the_creator_answered(world, answer):
    tenant, campaign, collaboration = world
    org = tenant.organization
    with tenant.context():
        pitch = send(tenant, collaboration)
        if answer == "reply":
            services.message_post_creator(organization=org, collaboration=collaboration,
                                          body="Interested!")  # fmt: skip
        elif answer in ("counter", "accept"):
            offer = make_offer(org, collaboration, by=tenant.owner)
            if answer == "counter":
                services.offer_counter(organization=org, offer=offer, side=Side.CREATOR,
                                       terms=terms(campaign, fee="1500"))  # fmt: skip
            else:
                services.offer_accept(organization=org, offer=offer, side=Side.CREATOR)
        elif answer == "decline":
            services.collaboration_transition(organization=org, collaboration=collaboration,
                                              to_stage=Stage.DECLINED, by=None,
                                              actor="creator via portal")  # fmt: skip
        else:
            services.collaboration_transition(organization=org, collaboration=collaboration,
                                              to_stage=Stage.CANCELLED, by=tenant.owner)  # fmt: skip
        assert follow_ups(tenant, pitch.sent_at + timedelta(days=3)) == []
        assert follow_ups(tenant, pitch.sent_at + timedelta(days=7)) == []
        assert not OutreachMessage.objects.filter(kind=MessageKind.FOLLOW_UP).exists()


def test_a_brand_offer_alone_does_not_stop_follow_ups(world):
    """Negotiating because the brand sent an offer is not an answer from the creator."""
    tenant, campaign, collaboration = world
    with tenant.context():
        pitch = send(tenant, collaboration)
        make_offer(tenant.organization, collaboration, by=tenant.owner)
        assert len(follow_ups(tenant, pitch.sent_at + timedelta(days=3))) == 1


def test_the_campaigns_plan_decides(world):
    tenant, campaign, collaboration = world
    org = tenant.organization
    with tenant.context():
        services.follow_up_plan_set(organization=org, campaign=campaign, days=[5], enabled=True)
        pitch = send(tenant, collaboration)
        assert follow_ups(tenant, pitch.sent_at + timedelta(days=4)) == []
        assert len(follow_ups(tenant, pitch.sent_at + timedelta(days=5))) == 1
        services.follow_up_plan_set(organization=org, campaign=campaign, days=[5, 6],
                                    enabled=False)  # fmt: skip
        assert follow_ups(tenant, pitch.sent_at + timedelta(days=6)) == []
        for bad in ([0], [61], [], [1, 2, 3, 4, 5, 6]):
            with pytest.raises(ValidationError):
                services.follow_up_plan_set(organization=org, campaign=campaign, days=bad,
                                            enabled=True)  # fmt: skip


def test_follow_ups_use_the_real_clock_with_time_machine(world, django_capture_on_commit_callbacks):
    import time_machine

    tenant, campaign, collaboration = world
    with tenant.context():
        pitch = send(tenant, collaboration)
    with time_machine.travel(pitch.sent_at + timedelta(days=3, minutes=1)), tenant.context():
        [message] = services.follow_ups_send_due(organization=tenant.organization)
        assert message.follow_up_step == 1


# --- demo data -------------------------------------------------------------------------


def test_demo_has_templates_pitches_and_a_conversation(db):
    from django.core.management import call_command

    from kolhub.models import Organization
    from kolhub.tenancy.context import tenant_context

    call_command("seed_demo", verbosity=0)
    org = Organization.objects.get(slug="glow-lab")
    with tenant_context(org):
        assert PitchTemplate.objects.filter(is_default=True).count() == 2
        pitches = OutreachMessage.objects.filter(kind=MessageKind.PITCH)
        invited = StageChange.objects.filter(to_stage=Stage.INVITED)
        assert pitches.count() == invited.count() > 0
        assert OutreachMessage.objects.filter(side=Side.CREATOR, read_at__isnull=True).exists()
        assert Collaboration.objects.filter(stage=Stage.SHORTLISTED).exists()


def test_recent_work_is_the_biggest_known_channel_else_the_profession(tenant_a):
    from campaigns.selectors.outreach import recent_work

    org = tenant_a.organization
    with tenant_a.context():
        both = make_creator(org, name="Both", accounts=[
            {"platform": "tiktok", "handle": "nobody.knows"},
            {"platform": "youtube", "handle": "bigchannel", "followers": 5_000,
             "url": "https://youtube.com/@bigchannel"}])  # fmt: skip
        none = make_creator(org, name="None", accounts=[], profession="Sports Scientist")
        assert recent_work(org, both) == (
            "your YouTube @bigchannel (https://youtube.com/@bigchannel)"
        )
        assert recent_work(org, none) == "your work as a sports scientist"


def test_a_subject_with_line_breaks_goes_out_on_one_line(world, django_capture_on_commit_callbacks):
    """A header with a line break would be refused by the mail library in the worker
    (or, worse, add a header): the subject is one line, as stored and as sent."""
    tenant, campaign, collaboration = world
    with tenant.context(), django_capture_on_commit_callbacks(execute=True):
        message = send(tenant, collaboration, subject="Your video\r\nBcc: all@example.test")
    assert message.subject == "Your video Bcc: all@example.test"
    email = OutboxEmail.objects.get(to="ana@ruiz.test")
    assert email.subject == "Your video Bcc: all@example.test"
