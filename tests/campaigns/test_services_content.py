"""The brief and content-review services on real PostgreSQL: versioning and
acknowledgements, deliverables from accepted terms, uploads checked by content, review
rounds that move the pipeline, live posts and their figures."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from campaigns import selectors, services
from campaigns.models import (
    BriefAcknowledgement,
    BriefVersion,
    Collaboration,
    ContentDeliverable,
    ContentSubmission,
    LivePost,
    PaymentItem,
    Side,
    StageChange,
)
from campaigns.pipeline import Stage
from tests.campaigns.content_factories import (
    HTML_AS_JPG,
    MP4,
    deliverables_of,
    jpeg_bytes,
    png,
    png_bytes,
    publish_brief,
    shipped_collaboration,
    upload,
)
from tests.campaigns.factories import make_campaign, make_collaboration, make_offer, terms

pytestmark = pytest.mark.django_db


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- the brief -------------------------------------------------------------------------


def test_publishing_makes_immutable_versions(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org)
        with pytest.raises(ValidationError, match="brief is empty"):
            services.brief_publish(organization=org, campaign=campaign, by=None)
        services.brief_save(organization=org, campaign=campaign, by=tenant_a.member, data={
            "goals": "Explain the serum", "disclosures": "#ad\n#ad, #sponsored",
            "mentions": "glowlab", "links": ["https://glowlab.com/serum"],
        })  # fmt: skip
        v1 = services.brief_publish(organization=org, campaign=campaign, by=tenant_a.member)
        assert v1.number == 1 and v1.disclosures == ["#ad", "#sponsored"]
        assert v1.mentions == ["@glowlab"]
        # Editing the draft leaves v1 as it was.
        services.brief_save(organization=org, campaign=campaign, by=None,
                            data={"goals": "Explain it better"})  # fmt: skip
        v1.refresh_from_db()
        assert v1.goals == "Explain the serum"
        v2 = services.brief_publish(organization=org, campaign=campaign, by=None, note="Clearer")
        assert (v2.number, v2.goals, v2.note) == (2, "Explain it better", "Clearer")
        # A double click publishes nothing new.
        again = services.brief_publish(organization=org, campaign=campaign, by=None)
        assert again.pk == v2.pk and BriefVersion.objects.count() == 2
        assert [
            v.number for v in selectors.brief_versions(organization=org, campaign=campaign)
        ] == [2, 1]


@pytest.mark.parametrize(("data", "field"), [
    ({"links": ["javascript:alert(1)"]}, "links"),
    ({"reference_urls": ["not a url"]}, "reference_urls"),
    ({"mentions": ["two words"]}, "mentions"),
    ({"goals": "x" * 5001}, "goals"),
    ({"disclosures": ["#ad"] + [f"#t{n}" for n in range(25)]}, "disclosures"),
])  # fmt: skip
def test_brief_input_is_refused_field_by_field(tenant_a, data, field):
    with tenant_a.context():
        campaign = make_campaign(tenant_a.organization)
        with pytest.raises(ValidationError) as refused:
            services.brief_save(organization=tenant_a.organization, campaign=campaign,
                                data=data, by=None)  # fmt: skip
        assert field in refused.value.message_dict


def test_acknowledging_records_the_version_and_a_newer_one_asks_again(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org)
        v1 = publish_brief(org, campaign)
        collaboration = make_collaboration(org, campaign, stage=Stage.INVITED)
        seen = selectors.creator_brief(organization=org, collaboration=collaboration)
        assert seen.version == v1 and seen.needs_acknowledgement
        ack = services.brief_acknowledge(organization=org, collaboration=collaboration, version=v1)
        again = services.brief_acknowledge(organization=org, collaboration=collaboration,
                                           version=v1)  # fmt: skip
        assert again.pk == ack.pk and again.acknowledged_at == ack.acknowledged_at
        assert ack.actor == "creator via portal"
        assert not selectors.creator_brief(organization=org,
                                           collaboration=collaboration).needs_acknowledgement  # fmt: skip
        v2 = publish_brief(org, campaign, goals="New goals")
        seen = selectors.creator_brief(organization=org, collaboration=collaboration)
        assert seen.version == v2 and seen.needs_acknowledgement
        assert seen.older_acknowledged.version == v1
        services.brief_acknowledge(organization=org, collaboration=collaboration, version=v2)
        assert BriefAcknowledgement.objects.filter(collaboration=collaboration).count() == 2
        readers = selectors.brief_readers(organization=org, campaign=campaign)
        assert [r.version_number for r in readers] == [2]
        # Another campaign's version cannot be acknowledged here.
        other = publish_brief(org, make_campaign(org))
        with pytest.raises(ValidationError, match="another campaign"):
            services.brief_acknowledge(organization=org, collaboration=collaboration,
                                       version=other)  # fmt: skip


def test_a_shortlisted_creator_has_no_brief_to_acknowledge(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org)
        version = publish_brief(org, campaign)
        collaboration = make_collaboration(org, campaign)
        with pytest.raises(ValidationError, match="shortlisted"):
            services.brief_acknowledge(organization=org, collaboration=collaboration,
                                       version=version)  # fmt: skip


def test_brief_files_are_checked_and_versions_keep_their_files(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org)
        asset = services.brief_asset_add(organization=org, campaign=campaign,
                                         upload=png("mood.png"), by=None)  # fmt: skip
        assert asset.file.name.startswith(f"tenants/{org.pk}/briefs/")
        assert asset.content_type == "image/png" and asset.name == "mood.png"
        version = services.brief_publish(organization=org, campaign=campaign, by=None)
        assert version.asset_ids == [asset.pk]
        services.brief_asset_remove(organization=org, asset=asset)
        brief = selectors.brief_get(organization=org, campaign=campaign)
        assert selectors.brief_assets(organization=org, brief=brief) == []
        assert selectors.brief_assets(organization=org, ids=version.asset_ids) == [asset]
        with pytest.raises(ValidationError, match="cannot be used"):
            services.brief_asset_add(organization=org, campaign=campaign, by=None,
                                     upload=upload("notes.pdf", b"just text"))  # fmt: skip


# --- deliverables ----------------------------------------------------------------------


def test_accepting_an_offer_makes_one_deliverable_per_piece_once(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org)
        collaboration = make_collaboration(org, campaign, stage=Stage.INVITED)
        base = terms(campaign)["deliverables"][0]
        offer = make_offer(org, collaboration, deliverables=[
            base, {**base, "kind": "story", "quantity": 3},
        ])  # fmt: skip
        services.offer_accept(organization=org, offer=offer, side=Side.CREATOR)
        rows = deliverables_of(collaboration)
        assert [(d.position, d.piece, d.kind) for d in rows] == [
            (1, 1, "reel"), (2, 1, "story"), (2, 2, "story"), (2, 3, "story"),
        ]  # fmt: skip
        assert all(d.due_date == base["due_date"] and d.status == "pending" for d in rows)
        # A second accept, and a direct second call, make no duplicates.
        services.offer_accept(organization=org, offer=offer, side=Side.CREATOR)
        again = services.deliverables_create(organization=org, collaboration=collaboration,
                                             offer=offer)  # fmt: skip
        assert len(again) == 4 and ContentDeliverable.objects.count() == 4
        assert PaymentItem.objects.filter(collaboration=collaboration).count() == 2


def test_due_dates_move_but_not_into_the_past(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        collaboration = shipped_collaboration(org)
        deliverable = deliverables_of(collaboration)[0]
        today = selectors.organization_today(org)
        later = today + datetime.timedelta(days=40)
        services.deliverable_due_date_set(organization=org, deliverable=deliverable,
                                          due_date=later)  # fmt: skip
        deliverable.refresh_from_db()
        assert deliverable.due_date == later
        with pytest.raises(ValidationError, match="in the past"):
            services.deliverable_due_date_set(organization=org, deliverable=deliverable,
                                              due_date=today - datetime.timedelta(days=1))  # fmt: skip
        assert not deliverable.overdue_on(today)
        assert deliverable.overdue_on(later + datetime.timedelta(days=1))


# --- uploads ---------------------------------------------------------------------------


def test_an_html_page_named_jpg_is_refused_and_nothing_is_stored(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        collaboration = shipped_collaboration(org)
        deliverable = deliverables_of(collaboration)[0]
        before = stored_files()
        with pytest.raises(ValidationError) as refused:
            services.submission_create(organization=org, deliverable=deliverable, caption="#ad",
                                       upload=upload("draft.jpg", HTML_AS_JPG, "image/jpeg"))  # fmt: skip
        assert "whatever its name says" in refused.value.message_dict["file"][0]
        assert stored_files() == before
        assert not ContentSubmission.objects.exists()
        deliverable.refresh_from_db()
        collaboration.refresh_from_db()
        assert deliverable.status == "pending" and collaboration.stage == Stage.PRODUCT_SHIPPED


def test_oversized_uploads_are_refused_before_reading(tenant_a, settings):
    settings.CONTENT_MAX_IMAGE_BYTES = 100
    settings.CONTENT_MAX_VIDEO_BYTES = 1000
    settings.CONTENT_MAX_PDF_BYTES = 500
    org = tenant_a.organization
    with tenant_a.context():
        collaboration = shipped_collaboration(org)
        deliverable = deliverables_of(collaboration)[0]
        big_png = png_bytes(size=(64, 64))
        assert len(big_png) > 100
        with pytest.raises(ValidationError, match="images may be at most"):
            services.submission_create(organization=org, deliverable=deliverable,
                                       upload=upload("big.png", big_png))  # fmt: skip
        with pytest.raises(ValidationError, match="huge.mp4 is 2 KB; the limit is 1000 bytes"):
            services.submission_create(organization=org, deliverable=deliverable,
                                       upload=upload("huge.mp4", MP4 + b"\0" * 2000))  # fmt: skip
        # Larger than every limit: refused on its size alone, whatever it contains.
        with pytest.raises(ValidationError, match="5 KB; the limit is 1000 bytes"):
            services.submission_create(organization=org, deliverable=deliverable,
                                       upload=upload("any.bin", b"x" * 5000))  # fmt: skip
        assert not ContentSubmission.objects.exists() and stored_files() == []
        # A small video of the right kind passes, stored under the tenant's path.
        ok = services.submission_create(organization=org, deliverable=deliverable,
                                        upload=upload("clip.mov.txt", MP4))  # fmt: skip
        assert ok.content_type == "video/mp4" and ok.file.name.endswith(".mp4")
        assert ok.file.name.startswith(f"tenants/{org.pk}/content/")


@pytest.mark.parametrize(("name", "data", "refusal"), [
    ("empty.png", b"", "is empty"),
    ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "cannot be read"),
    ("page.pdf", b"<html>not a pdf</html>", "not a recognised file type"),
    ("archive.png", b"PK\x03\x04" + b"\0" * 40, "application/zip"),
])  # fmt: skip
def test_uploads_are_judged_by_their_bytes(tenant_a, name, data, refusal):
    org = tenant_a.organization
    with tenant_a.context():
        deliverable = deliverables_of(shipped_collaboration(org))[0]
        with pytest.raises(ValidationError, match=refusal):
            services.submission_create(organization=org, deliverable=deliverable,
                                       upload=upload(name, data))  # fmt: skip
        assert stored_files() == []


# --- review rounds and the pipeline ----------------------------------------------------


def test_rounds_reviews_and_stage_moves(tenant_a):
    org, member = tenant_a.organization, tenant_a.member
    with tenant_a.context():
        campaign = make_campaign(org)
        publish_brief(org, campaign, mentions=["@glowlab"])
        base = terms(campaign)["deliverables"][0]
        collaboration = shipped_collaboration(org, campaign, deliverables=[
            base, {**base, "kind": "story"},
        ])  # fmt: skip
        reel, story = deliverables_of(collaboration)
        first = services.submission_create(
            organization=org, deliverable=reel, upload=png(), actor="creator via portal",
            caption="Loving my new routine with @glowlab",
        )  # fmt: skip
        assert first.round == 1 and not first.disclosure_passed
        assert [(c["required"], c["passed"]) for c in first.disclosure_check] == [
            ("#ad", False), ("@glowlab", True),
        ]  # fmt: skip
        collaboration.refresh_from_db()
        assert collaboration.stage == Stage.CONTENT_IN_REVIEW
        move = StageChange.objects.filter(collaboration=collaboration).last()
        assert move.actor == "creator via portal" and "round 1" in move.reason
        with pytest.raises(ValidationError, match="waiting for review"):
            services.submission_create(organization=org, deliverable=reel, url="https://x.test/a")
        with pytest.raises(ValidationError, match="Say what to change"):
            services.submission_review(organization=org, submission=first,
                                       decision="request_changes", by=member)  # fmt: skip
        services.submission_review(organization=org, submission=first, by=member,
                                   decision="request_changes", comment="Add #ad up front")  # fmt: skip
        reel.refresh_from_db()
        assert reel.status == "changes_requested"
        second = services.submission_create(
            organization=org, deliverable=reel, url="https://drive.test/draft-2",
            caption="#ad Loving my new routine with @glowlab",
        )  # fmt: skip
        assert second.round == 2 and second.disclosure_passed and not second.file
        with pytest.raises(ValidationError, match="already changes requested"):
            services.submission_review(organization=org, submission=first, decision="approve",
                                       by=member)  # fmt: skip
        services.submission_review(organization=org, submission=second, decision="approve",
                                   by=member)  # fmt: skip
        # Repeating the decision is harmless.
        services.submission_review(organization=org, submission=second, decision="approve",
                                   by=member)  # fmt: skip
        collaboration.refresh_from_db()
        assert collaboration.stage == Stage.CONTENT_IN_REVIEW  # the story is still to come
        story_draft = services.submission_create(organization=org, deliverable=story,
                                                 url="https://drive.test/story", caption="#ad @glowlab")  # fmt: skip
        services.submission_review(organization=org, submission=story_draft, decision="approve",
                                   by=member)  # fmt: skip
        collaboration.refresh_from_db()
        assert collaboration.stage == Stage.APPROVED
        with pytest.raises(ValidationError, match="drafts are submitted once"):
            services.submission_create(organization=org, deliverable=story, url="https://x.test")


def test_drafts_wait_for_the_product_to_ship(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org)
        from tests.campaigns.factories import agreed_collaboration

        collaboration = agreed_collaboration(org, campaign)
        deliverable = deliverables_of(collaboration)[0]
        with pytest.raises(ValidationError, match="is agreed: drafts are submitted once the "
                                                  "product has shipped"):  # fmt: skip
            services.submission_create(organization=org, deliverable=deliverable,
                                       url="https://drive.test/x")  # fmt: skip
        for stage in (Stage.CONTRACTED, Stage.PRODUCT_SHIPPED):
            services.collaboration_transition(organization=org, collaboration=collaboration,
                                              to_stage=stage, by=None)  # fmt: skip
        for bad, refusal in (({"url": "javascript:alert(1)"}, "not a web address"),
                             ({"url": "https://a.test", "upload": png()}, "not both"),
                             ({}, "Upload the draft"),
                             ({"url": "https://a.test", "caption": "x" * 5001}, "caption")):  # fmt: skip
            with pytest.raises(ValidationError, match=refusal):
                services.submission_create(organization=org, deliverable=deliverable, **bad)
        assert not ContentSubmission.objects.exists()


# --- live posts ------------------------------------------------------------------------


def approved_collaboration(org, member):
    collaboration = shipped_collaboration(org)
    (deliverable,) = deliverables_of(collaboration)
    draft = services.submission_create(organization=org, deliverable=deliverable, caption="#ad",
                                       url="https://drive.test/d")  # fmt: skip
    services.submission_review(organization=org, submission=draft, decision="approve", by=member)
    collaboration.refresh_from_db()
    return collaboration, deliverable


@pytest.mark.parametrize(("figures", "field"), [
    ({"reach": "-1"}, "reach"), ({"likes": "1.5"}, "likes"), ({"views": "lots"}, "views"),
    ({"shares": True}, "shares"), ({"saves": "9" * 20}, "saves"),
])  # fmt: skip
def test_figures_are_whole_numbers_of_zero_or_more(tenant_a, figures, field):
    with tenant_a.context():
        collaboration, deliverable = approved_collaboration(tenant_a.organization, tenant_a.member)
        with pytest.raises(ValidationError) as refused:
            services.live_post_submit(organization=tenant_a.organization, deliverable=deliverable,
                                      url="https://instagram.com/p/1", figures=figures,
                                      screenshot=png("s.png"))  # fmt: skip
        assert field in refused.value.message_dict
        assert not LivePost.objects.exists() and stored_files() == []


def test_live_post_publishes_and_makes_payments_due(tenant_a):
    org, member = tenant_a.organization, tenant_a.member
    with tenant_a.context():
        collaboration, deliverable = approved_collaboration(org, member)
        assert collaboration.stage == Stage.APPROVED
        with pytest.raises(ValidationError, match="screenshot"):
            services.live_post_submit(organization=org, deliverable=deliverable,
                                      url="https://instagram.com/p/1", figures={}, screenshot=None)  # fmt: skip
        with pytest.raises(ValidationError, match="cannot be used"):
            services.live_post_submit(organization=org, deliverable=deliverable,
                                      url="https://instagram.com/p/1", figures={},
                                      screenshot=upload("s.jpg", MP4))  # fmt: skip
        post = services.live_post_submit(
            organization=org, deliverable=deliverable, url="https://instagram.com/p/1",
            figures={"reach": "12,000", "likes": 800, "views": ""}, actor="creator via portal",
            screenshot=upload("s.jpg", jpeg_bytes()),
        )  # fmt: skip
        assert (post.reach, post.likes, post.views) == (12000, 800, 0)
        assert post.source == "creator_reported" and post.screenshot_content_type == "image/jpeg"
        collaboration.refresh_from_db()
        assert collaboration.stage == Stage.PUBLISHED
        on_publication = PaymentItem.objects.get(collaboration=collaboration,
                                                 trigger="on_publication")  # fmt: skip
        assert on_publication.status == "due"
        # Reported again before verification: replaced, not duplicated.
        post = services.live_post_submit(organization=org, deliverable=deliverable,
                                         url="https://instagram.com/p/1", figures={"reach": 13000},
                                         screenshot=png("s2.png"))  # fmt: skip
        assert LivePost.objects.count() == 1 and post.reach == 13000
        verified = services.live_post_verify(organization=org, live_post=post, by=member)
        assert verified.verified and verified.verified_by == member
        with pytest.raises(ValidationError, match="verified"):
            services.live_post_submit(organization=org, deliverable=deliverable,
                                      url="https://instagram.com/p/1", figures={},
                                      screenshot=png("s3.png"))  # fmt: skip


def test_a_live_post_needs_an_approved_deliverable(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        deliverable = deliverables_of(shipped_collaboration(org))[0]
        with pytest.raises(ValidationError, match="not approved yet"):
            services.live_post_submit(organization=org, deliverable=deliverable,
                                      url="https://instagram.com/p/1", figures={},
                                      screenshot=png())  # fmt: skip


def test_another_organizations_rows_are_refused(tenant_a, tenant_b):
    with tenant_b.context():
        b_deliverable = deliverables_of(shipped_collaboration(tenant_b.organization))[0]
        b_campaign = make_campaign(tenant_b.organization)
    with tenant_a.context():
        with pytest.raises(ValidationError, match="another organization"):
            services.submission_create(organization=tenant_a.organization,
                                       deliverable=b_deliverable, url="https://x.test")  # fmt: skip
        with pytest.raises(ValidationError, match="another organization"):
            services.brief_save(organization=tenant_a.organization, campaign=b_campaign,
                                data={"goals": "x"}, by=None)  # fmt: skip
        assert not Collaboration.objects.exists()


def test_the_content_section_reads_in_constant_queries(tenant_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    org = tenant_a.organization

    def queries(collaboration) -> int:
        with CaptureQueriesContext(connection) as captured:
            selectors.collaboration_content(organization=org, collaboration=collaboration)
        return len(captured)

    with tenant_a.context():
        campaign = make_campaign(org)
        small = shipped_collaboration(org, campaign)
        base = terms(campaign)["deliverables"][0]
        big = shipped_collaboration(org, campaign, deliverables=[{**base, "quantity": 4}])
        for deliverable in deliverables_of(big):
            draft = services.submission_create(organization=org, deliverable=deliverable,
                                               url="https://d.test/1", caption="#ad")  # fmt: skip
            services.submission_review(organization=org, submission=draft, by=None,
                                       decision="request_changes", comment="again")  # fmt: skip
            services.submission_create(organization=org, deliverable=deliverable,
                                       url="https://d.test/2", caption="#ad")  # fmt: skip
        assert queries(big) == queries(small) == 3
