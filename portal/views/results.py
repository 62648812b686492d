"""The creator's own results in the portal: per collaboration, their tracking links,
promo codes, clicks, conversions and commissions. Read by tracking.selectors for the
portal's own creator only, so another creator's figures can never appear; stages the
creator does not see (the brand's shortlist) are left out as everywhere in the portal."""

from __future__ import annotations

from django.views.generic import TemplateView

from campaigns.selectors.portal import HIDDEN_FROM_CREATOR
from portal.access import PortalMixin
from tracking.selectors.creator_results import creator_results


class ResultsView(PortalMixin, TemplateView):
    template_name = "portal/results.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        portal = self.portal
        context.update(
            results=creator_results(
                organization=portal.organization,
                creator_id=portal.creator.pk,
                hidden_stages=HIDDEN_FROM_CREATOR,
            ),  # fmt: skip
            link_base=self.request.build_absolute_uri("/r/"),
        )
        return context
