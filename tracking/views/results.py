"""Results pages outside the campaign dashboard (issue #6, "Rollups and dashboards"):

- the creator-results panel on the brand's creator page (an htmx fragment: creators may
  not import tracking, so its page loads this part from here);
- the organization overview across campaigns, and its CSV;
- a campaign's reports page (campaign_reports): CSV exports of every table, the PDF
  report (asked for with a button, rendered by a worker, polled with htmx), overlaps and
  code-leak flags.

Thin: parse the date range, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import slugify
from django.views import View
from django.views.generic import TemplateView

from campaigns import selectors as campaign_selectors
from campaigns.views.campaigns import CampaignMixin, get_or_404
from kolhub.tenancy.views import OrganizationMixin
from tracking import result_exports
from tracking.models import ReportStatus
from tracking.result_forms import DateRangeForm
from tracking.selectors import creator_results as creator_selectors
from tracking.selectors import leaks, ledger, overview, reports, results, touchpoints
from tracking.services import reports as report_services


def _csv(body: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _range(request) -> tuple[DateRangeForm, dict]:
    form = DateRangeForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, {"date_from": form.cleaned_data["date_from"],
                      "date_to": form.cleaned_data["date_to"]}  # fmt: skip
    return form, {"date_from": None, "date_to": None}


class CreatorResultsPanelView(OrganizationMixin, TemplateView):
    """The creator page's results section: per campaign, clicks, conversions, revenue,
    CPA, ROAS, commissions, links and codes."""

    template_name = "tracking/_creator_results.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org, creator_id = self.organization, kwargs["creator_id"]
        if not campaign_selectors.creator_exists(organization=org, creator_id=creator_id):
            raise Http404("Not found")
        context["results"] = creator_selectors.creator_results(
            organization=org, creator_id=creator_id
        )
        return context


class OverviewView(OrganizationMixin, TemplateView):
    template_name = "tracking/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, dates = _range(self.request)
        context.update(
            form=form,
            overview=overview.campaign_overview(organization=self.organization, **dates),
            query=self.request.GET.urlencode(),
        )
        return context


class OverviewExportView(OrganizationMixin, View):
    def get(self, request, org_slug: str):
        form, dates = _range(request)
        if form.is_bound and not form.is_valid():
            return HttpResponse(form.errors_text(), status=400, content_type="text/plain")
        data = overview.campaign_overview(organization=self.organization, **dates)
        return _csv(result_exports.overview_csv(data), "overview.csv")


class CampaignResultsView(CampaignMixin, TemplateView):
    """Exports, the PDF report, overlaps and leak flags of one campaign."""

    template_name = "tracking/campaign_reports.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org, campaign = self.organization, self.campaign()
        form, dates = _range(self.request)
        context.update(self.campaign_context())
        context.update(
            tab="reports",
            form=form,
            query=self.request.GET.urlencode(),
            reports=reports.campaign_report_list(organization=org, campaign=campaign),
            overlap_count=len(ledger.overlap_list(organization=org, campaign=campaign, **dates)),
        )
        return context


class _CampaignExportView(CampaignMixin, View):
    table = ""

    def get(self, request, org_slug: str, campaign_id: int):
        form, dates = _range(request)
        if form.is_bound and not form.is_valid():
            return HttpResponse(form.errors_text(), status=400, content_type="text/plain")
        campaign = self.campaign()
        body = self.render(self.organization, campaign, dates)
        return _csv(body, f"{slugify(campaign.slug)}-{self.table}.csv")


class LeaderboardExportView(_CampaignExportView):
    table = "leaderboard"

    def render(self, org, campaign, dates):
        rows = results.leaderboard(organization=org, campaign=campaign, **dates)
        return result_exports.leaderboard_csv(rows, currency=campaign.currency)


class DailyExportView(_CampaignExportView):
    table = "daily"

    def render(self, org, campaign, dates):
        start, end = reports.report_range(org, campaign, dates["date_from"], dates["date_to"])
        series = results.daily_series(organization=org, campaign_ids=[campaign.pk],
                                      date_from=start, date_to=end)  # fmt: skip
        return result_exports.daily_csv(series, currency=campaign.currency)

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except ValidationError as error:
            return HttpResponse(" ".join(error.messages), status=400, content_type="text/plain")


class ConversionExportView(_CampaignExportView):
    table = "conversions"

    def render(self, org, campaign, dates):
        rows = ledger.conversion_list(organization=org, campaign=campaign, **dates)
        return result_exports.conversions_csv(rows.iterator(chunk_size=2000))


class LedgerExportView(_CampaignExportView):
    table = "ledger"

    def render(self, org, campaign, dates):
        rows = ledger.ledger_entry_list(organization=org, campaign=campaign, **dates)
        return result_exports.ledger_csv(rows.iterator(chunk_size=2000))


class LinkExportView(_CampaignExportView):
    table = "links"

    def render(self, org, campaign, dates):
        rows = touchpoints.tracking_link_list(organization=org, campaign=campaign, **dates)
        return result_exports.links_csv(rows)


class PromoCodeExportView(_CampaignExportView):
    table = "promo-codes"

    def render(self, org, campaign, dates):
        rows = leaks.promo_code_redemption_list(organization=org, campaign=campaign, **dates)
        return result_exports.promo_codes_csv(rows)


class OverlapExportView(_CampaignExportView):
    table = "overlaps"

    def render(self, org, campaign, dates):
        rows = ledger.overlap_list(organization=org, campaign=campaign, **dates)
        return result_exports.overlaps_csv(rows)


class LeakFlagExportView(_CampaignExportView):
    table = "leak-flags"

    def render(self, org, campaign, dates):
        rows = leaks.leak_flags(organization=org, campaign=campaign, **dates)
        return result_exports.leaks_csv(rows)


class OverlapListView(CampaignMixin, TemplateView):
    template_name = "tracking/overlaps.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, dates = _range(self.request)
        context.update(self.campaign_context())
        context.update(tab="reports", form=form, overlaps=ledger.overlap_list(
            organization=self.organization, campaign=self.campaign(), **dates))  # fmt: skip
        return context


class LeakFlagListView(CampaignMixin, TemplateView):
    template_name = "tracking/leaks.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, dates = _range(self.request)
        context.update(self.campaign_context())
        context.update(
            tab="reports", form=form,
            flags=leaks.leak_flags(organization=self.organization, campaign=self.campaign(),
                                   **dates),
            thresholds={"top": leaks.TOP_COUNTRIES, "country_min": leaks.COUNTRY_MIN,
                        "burst_min": leaks.BURST_MIN,
                        "burst_minutes": int(leaks.BURST_WINDOW.total_seconds() // 60),
                        "source_min": leaks.SOURCE_MIN,
                        "source_pct": int(leaks.SOURCE_SHARE * 100)},
        )  # fmt: skip
        return context


class ReportCreateView(CampaignMixin, View):
    http_method_names = ["post", "options"]

    def post(self, request, org_slug: str, campaign_id: int):
        campaign = self.campaign()
        back = reverse("campaign_reports", args=[org_slug, campaign.pk])
        form = DateRangeForm(request.POST)
        if not form.is_valid():
            messages.error(request, form.errors_text())
            return HttpResponseRedirect(back)
        try:
            report = report_services.campaign_report_request(
                organization=self.organization, campaign=campaign, requested_by=request.user,
                date_from=form.cleaned_data["date_from"], date_to=form.cleaned_data["date_to"],
            )  # fmt: skip
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(back)
        if request.htmx:
            return _status_response(request, self, report)
        messages.success(request, "The PDF report is being rendered; it appears below when ready.")
        return HttpResponseRedirect(back)


def _status_response(request, view, report):
    return render(request, "tracking/_report_status.html", {
        "report": report, "organization": view.organization, "campaign": report.campaign,
    })  # fmt: skip


class ReportStatusView(CampaignMixin, View):
    """The htmx fragment the page polls until the file is ready."""

    def get(self, request, org_slug: str, campaign_id: int, report_id: int):
        report = get_or_404(reports.campaign_report_get, organization=self.organization,
                            report_id=report_id, campaign=self.campaign())  # fmt: skip
        return _status_response(request, self, report)


class ReportDownloadView(CampaignMixin, View):
    def get(self, request, org_slug: str, campaign_id: int, report_id: int):
        report = get_or_404(reports.campaign_report_get, organization=self.organization,
                            report_id=report_id, campaign=self.campaign())  # fmt: skip
        if report.status != ReportStatus.READY or not report.file:
            raise Http404("The report is not ready.")
        response = FileResponse(
            report.file.open("rb"), as_attachment=True, content_type="application/pdf",
            filename=f"{slugify(report.campaign.slug)}-report-{report.pk}.pdf",
        )  # fmt: skip
        response["Cache-Control"] = "private, no-store"
        return response
