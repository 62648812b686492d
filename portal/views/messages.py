"""The message thread of one collaboration, in the portal: the brand's pitch, follow-ups
and messages, and what the creator writes back (the brand is emailed). The collaboration
page shows the same thread ({% portal_thread %}); this page is its own address, the one
a reply form posts to."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.views.generic import TemplateView

from campaigns import services
from campaigns.forms.outreach import MessageForm
from portal.access import PortalMixin
from portal.views.common import portal_collaboration


class MessagesView(PortalMixin, TemplateView):
    template_name = "portal/messages.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        collaboration = portal_collaboration(self.portal, self.kwargs["collaboration_id"])
        context.update(collaboration=collaboration, campaign=collaboration.campaign)
        return context

    def post(self, request, collaboration_id: int, **route):
        portal = self.portal
        collaboration = portal_collaboration(portal, collaboration_id)
        target = portal.url("collaboration", collaboration_id=collaboration.pk) + "#messages"
        form = MessageForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Write something first.")
            return HttpResponseRedirect(target)
        try:
            services.message_post_creator(organization=portal.organization,
                                          collaboration=collaboration,
                                          body=form.cleaned_data["body"])  # fmt: skip
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Sent. {portal.organization.name} has been emailed.")
        return HttpResponseRedirect(target)
