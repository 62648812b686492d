"""The organization's conversions: the list (filtered, paginated, exported as CSV with the
same filters) and one conversion, explained: "why this credit". The order's data, every
candidate the rules see (rule, time, in the window or why not), and the ledger entries
with their reasons and evidence. Linked from wherever conversions are listed."""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.views import View
from django.views.generic import TemplateView

from kolhub.tenancy.views import OrganizationMixin
from tracking import result_exports
from tracking.models import Conversion, CreditRule
from tracking.result_forms import ConversionFilterForm
from tracking.selectors.conversion_detail import conversion_explain
from tracking.selectors.home import campaign_choice_list
from tracking.selectors.ledger import conversion_list

PAGE_SIZE = 50


class _ConversionFilterMixin(OrganizationMixin):
    def filtered(self):
        """(form, campaigns, conversions); conversions is None when the filter is invalid:
        a list filtered by half a filter would look like an answer and not be one."""
        campaigns = campaign_choice_list(organization=self.organization)
        form = ConversionFilterForm(self.request.GET or None, campaigns=campaigns)
        if form.is_bound and not form.is_valid():
            return form, campaigns, None
        data = form.cleaned_data if form.is_bound else {}
        by_id = {c.pk: c for c in campaigns}
        conversions = conversion_list(
            organization=self.organization,
            campaign=by_id.get(data.get("campaign")),
            attributed=form.attributed() if form.is_bound else None,
            source=data.get("source", ""), search=data.get("q", ""),
            date_from=data.get("date_from"), date_to=data.get("date_to"),
        )  # fmt: skip
        return form, campaigns, conversions


class ConversionListView(_ConversionFilterMixin, TemplateView):
    template_name = "tracking/conversions.html"

    def get(self, request, *args, **kwargs):
        form, campaigns, conversions = self.filtered()
        context = self.get_context_data(form=form, **kwargs)
        filters = request.GET.copy()
        filters.pop("page", None)
        context["query"] = filters.urlencode()
        if conversions is None:
            return self.render_to_response(context, status=400)
        page = Paginator(conversions, PAGE_SIZE).get_page(request.GET.get("page"))
        by_id = {c.pk: c for c in campaigns}
        for conversion in page:
            # Named from the campaigns the filter already loaded: no query per row.
            conversion.credit_campaign = by_id.get(conversion.credit_campaign_id)
        context["page"] = page
        return self.render_to_response(context)


class ConversionExportView(_ConversionFilterMixin, View):
    """The list's rows as CSV (tracking.result_exports.conversions_csv), same filters."""

    def get(self, request, *args, **kwargs):
        form, _, conversions = self.filtered()
        if conversions is None:
            return HttpResponse(form.errors_text(), status=400, content_type="text/plain")
        response = HttpResponse(
            result_exports.conversions_csv(conversions.iterator(chunk_size=2000)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="conversions.csv"'
        return response


class ConversionDetailView(OrganizationMixin, TemplateView):
    template_name = "tracking/conversion_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            explained = conversion_explain(
                organization=self.organization, conversion_id=self.kwargs["conversion_id"]
            )
        except Conversion.DoesNotExist:
            # Another organization's conversion is the same "not found" as none at all.
            raise Http404("No such conversion") from None
        context["x"] = explained
        context["conversion"] = explained.conversion
        context["candidates"] = [
            {"candidate": c, "rule_label": CreditRule(c.rule).label,
             "chosen": explained.winner is c}
            for c in explained.candidates
        ]  # fmt: skip
        context["entries"] = [
            {"entry": e, "evidence_json": json.dumps(e.evidence, indent=2, sort_keys=True)}
            for e in explained.entries
        ]
        return context
