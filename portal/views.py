"""The creator portal's pages: home (the brand and the creator's collaborations with
it), a collaboration (its offer with accept / counter / decline, the offer history with
diffs, its payments), payments, claiming the portal with an account, and an account's
collaborations across brands. Thin: every read is a campaigns selector, every write a
campaigns service, acting as the creator (Side.CREATOR)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.views import View
from django.views.generic import TemplateView

from campaigns import selectors, services
from campaigns.forms.offers import DeclineForm, OfferForms
from campaigns.models import Collaboration, Offer, Side
from portal.access import TOKEN, PortalMixin, private
from portal.guidance import next_action

ACTOR = "creator via portal"


def _collaboration(portal, collaboration_id: int) -> Collaboration:
    # Another creator's collaboration, a shortlisted one or one of another organization
    # is simply not there: 404, the same as a missing one.
    try:
        return selectors.portal_collaboration_get(
            organization=portal.organization, creator=portal.creator,
            collaboration_id=collaboration_id,
        )  # fmt: skip
    except ObjectDoesNotExist:
        raise Http404("Not found") from None


def _offer(portal, collaboration: Collaboration, offer_id: int) -> Offer:
    try:
        return selectors.offer_get(organization=portal.organization, offer_id=offer_id,
                                   collaboration=collaboration)  # fmt: skip
    except ObjectDoesNotExist:
        raise Http404("Not found") from None


class HomeView(PortalMixin, TemplateView):
    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        portal = self.portal
        rows = selectors.portal_collaboration_list(organization=portal.organization,
                                                   creator=portal.creator)  # fmt: skip
        for row in rows:
            row.next = next_action(row, portal.organization.name)
        rows.sort(key=lambda r: not r.next.needs_you)
        claim = selectors.portal_claim_get(organization=portal.organization,
                                           creator=portal.creator)  # fmt: skip
        user = self.request.user
        context.update(
            collaborations=rows,
            claim=claim,
            claimed_by_you=bool(claim and user.is_authenticated and claim.user_id == user.pk),
            can_claim=portal.mode == TOKEN and claim is None,
        )
        return context


class CollaborationView(PortalMixin, TemplateView):
    template_name = "portal/collaboration.html"

    def collaboration(self) -> Collaboration:
        if not hasattr(self, "_collaboration"):
            self._collaboration = _collaboration(self.portal, self.kwargs["collaboration_id"])
        return self._collaboration

    def versions(self) -> list:
        return selectors.offer_history(organization=self.portal.organization,
                                       collaboration=self.collaboration())  # fmt: skip

    def counter_forms(self, versions, data=None) -> OfferForms:
        campaign = self.collaboration().campaign
        on_table = selectors.offer_on_table(versions)
        return OfferForms(
            data, products=list(campaign.products.all()), currency=campaign.currency,
            initial=on_table.terms if on_table else None,
        )  # fmt: skip

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        collaboration = self.collaboration()
        versions = kwargs.get("versions") or self.versions()
        on_table = selectors.offer_on_table(versions)
        context.update(
            collaboration=collaboration,
            campaign=collaboration.campaign,
            next=next_action(collaboration, self.portal.organization.name),
            versions=versions,
            on_table=on_table,
            yours_to_answer=bool(on_table and on_table.offer.is_open
                                 and on_table.offer.proposed_by == Side.BRAND),
            counter_forms=kwargs.get("counter_forms") or self.counter_forms(versions),
            decline_form=DeclineForm(),
            payments=list(selectors.collaboration_payments(
                organization=self.portal.organization, collaboration=collaboration)),
        )  # fmt: skip
        return context


class _OfferActionView(PortalMixin, View):
    def post(self, request, collaboration_id: int, offer_id: int, **route):
        portal = self.portal
        collaboration = _collaboration(portal, collaboration_id)
        offer = _offer(portal, collaboration, offer_id)
        try:
            text = self.act(offer)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, text)
        return HttpResponseRedirect(portal.url("collaboration", collaboration_id=collaboration.pk))


class OfferAcceptView(_OfferActionView):
    def act(self, offer: Offer) -> str:
        services.offer_accept(organization=self.portal.organization, offer=offer,
                              side=Side.CREATOR, actor=ACTOR)  # fmt: skip
        return "Accepted. These are now the agreed terms; your payment schedule is below."


class OfferDeclineView(_OfferActionView):
    def act(self, offer: Offer) -> str:
        form = DeclineForm(self.request.POST)
        form.is_valid()
        services.offer_decline(
            organization=self.portal.organization, offer=offer, side=Side.CREATOR, actor=ACTOR,
            reason=form.cleaned_data.get("reason", ""),
        )  # fmt: skip
        return f"You declined. {self.portal.organization.name} has been told."


class OfferCounterView(CollaborationView):
    """The creator's counter-offer; errors are shown on the collaboration page, next to
    the form."""

    http_method_names = ["post", "options"]

    def post(self, request, collaboration_id: int, offer_id: int, **route):
        portal = self.portal
        collaboration = self.collaboration()
        offer = _offer(portal, collaboration, offer_id)
        versions = self.versions()
        forms = self.counter_forms(versions, request.POST)
        if forms.is_valid():
            try:
                counter = services.offer_counter(
                    organization=portal.organization, offer=offer, side=Side.CREATOR,
                    terms=forms.terms(), actor=ACTOR,
                )  # fmt: skip
            except ValidationError as error:
                if not hasattr(error, "error_dict"):
                    # Not about a field (the offer was answered meanwhile): say so on
                    # the page as it now stands.
                    messages.error(request, " ".join(error.messages))
                    return HttpResponseRedirect(
                        portal.url("collaboration", collaboration_id=collaboration.pk)
                    )
                forms.add_errors(error)
            else:
                messages.success(request, f"Counter-offer v{counter.version} sent to "
                                          f"{portal.organization.name}.")  # fmt: skip
                return HttpResponseRedirect(
                    portal.url("collaboration", collaboration_id=collaboration.pk)
                )
        context = self.get_context_data(versions=versions, counter_forms=forms, **self.kwargs)
        context["counter_open"] = True
        return self.render_to_response(context)


class PaymentsView(PortalMixin, TemplateView):
    template_name = "portal/payments.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        portal = self.portal
        context["payments"] = list(
            selectors.creator_payments(organization=portal.organization, creator=portal.creator)
        )
        return context


class ClaimView(PortalMixin, View):
    """Link the logged-in account to the creator of this link (POST only)."""

    def post(self, request, **route):
        portal = self.portal
        home = portal.url("home")
        if not request.user.is_authenticated:
            return HttpResponseRedirect(home)
        try:
            services.portal_claim(organization=portal.organization, creator=portal.creator,
                                  user=request.user, token=portal.token)  # fmt: skip
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, f"Linked. Log in any time to see your collaborations with "
                f"{portal.organization.name} (and any other brand you link) at /p/.",
            )  # fmt: skip
        return HttpResponseRedirect(home)


class AccountView(LoginRequiredMixin, TemplateView):
    """/p/ for a logged-in creator: their collaborations with every brand that linked
    them, one organization's context at a time."""

    template_name = "portal/account.html"

    def get(self, request, *args, **kwargs):
        return private(super().get(request, *args, **kwargs))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        brands = selectors.portal_account_overview(user=self.request.user)
        for brand in brands:
            for row in brand.collaborations:
                row.next = next_action(row, brand.organization.name)
        context["brands"] = brands
        return context
