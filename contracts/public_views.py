"""Public pages, outside /o/<org_slug>/: the creator's signing link (/sign/<token>/) and
contract verification (/verify/).

The tenant middleware only enters a tenant for /o/ and /api/ routes, so the signing
link enters one itself: the token is looked up (the one platform-level query), then
everything else, rendering included, runs inside that organization's tenant_context
(transaction, scope, database role). A token reaches exactly one signer of one contract:
the URL carries nothing else to change."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from contracts import selectors, services
from contracts.forms import SignForm, VerifyForm
from contracts.verification import VerifyRefused, check_upload_size, verify_pdf
from contracts.views import actor_for, pdf_response, sign_context
from kolhub.clients import client_ip, hits
from kolhub.forms import add_service_errors
from kolhub.tenancy.context import tenant_context


class _SignLinkView(View):
    """Resolves the token, enters its organization's tenant context for the whole
    request (rendering too), and hands the view `self.signer` and `self.contract`."""

    def dispatch(self, request, token: str):
        found = selectors.signer_for_token(token)
        if found is None:
            return render(
                request, "contracts/sign_link_invalid.html", {"reason": "unknown"}, status=404
            )
        self.token = token
        self.organization = found.organization
        with tenant_context(self.organization):
            self.signer = selectors.signer_with_contract(
                organization=self.organization, signer_id=found.pk
            )
            self.contract = self.signer.contract
            if not services.token_matches(self.signer, token):
                response = render(
                    request,
                    "contracts/sign_link_invalid.html",
                    {"reason": "expired", "organization": self.organization, "signer": self.signer},
                    status=410,
                )
            else:
                response = super().dispatch(request, token)
            if isinstance(response, TemplateResponse):
                response.render()  # inside the tenant context, not after it
            return response

    def actor(self, request) -> services.Actor:
        return actor_for(request, label=f"{self.signer.name} <{self.signer.email}> (signing link)")


class SignLinkView(_SignLinkView):
    template_name = "contracts/sign_creator.html"

    def page(self, request, form=None, status: int = 200) -> HttpResponse:
        status_rows = selectors.contract_signing_status(
            organization=self.organization, contract=self.contract
        )
        mine = next(s for s in status_rows if s.signer.pk == self.signer.pk)
        context = sign_context(self.organization, self.contract, self.signer, form)
        context.update(
            status=status_rows, mine=mine, token=self.token, organization=self.organization
        )
        return TemplateResponse(request, self.template_name, context, status=status)

    def get(self, request, token: str):
        services.signing_page_viewed(
            organization=self.organization, signer=self.signer, actor=self.actor(request)
        )
        return self.page(request)

    def post(self, request, token: str):
        form = SignForm(request.POST)
        form.is_valid()
        data = form.cleaned_data
        try:
            services.contract_sign(
                organization=self.organization,
                contract=self.contract,
                signer=self.signer,
                typed_name=data.get("typed_name", ""),
                consent=bool(data.get("consent")),
                document_sha256=data.get("document_sha256", ""),
                drawn_signature=data.get("drawn_signature", ""),
                actor=self.actor(request),
                token=token,
            )
        except PermissionDenied as error:
            form.add_error(None, str(error))
            return self.page(request, form, status=403)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.page(request, form, status=400)
        # Post/redirect/get: a reload shows the signed page instead of posting again.
        return redirect("contract_sign_link", token)


class SignLinkPdfView(_SignLinkView):
    def get(self, request, token: str):
        return pdf_response(self.contract)


class SignLinkPdfStatusView(_SignLinkView):
    """htmx: the creator's signed-PDF card, polled until it is ready."""

    def get(self, request, token: str):
        return TemplateResponse(
            request,
            "contracts/_pdf_status_public.html",
            {
                "contract": self.contract,
                "status_url": reverse("contract_sign_link_pdf_status", args=[token]),
                "pdf_url": reverse("contract_sign_link_pdf", args=[token]),
            },  # fmt: skip
        )


# --- /verify/ --------------------------------------------------------------------------------


def _rate_limited(request) -> bool:
    key = f"contracts-verify:{client_ip(request)}:{timezone.now():%Y%m%d%H%M}"
    return hits(key, window_seconds=60) > settings.CONTRACTS_VERIFY_PER_MINUTE


# Anyone may verify a PDF, logged in or not: it changes nothing and reads no session, so
# it needs no CSRF token. Exempting it also keeps the CSRF middleware from reading (and
# spooling to disk) an oversized upload before the size check below can refuse it.
@method_decorator(csrf_exempt, name="dispatch")
class VerifyView(View):
    template_name = "contracts/verify.html"

    def get(self, request):
        return render(request, self.template_name, self.context(VerifyForm()))

    def context(self, form, **extra) -> dict:
        return {"form": form, "max_mb": settings.CONTRACTS_VERIFY_MAX_BYTES // 1_048_576, **extra}

    def post(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        try:
            # Refused before the body is read: the multipart parser never sees it.
            check_upload_size(length - 64 * 1024 if length > 64 * 1024 else 0)
        except VerifyRefused as error:
            return render(
                request,
                self.template_name,
                self.context(VerifyForm(), refused=str(error)),
                status=413,
            )
        if _rate_limited(request):
            return render(
                request,
                self.template_name,
                self.context(
                    VerifyForm(),
                    refused="Too many checks from your address; try again in a minute.",
                ),
                status=429,
            )
        form = VerifyForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, self.context(form), status=400)
        upload = form.cleaned_data["pdf"]
        try:
            check_upload_size(upload.size)
            verdict = verify_pdf(upload.read())
        except VerifyRefused as error:
            status = 413 if upload.size > settings.CONTRACTS_VERIFY_MAX_BYTES else 400
            return render(
                request,
                self.template_name,
                self.context(VerifyForm(), refused=str(error)),
                status=status,
            )
        return render(
            request,
            self.template_name,
            self.context(VerifyForm(), verdict=verdict, filename=upload.name),
        )
