"""A campaign's PDF report laid out with WeasyPrint: headline KPIs, SVG charts drawn on
the server (tracking.charts), and the per-creator table. Storing and recording it is
tracking.services.reports' job.

WeasyPrint may fetch nothing: the only URLs it accepts are `data:` ones, so a campaign or
creator name can never make a worker reach the network or the disk."""

from __future__ import annotations

from django.template.loader import render_to_string

from tracking.charts import bar_chart
from tracking.kpis import conversions_for
from tracking.selectors.reports import ReportData


def report_html(data: ReportData) -> str:
    days = [day.strftime("%b %d") for day, _ in data.series]
    leaders = data.leaderboard
    conversions = [conversions_for(t, data.campaign.objective) for _, t in data.series]
    charts = {
        "daily": bar_chart(days, [("Clicks", [t.clicks for _, t in data.series])],
                           line=("Conversions", conversions)),
        "revenue": bar_chart(days, [("Revenue", [t.revenue for _, t in data.series]),
                                    ("Cost", [t.cost for _, t in data.series])]),
        "creators": bar_chart([r["collaboration"].creator.name for r in leaders],
                              [("Revenue", [r["kpis"].totals.revenue for r in leaders]),
                               ("Cost", [r["kpis"].totals.cost for r in leaders])]),
    }  # fmt: skip
    return render_to_string("tracking/pdf/campaign_report.html", {"data": data, "charts": charts})


def report_render(data: ReportData) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"}, timeout=1)
    return HTML(string=report_html(data), base_url=None, url_fetcher=fetcher).write_pdf()
