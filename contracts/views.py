"""Brand pages under /o/<org_slug>/contracts/: the index, templates with a live preview,
a contract's page (status, signers, timeline, evidence, the document, the signed PDF),
creating and editing contracts, sending, voiding, signing for the brand, and the panels
contracts serves into other apps' pages. Thin: parse, call a selector or a service,
render. The public pages (/sign/<token>/, /verify/) are in contracts.public_views."""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from campaigns.models import Campaign, Collaboration
from campaigns.selectors import organization_today
from contracts import selectors, services
from contracts.disclosure import CONSENT_LABEL, DISCLOSURE_PARAGRAPHS, DISCLOSURE_TITLE
from contracts.forms import (
    DeliverableFormSet,
    InstallmentFormSet,
    SendForm,
    SignForm,
    TemplateForm,
    TermsForm,
    VoidForm,
    route_terms_errors,
)
from contracts.models import (
    Contract,
    ContractState,
    ContractTemplate,
    ContractTemplateVersion,
    PdfStatus,
    Signer,
)
from contracts.templating import merge_field_list, preview_terms, template_render
from contracts.terms import ContractTerms, rows_from_offer
from kolhub.clients import client_ip
from kolhub.forms import add_service_errors
from kolhub.models import Role
from kolhub.tenancy.views import OrganizationMixin


def actor_for(request, label: str = "") -> services.Actor:
    user = request.user if request.user.is_authenticated else None
    return services.Actor(
        label=label or (f"{user.display_name} <{user.email}>" if user else "anonymous"),
        user=user,
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )


def _or_404(getter, **kwargs):
    # Missing and another organization's are the same answer.
    try:
        return getter(**kwargs)
    except (
        Contract.DoesNotExist,
        ContractTemplate.DoesNotExist,
        Collaboration.DoesNotExist,
        Campaign.DoesNotExist,
        Signer.DoesNotExist,
        ContractTemplateVersion.DoesNotExist,
    ):
        raise Http404("Not found") from None


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


class ContractIndexView(OrganizationMixin, TemplateView):
    template_name = "contracts/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org = self.organization
        state = self.request.GET.get("state") or ""
        if state not in ContractState.values:
            state = ""
        q = (self.request.GET.get("q") or "").strip()[:100]
        counts = selectors.contract_state_counts(organization=org)
        context.update(
            contracts=selectors.contract_list(organization=org, state=state, q=q)[:200],
            state=state,
            q=q,
            today=organization_today(org),
            state_rows=[(v, label, counts.get(v, 0)) for v, label in ContractState.choices],
            ready=selectors.collaborations_ready(organization=org)[:50],
            usage_ending=selectors.usage_rights_ending(organization=org),
            warning_days=settings.CONTRACTS_USAGE_WARNING_DAYS,
        )
        return context


# --- templates -----------------------------------------------------------------------------


class TemplateListView(OrganizationMixin, TemplateView):
    template_name = "contracts/templates.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        services.default_template_ensure(organization=self.organization)
        context["templates"] = selectors.template_list(organization=self.organization)
        context["archived"] = selectors.template_list(organization=self.organization, archived=True)
        return context


class _TemplateFormView(OrganizationMixin, TemplateView):
    template_name = "contracts/template_form.html"

    def template(self) -> ContractTemplate | None:
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        template = self.template()
        if "form" not in kwargs:
            if template is not None:
                latest = selectors.template_latest_version(
                    organization=self.organization, template=template
                )
                initial = {
                    "name": template.name,
                    "description": template.description,
                    "is_default": template.is_default,
                    "body": latest.body,
                }
            else:
                from contracts.default_template import DEFAULT_TEMPLATE_BODY

                initial = {"body": DEFAULT_TEMPLATE_BODY}
            context["form"] = TemplateForm(initial=initial)
        form = context["form"]
        body = form["body"].value() or ""
        context.update(
            template=template,
            merge_fields=merge_field_list(),
            preview=_preview(body, self.organization),
        )
        if template is not None:
            context["versions"] = selectors.template_versions(
                organization=self.organization, template=template
            )
        return context

    def post(self, request, *args, **kwargs):
        form = TemplateForm(request.POST)
        if form.is_valid():
            try:
                template = self.save(form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Saved “{template.name}”.")
                return redirect("contract_template_edit", self.organization.slug, template.pk)
        return self.render_to_response(self.get_context_data(form=form))


def _preview(body: str, organization) -> dict:
    """The live preview: the template filled with example terms, or what is wrong."""
    terms = preview_terms(brand_name=organization.name, currency=organization.default_currency)
    try:
        return {"html": template_render(body, terms), "errors": []}
    except ValidationError as error:
        return {"html": "", "errors": error.messages}


class TemplateCreateView(_TemplateFormView):
    def save(self, data) -> ContractTemplate:
        return services.template_create(
            organization=self.organization,
            name=data["name"],
            body=data["body"],
            description=data["description"],
            is_default=data["is_default"],
            created_by=self.request.user,
        )


class TemplateEditView(_TemplateFormView):
    def template(self) -> ContractTemplate:
        if not hasattr(self, "_template"):
            self._template = _or_404(
                selectors.template_get,
                organization=self.organization,
                template_id=self.kwargs["template_id"],
            )
        return self._template

    def save(self, data) -> ContractTemplate:
        template = self.template()
        services.template_update(
            organization=self.organization,
            template=template,
            name=data["name"],
            body=data["body"],
            description=data["description"],
            is_default=data["is_default"] or None,
            updated_by=self.request.user,
        )
        return template


class TemplatePreviewView(OrganizationMixin, TemplateView):
    """htmx: the editor posts the text as it is typed; this answers the preview."""

    template_name = "contracts/_template_preview.html"
    # A POST that changes nothing: anyone who may read templates may preview one.
    write_role = Role.VIEWER

    def post(self, request, *args, **kwargs):
        body = request.POST.get("body", "")
        return self.render_to_response(
            {**self.get_context_data(), "preview": _preview(body, self.organization)}
        )


class TemplateArchiveView(OrganizationMixin, View):
    def post(self, request, org_slug: str, template_id: int):
        template = _or_404(
            selectors.template_get, organization=self.organization, template_id=template_id
        )
        archived = request.POST.get("archived") != "0"
        try:
            if request.POST.get("delete"):
                services.template_delete(organization=self.organization, template=template)
                messages.success(request, f"Deleted “{template.name}”.")
            else:
                services.template_update(
                    organization=self.organization, template=template, archived=archived
                )
                messages.success(
                    request, f"{'Archived' if archived else 'Restored'} “{template.name}”."
                )
        except ValidationError as error:
            messages.error(request, _errors(error))
        return redirect("contract_templates", org_slug)


# --- contracts -----------------------------------------------------------------------------


class _ContractMixin(OrganizationMixin):
    def contract(self) -> Contract:
        if not hasattr(self, "_contract"):
            self._contract = _or_404(
                selectors.contract_get,
                organization=self.organization,
                contract_id=self.kwargs["contract_id"],
            )
        return self._contract


class _TermsFormMixin(OrganizationMixin):
    """The terms form, its deliverables and installments, for create and edit."""

    template_name = "contracts/contract_form.html"

    def get_context_data(self, **kwargs):
        from creators.models import Deliverable

        context = super().get_context_data(**kwargs)
        context["deliverable_types"] = Deliverable.choices
        return context

    def forms(self, data=None, initial=None, rows=None) -> dict:
        org = self.organization
        rows = rows or {}
        return {
            "form": TermsForm(
                data,
                initial=initial,
                versions=selectors.template_version_choices(organization=org),
                signers=selectors.brand_signer_choices(organization=org),
            ),
            "deliverables": DeliverableFormSet(
                data, prefix="deliverables", initial=rows.get("deliverables")
            ),
            "installments": InstallmentFormSet(
                data, prefix="installments", initial=rows.get("installments")
            ),
        }

    def parse(self, forms: dict) -> ContractTerms | None:
        form, deliverables, installments = (
            forms["form"],
            forms["deliverables"],
            forms["installments"],
        )
        if not all([form.is_valid(), deliverables.is_valid(), installments.is_valid()]):
            return None
        terms_json = form.terms_json(
            brand_name=self.organization.name,
            deliverables=[r for f in deliverables.forms if (r := f.row())],
            installments=[r for f in installments.forms if (r := f.row())],
        )
        try:
            return ContractTerms.from_json(terms_json)
        except ValidationError as error:
            route_terms_errors(error, form, deliverables, installments)
            return None

    def save(self, forms: dict, write):
        """Parse the posted forms and hand the terms to `write` (contract_create or
        contract_update, the rest of its arguments bound); the contract, or None with
        the errors put on the forms."""
        terms = self.parse(forms)
        if terms is None:
            return None
        form = forms["form"]
        try:
            return write(
                organization=self.organization,
                terms=terms,
                template_version=self.version(form),
                signing_order=form.cleaned_data["signing_order"],
                title=form.cleaned_data["title"],
                actor=actor_for(self.request),
            )
        except ValidationError as error:
            route_terms_errors(error, form, forms["deliverables"], forms["installments"])
            return None

    def version(self, form) -> ContractTemplateVersion:
        return _or_404(
            selectors.template_version_get,
            organization=self.organization,
            version_id=form.cleaned_data["template_version"],
        )


class ContractCreateView(_TermsFormMixin, TemplateView):
    """?collaboration=<id>: the terms form for it; without one, the collaborations whose
    terms are agreed and that have no contract yet, to pick from."""

    def collaboration(self) -> Collaboration | None:
        raw = self.request.GET.get("collaboration") or self.request.POST.get("collaboration")
        if not raw:
            return None
        if not str(raw).isdigit():
            raise Http404("No such collaboration")
        return _or_404(
            selectors.collaboration_for_contract,
            organization=self.organization,
            collaboration_id=int(raw),
        )

    def get_template_names(self):
        if self.collaboration() is None:
            return ["contracts/contract_new.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        collaboration = self.collaboration()
        if collaboration is None:
            context["ready"] = selectors.collaborations_ready(organization=self.organization)
            return context
        if "form" not in kwargs:
            initial, rows = self.initial(collaboration), None
            if collaboration.terms_id:  # the accepted offer: its terms become the contract's
                offer = rows_from_offer(collaboration.terms)
                initial.update(offer["fields"])
                rows = {"deliverables": offer["deliverables"],
                        "installments": offer["installments"]}  # fmt: skip
            context.update(self.forms(initial=initial, rows=rows))
        context.update(collaboration=collaboration, contract=None)
        return context

    def initial(self, collaboration: Collaboration) -> dict:
        campaign, creator = collaboration.campaign, collaboration.creator
        user = self.request.user
        signer = user.pk if Role.at_least(self.request.org_role, Role.ADMIN) else None
        return {
            "creator_name": creator.name,
            "creator_email": creator.email or "",
            "campaign_name": campaign.name,
            "fee_currency": campaign.currency,
            "start_date": campaign.start_date or timezone.localdate(),
            "template_version": getattr(
                next(
                    iter(selectors.template_version_choices(organization=self.organization)), None
                ),
                "pk",
                None,
            ),
            "brand_signer": signer,
        }

    def post(self, request, *args, **kwargs):
        collaboration = self.collaboration()
        if collaboration is None:
            raise Http404("Choose a collaboration")
        forms = self.forms(request.POST)
        contract = self.save(forms, partial(services.contract_create, collaboration=collaboration))
        if contract is None:
            return self.render_to_response(self.get_context_data(**forms))
        messages.success(request, "Draft saved. Review it, then send it for signature.")
        return redirect("contract_detail", self.organization.slug, contract.pk)


class ContractEditView(_ContractMixin, _TermsFormMixin, TemplateView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contract = self.contract()
        if "form" not in kwargs:
            terms = contract.terms
            initial = TermsForm.initial_from_terms(terms)
            initial.update(
                title=contract.title,
                template_version=contract.template_version_id,
                signing_order=contract.signing_order,
                brand_signer=getattr(
                    next(
                        (
                            m
                            for m in selectors.brand_signer_choices(organization=self.organization)
                            if m.user.email.lower()
                            == terms["parties"]["brand_signer_email"].lower()
                        ),
                        None,
                    ),
                    "user_id",
                    None,
                ),
            )
            rows = {
                "deliverables": terms["deliverables"],
                "installments": terms["payment_schedule"],
            }
            context.update(self.forms(initial=initial, rows=rows))
        context.update(collaboration=contract.collaboration, contract=contract)
        return context

    def post(self, request, *args, **kwargs):
        contract = self.contract()
        forms = self.forms(request.POST)
        current = self.save(forms, partial(services.contract_update, contract=contract))
        if current is None:
            return self.render_to_response(self.get_context_data(**forms))
        if current.pk != contract.pk:
            messages.warning(
                request,
                f"Version {contract.version} had been sent, so your changes made version "
                f"{current.version}: earlier signatures are void. Send it when ready.",
            )
        else:
            messages.success(request, "Draft saved.")
        return redirect("contract_detail", self.organization.slug, current.pk)


class ContractDetailView(_ContractMixin, TemplateView):
    template_name = "contracts/contract_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org, contract = self.organization, self.contract()
        status = selectors.contract_signing_status(organization=org, contract=contract)
        me = next(
            (s for s in status if s.is_turn and s.signer.user_id == self.request.user.pk), None
        )
        context.update(
            contract=contract,
            terms=contract.terms_data,
            signing=status,
            my_turn=me,
            events=selectors.contract_events(organization=org, contract=contract),
            versions=selectors.contract_versions(organization=org, contract=contract),
            send_form=SendForm(initial={"signing_order": contract.signing_order}),
            void_form=VoidForm(),
            brand_signers=selectors.brand_signer_choices(organization=org),
        )
        return context


class _ContractActionView(_ContractMixin, View):
    def done(self, request, message: str = "", error: ValidationError | None = None):
        if error is not None:
            messages.error(request, _errors(error))
        elif message:
            messages.success(request, message)
        return redirect("contract_detail", self.organization.slug, self.contract().pk)


class ContractSendView(_ContractActionView):
    def post(self, request, org_slug: str, contract_id: int):
        form = SendForm(request.POST)
        order = form.cleaned_data["signing_order"] if form.is_valid() else None
        try:
            contract = services.contract_send(
                organization=self.organization,
                contract=self.contract(),
                actor=actor_for(request),
                signing_order=order,
            )
        except ValidationError as error:
            return self.done(request, error=error)
        first = selectors.contract_signing_status(
            organization=self.organization, contract=contract
        )[0].signer
        return self.done(request, f"Sent. {first.name} ({first.email}) signs first.")


class ContractVoidView(_ContractActionView):
    def post(self, request, org_slug: str, contract_id: int):
        form = VoidForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        try:
            services.contract_void(
                organization=self.organization,
                contract=self.contract(),
                reason=reason,
                actor=actor_for(request),
            )
        except ValidationError as error:
            return self.done(request, error=error)
        return self.done(request, "Voided: the signing links no longer work.")


class SignerResendView(_ContractActionView):
    def post(self, request, org_slug: str, contract_id: int, signer_id: int):
        contract = self.contract()
        signer = _or_404(
            selectors.signer_get,
            organization=self.organization,
            contract=contract,
            signer_id=signer_id,
        )
        try:
            services.signer_link_resend(
                organization=self.organization,
                contract=contract,
                signer=signer,
                actor=actor_for(request),
            )
        except ValidationError as error:
            return self.done(request, error=error)
        return self.done(request, f"Signing request sent again to {signer.email}.")


class ContractSignView(_ContractMixin, TemplateView):
    """The brand signer's signing page (the creator's is /sign/<token>/). Any member can
    open the route; only the designated signer, an admin or owner, can sign (checked in
    contracts.services.contract_sign)."""

    template_name = "contracts/sign_brand.html"
    write_role = Role.ADMIN

    def signer(self) -> Signer:
        status = selectors.contract_signing_status(
            organization=self.organization, contract=self.contract()
        )
        mine = next((s for s in status if s.signer.user_id == self.request.user.pk), None)
        if mine is None:
            raise PermissionDenied("You are not the brand signer of this contract.")
        return mine.signer

    def get(self, request, *args, **kwargs):
        services.signing_page_viewed(
            organization=self.organization, signer=self.signer(), actor=actor_for(request)
        )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contract, signer = self.contract(), self.signer()
        context.update(sign_context(self.organization, contract, signer, kwargs.get("form")))
        context["status"] = selectors.contract_signing_status(
            organization=self.organization, contract=contract
        )
        return context

    def post(self, request, *args, **kwargs):
        form = SignForm(request.POST)
        form.is_valid()
        data = form.cleaned_data
        try:
            services.contract_sign(
                organization=self.organization,
                contract=self.contract(),
                signer=self.signer(),
                typed_name=data.get("typed_name", ""),
                consent=bool(data.get("consent")),
                document_sha256=data.get("document_sha256", ""),
                drawn_signature=data.get("drawn_signature", ""),
                actor=actor_for(request),
                user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(request, "Signed. Thank you.")
        return redirect("contract_detail", self.organization.slug, self.contract().pk)


def sign_context(organization, contract: Contract, signer: Signer, form=None) -> dict:
    """What both signing pages (brand and creator) show around the form."""
    return {
        "contract": contract,
        "signer": signer,
        "form": form or SignForm(initial={"document_sha256": contract.document_sha256}),
        "disclosure_title": DISCLOSURE_TITLE,
        "disclosure": DISCLOSURE_PARAGRAPHS,
        "consent_label": CONSENT_LABEL,
        "intent": services.signer_intent(contract, signer, organization),
        "sign_organization": organization,
    }


# --- the signed PDF ------------------------------------------------------------------------


class ContractPdfView(_ContractMixin, View):
    def get(self, request, org_slug: str, contract_id: int):
        return pdf_response(self.contract())


def pdf_response(contract: Contract) -> FileResponse:
    if contract.pdf_status != PdfStatus.READY or not contract.pdf_file:
        raise Http404("The signed PDF is not ready")
    response = FileResponse(
        contract.pdf_file.open("rb"),
        as_attachment=True,
        filename=f"contract-{contract.pk}-v{contract.version}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-SHA256"] = contract.pdf_sha256
    return response


class ContractPdfStatusView(_ContractMixin, TemplateView):
    """htmx: the signed-PDF card, polled until the worker has sealed it."""

    template_name = "contracts/_pdf_status.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["contract"] = self.contract()
        return context


class ContractPdfRetryView(_ContractActionView):
    write_role = Role.ADMIN

    def post(self, request, org_slug: str, contract_id: int):
        try:
            services.contract_pdf_retry(organization=self.organization, contract=self.contract())
        except ValidationError as error:
            return self.done(request, error=error)
        return self.done(request, "The signed PDF is queued again.")


# --- panels served into other apps' pages -------------------------------------------------


class DashboardPanelView(OrganizationMixin, TemplateView):
    """htmx fragment for the organization dashboard: contracts awaiting signature and
    usage rights about to end."""

    template_name = "contracts/_dashboard_panel.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org = self.organization
        counts = selectors.contract_state_counts(organization=org)
        context.update(
            awaiting=counts.get(ContractState.SENT, 0)
            + counts.get(ContractState.PARTIALLY_SIGNED, 0),
            signed=counts.get(ContractState.COMPLETED, 0),
            usage_ending=selectors.usage_rights_ending(organization=org)[:10],
            warning_days=settings.CONTRACTS_USAGE_WARNING_DAYS,
            today=organization_today(org),
        )
        return context


class CampaignPanelView(OrganizationMixin, TemplateView):
    """htmx fragment for a campaign page: its contracts and usage-rights warnings.
    Campaigns load it by URL name (`contracts_campaign_panel`); they never import us."""

    template_name = "contracts/_campaign_panel.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org = self.organization
        campaign = _or_404(
            selectors.campaign_get, organization=org, campaign_id=kwargs["campaign_id"]
        )
        context.update(
            campaign=campaign,
            contracts=selectors.contract_list(organization=org, campaign_id=campaign.pk),
            usage_ending=selectors.usage_rights_ending(organization=org, campaign_id=campaign.pk),
            warning_days=settings.CONTRACTS_USAGE_WARNING_DAYS,
            today=organization_today(org),
        )
        return context


class CollaborationPanelView(OrganizationMixin, TemplateView):
    """htmx fragment for a collaboration page: its contract versions, signing status and
    the signed deliverables with their due dates."""

    template_name = "contracts/_collaboration_panel.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org = self.organization
        collaboration = _or_404(
            selectors.collaboration_for_contract,
            organization=org,
            collaboration_id=kwargs["collaboration_id"],
        )
        contracts = selectors.collaboration_contracts(
            organization=org, collaboration_id=collaboration.pk
        )
        current = next((c for c in contracts if c.state != ContractState.SUPERSEDED), None)
        context.update(
            collaboration=collaboration,
            contracts=contracts,
            current=current,
            terms=current.terms_data if current else None,
        )
        return context


class ExclusivityCheckView(OrganizationMixin, TemplateView):
    """htmx fragment: exclusivity conflicts for ?creator_id=&categories=a,b[&start=&end=]
    (an offer form in campaigns loads it by URL name while the categories are typed)."""

    template_name = "contracts/_exclusivity_check.html"

    def get_context_data(self, **kwargs):
        from django.utils.dateparse import parse_date

        context = super().get_context_data(**kwargs)
        params = self.request.GET
        creator_id = params.get("creator_id", "")
        categories = [c for c in params.get("categories", "").split(",") if c.strip()]
        conflicts = []
        if creator_id.isdigit() and categories:
            conflicts = selectors.exclusivity_conflicts(
                organization=self.organization,
                creator=int(creator_id),
                categories=categories,
                start=parse_date(params.get("start") or "") or None,
                end=parse_date(params.get("end") or "") or None,
            )
        context.update(conflicts=conflicts, categories=categories)
        return context
