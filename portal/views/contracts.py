"""The creator's contracts in the portal: the contract for review, the consumer
disclosure, consent, typed (and optionally drawn) signature and Sign; the signed PDF
once the worker has sealed it; and what the collaboration page and the home list show
about contracts.

The creator signs as the portal's creator (portal.access.PortalGrant: the invite link
they came in with, or the account that claimed them), through the one signing service
(contracts.services.contract_sign), which records the evidence: IP, user agent, time,
consent and the SHA-256 of exactly the version this page showed. Another creator's
contract, a draft, or another organization's is a 404, the same as a missing one."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.views.generic import TemplateView

from campaigns.models import Collaboration
from contracts import selectors, services
from contracts.forms import SignForm
from contracts.models import Contract, Party
from contracts.views import pdf_response, sign_context
from kolhub.clients import client_ip
from kolhub.forms import add_service_errors
from portal.access import ACCOUNT, PortalGrant, PortalMixin


def portal_signer(request, portal: PortalGrant) -> services.PortalSigner:
    return services.PortalSigner(
        creator=portal.creator,
        token=portal.token,
        user=request.user if portal.mode == ACCOUNT and request.user.is_authenticated else None,
    )


def portal_actor(request, portal: PortalGrant) -> services.Actor:
    """Who acts, for the audit trail: the portal's creator (never a brand member who
    happens to be logged in in the same browser)."""
    identity = portal_signer(request, portal)
    return services.Actor(
        label=identity.label,
        user=identity.user,
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )


def mark_contracts_to_sign(portal, rows: list[Collaboration]) -> None:
    """Set `contract_to_sign` on each collaboration row whose contract waits for the
    creator's signature (portal.guidance.next_action reads it)."""
    waiting = selectors.portal_contracts_to_sign(
        organization=portal.organization, creator=portal.creator
    )
    for row in rows:
        row.contract_to_sign = waiting.get(row.pk)


def collaboration_contracts(portal: PortalGrant, collaboration: Collaboration) -> list[Contract]:
    """The collaboration page's contracts section (newest version first, with signers)."""
    return selectors.portal_contract_list(
        organization=portal.organization,
        creator=portal.creator,
        collaboration_id=collaboration.pk,
    )


class _ContractMixin(PortalMixin):
    def contract(self) -> Contract:
        if not hasattr(self, "_contract"):
            try:
                self._contract = selectors.portal_contract_get(
                    organization=self.portal.organization,
                    creator=self.portal.creator,
                    contract_id=self.kwargs["contract_id"],
                )
            except Contract.DoesNotExist:
                raise Http404("Not found") from None
        return self._contract


class ContractView(_ContractMixin, TemplateView):
    """Review and sign (phone-friendly). POST signs; a second submission of the same
    signature changes nothing."""

    template_name = "portal/contract.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        portal, contract = self.portal, self.contract()
        status = selectors.contract_signing_status(
            organization=portal.organization, contract=contract
        )
        mine = next(row for row in status if row.signer.party == Party.CREATOR)
        context.update(
            sign_context(portal.organization, contract, mine.signer, kwargs.get("form")),
            status=status,
            mine=mine,
            collaboration=contract.collaboration,
            newer=contract.next_version if contract.state == "superseded" else None,
        )
        return context

    def get(self, request, *args, **kwargs):
        contract = self.contract()
        signer = next(
            (s for s in contract.signers.all() if s.party == Party.CREATOR), None
        )  # a sent contract always has its creator signer
        if signer is not None and contract.is_signable:
            services.signing_page_viewed(
                organization=self.portal.organization,
                signer=signer,
                actor=portal_actor(request, self.portal),
            )
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        portal, contract = self.portal, self.contract()
        form = SignForm(request.POST)
        form.is_valid()
        data = form.cleaned_data
        signer = contract.signers.get(party=Party.CREATOR)
        try:
            services.contract_sign(
                organization=portal.organization,
                contract=contract,
                signer=signer,
                typed_name=data.get("typed_name", ""),
                consent=bool(data.get("consent")),
                document_sha256=data.get("document_sha256", ""),
                drawn_signature=data.get("drawn_signature", ""),
                actor=portal_actor(request, portal),
                portal=portal_signer(request, portal),
            )
        except PermissionDenied as error:
            form.add_error(None, str(error))
            return self.render_to_response(self.get_context_data(form=form), status=403)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(request, "Signed. Thank you.")
        # Post/redirect/get: a reload shows the signed page instead of posting again.
        return HttpResponseRedirect(portal.url("contract", contract_id=contract.pk))


class ContractPdfView(_ContractMixin, TemplateView):
    def get(self, request, *args, **kwargs):
        return pdf_response(self.contract())


class ContractPdfStatusView(_ContractMixin, TemplateView):
    """htmx: the signed-PDF card, polled until the worker has sealed it."""

    template_name = "contracts/_pdf_status_public.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contract = self.contract()
        context.update(
            contract=contract,
            status_url=self.portal.url("contract_pdf_status", contract_id=contract.pk),
            pdf_url=self.portal.url("contract_pdf", contract_id=contract.pk),
        )
        return context
