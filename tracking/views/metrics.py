"""The campaign's "Content metrics" page, under /o/<org>/tracking/campaigns/<campaign_id>/
metrics/: each published post's latest figures with their provenance, the snapshot
history, forms to add a snapshot and a transcript, a pull from the platform on demand,
and the share-of-voice table with its keywords. Thin: parse, call a service or selector,
render or redirect."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from campaigns.views.campaigns import CampaignMixin, back_to, get_or_404
from tracking.metric_forms import MetricSnapshotForm, PeriodForm, TranscriptForm, VoiceKeywordForm
from tracking.metrics_adapters import match_url
from tracking.selectors import metrics as selectors
from tracking.services import metric_pulls
from tracking.services import metrics as services
from tracking.views.touchpoints import _errors, _form_errors

HISTORY_LIMIT = 20


class _PostRow:
    """What the page shows for one published post."""

    def __init__(self, post, metrics, history, transcript, state):
        self.post, self.metrics, self.history = post, metrics, history
        self.transcript, self.state = transcript, state
        matched = match_url(post.url)
        self.platform_label = matched[0].label if matched else ""


class ContentMetricsView(CampaignMixin, TemplateView):
    template_name = "tracking/metrics.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org, campaign = self.organization, self.campaign()
        posts = selectors.campaign_live_posts(organization=org, campaign=campaign)
        latest = selectors.latest_metrics(org, live_posts=posts)
        history = selectors.metric_snapshot_history(organization=org, live_posts=posts,
                                                    limit=HISTORY_LIMIT)  # fmt: skip
        transcripts = selectors.transcripts_for(organization=org, live_posts=posts)
        states = selectors.pull_states(organization=org, live_posts=posts)
        period = PeriodForm(self.request.GET or None)
        since = until = None
        if period.is_valid():
            since, until = period.cleaned_data["since"], period.cleaned_data["until"]
        zone = ZoneInfo(org.timezone)
        context.update(self.campaign_context())
        context.update(
            tab="metrics",
            rows=[
                _PostRow(p, latest[p.pk], history[p.pk], transcripts.get(p.pk), states.get(p.pk))
                for p in posts
            ],  # fmt: skip
            history_limit=HISTORY_LIMIT,
            snapshot_form=MetricSnapshotForm(
                initial={"observed_at": timezone.now().astimezone(zone).replace(tzinfo=None)}
            ),
            keyword_form=VoiceKeywordForm(),
            period=period,
            sov=selectors.share_of_voice(
                organization=org, campaign=campaign, since=since, until=until
            ),  # fmt: skip
            keywords=selectors.voice_keyword_list(organization=org, campaign=campaign),
        )
        return context


class _MetricsPostView(CampaignMixin, View):
    http_method_names = ["post", "options"]

    def page(self, anchor: str = "") -> str:
        url = reverse("campaign_metrics", args=[self.kwargs["org_slug"], self.campaign().pk])
        return back_to(self.request, url + (f"#{anchor}" if anchor else ""))

    def live_post(self):
        return get_or_404(
            selectors.campaign_live_post_get, organization=self.organization,
            campaign=self.campaign(), live_post_id=self.kwargs["live_post_id"],
        )  # fmt: skip


class MetricSnapshotCreateView(_MetricsPostView):
    def post(self, request, org_slug: str, campaign_id: int, live_post_id: int):
        post = self.live_post()
        form = MetricSnapshotForm(request.POST)
        # A datetime-local value is a wall-clock time in the organization's timezone.
        with timezone.override(ZoneInfo(self.organization.timezone)):
            valid = form.is_valid()
        if not valid:
            messages.error(request, _form_errors(form))
            return HttpResponseRedirect(self.page(f"post-{post.pk}"))
        try:
            services.metric_snapshot_enter(
                organization=self.organization, live_post=post,
                source=form.cleaned_data["source"], observed_at=form.cleaned_data["observed_at"],
                figures=form.figures(), by=request.user, note=form.cleaned_data["note"],
            )  # fmt: skip
        except ValidationError as error:
            messages.error(request, _errors(error))
        else:
            messages.success(request, "Snapshot added.")
        return HttpResponseRedirect(self.page(f"post-{post.pk}"))


class LivePostTranscriptView(_MetricsPostView):
    def post(self, request, org_slug: str, campaign_id: int, live_post_id: int):
        post = self.live_post()
        form = TranscriptForm(request.POST)
        if not form.is_valid():
            messages.error(request, _form_errors(form))
            return HttpResponseRedirect(self.page(f"post-{post.pk}"))
        try:
            saved = services.live_post_transcript_set(
                organization=self.organization, live_post=post, text=form.cleaned_data["text"],
                by=request.user,
            )  # fmt: skip
        except ValidationError as error:
            messages.error(request, _errors(error))
        else:
            messages.success(request, "Transcript saved." if saved else "Transcript removed.")
        return HttpResponseRedirect(self.page(f"post-{post.pk}"))


class LivePostMetricsRefreshView(_MetricsPostView):
    def post(self, request, org_slug: str, campaign_id: int, live_post_id: int):
        post = self.live_post()
        try:
            label = metric_pulls.content_metrics_pull_request(organization=self.organization,
                                                              live_post=post)  # fmt: skip
        except ValidationError as error:
            messages.error(request, _errors(error))
        else:
            messages.success(request, f"{label} figures requested; they appear here shortly.")
        return HttpResponseRedirect(self.page(f"post-{post.pk}"))


class VoiceKeywordCreateView(_MetricsPostView):
    def post(self, request, org_slug: str, campaign_id: int):
        form = VoiceKeywordForm(request.POST)
        if not form.is_valid():
            messages.error(request, _form_errors(form))
            return HttpResponseRedirect(self.page("share-of-voice"))
        try:
            keyword = services.voice_keyword_create(
                organization=self.organization, campaign=self.campaign(),
                keyword=form.cleaned_data["keyword"], is_brand=form.cleaned_data["is_brand"],
                label=form.cleaned_data["label"],
            )  # fmt: skip
        except ValidationError as error:
            messages.error(request, _errors(error))
        else:
            messages.success(request, f"Keyword “{keyword.keyword}” added.")
        return HttpResponseRedirect(self.page("share-of-voice"))


class VoiceKeywordDeleteView(_MetricsPostView):
    def post(self, request, org_slug: str, campaign_id: int, keyword_id: int):
        keyword = get_or_404(selectors.voice_keyword_get, organization=self.organization,
                             keyword_id=keyword_id, campaign=self.campaign())  # fmt: skip
        services.voice_keyword_delete(organization=self.organization, voice_keyword=keyword)
        messages.success(request, f"Keyword “{keyword.keyword}” removed.")
        return HttpResponseRedirect(self.page("share-of-voice"))
