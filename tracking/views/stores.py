"""Store connections, a settings page for brand admins under /o/<org>/tracking/stores/:
connect a Shopify store (shop domain, Admin API token, app secret), see its webhook URL,
status, last error, last pull and high-water mark, the orders it could not record and the
discount codes synced to it; disconnect; pull now. Thin: parse, call a service or a
selector, render or redirect."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from kolhub.models import Role
from kolhub.tenancy.views import OrganizationMixin
from tracking.models import StoreDiscount
from tracking.selectors import stores as selectors
from tracking.services import stores as services


class StoreConnectForm(forms.Form):
    shop_domain = forms.CharField(
        label="Shop domain", max_length=255, help_text="Like my-brand.myshopify.com"
    )
    access_token = forms.CharField(
        label="Admin API access token", max_length=255, widget=forms.PasswordInput,
        help_text="From the store's custom app (read_orders, write_discounts).",
    )  # fmt: skip
    webhook_secret = forms.CharField(
        label="App API secret key", max_length=255, widget=forms.PasswordInput,
        help_text="Shopify signs its webhooks with it; we check every one.",
    )  # fmt: skip
    sync_discount_codes = forms.BooleanField(
        label="Create creators' promo codes in the store as discount codes", required=False
    )


def webhook_url(request, connection) -> str:
    return request.build_absolute_uri(
        reverse("shopify_webhook_receive", args=[connection.public_id])
    )


class _StoreAdminMixin(OrganizationMixin):
    # Credentials live here: brand admins only, for reading too.
    read_role = Role.ADMIN
    write_role = Role.ADMIN

    def connection(self):
        try:
            return selectors.store_connection_get(
                organization=self.organization, connection_id=self.kwargs["store_connection_id"]
            )
        except ObjectDoesNotExist:
            raise Http404 from None


class StoreListView(_StoreAdminMixin, TemplateView):
    template_name = "tracking/stores.html"

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context["stores"] = selectors.store_connection_list(organization=self.organization)
        context["form"] = form or StoreConnectForm()
        return context

    def post(self, request, *args, **kwargs):
        form = StoreConnectForm(request.POST)
        if form.is_valid():
            try:
                connection = services.store_connect(
                    organization=self.organization, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, f"{connection.shop_domain} is connected.")
                return HttpResponseRedirect(
                    reverse("store_detail", args=[self.organization.slug, connection.pk])
                )
        return self.render_to_response(self.get_context_data(form=form), status=400)


class StoreDetailView(_StoreAdminMixin, TemplateView):
    template_name = "tracking/store_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org, connection = self.organization, self.connection()
        context.update(
            store=connection,
            webhook_url=webhook_url(self.request, connection),
            order_errors=selectors.store_order_error_list(organization=org, connection=connection),
            deliveries=selectors.webhook_delivery_list(organization=org, connection=connection),
            discounts=selectors.store_discount_list(organization=org, connection=connection),
        )
        return context


class _StoreActionView(_StoreAdminMixin, View):
    def post(self, request, *args, **kwargs):
        connection = self.connection()
        try:
            message = self.act(connection)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, message)
        return HttpResponseRedirect(
            reverse("store_detail", args=[self.organization.slug, connection.pk])
        )


class StoreDisconnectView(_StoreActionView):
    def act(self, connection) -> str:
        services.store_disconnect(organization=self.organization, connection=connection)
        return f"{connection.shop_domain} is disconnected; its orders stay recorded."


class StorePullView(_StoreActionView):
    def act(self, connection) -> str:
        services.store_pull_request(organization=self.organization, connection=connection)
        return "A pull is queued; new orders appear here within a minute."


class StoreDiscountRetryView(_StoreActionView):
    def act(self, connection) -> str:
        try:
            discount = services.store_discount_retry(
                organization=self.organization, connection=connection,
                store_discount_id=self.kwargs["store_discount_id"],
            )  # fmt: skip
        except StoreDiscount.DoesNotExist:
            raise Http404 from None
        return f"{discount.promo_code.code} is queued: the store is asked again within a minute."


class StoreSyncView(_StoreActionView):
    def act(self, connection) -> str:
        wanted = self.request.POST.get("sync_discount_codes") == "on"
        services.store_sync_set(
            organization=self.organization, connection=connection, sync_discount_codes=wanted
        )
        if wanted:
            return "The active promo codes, and new ones, will be created in the store."
        return "Promo codes will no longer be created in the store."
