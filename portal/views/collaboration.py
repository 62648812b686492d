"""One collaboration in the portal: the offer on the table with accept / counter /
decline, the offer history with diffs, and its payments."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.views import View
from django.views.generic import TemplateView

from campaigns import selectors, services
from campaigns.forms.offers import DeclineForm, OfferForms
from campaigns.models import Collaboration, Offer, Side
from portal.access import PortalMixin
from portal.guidance import next_action
from portal.views.common import ACTOR, portal_collaboration, portal_offer
from portal.views.content import portal_content_context
from portal.views.contracts import collaboration_contracts, mark_contracts_to_sign


class CollaborationView(PortalMixin, TemplateView):
    template_name = "portal/collaboration.html"

    def collaboration(self) -> Collaboration:
        if not hasattr(self, "_collaboration"):
            self._collaboration = portal_collaboration(self.portal, self.kwargs["collaboration_id"])
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
        mark_contracts_to_sign(self.portal, [collaboration])
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
            contracts=collaboration_contracts(self.portal, collaboration),
        )  # fmt: skip
        # The brief, deliverables, drafts and live posts (portal.views.content).
        context.update(portal_content_context(self.portal, collaboration))
        return context


class _OfferActionView(PortalMixin, View):
    def post(self, request, collaboration_id: int, offer_id: int, **route):
        portal = self.portal
        collaboration = portal_collaboration(portal, collaboration_id)
        offer = portal_offer(portal, collaboration, offer_id)
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
        offer = portal_offer(portal, collaboration, offer_id)
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
