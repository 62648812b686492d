"""The creator's side of shipping: their shipping address (entered and changed here,
validated for its country) and their parcels with tracking, on the collaboration page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect

from campaigns import services
from campaigns.forms.shipping import AddressForm
from kolhub.forms import add_service_errors
from portal.views.collaboration import CollaborationView


class AddressView(CollaborationView):
    """Errors are shown field by field on the collaboration page, with what was typed."""

    http_method_names = ["post", "options"]

    def post(self, request, collaboration_id: int, **route):
        portal = self.portal
        collaboration = self.collaboration()  # another creator's collaboration: 404
        form = AddressForm(request.POST)
        if form.is_valid():
            try:
                services.address_set(organization=portal.organization, creator=portal.creator,
                                     data=form.data_for_service())  # fmt: skip
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Address saved: {portal.organization.name} ships "
                                          "your products there.")  # fmt: skip
                url = portal.url("collaboration", collaboration_id=collaboration.pk)
                return HttpResponseRedirect(url + "#shipping")
        context = self.get_context_data(**self.kwargs)
        context.update(address_form=form, address_form_open=True)
        return self.render_to_response(context, status=400)
