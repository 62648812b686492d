"""Pages of the creator import: upload (with past imports), mapping and preview,
progress and results, the errors as CSV, retry. Thin: parse, call, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import TemplateView

from creators.imports import selectors, services
from creators.imports.exports import errors_csv
from creators.imports.fields import CONVENTIONS
from creators.imports.forms import MappingForm, UploadForm
from creators.models import CreatorImport
from kolhub.forms import add_service_errors
from kolhub.models import Role
from kolhub.tenancy.views import OrganizationMixin

PAST_IMPORTS = 20
ERRORS_SHOWN = 100


class _ImportMixin(OrganizationMixin):
    """Resolves <import_id> inside the organization: another organization's import is a
    404, the same answer as one that does not exist."""

    def creator_import(self) -> CreatorImport:
        if not hasattr(self, "_creator_import"):
            self._creator_import = get_object_or_404(
                selectors.creator_import_list(organization=self.organization),
                pk=self.kwargs["import_id"],
            )
        return self._creator_import


class ImportUploadView(OrganizationMixin, TemplateView):
    template_name = "creators/imports/upload.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", UploadForm())
        context["imports"] = selectors.creator_import_list(organization=self.organization)[
            :PAST_IMPORTS
        ]
        context["conventions"] = CONVENTIONS
        return context

    def post(self, request, *args, **kwargs):
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                creator_import = services.import_upload(
                    organization=self.organization,
                    uploaded_by=request.user,
                    upload=form.cleaned_data["file"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("creator_import_mapping", self.organization.slug, creator_import.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ImportMappingView(_ImportMixin, TemplateView):
    """GET: the columns with their pre-filled fields and the preview. POST with
    action=preview: the preview for the mapping on the page (just the preview partial for
    htmx). POST otherwise: start the import."""

    template_name = "creators/imports/mapping.html"

    def get(self, request, *args, **kwargs):
        return self.render_page(form=None)

    def post(self, request, *args, **kwargs):
        try:
            form = self.mapping_form(data=request.POST)
        except (ValidationError, OSError):
            return self.render_page(form=None)
        if request.POST.get("action") == "preview":
            if request.htmx:
                self.template_name = "creators/imports/_preview.html"
            return self.render_page(form=form)
        if form.is_valid():
            try:
                creator_import = services.import_start(
                    organization=self.organization,
                    creator_import=self.creator_import(),
                    mapping=form.cleaned_data["mapping"],
                    on_duplicate=form.cleaned_data["on_duplicate"],
                    started_by=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("creator_import_detail", self.organization.slug, creator_import.pk)
        return self.render_page(form=form, status=400)

    def mapping_form(self, data=None) -> MappingForm:
        creator_import = self.creator_import()
        headers = self.sample().headers
        mapping = selectors.import_mapping_initial(
            organization=self.organization, headers=headers, creator_import=creator_import
        )
        form = MappingForm(
            data, headers=headers, mapping=mapping,
            initial={"on_duplicate": creator_import.on_duplicate},
        )  # fmt: skip
        if creator_import.status != CreatorImport.Status.UPLOADED or not Role.at_least(
            self.request.org_role, Role.MEMBER
        ):
            # Shown for reference: a started import, or a viewer who cannot start one.
            for field in form.fields.values():
                field.disabled = True
        return form

    def sample(self) -> selectors.Sample:
        if not hasattr(self, "_sample"):
            self._sample = selectors.import_sample(
                organization=self.organization, creator_import=self.creator_import()
            )
        return self._sample

    def render_page(self, form: MappingForm | None, status: int = 200):
        creator_import = self.creator_import()
        try:
            form = form or self.mapping_form()
        except (ValidationError, OSError) as error:
            # The file was readable at upload; this is a file that went missing since.
            text = " ".join(error.messages) if isinstance(error, ValidationError) else None
            context = self.get_context_data(
                creator_import=creator_import,
                file_error=text or "The uploaded file is no longer available; upload it again.",
            )
            return self.render_to_response(context, status=200)
        sample = self.sample()
        context = self.get_context_data(
            creator_import=creator_import,
            form=form,
            columns=[(h, field, sample.examples(h)) for h, field in form.columns()],
            preview=selectors.import_preview(
                organization=self.organization,
                sample=sample,
                mapping=form.current_mapping(),
                on_duplicate=form.current_on_duplicate(),
            ),
            locked=creator_import.status != CreatorImport.Status.UPLOADED,
        )
        return self.render_to_response(context, status=status)


class ImportDetailView(_ImportMixin, TemplateView):
    """Progress while it runs, the summary when it is done."""

    template_name = "creators/imports/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        creator_import = self.creator_import()
        context["creator_import"] = creator_import
        context["finished"] = creator_import.status in (
            CreatorImport.Status.DONE,
            CreatorImport.Status.FAILED,
        )
        if context["finished"]:
            errors = selectors.import_row_error_list(
                organization=self.organization, creator_import=creator_import
            )
            context["errors"] = errors[:ERRORS_SHOWN]
            context["error_total"] = errors.count()
        return context


class ImportProgressView(ImportDetailView):
    """The small partial the progress page polls every second (htmx)."""

    template_name = "creators/imports/_progress.html"


class ImportErrorsCsvView(_ImportMixin, View):
    def get(self, request, *args, **kwargs):
        creator_import = self.creator_import()
        # Built in full here: the tenant transaction ends when the view returns, so a
        # streaming response would read the rows outside it.
        body = errors_csv(
            selectors.import_row_error_list(
                organization=self.organization, creator_import=creator_import
            ).iterator(chunk_size=5000)
        )
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="import-{creator_import.pk}-errors.csv"'
        )
        return response


class ImportRetryView(_ImportMixin, View):
    def post(self, request, *args, **kwargs):
        try:
            services.import_retry(
                organization=self.organization, creator_import=self.creator_import()
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Import queued again; it continues where it stopped.")
        return redirect("creator_import_detail", self.organization.slug, self.kwargs["import_id"])
