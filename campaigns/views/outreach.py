"""Outreach pages: pitch templates, the per-creator pitch preview (edit, then send one or
many), a campaign's follow-up schedule, and the message thread of a collaboration.
Thin: parse, call a selector or a service, render or redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from campaigns import merge_fields, selectors, services
from campaigns.forms.outreach import FollowUpPlanForm, MessageForm, PitchTemplateForm
from campaigns.models import PitchTemplate, TemplateKind
from campaigns.views.campaigns import CampaignMixin, CollaborationActionView, get_or_404
from kolhub.forms import add_service_errors
from kolhub.models import Role
from kolhub.tenancy.views import OrganizationMixin


def _template_or_none(organization, template_id) -> PitchTemplate | None:
    if not str(template_id or "").isdigit():
        return None
    return selectors.pitch_template_list(organization=organization).filter(pk=template_id).first()


# --- templates -------------------------------------------------------------------------


class PitchTemplateListView(OrganizationMixin, TemplateView):
    """The organization's pitch and follow-up templates, and a form for a new one."""

    template_name = "campaigns/outreach_templates.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.method == "GET":
            # A new organization starts with the built-in pitch and follow-up.
            services.pitch_templates_ensure_defaults(organization=self.organization)
        context.update(
            templates=selectors.pitch_template_list(organization=self.organization),
            form=kwargs.get("form") or PitchTemplateForm(
                initial={"subject": merge_fields.DEFAULT_PITCH["subject"],
                         "body": merge_fields.DEFAULT_PITCH["body"]}),
            merge_fields=merge_fields.MERGE_FIELDS,
            back=self.request.GET.get("campaign") or "",
        )  # fmt: skip
        return context

    def post(self, request, org_slug: str):
        form = PitchTemplateForm(request.POST)
        if form.is_valid():
            try:
                template = services.pitch_template_create(
                    organization=self.organization, created_by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Template {template.name!r} saved.")
                return redirect("outreach_templates", org_slug)
        return self.render_to_response(self.get_context_data(form=form))


class _TemplateMixin(OrganizationMixin):
    def template(self) -> PitchTemplate:
        return get_or_404(selectors.pitch_template_get, organization=self.organization,
                          template_id=self.kwargs["pitch_template_id"])  # fmt: skip


class PitchTemplateEditView(_TemplateMixin, TemplateView):
    template_name = "campaigns/outreach_template_edit.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        template = kwargs.get("template_obj") or self.template()
        context.update(
            template_obj=template,
            form=kwargs.get("form") or PitchTemplateForm(initial={
                "name": template.name, "kind": template.kind, "subject": template.subject,
                "body": template.body, "is_default": template.is_default}),
            merge_fields=merge_fields.MERGE_FIELDS,
        )  # fmt: skip
        context["form"].fields["kind"].disabled = True
        return context

    def post(self, request, org_slug: str, pitch_template_id: int):
        template = self.template()
        form = PitchTemplateForm(request.POST, initial={"kind": template.kind})
        form.fields["kind"].disabled = True
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "kind"}
            try:
                services.pitch_template_update(organization=self.organization,
                                               template=template, **data)  # fmt: skip
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Template {template.name!r} saved.")
                return redirect("outreach_templates", org_slug)
        return self.render_to_response(self.get_context_data(form=form, template_obj=template))


class PitchTemplateDeleteView(_TemplateMixin, View):
    def post(self, request, org_slug: str, pitch_template_id: int):
        template = self.template()
        services.pitch_template_delete(organization=self.organization, template=template)
        messages.success(request, f"Template {template.name!r} deleted.")
        return redirect("outreach_templates", org_slug)


# --- the pitch preview -----------------------------------------------------------------


class PitchPreviewView(CampaignMixin, TemplateView):
    """GET ?collaboration=<id>&collaboration=<id>[&template=<id>]: each creator's pitch,
    rendered from the template and editable. POST sends them, one service call (one
    transaction) per creator; the ones refused come back with the reason and the text
    as it was written."""

    template_name = "campaigns/outreach_pitch.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org = self.organization
        campaign = self.campaign()
        services.pitch_templates_ensure_defaults(organization=org)
        templates = list(selectors.pitch_template_list(organization=org,
                                                       kind=TemplateKind.PITCH))  # fmt: skip
        template = kwargs.get("template")
        if "drafts" not in kwargs:
            template = _template_or_none(org, self.request.GET.get("template")) or (
                templates[0] if templates else None)  # fmt: skip
            collaborations = selectors.pitch_candidates(
                organization=org, campaign=campaign,
                collaboration_ids=[i for i in self.request.GET.getlist("collaboration")
                                   if i.isdigit()],
            )  # fmt: skip
            kwargs["drafts"] = selectors.pitch_drafts(organization=org,
                                                      collaborations=collaborations,
                                                      template=template,
                                                      sender=self.request.user)  # fmt: skip
        context.update(self.campaign_context())
        context.update(
            tab="collaborations", templates=templates, template=template,
            drafts=kwargs["drafts"], sendable=sum(d.sendable for d in kwargs["drafts"]),
        )  # fmt: skip
        return context

    def post(self, request, org_slug: str, campaign_id: int):
        org = self.organization
        template = _template_or_none(org, request.POST.get("template"))
        collaborations = selectors.pitch_candidates(
            organization=org, campaign=self.campaign(),
            collaboration_ids=[i for i in request.POST.getlist("collaboration") if i.isdigit()],
        )  # fmt: skip
        sent, failed = [], []
        for collaboration in collaborations:
            subject = request.POST.get(f"subject-{collaboration.pk}", "")
            body = request.POST.get(f"body-{collaboration.pk}", "")
            try:
                services.pitch_send(organization=org, collaboration=collaboration,
                                    subject=subject, body=body, by=request.user,
                                    template=template)  # fmt: skip
            except ValidationError as error:
                draft = selectors.PitchDraft(collaboration, subject, body,
                                             [" ".join(error.messages)])  # fmt: skip
                failed.append(draft)
            else:
                sent.append(collaboration.creator.name)
        if sent:
            messages.success(request, f"Pitch sent to {', '.join(sent)}.")
        if not failed:
            if not sent:
                messages.error(request, "Choose at least one shortlisted creator to pitch.")
            return redirect("campaign_board", org_slug, campaign_id)
        messages.error(request, "Not sent: " + "; ".join(
            f"{d.collaboration.creator.name} ({d.problems[0]})" for d in failed))  # fmt: skip
        return self.render_to_response(self.get_context_data(drafts=failed, template=template))


class OutreachPanelView(CampaignMixin, TemplateView):
    """The campaign page's outreach card, loaded by htmx (the campaign page keeps its own
    query count): pitches and replies, unread replies, the follow-up schedule."""

    template_name = "campaigns/_outreach_panel.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org, campaign = self.organization, self.campaign()
        plan = selectors.follow_up_plan_get(organization=org, campaign=campaign)
        templates = selectors.pitch_template_list(organization=org, kind=TemplateKind.FOLLOW_UP)
        context.update(
            campaign=campaign, plan=plan,
            summary=selectors.outreach_summary(organization=org, campaign=campaign),
            form=FollowUpPlanForm(templates=templates, initial={
                "enabled": plan.enabled, "days": ", ".join(str(d) for d in plan.days),
                "template": plan.template_id}),
        )  # fmt: skip
        return context


# --- follow-ups ------------------------------------------------------------------------


class FollowUpPlanView(CampaignMixin, View):
    http_method_names = ["post", "options"]

    def post(self, request, org_slug: str, campaign_id: int):
        org = self.organization
        form = FollowUpPlanForm(request.POST, templates=selectors.pitch_template_list(
            organization=org, kind=TemplateKind.FOLLOW_UP))  # fmt: skip
        target = reverse("campaign_detail", args=[org_slug, campaign_id]) + "#outreach"
        if not form.is_valid():
            messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
            return HttpResponseRedirect(target)
        try:
            plan = services.follow_up_plan_set(
                organization=org, campaign=self.campaign(), days=form.cleaned_data["days"],
                enabled=form.cleaned_data["enabled"], template=form.cleaned_data["template"],
            )  # fmt: skip
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if plan.enabled:
                days = " and ".join(str(d) for d in plan.days)
                messages.success(request, f"Follow-ups go out {days} days after a pitch "
                                          "nobody answered.")  # fmt: skip
            else:
                messages.success(request, "Follow-ups are off for this campaign.")
        return HttpResponseRedirect(target)


# --- the thread ------------------------------------------------------------------------


class MessagesView(CollaborationActionView, TemplateView):
    """GET: the thread on a page of its own (the collaboration page shows it too), which
    marks the creator's messages read. POST: the brand writes; the creator is emailed."""

    template_name = "campaigns/outreach_thread.html"

    def get(self, request, *args, **kwargs):
        collaboration = self.collaboration()
        if Role.at_least(request.org_role, Role.MEMBER):
            services.messages_mark_read(organization=self.organization,
                                        collaboration=collaboration)  # fmt: skip
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.campaign_context())
        context.update(tab="collaborations", collaboration=self.collaboration())
        return context

    def post(self, request, org_slug: str, campaign_id: int, collaboration_id: int):
        collaboration = self.collaboration()
        form = MessageForm(request.POST)
        target = reverse("collaboration_detail",
                         args=[org_slug, campaign_id, collaboration_id]) + "#messages"  # fmt: skip
        if not form.is_valid():
            messages.error(request, "Write something first.")
            return HttpResponseRedirect(target)
        try:
            services.message_post_brand(
                organization=self.organization, collaboration=collaboration,
                body=form.cleaned_data["body"], by=request.user,
            )  # fmt: skip
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Message sent to {collaboration.creator.name}.")
        return HttpResponseRedirect(target)
