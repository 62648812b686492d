"""A campaign's payment ledger: every row, filtered (late / due / pending / paid),
marking a row paid with its reference, and a CSV export."""

from __future__ import annotations

import csv

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from campaigns import selectors, services
from campaigns.views.campaigns import CampaignMixin, back_to, get_or_404
from creators.exports import safe_cell


class MarkPaidForm(forms.Form):
    reference = forms.CharField(max_length=120)
    paid_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class PaymentsView(CampaignMixin, TemplateView):
    template_name = "campaigns/payments.html"

    def status(self) -> str:
        status = self.request.GET.get("status") or ""
        return status if status in selectors.PAYMENT_FILTERS else ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign = self.campaign()
        org = self.organization
        context.update(self.campaign_context())
        context.update(
            tab="payments",
            status=self.status(),
            filters=selectors.PAYMENT_FILTERS,
            summary=selectors.payment_summary(organization=org, campaign=campaign),
            payments=list(
                selectors.payment_list(organization=org, campaign=campaign, status=self.status())
            ),  # fmt: skip
            today=selectors.organization_today(org),
        )
        return context


class PaymentPaidView(CampaignMixin, View):
    def post(self, request, org_slug: str, campaign_id: int, payment_id: int):
        item = get_or_404(selectors.payment_get, organization=self.organization,
                          payment_id=payment_id, campaign=self.campaign())  # fmt: skip
        form = MarkPaidForm(request.POST)
        fallback = reverse("campaign_payments", args=[org_slug, campaign_id])
        if not form.is_valid():
            messages.error(request, "Give the payment reference (up to 120 characters).")
            return HttpResponseRedirect(back_to(request, fallback))
        try:
            services.payment_mark_paid(
                organization=self.organization, item=item, by=request.user,
                reference=form.cleaned_data["reference"], paid_on=form.cleaned_data["paid_on"],
            )  # fmt: skip
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Payment to {item.collaboration.creator.name} recorded.")
        return HttpResponseRedirect(back_to(request, fallback))


COLUMNS = [
    "creator", "kind", "trigger", "percent", "amount", "currency", "status", "late",
    "due_date", "paid_at", "paid_reference", "offer_version",
]  # fmt: skip


class PaymentsExportView(PaymentsView):
    """The filtered ledger as CSV. Every cell goes through safe_cell: creator names and
    references are typed by people, and a cell starting with "=" is a formula to a
    spreadsheet."""

    def get(self, request, *args, **kwargs):
        campaign = self.campaign()
        rows = selectors.payment_list(organization=self.organization, campaign=campaign,
                                      status=self.status())  # fmt: skip
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        name = f"payments-{campaign.slug}{'-' + self.status() if self.status() else ''}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        writer = csv.writer(response)
        writer.writerow(COLUMNS)
        for item in rows:
            writer.writerow([safe_cell(value) for value in (
                item.collaboration.creator.name, item.kind, item.trigger, item.percent,
                item.amount, item.currency, item.status, "yes" if item.is_late else "no",
                item.due_date, item.paid_at.isoformat() if item.paid_at else "",
                item.paid_reference, item.offer.version,
            )])  # fmt: skip
        return response
