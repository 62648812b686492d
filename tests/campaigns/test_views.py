"""Campaign pages over HTTP: the index, create / edit with products, KPI targets and
budget, the campaign page with its checklist, the board and moving cards, the filterable
list, and adding creators from discovery and the creator page."""

from __future__ import annotations

import pytest

from campaigns.models import Campaign, ChecklistTick, Collaboration, StageChange
from campaigns.pipeline import Stage
from campaigns.selectors import campaign_target
from creators import scoring
from creators.models import Creator, CreatorStatus
from kolhub.models import Role
from tests.campaigns.factories import full_campaign, make_campaign, make_collaboration
from tests.creators.factories import make_creator

pytestmark = pytest.mark.django_db


def url(tenant, path=""):
    return f"/o/{tenant.organization.slug}/campaigns/{path}"


def body(response) -> str:
    return response.content.decode()


def create_post(**extra) -> dict:
    data = {
        "name": "Barrier Serum Launch", "status": "active", "objective": "sales",
        "currency": "USD", "attribution_window_days": "30", "start_date": "2026-03-01",
        "end_date": "2026-05-31", "target_countries": "US, ca", "target_ages": ["25-34"],
        "target_gender": "female", "target_interests": "skincare", "competitors": "DermaPure",
        "kpi-revenue": "50000", "kpi-roas": "3.5", "kpi-reach": "",
        "budget-kol_fees": "20000", "budget-shipping": "800",
        "products-TOTAL_FORMS": "2", "products-INITIAL_FORMS": "0",
        "products-MIN_NUM_FORMS": "0", "products-MAX_NUM_FORMS": "1000",
        "products-0-name": "Barrier Serum", "products-0-sku": "BS-30",
        "products-0-unit_cost": "6.40", "products-0-price": "38", "products-0-currency": "USD",
        "products-1-name": "", "products-1-sku": "", "products-1-unit_cost": "",
        "products-1-price": "",
    }  # fmt: skip
    data.update(extra)
    return data


def test_index_empty_then_with_campaigns(tenant_a):
    client = tenant_a.client(Role.VIEWER)
    page = body(client.get(url(tenant_a)))
    assert "No campaigns here yet" in page and "New campaign" not in page  # viewer: no button
    with tenant_a.context():
        campaign = full_campaign(tenant_a.organization, name="Glow launch")
        make_collaboration(tenant_a.organization, campaign, stage=Stage.INVITED)
    page = body(tenant_a.client(Role.MEMBER).get(url(tenant_a)))
    assert "Glow launch" in page and "New campaign" in page
    assert "Invited <strong>1</strong>" in page and "USD 5,300.00" in page


def test_create_with_products_kpis_and_budget(tenant_a):
    client = tenant_a.client(Role.MEMBER)
    form = body(client.get(url(tenant_a, "new/")))
    assert "Headline KPIs" in form and 'name="kpi-revenue"' in form
    response = client.post(url(tenant_a, "new/"), create_post())
    assert response.status_code == 302, body(response)
    with tenant_a.context():
        campaign = Campaign.objects.get(slug="barrier-serum-launch")
        assert response["Location"] == url(tenant_a, f"{campaign.pk}/")
        assert campaign.target_countries == ["US", "CA"] and campaign.owner is None
        assert [p.sku for p in campaign.products.all()] == ["BS-30"]
        assert {t.metric: str(t.target_value) for t in campaign.kpi_targets.all()} == {
            "revenue": "50000.0000",
            "roas": "3.5000",
        }
        assert {b.category for b in campaign.budget_lines.all()} == {"kol_fees", "shipping"}
    page = body(client.get(response["Location"]))
    assert "USD 50,000.00" in page and "3.5×" in page and "USD 20,800.00" in page
    assert "Set goals and KPIs" in page and "2 of 12 done" in page


def test_create_shows_errors_where_they_belong(tenant_a):
    client = tenant_a.client(Role.MEMBER)
    response = client.post(url(tenant_a, "new/"), create_post(
        end_date="2026-01-01", **{"products-1-name": "Dup", "products-1-sku": "BS-30",
                                  "products-1-unit_cost": "1", "products-1-price": "2"}))  # fmt: skip
    assert response.status_code == 200
    assert "cannot end before it starts" in body(response)
    response = client.post(url(tenant_a, "new/"), create_post(**{
        "products-1-name": "Dup", "products-1-sku": "BS-30", "products-1-unit_cost": "1",
        "products-1-price": "2"}))  # fmt: skip
    assert response.status_code == 200 and "appears twice" in body(response)
    response = client.post(url(tenant_a, "new/"), create_post(**{"kpi-revenue": "0"}))
    assert response.status_code == 200 and "more than 0" in body(response)
    with tenant_a.context():
        assert not Campaign.objects.exists()


def test_objective_change_regroups_kpi_fields_keeping_values(tenant_a):
    response = tenant_a.client(Role.MEMBER).get(
        url(tenant_a, "new/"), {"part": "kpis", "objective": "awareness", "kpi-revenue": "900"},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip
    html = body(response)
    assert "<html" not in html
    headline, other = html.split("Other KPIs", 1)
    assert 'name="kpi-reach"' in headline and 'name="kpi-revenue"' in other
    assert 'value="900"' in other


def test_edit_changes_fields_and_removes_a_product(tenant_a):
    with tenant_a.context():
        campaign = full_campaign(tenant_a.organization, name="Old name")
    client = tenant_a.client(Role.MEMBER)
    form = body(client.get(url(tenant_a, f"{campaign.pk}/edit/")))
    assert 'value="Old name"' in form and 'value="SER-1"' in form and 'value="5000.00"' in form
    data = create_post(name="New name", slug="old-name", **{
        "products-TOTAL_FORMS": "1", "products-INITIAL_FORMS": "1",
        "products-0-name": "Serum", "products-0-sku": "SER-1", "products-0-unit_cost": "5",
        "products-0-price": "30", "products-0-DELETE": "on"})  # fmt: skip
    response = client.post(url(tenant_a, f"{campaign.pk}/edit/"), data)
    assert response.status_code == 302, body(response)
    with tenant_a.context():
        campaign.refresh_from_db()
        assert campaign.name == "New name" and not campaign.products.exists()


def test_checklist_tick_untick_and_learnings(tenant_a):
    with tenant_a.context():
        campaign = make_campaign(tenant_a.organization)
    client = tenant_a.client(Role.MEMBER)
    response = client.post(url(tenant_a, f"{campaign.pk}/checklist/analyse/"))
    assert response.status_code == 302 and response["Location"].endswith("#checklist")
    with tenant_a.context():
        assert ChecklistTick.objects.get(campaign=campaign).ticked_by == tenant_a.member
    page = body(client.get(url(tenant_a, f"{campaign.pk}/")))
    assert "Ticked by" in page and "1 of 12 done" in page
    client.post(url(tenant_a, f"{campaign.pk}/checklist/goals/"))
    page = body(client.get(url(tenant_a, f"{campaign.pk}/")))
    assert "ticks itself when KPI targets are set" in page  # the refusal, as a message
    client.post(url(tenant_a, f"{campaign.pk}/checklist/analyse/"), {"untick": "1"})
    client.post(url(tenant_a, f"{campaign.pk}/learnings/"),
                {"learnings": "<script>alert(1)</script> KOL explainers won"})  # fmt: skip
    page = body(client.get(url(tenant_a, f"{campaign.pk}/")))
    assert "1 of 12 done" in page and "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_board_and_moving_cards(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org)
        collaboration = make_collaboration(org, campaign, creator=make_creator(org, name="Dr Vera"))
    client = tenant_a.client(Role.MEMBER)
    page = body(client.get(url(tenant_a, f"{campaign.pk}/pipeline/")))
    assert "Dr Vera" in page and 'data-stage="content_in_review"' in page
    assert 'value="invited"' in page and 'value="agreed"' not in page  # legal moves only
    transition = url(tenant_a, f"{campaign.pk}/collaborations/{collaboration.pk}/transition/")
    response = client.post(transition, {"to_stage": "invited", "reason": "Pitch sent"})
    assert response.status_code == 302
    with tenant_a.context():
        collaboration.refresh_from_db()
        assert collaboration.stage == Stage.INVITED
        last = StageChange.objects.filter(collaboration=collaboration).last()
        assert (last.by, last.reason) == (tenant_a.member, "Pitch sent")
    page = body(client.get(url(tenant_a, f"{campaign.pk}/pipeline/")))
    assert "Dr Vera moved to Invited." in page
    client.post(transition, {"to_stage": "paid"})
    page = body(client.get(url(tenant_a, f"{campaign.pk}/pipeline/")))
    assert "Cannot move from Invited to Paid" in page and "Negotiating" in page
    with tenant_a.context():
        collaboration.refresh_from_db()
        assert collaboration.stage == Stage.INVITED
    history = body(client.get(url(tenant_a, f"{campaign.pk}/collaborations/{collaboration.pk}/")))
    assert "Pitch sent" in history and "Shortlisted" in history


def test_viewer_sees_the_board_but_cannot_move(tenant_a):
    with tenant_a.context():
        campaign = make_campaign(tenant_a.organization)
        collaboration = make_collaboration(tenant_a.organization, campaign)
    client = tenant_a.client(Role.VIEWER)
    page = body(client.get(url(tenant_a, f"{campaign.pk}/pipeline/")))
    assert 'name="to_stage"' not in page and 'draggable="true"' not in page
    response = client.post(url(tenant_a, f"{campaign.pk}/collaborations/{collaboration.pk}/transition/"),
                           {"to_stage": "invited"})  # fmt: skip
    assert response.status_code == 403


def test_another_organizations_objects_are_404_from_inside_my_own(tenant_a, tenant_b):
    with tenant_a.context():
        campaign = make_campaign(tenant_a.organization, name="Secret A")
        collaboration = make_collaboration(tenant_a.organization, campaign)
    client = tenant_b.client(Role.OWNER)
    for path in (f"{campaign.pk}/", f"{campaign.pk}/pipeline/", f"{campaign.pk}/edit/",
                 f"{campaign.pk}/collaborations/{collaboration.pk}/"):  # fmt: skip
        assert client.get(url(tenant_b, path)).status_code == 404, path
    response = client.post(url(tenant_b, f"{campaign.pk}/collaborations/{collaboration.pk}/transition/"),
                           {"to_stage": "invited"})  # fmt: skip
    assert response.status_code == 404
    with tenant_b.context():
        mine = make_campaign(tenant_b.organization)
    # A's collaboration id under B's own campaign is not found either.
    response = client.get(url(tenant_b, f"{mine.pk}/collaborations/{collaboration.pk}/"))
    assert response.status_code == 404
    response = client.post(url(tenant_b, "add-creators/"),
                           {"campaign_id": campaign.pk, "creator_ids": [1]})  # fmt: skip
    assert response.status_code == 404
    with tenant_a.context():
        assert Collaboration.objects.get(pk=collaboration.pk).stage == Stage.SHORTLISTED


def test_add_creators_from_discovery(tenant_a, tenant_b):
    org = tenant_a.organization
    with tenant_b.context():
        foreign = make_creator(tenant_b.organization, name="Foreign")
    with tenant_a.context():
        campaign = make_campaign(org, name="Spring")
        ana = make_creator(org, name="Dr Ana Ruiz", role="kol", niches=["skincare"])
        ben = make_creator(org, name="Ben", niches=["skincare"])
        dnc = make_creator(org, name="Nope", status=CreatorStatus.DO_NOT_CONTACT)
    client = tenant_a.client(Role.MEMBER)
    discovery = body(client.get(f"/o/{org.slug}/creators/", {"q": "skincare"}))
    assert url(tenant_a, "picker/") in discovery  # the hook campaigns registers
    picker = body(client.get(url(tenant_a, "picker/"), HTTP_HX_REQUEST="true"))
    assert "Spring" in picker and f'formaction="{url(tenant_a, "add-creators/")}"' in picker
    back = f"/o/{org.slug}/creators/?q=skincare"
    response = client.post(url(tenant_a, "add-creators/"), {
        "campaign_id": campaign.pk, "creator_ids": [ana.pk, ben.pk, dnc.pk, foreign.pk],
        "next": back, "list_id": "", "new_list_name": ""})  # fmt: skip
    assert response.status_code == 302 and response["Location"] == back
    with tenant_a.context():
        assert set(Collaboration.objects.filter(campaign=campaign)
                   .values_list("creator__name", flat=True)) == {"Dr Ana Ruiz", "Ben"}  # fmt: skip
    page = body(client.get(back))
    assert "Spring: Added 2 creators; 1 marked do-not-contact, not added; 1 not found." in page
    response = client.post(url(tenant_a, "add-creators/"),
                           {"campaign_id": campaign.pk, "creator_ids": [ana.pk], "go": "1"})  # fmt: skip
    assert response["Location"] == url(tenant_a, f"{campaign.pk}/pipeline/")
    assert "1 already in the campaign" in body(client.get(response["Location"]))
    response = client.post(url(tenant_a, "add-creators/"),
                           {"campaign_id": campaign.pk, "next": "https://evil.example/"})  # fmt: skip
    assert response.status_code == 302 and "evil" not in response["Location"]


def test_creator_page_panel(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        ana = make_creator(org, name="Dr Ana")
        joined = make_campaign(org, name="Joined campaign")
        make_collaboration(org, joined, creator=ana, stage=Stage.NEGOTIATING)
        make_campaign(org, name="Open campaign")
        make_campaign(org, name="Archived campaign", status="archived")
    client = tenant_a.client(Role.MEMBER)
    page = body(client.get(f"/o/{org.slug}/creators/{ana.pk}/"))
    assert url(tenant_a, f"for-creator/{ana.pk}/") in page
    panel = body(client.get(url(tenant_a, f"for-creator/{ana.pk}/"), {"next": "/x/"},
                            HTTP_HX_REQUEST="true"))  # fmt: skip
    assert "Joined campaign" in panel and "Negotiating" in panel
    options = panel.split("Add to campaign…", 1)[1]
    assert "Open campaign" in options and "Joined campaign" not in options
    assert "Archived campaign" not in panel
    assert client.get(url(tenant_a, "for-creator/999999999/")).status_code == 404


def test_collaboration_list_filters(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org)
        make_collaboration(org, campaign, creator=make_creator(org, name="Dr Kim", role="kol",
                                                               profession="Dermatologist"),
                           stage=Stage.INVITED, by=tenant_a.member)  # fmt: skip
        make_collaboration(org, campaign, creator=make_creator(org, name="Uma UGC", role="ugc"),
                           by=tenant_a.owner)  # fmt: skip
    client = tenant_a.client(Role.VIEWER)
    list_url = url(tenant_a, f"{campaign.pk}/collaborations/")

    def names(params):
        html = body(client.get(list_url, params, HTTP_HX_REQUEST="true"))
        return {n for n in ("Dr Kim", "Uma UGC") if n in html}

    assert names({}) == {"Dr Kim", "Uma UGC"}
    assert names({"stage": "invited"}) == {"Dr Kim"}
    assert names({"role": "ugc"}) == {"Uma UGC"}
    assert names({"q": "dermat"}) == {"Dr Kim"}
    assert names({"owner": tenant_a.owner.pk}) == {"Uma UGC"}
    assert names({"stage": ["invited", "shortlisted"], "role": "kol"}) == {"Dr Kim"}
    bad = body(client.get(list_url, {"stage": "teleported", "owner": "abc"}))
    assert "Some filters are not valid" in bad


def test_remove_from_shortlist_and_delete_campaign(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org)
        collaboration = make_collaboration(org, campaign)
    client = tenant_a.client(Role.MEMBER)
    client.post(url(tenant_a, f"{campaign.pk}/collaborations/{collaboration.pk}/remove/"))
    with tenant_a.context():
        assert not Collaboration.objects.exists()
    # Deleting a campaign needs an admin.
    assert client.post(url(tenant_a, f"{campaign.pk}/delete/")).status_code == 403
    response = tenant_a.client(Role.ADMIN).post(url(tenant_a, f"{campaign.pk}/delete/"))
    assert response["Location"] == url(tenant_a)
    with tenant_a.context():
        assert not Campaign.objects.exists()


def test_add_a_whole_list_to_a_campaign(tenant_a):
    from creators import services as creator_services

    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org, name="Spring")
        ana = make_creator(org, name="Dr Ana Ruiz")
        ben = make_creator(org, name="Ben")
        make_creator(org, name="Not listed")
        derms = creator_services.list_create(organization=org, name="Derms",
                                             created_by=tenant_a.member)  # fmt: skip
        creator_services.list_add_creators(organization=org, creator_list=derms,
                                           creator_ids=[ana.pk, ben.pk],
                                           added_by=tenant_a.member)  # fmt: skip
    client = tenant_a.client(Role.MEMBER)
    back = f"/o/{org.slug}/creators/lists/{derms.pk}/"
    page = body(client.get(back))
    form = page.split('id="list-to-campaign"', 1)[1].split("</form>", 1)[0]
    # The list's members travel with the form; the campaigns app fills in the picker.
    assert f'name="creator_ids" value="{ana.pk}"' in form
    assert f'name="creator_ids" value="{ben.pk}"' in form and form.count("creator_ids") == 2
    assert url(tenant_a, "picker/") in form
    response = client.post(url(tenant_a, "add-creators/"), {
        "campaign_id": campaign.pk, "creator_ids": [ana.pk, ben.pk], "next": back})  # fmt: skip
    assert response["Location"] == back
    with tenant_a.context():
        assert set(Collaboration.objects.filter(campaign=campaign)
                   .values_list("creator__name", flat=True)) == {"Dr Ana Ruiz", "Ben"}  # fmt: skip
    assert "Spring: Added 2 creators." in body(client.get(back))


def test_the_creator_page_from_a_collaboration_scores_against_the_campaigns_target(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        ana = make_creator(org, name="Dr Ana", accounts=[{
            "platform": "instagram", "handle": "dr.ana", "followers": 15000,
            "engagement_rate": "4.0", "audience_countries": {"US": 60, "CA": 10},
            "audience_ages": {"25-34": 50}, "audience_gender": {"female": 80},
            "audience_interests": {"skincare": 70}, "brands_mentioned": ["DermaPure"]}])  # fmt: skip
        campaign = make_campaign(
            org, target_countries=["US", "CA"], target_ages=["25-34", "35-44"],
            target_gender="female", target_interests=["skincare"], competitors=["DermaPure"],
        )  # fmt: skip
        collaboration = make_collaboration(org, campaign, creator=ana)
    client = tenant_a.client(Role.MEMBER)
    page = client.get(url(tenant_a, f"{campaign.pk}/collaborations/{collaboration.pk}/"))
    [link] = [a for a in page.content.decode().split('href="')[1:]
              if a.startswith(f"/o/{org.slug}/creators/{ana.pk}/")]  # fmt: skip
    link = link.split('"', 1)[0].replace("&amp;", "&")
    creator_page = client.get(link)
    with tenant_a.context():
        ana = Creator.objects.get(pk=ana.pk)
        expected = scoring.scorecard(ana, campaign_target(campaign))
        untargeted = scoring.scorecard(ana, scoring.Target())
    card = creator_page.context["scorecard"]
    assert [(c.key, c.points, c.why) for c in card.components] == [
        (c.key, c.points, c.why) for c in expected.components
    ]
    assert card.fit != untargeted.fit
    assert any("DermaPure" in f or "dermapure" in f for f in card.flags)  # the competitor
    # Discovery from the campaign page carries the same whole target.
    overview = client.get(url(tenant_a, f"{campaign.pk}/")).content.decode()
    assert "?audience_country=US%2CCA&amp;audience_age=25-34&amp;audience_age=35-44" in overview
    assert "audience_gender=female&amp;interest=skincare&amp;competitor=DermaPure" in overview
