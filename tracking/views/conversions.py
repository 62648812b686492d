"""One conversion, explained: "why this credit". The order's data, every candidate the
rules see (rule, time, in the window or why not), and the ledger entries with their
reasons and evidence. Linked from wherever conversions are listed."""

from __future__ import annotations

import json

from django.http import Http404
from django.views.generic import TemplateView

from kolhub.tenancy.views import OrganizationMixin
from tracking.models import Conversion, CreditRule
from tracking.selectors.conversion_detail import conversion_explain


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
