"""Pages of the orders import, under the organization's tracking area: upload (with past
imports), mapping and preview, progress and results, the errors as CSV. Thin: parse,
call, render."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import TemplateView

from creators.imports.exports import errors_csv
from creators.imports.forms import UploadForm
from kolhub.forms import add_service_errors
from kolhub.models import Role
from kolhub.tenancy.views import OrganizationMixin
from tracking.imports import selectors, services
from tracking.imports.fields import CONVENTIONS, TARGETS
from tracking.imports.forms import OrderMappingForm
from tracking.models import OrderImport

PAST_IMPORTS = 20
ERRORS_SHOWN = 100


class _OrderImportMixin(OrganizationMixin):
    """Resolves <order_import_id> inside the organization: another organization's import
    is a 404, the same answer as one that does not exist."""

    def order_import(self) -> OrderImport:
        if not hasattr(self, "_order_import"):
            self._order_import = get_object_or_404(
                selectors.order_import_list(organization=self.organization),
                pk=self.kwargs["order_import_id"],
            )
        return self._order_import


class OrderImportUploadView(OrganizationMixin, TemplateView):
    template_name = "tracking/imports/upload.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", UploadForm())
        context["imports"] = selectors.order_import_list(organization=self.organization)[
            :PAST_IMPORTS
        ]
        context["conventions"] = CONVENTIONS
        context["targets"] = TARGETS
        return context

    def post(self, request, *args, **kwargs):
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                order_import = services.order_import_upload(
                    organization=self.organization, uploaded_by=request.user,
                    upload=form.cleaned_data["file"],
                )  # fmt: skip
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("order_import_mapping", self.organization.slug, order_import.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class OrderImportMappingView(_OrderImportMixin, TemplateView):
    """GET: the columns with their pre-filled fields and the preview. POST with
    action=preview: the preview for the mapping on the page (just the partial for htmx).
    POST otherwise: start the import."""

    template_name = "tracking/imports/mapping.html"

    def get(self, request, *args, **kwargs):
        return self.render_page(self.mapping_form())

    def post(self, request, *args, **kwargs):
        form = self.mapping_form(data=request.POST)
        if request.POST.get("action") == "preview":
            if request.htmx:
                self.template_name = "tracking/imports/_preview.html"
            return self.render_page(form)
        if form.is_valid():
            try:
                order_import = services.order_import_start(
                    organization=self.organization, order_import=self.order_import(),
                    mapping=form.cleaned_data["mapping"], started_by=request.user,
                )  # fmt: skip
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("order_import_detail", self.organization.slug, order_import.pk)
        return self.render_page(form, status=400)

    def sample(self):
        if not hasattr(self, "_sample"):
            self._sample = selectors.order_import_sample(
                organization=self.organization, order_import=self.order_import()
            )
        return self._sample

    def mapping_form(self, data=None) -> OrderMappingForm:
        order_import = self.order_import()
        headers = self.sample().headers
        mapping = selectors.order_import_mapping_initial(
            organization=self.organization, headers=headers, order_import=order_import
        )
        form = OrderMappingForm(data, headers=headers, mapping=mapping)
        if order_import.status != OrderImport.Status.UPLOADED or not Role.at_least(
            self.request.org_role, Role.MEMBER
        ):
            for field in form.fields.values():
                field.disabled = True
        return form

    def render_page(self, form: OrderMappingForm, status: int = 200):
        sample = self.sample()
        order_import = self.order_import()
        context = self.get_context_data(
            order_import=order_import, form=form,
            columns=[(h, f, sample.examples(h)) for h, f in form.columns()],
            preview=selectors.order_import_preview(
                organization=self.organization, sample=sample, mapping=form.current_mapping()
            ),
            locked=order_import.status != OrderImport.Status.UPLOADED,
            can_write=Role.at_least(self.request.org_role, Role.MEMBER),
        )  # fmt: skip
        return self.render_to_response(context, status=status)


class OrderImportDetailView(_OrderImportMixin, TemplateView):
    template_name = "tracking/imports/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order_import = self.order_import()
        context["order_import"] = order_import
        context["finished"] = order_import.status in (
            OrderImport.Status.DONE, OrderImport.Status.FAILED
        )  # fmt: skip
        if context["finished"]:
            errors = selectors.order_import_row_error_list(
                organization=self.organization, order_import=order_import
            )
            context["errors"] = errors[:ERRORS_SHOWN]
            context["error_total"] = errors.count()
        return context


class OrderImportProgressView(OrderImportDetailView):
    """The partial the progress page polls every second (htmx)."""

    template_name = "tracking/imports/_progress.html"


class OrderImportErrorsCsvView(_OrderImportMixin, View):
    def get(self, request, *args, **kwargs):
        order_import = self.order_import()
        # Built in full here: the tenant transaction ends when the view returns.
        body = errors_csv(
            selectors.order_import_row_error_list(
                organization=self.organization, order_import=order_import
            ).iterator(chunk_size=5000)
        )
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="order-import-{order_import.pk}-errors.csv"'
        )
        return response
