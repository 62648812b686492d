"""Campaign expenses on the campaign page's Budget card: recording one (errors shown
next to the form's fields), correcting it on its own page, marking it paid with its
reference, deleting it. Only while it is committed can it be changed or deleted; the
service says so when it is paid. Writes need a member (the tenant middleware checks
write_role); viewers see the list."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from campaigns import selectors, services
from campaigns.forms.expenses import ExpenseForm, ExpensePaidForm
from campaigns.models import Campaign, CampaignExpense
from campaigns.views.campaigns import CampaignDetailView, CampaignMixin, get_or_404
from kolhub.forms import add_service_errors
from kolhub.models import Organization


def expense_form(organization: Organization, campaign: Campaign, data=None,
                 expense: CampaignExpense | None = None) -> ExpenseForm:  # fmt: skip
    if expense is not None:
        initial = {"category": expense.category, "description": expense.description,
                   "amount": expense.amount, "incurred_on": expense.incurred_on,
                   "collaboration": expense.collaboration_id}  # fmt: skip
    else:
        initial = {"incurred_on": selectors.organization_today(organization)}
    return ExpenseForm(
        data, initial=initial, campaign=campaign,
        collaborations=selectors.expense_collaborations(organization=organization,
                                                        campaign=campaign),
    )  # fmt: skip


def expenses_url(org_slug: str, campaign_id: int) -> str:
    return reverse("campaign_detail", args=[org_slug, campaign_id]) + "#expenses"


class ExpenseMixin(CampaignMixin):
    def expense(self) -> CampaignExpense:
        return get_or_404(
            selectors.expense_get, organization=self.organization,
            expense_id=self.kwargs["expense_id"], campaign=self.campaign(),
        )  # fmt: skip


class ExpenseCreateView(CampaignDetailView):
    """Errors are shown on the campaign page, next to the Add expense form."""

    http_method_names = ["post", "options"]

    def post(self, request, org_slug: str, campaign_id: int):
        campaign = self.campaign()
        form = expense_form(self.organization, campaign, request.POST)
        if form.is_valid():
            try:
                expense = services.expense_create(
                    organization=self.organization, campaign=campaign, by=request.user,
                    **form.data_for_service(),
                )  # fmt: skip
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Expense “{expense.description}” recorded.")
                return HttpResponseRedirect(expenses_url(org_slug, campaign_id))
        context = self.get_context_data(**self.kwargs)
        context.update(expense_form=form, expense_form_open=True)
        return self.render_to_response(context, status=400)


class ExpenseEditView(ExpenseMixin, TemplateView):
    template_name = "campaigns/expense_edit.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        expense = self.expense()
        context.update(self.campaign_context())
        context.update(expense=expense, tab="overview")
        context.setdefault("form", expense_form(self.organization, self.campaign(),
                                                expense=expense))  # fmt: skip
        return context

    def post(self, request, org_slug: str, campaign_id: int, expense_id: int):
        expense = self.expense()
        form = expense_form(self.organization, self.campaign(), request.POST, expense=expense)
        if form.is_valid():
            try:
                services.expense_update(organization=self.organization, expense=expense,
                                        **form.data_for_service())  # fmt: skip
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Expense saved.")
                return HttpResponseRedirect(expenses_url(org_slug, campaign_id))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ExpensePaidView(ExpenseMixin, View):
    def post(self, request, org_slug: str, campaign_id: int, expense_id: int):
        expense = self.expense()
        form = ExpensePaidForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Give the payment reference (up to 120 characters) and, if "
                                    "not today, the date it was paid.")  # fmt: skip
        else:
            try:
                services.expense_mark_paid(
                    organization=self.organization, expense=expense,
                    reference=form.cleaned_data["reference"], paid_on=form.cleaned_data["paid_on"],
                )  # fmt: skip
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, f"Expense “{expense.description}” marked paid.")
        return HttpResponseRedirect(expenses_url(org_slug, campaign_id))


class ExpenseDeleteView(ExpenseMixin, View):
    def post(self, request, org_slug: str, campaign_id: int, expense_id: int):
        expense = self.expense()
        try:
            services.expense_delete(organization=self.organization, expense=expense)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Expense “{expense.description}” deleted.")
        return HttpResponseRedirect(expenses_url(org_slug, campaign_id))
