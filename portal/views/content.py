"""The creator's side of the brief and content review, on the collaboration page: read
the latest brief and acknowledge it, submit a draft per deliverable (a file or a link,
with the caption and its disclosure check), see the brand's feedback and resubmit, and
report the live post with its figures and a screenshot. Files are served only to the
creator whose collaboration they belong to; anything else is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.views import View

from campaigns import selectors, services
from campaigns.forms.content import LivePostForm, SubmissionForm
from campaigns.models import FIGURES, BriefVersion, Collaboration
from campaigns.uploads import file_response
from portal.access import PortalMixin
from portal.views.common import ACTOR, portal_collaboration


def portal_content_context(portal, collaboration: Collaboration) -> dict:
    """What portal/_content.html shows."""
    return {
        "brief": selectors.creator_brief(organization=portal.organization,
                                         collaboration=collaboration),
        "content": selectors.collaboration_content(organization=portal.organization,
                                                   collaboration=collaboration),
        "submission_form": SubmissionForm(),
        "live_form": LivePostForm(),
        "figure_names": FIGURES,
    }  # fmt: skip


def _get(getter, **kwargs):
    # Another creator's, another organization's or a missing row: the same 404.
    try:
        return getter(**kwargs)
    except ObjectDoesNotExist:
        raise Http404("Not found") from None


class _ContentView(PortalMixin, View):
    def collaboration(self) -> Collaboration:
        return portal_collaboration(self.portal, self.kwargs["collaboration_id"])

    def back(self, collaboration: Collaboration, anchor: str = "content"):
        url = self.portal.url("collaboration", collaboration_id=collaboration.pk)
        return HttpResponseRedirect(f"{url}#{anchor}")

    def deliverable(self, collaboration: Collaboration):
        return _get(selectors.deliverable_get, organization=self.portal.organization,
                    deliverable_id=self.kwargs["deliverable_id"],
                    collaboration=collaboration)  # fmt: skip

    def say(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            text = " ".join(m for messages_ in error.message_dict.values() for m in messages_)
        else:
            text = " ".join(error.messages)
        messages.error(self.request, text)


class BriefAcknowledgeView(_ContentView):
    def post(self, request, collaboration_id: int, brief_version_id: int, **route):
        portal = self.portal
        collaboration = self.collaboration()
        version = _get(selectors.brief_version_get, organization=portal.organization,
                       version_id=brief_version_id,
                       campaign=collaboration.campaign)  # fmt: skip
        user = request.user if request.user.is_authenticated else None
        try:
            services.brief_acknowledge(organization=portal.organization,
                                       collaboration=collaboration, version=version,
                                       by=user if portal.mode == "account" else None,
                                       actor=ACTOR)  # fmt: skip
        except ValidationError as error:
            self.say(error)
        else:
            messages.success(request, f"Thanks: you acknowledged brief v{version.number}.")
        return self.back(collaboration, "brief")


class BriefAssetFileView(_ContentView):
    def get(self, request, collaboration_id: int, brief_asset_id: int, **route):
        portal = self.portal
        collaboration = self.collaboration()
        # Only files of a published version: the draft's files are the brand's own.
        published = BriefVersion.objects.for_org(portal.organization).filter(
            campaign_id=collaboration.campaign_id, asset_ids__contains=[brief_asset_id]
        )
        if not published.exists():
            raise Http404("Not found")
        asset = _get(selectors.brief_asset_get, organization=portal.organization,
                     asset_id=brief_asset_id, campaign=collaboration.campaign)  # fmt: skip
        return file_response(asset.file, content_type=asset.content_type, name=asset.name)


class SubmissionCreateView(_ContentView):
    def post(self, request, collaboration_id: int, deliverable_id: int, **route):
        collaboration = self.collaboration()
        deliverable = self.deliverable(collaboration)
        form = SubmissionForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
            return self.back(collaboration)
        data = form.cleaned_data
        try:
            submission = services.submission_create(
                organization=self.portal.organization, deliverable=deliverable,
                caption=data["caption"], upload=data["file"], url=data["url"],
                paid_partnership_label=data["paid_partnership_label"], actor=ACTOR,
            )  # fmt: skip
        except ValidationError as error:
            self.say(error)
        else:
            text = f"Round {submission.round} of {deliverable.title} sent for review."
            if not submission.disclosure_passed:
                text += " The disclosure check found something to fix: see below."
            messages.success(request, text)
        return self.back(collaboration, f"deliverable-{deliverable.pk}")


class LivePostSubmitView(_ContentView):
    def post(self, request, collaboration_id: int, deliverable_id: int, **route):
        collaboration = self.collaboration()
        deliverable = self.deliverable(collaboration)
        form = LivePostForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, " ".join(f"{form.fields[f].label}: {e}" if f in form.fields
                                             else e for f, errs in form.errors.items()
                                             for e in errs))  # fmt: skip
            return self.back(collaboration, f"deliverable-{deliverable.pk}")
        data = form.cleaned_data
        try:
            services.live_post_submit(
                organization=self.portal.organization, deliverable=deliverable, url=data["url"],
                figures={name: data.get(name) for name in FIGURES},
                screenshot=data["screenshot"], actor=ACTOR,
            )  # fmt: skip
        except ValidationError as error:
            self.say(error)
        else:
            messages.success(request, f"Thanks: {deliverable.title} is recorded as live.")
        return self.back(collaboration, f"deliverable-{deliverable.pk}")


class SubmissionFileView(_ContentView):
    def get(self, request, collaboration_id: int, submission_id: int, **route):
        submission = _get(selectors.submission_get, organization=self.portal.organization,
                          submission_id=submission_id,
                          collaboration=self.collaboration())  # fmt: skip
        return file_response(submission.file, content_type=submission.content_type,
                             name=submission.file_name)  # fmt: skip


class LivePostScreenshotView(_ContentView):
    def get(self, request, collaboration_id: int, live_post_id: int, **route):
        post = _get(selectors.live_post_get, organization=self.portal.organization,
                    live_post_id=live_post_id, collaboration=self.collaboration())  # fmt: skip
        return file_response(post.screenshot, content_type=post.screenshot_content_type,
                             name=post.screenshot_name)  # fmt: skip
