"""The brand's side of the creative brief and content review: the brief page (edit the
draft, add reference files, publish, see versions and who acknowledged which), a
published version, the review of drafts on the collaboration page (approve / request
changes), deliverable due dates, verifying live figures, and the private files (served
only to members of the organization that owns them). Thin: parse, call a service or a
selector, render or redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from campaigns import selectors, services
from campaigns.forms.content import (
    BriefAssetForm,
    BriefForm,
    DueDateForm,
    PublishForm,
    ReviewForm,
)
from campaigns.uploads import file_response
from campaigns.views.campaigns import CampaignMixin, CollaborationActionView, get_or_404
from kolhub.forms import add_service_errors
from kolhub.tenancy.views import OrganizationMixin


def collaboration_url(org_slug: str, collaboration, anchor: str = "content") -> str:
    url = reverse("collaboration_detail",
                  args=[org_slug, collaboration.campaign_id, collaboration.pk])  # fmt: skip
    return f"{url}#{anchor}"


def brief_url(org_slug: str, campaign_id: int) -> str:
    return reverse("campaign_brief", args=[org_slug, campaign_id])


def content_context(organization, collaboration) -> dict:
    """What the collaboration page's content section shows (templates/campaigns/
    _content.html): deliverables with rounds and live posts, and the brief status."""
    return {
        "content": selectors.collaboration_content(organization=organization,
                                                   collaboration=collaboration),
        "creator_brief": selectors.creator_brief(organization=organization,
                                                 collaboration=collaboration),
        "review_form": ReviewForm(),
    }  # fmt: skip


class BriefView(CampaignMixin, TemplateView):
    """The campaign's brief: the draft's form, its files, the published versions and
    which version each creator acknowledged."""

    template_name = "campaigns/brief.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org, campaign = self.organization, self.campaign()
        brief = selectors.brief_get(organization=org, campaign=campaign)
        versions = selectors.brief_versions(organization=org, campaign=campaign)
        context.update(self.campaign_context())
        context.update(
            tab="brief",
            brief=brief,
            form=kwargs.get("form") or BriefForm(initial=BriefForm.initial_from(brief)),
            asset_form=kwargs.get("asset_form") or BriefAssetForm(),
            publish_form=PublishForm(),
            assets=selectors.brief_assets(organization=org, brief=brief),
            versions=versions,
            latest=versions[0] if versions else None,
            unpublished=selectors.brief_unpublished(
                organization=org, brief=brief, latest=versions[0] if versions else None
            ),
            readers=selectors.brief_readers(organization=org, campaign=campaign),
        )
        return context

    def post(self, request, org_slug: str, campaign_id: int):
        form = BriefForm(request.POST)
        if form.is_valid():
            try:
                services.brief_save(organization=self.organization, campaign=self.campaign(),
                                    data=form.cleaned_data, by=request.user)  # fmt: skip
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Draft saved. Creators see it once you publish it.")
                return HttpResponseRedirect(brief_url(org_slug, campaign_id))
        return self.render_to_response(self.get_context_data(form=form))


class BriefPublishView(CampaignMixin, View):
    def post(self, request, org_slug: str, campaign_id: int):
        form = PublishForm(request.POST)
        form.is_valid()
        before = selectors.brief_latest(organization=self.organization, campaign_id=campaign_id)
        try:
            version = services.brief_publish(
                organization=self.organization, campaign=self.campaign(), by=request.user,
                note=form.cleaned_data.get("note", ""),
            )  # fmt: skip
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if before is not None and version.pk == before.pk:
                messages.info(request, f"Nothing changed since v{version.number}: nothing new "
                                       "was published.")  # fmt: skip
            else:
                messages.success(request, (
                    f"Brief v{version.number} published: creators see it in the portal and "
                    "are asked to acknowledge it."
                ))  # fmt: skip
        return HttpResponseRedirect(brief_url(org_slug, campaign_id))


class BriefAssetAddView(BriefView):
    http_method_names = ["post", "options"]

    def post(self, request, org_slug: str, campaign_id: int):
        form = BriefAssetForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                asset = services.brief_asset_add(
                    organization=self.organization, campaign=self.campaign(),
                    upload=form.cleaned_data["file"], by=request.user,
                )  # fmt: skip
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"{asset.name} added to the draft.")
                return HttpResponseRedirect(brief_url(org_slug, campaign_id))
        response = self.render_to_response(self.get_context_data(asset_form=form))
        response.status_code = 400
        return response


class BriefAssetRemoveView(CampaignMixin, View):
    def post(self, request, org_slug: str, campaign_id: int, brief_asset_id: int):
        asset = get_or_404(selectors.brief_asset_get, organization=self.organization,
                           asset_id=brief_asset_id, campaign=self.campaign())  # fmt: skip
        services.brief_asset_remove(organization=self.organization, asset=asset)
        messages.success(request, f"{asset.name} taken off the draft.")
        return HttpResponseRedirect(brief_url(org_slug, campaign_id))


class BriefVersionView(CampaignMixin, TemplateView):
    """A published version, with its files and who acknowledged it."""

    template_name = "campaigns/brief_version.html"

    def version(self):
        if not hasattr(self, "_version"):
            self._version = get_or_404(selectors.brief_version_get,
                                       organization=self.organization,
                                       version_id=self.kwargs["brief_version_id"])  # fmt: skip
        return self._version

    def campaign(self):
        return self.version().campaign

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org, version = self.organization, self.version()
        context.update(self.campaign_context())
        context.update(
            tab="brief", version=version,
            assets=selectors.brief_assets(organization=org, ids=list(version.asset_ids)),
            acknowledgements=list(
                selectors.brief_acknowledgement_queryset(organization=org).filter(version=version)
            ),
        )  # fmt: skip
        return context


# --- on the collaboration page ---------------------------------------------------------


class SubmissionReviewView(CollaborationActionView):
    def post(self, request, org_slug: str, campaign_id: int, collaboration_id: int,
             submission_id: int):  # fmt: skip
        collaboration = self.collaboration()
        submission = get_or_404(selectors.submission_get, organization=self.organization,
                                submission_id=submission_id,
                                collaboration=collaboration)  # fmt: skip
        form = ReviewForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose approve or request changes.")
        else:
            try:
                services.submission_review(
                    organization=self.organization, submission=submission, by=request.user,
                    decision=form.cleaned_data["decision"], comment=form.cleaned_data["comment"],
                )  # fmt: skip
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, (
                    f"Round {submission.round} approved." if form.cleaned_data["decision"]
                    == "approve" else f"Changes requested on round {submission.round}: "
                    f"{collaboration.creator.name} sees your comment in the portal."
                ))  # fmt: skip
        return HttpResponseRedirect(collaboration_url(org_slug, collaboration))


class DeliverableDueDateView(CollaborationActionView):
    def post(self, request, org_slug: str, campaign_id: int, collaboration_id: int,
             deliverable_id: int):  # fmt: skip
        collaboration = self.collaboration()
        deliverable = get_or_404(selectors.deliverable_get, organization=self.organization,
                                 deliverable_id=deliverable_id,
                                 collaboration=collaboration)  # fmt: skip
        form = DueDateForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Give a due date (YYYY-MM-DD).")
        else:
            try:
                services.deliverable_due_date_set(
                    organization=self.organization, deliverable=deliverable, by=request.user,
                    due_date=form.cleaned_data["due_date"],
                )  # fmt: skip
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, f"{deliverable.title} is now due "
                                          f"{deliverable.due_date:%b %-d, %Y}.")  # fmt: skip
        return HttpResponseRedirect(collaboration_url(org_slug, collaboration))


class LivePostVerifyView(CollaborationActionView):
    def post(self, request, org_slug: str, campaign_id: int, collaboration_id: int,
             live_post_id: int):  # fmt: skip
        collaboration = self.collaboration()
        post = get_or_404(selectors.live_post_get, organization=self.organization,
                          live_post_id=live_post_id, collaboration=collaboration)  # fmt: skip
        services.live_post_verify(organization=self.organization, live_post=post,
                                  by=request.user)  # fmt: skip
        messages.success(request, "Figures marked verified.")
        return HttpResponseRedirect(collaboration_url(org_slug, collaboration))


# --- private files, by their own id inside the organization ---------------------------


class BriefAssetFileView(OrganizationMixin, View):
    def get(self, request, org_slug: str, brief_asset_id: int):
        asset = get_or_404(selectors.brief_asset_get, organization=self.organization,
                           asset_id=brief_asset_id)  # fmt: skip
        return file_response(asset.file, content_type=asset.content_type, name=asset.name)


class SubmissionFileView(OrganizationMixin, View):
    def get(self, request, org_slug: str, submission_id: int):
        submission = get_or_404(selectors.submission_get, organization=self.organization,
                                submission_id=submission_id)  # fmt: skip
        return file_response(submission.file, content_type=submission.content_type,
                             name=submission.file_name)  # fmt: skip


class LivePostScreenshotView(OrganizationMixin, View):
    def get(self, request, org_slug: str, live_post_id: int):
        post = get_or_404(selectors.live_post_get, organization=self.organization,
                          live_post_id=live_post_id)  # fmt: skip
        return file_response(post.screenshot, content_type=post.screenshot_content_type,
                             name=post.screenshot_name)  # fmt: skip
