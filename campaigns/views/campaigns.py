"""Campaign pages: the index, create / edit, the campaign page (KPIs, budget, checklist),
the pipeline board, the collaboration list and history, and the endpoints the creators
pages use to add creators to a campaign. Thin: parse, call a selector or a service,
render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView

from campaigns import pipeline, selectors, services, warnings
from campaigns.forms.campaigns import (
    AddCreatorsForm,
    BudgetForm,
    CampaignForm,
    KpiTargetsForm,
    LearningsForm,
    ProductFormSet,
    TransitionForm,
)
from campaigns.models import Campaign, CampaignStatus, Collaboration, Objective
from campaigns.pipeline import ORDER, Stage
from creators.models import CreatorRole
from kolhub.forms import add_service_errors
from kolhub.models import Role
from kolhub.tenancy.views import OrganizationMixin


def get_or_404(getter, **kwargs):
    # Missing and foreign are the same answer: 404.
    try:
        return getter(**kwargs)
    except ObjectDoesNotExist:
        raise Http404("Not found") from None


def back_to(request, fallback: str) -> str:
    """Where to return after a POST: the `next` the form carried, if it is ours."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


class CampaignMixin(OrganizationMixin):
    def campaign(self) -> Campaign:
        if not hasattr(self, "_campaign"):
            self._campaign = get_or_404(
                selectors.campaign_get, organization=self.organization,
                campaign_id=self.kwargs["campaign_id"],
            )  # fmt: skip
        return self._campaign

    def campaign_context(self) -> dict:
        """What every campaign page shows around its own content: the header and the
        12-step checklist (DESIGN.md: shown on every campaign), and late payments."""
        campaign = self.campaign()
        return {
            "campaign": campaign,
            "checklist": selectors.campaign_checklist(
                organization=self.organization, campaign=campaign
            ),
            # Late payments are flagged on every campaign page (the Payments tab).
            "payment_summary": selectors.payment_summary(
                organization=self.organization, campaign=campaign
            ),
        }


class CampaignIndexView(OrganizationMixin, TemplateView):
    template_name = "campaigns/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status") or ""
        if status not in CampaignStatus.values:
            status = ""
        context.update(
            campaigns=selectors.campaign_list(organization=self.organization, status=status),
            status=status,
            statuses=CampaignStatus.choices,
            stage_labels=[(s, pipeline.label(s)) for s in ORDER],
        )
        return context


class _CampaignFormView(OrganizationMixin, TemplateView):
    """Create and edit share one page: the campaign's fields, its products (a formset),
    KPI targets (one field per metric, the objective's headline ones first) and budget."""

    template_name = "campaigns/campaign_form.html"

    def objective(self, data=None) -> str:
        source = data if data is not None else self.request.GET
        value = source.get("objective") or (self.instance().objective if self.instance()
                                             else Objective.SALES)  # fmt: skip
        return value if value in Objective.values else Objective.SALES

    def instance(self) -> Campaign | None:
        return None

    def forms(self, data=None) -> dict:
        campaign = self.instance()
        organization = self.organization
        currency = campaign.currency if campaign else organization.default_currency
        initial_products = kpis = budget = None
        if campaign is not None:
            initial_products = [
                {"name": p.name, "sku": p.sku, "unit_cost": p.unit_cost, "price": p.price,
                 "currency": p.currency}
                for p in campaign.products.all()
            ]  # fmt: skip
            kpis = {t.metric: t.target_value for t in campaign.kpi_targets.all()}
            budget = {b.category: b.planned_amount for b in campaign.budget_lines.all()}
        if data is None and self.request.GET.get("part") == "kpis":
            # The objective changed (htmx): regroup the fields, keep what was typed.
            kpis = {key.removeprefix("kpi-"): value for key, value in self.request.GET.items()
                    if key.startswith("kpi-") and value}  # fmt: skip
            currency = self.request.GET.get("currency") or currency
        return {
            "form": CampaignForm(
                data,
                instance=campaign,
                owners=selectors.team(organization=organization),
                initial=None if campaign else {"currency": currency, "owner": self.request.user.pk},
            ),  # fmt: skip
            "product_formset": ProductFormSet(data, prefix="products", initial=initial_products),
            "kpi_form": KpiTargetsForm(
                data, prefix="kpi", initial=kpis, objective=self.objective(data), currency=currency
            ),
            "budget_form": BudgetForm(data, prefix="budget", initial=budget, currency=currency),
        }

    def get_template_names(self):
        # Changing the objective asks (htmx) for the KPI fields alone, regrouped.
        if self.request.htmx and self.request.GET.get("part") == "kpis":
            return ["campaigns/_kpi_fields.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "form" not in kwargs:
            context.update(self.forms())
        context["campaign"] = self.instance()
        return context

    def post(self, request, *args, **kwargs):
        forms = self.forms(request.POST)
        valid = [f.is_valid() for f in forms.values()]
        if all(valid):
            products = [
                row for row in forms["product_formset"].cleaned_data
                if row and not row.get("DELETE")
            ]  # fmt: skip
            try:
                campaign = self.save(
                    data=forms["form"].cleaned_data, products=products,
                    kpi_targets=forms["kpi_form"].targets(),
                    budget_lines=forms["budget_form"].lines(),
                )  # fmt: skip
            except ValidationError as error:
                self._route_errors(forms, error)
            else:
                messages.success(request, f"Saved {campaign.name}.")
                return redirect("campaign_detail", request.organization.slug, campaign.pk)
        return self.render_to_response(self.get_context_data(**forms))

    @staticmethod
    def _route_errors(forms: dict, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            add_service_errors(forms["form"], error)
            return
        for field, texts in error.message_dict.items():
            if field == "products":
                forms["product_formset"]._non_form_errors = forms["product_formset"].error_class(
                    texts
                )
            elif field == "kpi_targets":
                forms["kpi_form"].add_error(None, texts)
            elif field == "budget_lines":
                forms["budget_form"].add_error(None, texts)
            else:
                add_service_errors(forms["form"], ValidationError({field: texts}))


class CampaignCreateView(_CampaignFormView):
    def save(self, **kwargs) -> Campaign:
        return services.campaign_create(organization=self.organization, **kwargs)


class CampaignEditView(CampaignMixin, _CampaignFormView):
    def instance(self) -> Campaign:
        return self.campaign()

    def save(self, *, data, **kwargs) -> Campaign:
        return services.campaign_update(
            organization=self.organization, campaign=self.campaign(), data=data, **kwargs
        )


class CampaignDetailView(CampaignMixin, TemplateView):
    template_name = "campaigns/campaign_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign = self.campaign()
        context.update(self.campaign_context())
        context.update(
            tab="overview",
            budget=selectors.campaign_budget(organization=self.organization, campaign=campaign),
            learnings_form=LearningsForm(initial={"learnings": campaign.learnings}),
            target=selectors.campaign_target(campaign),
            target_query=selectors.campaign_target_query(campaign),
        )
        return context


class CampaignDeleteView(CampaignMixin, View):
    write_role = Role.ADMIN

    def post(self, request, org_slug: str, campaign_id: int):
        campaign = self.campaign()
        try:
            services.campaign_delete(organization=self.organization, campaign=campaign)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("campaign_detail", org_slug, campaign_id)
        messages.success(request, f"Deleted {campaign.name}.")
        return redirect("campaigns_index", org_slug)


class ChecklistTickView(CampaignMixin, View):
    """POST ticks a manual step; POST with untick=1 removes the tick."""

    def post(self, request, org_slug: str, campaign_id: int, step: str):
        campaign = self.campaign()
        try:
            if request.POST.get("untick"):
                services.checklist_untick(organization=self.organization, campaign=campaign,
                                          step=step)  # fmt: skip
            else:
                services.checklist_tick(organization=self.organization, campaign=campaign,
                                        step=step, by=request.user)  # fmt: skip
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        fallback = reverse("campaign_detail", args=[org_slug, campaign_id])
        return HttpResponseRedirect(back_to(request, fallback) + "#checklist")


class LearningsView(CampaignMixin, View):
    def post(self, request, org_slug: str, campaign_id: int):
        form = LearningsForm(request.POST)
        form.is_valid()
        services.campaign_learnings_set(
            organization=self.organization, campaign=self.campaign(),
            learnings=form.cleaned_data.get("learnings", ""),
        )  # fmt: skip
        messages.success(request, "Learnings saved.")
        return redirect(reverse("campaign_detail", args=[org_slug, campaign_id]) + "#checklist")


class BoardView(CampaignMixin, TemplateView):
    template_name = "campaigns/board.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign = self.campaign()
        context.update(self.campaign_context())
        context.update(
            tab="board",
            columns=selectors.pipeline_board(organization=self.organization, campaign=campaign),
            transitions={s: list(pipeline.next_stages(s)) for s in ORDER},
        )
        return context


class CollaborationListView(CampaignMixin, TemplateView):
    template_name = "campaigns/collaborations.html"

    def get_template_names(self):
        htmx = self.request.htmx
        if htmx and not htmx.boosted and not htmx.history_restore_request:
            return ["campaigns/_collaboration_rows.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign = self.campaign()
        org = self.organization
        filterset = selectors.collaboration_search(
            organization=org, campaign=campaign, params=self.request.GET
        )
        rows = []
        if filterset.form.is_valid():
            rows = selectors.collaboration_rows(organization=org, campaign=campaign,
                                                filterset=filterset)  # fmt: skip
        context.update(self.campaign_context())
        context.update(
            tab="collaborations",
            filterset=filterset,
            form=filterset.form,
            rows=rows,
            stages=[(s, pipeline.label(s)) for s in ORDER],
            roles=CreatorRole.choices,
            team=selectors.team(organization=org),
            selected_stages=self.request.GET.getlist("stage"),
            selected_roles=self.request.GET.getlist("role"),
        )
        return context


class CollaborationActionView(CampaignMixin, View):
    def collaboration(self) -> Collaboration:
        return get_or_404(
            selectors.collaboration_get, organization=self.organization,
            collaboration_id=self.kwargs["collaboration_id"], campaign=self.campaign(),
        )  # fmt: skip


class TransitionView(CollaborationActionView):
    """Move a card: the board's buttons and its drag-and-drop post here."""

    def post(self, request, org_slug: str, campaign_id: int, collaboration_id: int):
        collaboration = self.collaboration()
        form = TransitionForm(request.POST)
        fallback = reverse("campaign_board", args=[org_slug, campaign_id])
        if not form.is_valid():
            messages.error(request, "Choose the stage to move to.")
            return HttpResponseRedirect(back_to(request, fallback))
        try:
            services.collaboration_transition(
                organization=self.organization, collaboration=collaboration,
                to_stage=form.cleaned_data["to_stage"], by=request.user,
                reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except ValidationError as error:
            messages.error(request, f"{collaboration.creator.name}: {' '.join(error.messages)}")
        else:
            messages.success(
                request,
                f"{collaboration.creator.name} moved to {pipeline.label(collaboration.stage)}.",
            )
        return HttpResponseRedirect(back_to(request, fallback))


class CollaborationOwnerView(CollaborationActionView):
    def post(self, request, org_slug: str, campaign_id: int, collaboration_id: int):
        collaboration = self.collaboration()
        owner_id = request.POST.get("owner") or None
        owner = selectors.team(organization=self.organization).filter(pk=owner_id).first()
        try:
            services.collaboration_assign(
                organization=self.organization, collaboration=collaboration, owner=owner
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Owner saved.")
        fallback = reverse("collaboration_detail", args=[org_slug, campaign_id, collaboration_id])
        return HttpResponseRedirect(back_to(request, fallback))


class CollaborationRemoveView(CollaborationActionView):
    def post(self, request, org_slug: str, campaign_id: int, collaboration_id: int):
        collaboration = self.collaboration()
        fallback = reverse("campaign_board", args=[org_slug, campaign_id])
        try:
            services.collaboration_remove(
                organization=self.organization, collaboration=collaboration
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(back_to(request, fallback))
        messages.success(request, f"{collaboration.creator.name} removed from the shortlist.")
        return HttpResponseRedirect(fallback)


class AddCreatorsView(OrganizationMixin, View):
    """Add creators to a campaign: the bulk bar on discovery and the creator page's
    campaign panel post here (the creators app links to it by URL name only)."""

    def post(self, request, org_slug: str):
        form = AddCreatorsForm(request.POST)
        fallback = reverse("creators_index", args=[org_slug])
        if not form.is_valid():
            messages.error(request, "Tick at least one creator and choose a campaign.")
            return HttpResponseRedirect(back_to(request, fallback))
        campaign = get_or_404(selectors.campaign_get, organization=self.organization,
                               campaign_id=form.cleaned_data["campaign_id"])  # fmt: skip
        try:
            result = services.collaborations_add(
                organization=self.organization, campaign=campaign,
                creator_ids=form.cleaned_data["creator_ids"], added_by=request.user,
            )  # fmt: skip
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(back_to(request, fallback))
        messages.success(request, f"{campaign.name}: {result.summary()}")
        # A warning, not a block: the creators are added either way.
        for warning in warnings.creator_warnings(warnings.warning_query(
            organization=self.organization, campaign=campaign,
            creator_ids=form.cleaned_data["creator_ids"],
        )):  # fmt: skip
            messages.warning(request, f"{warning.title}: {warning.message}")
        if request.POST.get("go"):
            return redirect("campaign_board", org_slug, campaign.pk)
        return HttpResponseRedirect(back_to(request, fallback))


class CampaignPickerView(OrganizationMixin, TemplateView):
    """An htmx fragment for discovery's bulk bar: a campaign select and a button that
    submits the surrounding selection form to AddCreatorsView."""

    template_name = "campaigns/_picker.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["campaigns"] = selectors.campaign_picker_list(organization=self.organization)
        return context


class CreatorPanelView(OrganizationMixin, TemplateView):
    """An htmx fragment for the creator page: the campaigns this creator is in, and a form
    to add them to another one."""

    template_name = "campaigns/_creator_panel.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org = self.organization
        if not selectors.creator_exists(organization=org, creator_id=kwargs["creator_id"]):
            raise Http404("Not found")
        collaborations = list(
            selectors.creator_collaborations(organization=org, creator_id=kwargs["creator_id"])
        )
        joined = {c.campaign_id for c in collaborations}
        context.update(
            creator_id=kwargs["creator_id"],
            collaborations=collaborations,
            campaigns=[
                c for c in selectors.campaign_picker_list(organization=org) if c.pk not in joined
            ],
            next=self.request.GET.get("next") or "",
            stage_final={Stage.PAID, Stage.CANCELLED, Stage.DECLINED},
        )
        return context
