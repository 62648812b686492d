"""The collaboration page and what is done on it: moving it (campaigns.py's views), the
offers (propose / counter / accept / decline / withdraw, with the history and its
diffs), the payment ledger, and the creator's portal link (issue / revoke) and account
link. Thin: parse, call a service, render or redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.views.generic import TemplateView

from campaigns import pipeline, selectors, services, warnings
from campaigns.forms.offers import DeclineForm, OfferForms
from campaigns.models import Collaboration, Offer, Side
from campaigns.services.offers import PROPOSABLE
from campaigns.views.campaigns import CampaignMixin, CollaborationActionView, get_or_404
from campaigns.views.content import content_context


def collaboration_url(org_slug: str, collaboration: Collaboration, anchor: str = "") -> str:
    url = reverse("collaboration_detail",
                  args=[org_slug, collaboration.campaign_id, collaboration.pk])  # fmt: skip
    return f"{url}#{anchor}" if anchor else url


class CollaborationDetailView(CampaignMixin, TemplateView):
    """One collaboration: where it stands and the moves it can make, the offer on the
    table and every version before it, the payment ledger, the portal link, and the
    stage history."""

    template_name = "campaigns/collaboration_detail.html"

    def collaboration(self) -> Collaboration:
        if not hasattr(self, "_collaboration"):
            self._collaboration = get_or_404(
                selectors.collaboration_get, organization=self.organization,
                collaboration_id=self.kwargs["collaboration_id"], campaign=self.campaign(),
            )  # fmt: skip
        return self._collaboration

    def offer_forms(self, data=None, versions=None) -> OfferForms:
        campaign = self.campaign()
        versions = versions if versions is not None else self.versions()
        on_table = selectors.offer_on_table(versions)
        open_version = on_table if on_table and on_table.offer.is_open else None
        latest = versions[0] if versions else None
        return OfferForms(
            data, products=list(campaign.products.all()), currency=campaign.currency,
            # Start from what is on the table (a counter changes a few things), else
            # from the last version (a reopened negotiation), else blank.
            initial=(open_version or latest).terms if (open_version or latest) else None,
            replacing_version=open_version.offer.version if open_version else 0,
        )  # fmt: skip

    def versions(self) -> list:
        if not hasattr(self, "_versions"):
            self._versions = selectors.offer_history(
                organization=self.organization, collaboration=self.collaboration()
            )
        return self._versions

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org = self.organization
        collaboration = self.collaboration()
        versions = self.versions()
        on_table = selectors.offer_on_table(versions)
        context.update(self.campaign_context())
        context.update(
            tab="collaborations",
            collaboration=collaboration,
            next_stages=[(s, pipeline.label(s)) for s in pipeline.next_stages(collaboration.stage)],
            history=selectors.stage_history(organization=org, collaboration=collaboration),
            team=selectors.team(organization=org),
            versions=versions,
            on_table=on_table,
            can_propose=collaboration.stage in PROPOSABLE,
            offer_forms=kwargs.get("offer_forms") or self.offer_forms(versions=versions),
            decline_form=DeclineForm(),
            payments=list(
                selectors.collaboration_payments(organization=org, collaboration=collaboration)
            ),
            portal_tokens=selectors.portal_token_list(organization=org,
                                                      creator=collaboration.creator),
            portal_claim=selectors.portal_claim_get(organization=org,
                                                    creator=collaboration.creator),
            offer_warnings=warnings.offer_warnings(
                organization=org, campaign=collaboration.campaign,
                creator_id=collaboration.creator_id, terms=on_table.terms if on_table else None,
            ),
            offer_warnings_url=reverse("offer_warnings", args=[
                org.slug, collaboration.campaign_id, collaboration.pk]),
            target_query=selectors.campaign_target_query(self.campaign()),
        )  # fmt: skip
        # Deliverables, drafts in review and live posts (campaigns.views.content).
        context.update(content_context(org, collaboration))
        return context


class OfferProposeView(CollaborationDetailView):
    """The brand's offer: the first one, a counter to the creator's, or a revision of
    its own. Errors are shown on the collaboration page, next to the form."""

    http_method_names = ["post", "options"]

    def post(self, request, org_slug: str, campaign_id: int, collaboration_id: int):
        collaboration = self.collaboration()
        forms = self.offer_forms(request.POST)
        if forms.is_valid():
            try:
                offer = services.offer_propose(
                    organization=self.organization, collaboration=collaboration,
                    terms=forms.terms(), by=request.user,
                    replacing_version=forms.replacing_version,
                )  # fmt: skip
            except ValidationError as error:
                if not hasattr(error, "error_dict"):
                    # About the negotiation, not a field (the creator answered meanwhile,
                    # terms already agreed): say so on the page as it now stands.
                    messages.error(request, " ".join(error.messages))
                    return HttpResponseRedirect(collaboration_url(org_slug, collaboration, "offer"))
                forms.add_errors(error)
            else:
                messages.success(request, f"Offer v{offer.version} sent to "
                                          f"{collaboration.creator.name}.")  # fmt: skip
                for warning in warnings.offer_warnings(
                    organization=self.organization, campaign=collaboration.campaign,
                    creator_id=collaboration.creator_id, terms=offer,
                ):  # fmt: skip
                    messages.warning(request, f"{warning.title}: {warning.message}")
                return HttpResponseRedirect(collaboration_url(org_slug, collaboration, "offer"))
        context = self.get_context_data(offer_forms=forms, **self.kwargs)
        context["offer_form_open"] = True
        return self.render_to_response(context)


class _OfferActionView(CollaborationActionView):
    def offer(self, collaboration: Collaboration) -> Offer:
        return get_or_404(
            selectors.offer_get, organization=self.organization,
            offer_id=self.kwargs["offer_id"], collaboration=collaboration,
        )  # fmt: skip

    def post(self, request, org_slug: str, campaign_id: int, collaboration_id: int,
             offer_id: int):  # fmt: skip
        collaboration = self.collaboration()
        offer = self.offer(collaboration)
        try:
            text = self.act(offer)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, text)
        return HttpResponseRedirect(collaboration_url(org_slug, collaboration, "offer"))


class OfferAcceptView(_OfferActionView):
    def act(self, offer: Offer) -> str:
        services.offer_accept(organization=self.organization, offer=offer, side=Side.BRAND,
                              by=self.request.user)  # fmt: skip
        return f"Offer v{offer.version} accepted: its terms are agreed and the ledger is set."


class OfferDeclineView(_OfferActionView):
    def act(self, offer: Offer) -> str:
        form = DeclineForm(self.request.POST)
        form.is_valid()
        services.offer_decline(
            organization=self.organization, offer=offer, side=Side.BRAND, by=self.request.user,
            reason=form.cleaned_data.get("reason", ""),
        )  # fmt: skip
        return f"Offer v{offer.version} declined. Send a new offer to keep negotiating."


class OfferWithdrawView(_OfferActionView):
    def act(self, offer: Offer) -> str:
        services.offer_withdraw(organization=self.organization, offer=offer, side=Side.BRAND,
                                by=self.request.user)  # fmt: skip
        return f"Offer v{offer.version} withdrawn."


class PortalLinkIssueView(CollaborationDetailView):
    """A new portal link for the creator, shown once on the page that answers (only its
    hash is kept)."""

    http_method_names = ["post", "options"]

    def post(self, request, org_slug: str, campaign_id: int, collaboration_id: int):
        collaboration = self.collaboration()
        token, raw = services.portal_token_issue(
            organization=self.organization, creator=collaboration.creator, issued_by=request.user
        )
        link = services.portal_link(raw_token=raw, base_url=request.build_absolute_uri("/"))
        context = self.get_context_data(**self.kwargs)
        context.update(new_portal_link=link, new_portal_token=token)
        response = self.render_to_response(context)
        # The page carries a live link: not for any cache.
        response["Cache-Control"] = "no-store"
        return response


class PortalLinkRevokeView(CollaborationActionView):
    def post(self, request, org_slug: str, campaign_id: int, collaboration_id: int,
             portal_token_id: int):  # fmt: skip
        collaboration = self.collaboration()
        token = get_or_404(selectors.portal_token_get, organization=self.organization,
                           token_id=portal_token_id)  # fmt: skip
        if token.creator_id != collaboration.creator_id:
            # Another creator's link, named in this collaboration's URL: not found here.
            raise Http404("Not found")
        services.portal_token_revoke(organization=self.organization, token=token,
                                     by=request.user)  # fmt: skip
        messages.success(request, "Portal link revoked: it no longer opens anything.")
        return HttpResponseRedirect(collaboration_url(org_slug, collaboration, "portal"))


class PortalClaimRemoveView(CollaborationActionView):
    def post(self, request, org_slug: str, campaign_id: int, collaboration_id: int):
        collaboration = self.collaboration()
        if services.portal_claim_remove(organization=self.organization,
                                        creator=collaboration.creator):  # fmt: skip
            messages.success(request, "The account is unlinked from this creator.")
        return HttpResponseRedirect(collaboration_url(org_slug, collaboration, "portal"))
