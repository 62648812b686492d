"""Pages of the platform itself: home, onboarding, invitations, the dashboard, members,
organization settings, API keys and the dev outbox. Thin: parse, call, render."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, TemplateView

from kolhub import selectors, services
from kolhub.forms import ApiKeyForm, InviteForm, OrganizationForm, RoleForm, add_service_errors
from kolhub.models import ROLE_HELP, Role
from kolhub.tenancy.views import OrganizationMixin


def org_url(name: str, organization, *args) -> str:
    return reverse(name, args=[organization.slug, *args])


class HomeView(View):
    """Anonymous: the landing page. Member: their last organization. New: onboarding."""

    def get(self, request):
        if not request.user.is_authenticated:
            return render(request, "kolhub/landing.html")
        memberships = selectors.membership_list_for_user(request.user)
        if not memberships:
            return redirect("onboarding")
        last = request.session.get("last_org")
        chosen = next((m for m in memberships if m.organization.slug == last), memberships[0])
        return redirect("dashboard", org_slug=chosen.organization.slug)


class OnboardingView(LoginRequiredMixin, FormView):
    """Create an organization: the first one after sign-up, or another one later."""

    template_name = "kolhub/onboarding.html"
    form_class = OrganizationForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["first"] = not selectors.membership_list_for_user(self.request.user)
        return context

    def form_valid(self, form):
        try:
            organization = services.organization_create(
                name=form.cleaned_data["name"],
                owner=self.request.user,
                default_currency=form.cleaned_data["default_currency"],
                timezone_name=form.cleaned_data["timezone"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{organization.name} is ready. Invite your team next.")
        return redirect("dashboard", org_slug=organization.slug)


class InvitationAcceptView(View):
    template_name = "kolhub/invitation.html"

    def _invitation(self, token):
        invitation = selectors.invitation_get_by_token(token)
        if invitation is None:
            raise Http404("No such invitation")
        return invitation

    def get(self, request, token: str):
        invitation = self._invitation(token)
        if not request.user.is_authenticated and invitation.status == "pending":
            # Following the link proves the address: a sign-up with it needs no second
            # verification email.
            get_adapter(request).stash_verified_email(request, invitation.email)
        return render(request, self.template_name, {"invitation": invitation, "token": token})

    def post(self, request, token: str):
        invitation = self._invitation(token)
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        try:
            membership = services.invitation_accept(token=token, user=request.user)
        except services.InvitationError as error:
            return render(
                request,
                self.template_name,
                {"invitation": invitation, "token": token, "error": str(error)},
                status=400,
            )
        messages.success(request, f"Welcome to {membership.organization.name}.")
        return redirect("dashboard", org_slug=membership.organization.slug)


class DashboardView(OrganizationMixin, TemplateView):
    template_name = "kolhub/dashboard.html"

    def get(self, request, *args, **kwargs):
        request.session["last_org"] = self.organization.slug
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["member_count"] = selectors.membership_list(organization=self.organization).count()
        context["pending_invitations"] = selectors.invitation_list_pending(
            organization=self.organization
        ).count()
        return context


class SettingsView(OrganizationMixin, FormView):
    template_name = "kolhub/settings.html"
    form_class = OrganizationForm
    write_role = Role.ADMIN

    def get_initial(self):
        org = self.organization
        return {
            "name": org.name,
            "default_currency": org.default_currency,
            "timezone": org.timezone,
        }

    def form_valid(self, form):
        try:
            services.organization_update(
                organization=self.organization,
                name=form.cleaned_data["name"],
                default_currency=form.cleaned_data["default_currency"],
                timezone_name=form.cleaned_data["timezone"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Organization settings saved.")
        return redirect("org_settings", org_slug=self.organization.slug)


class MembersView(OrganizationMixin, FormView):
    """The team: members with roles, open invitations, and the invite form."""

    template_name = "kolhub/members.html"
    form_class = InviteForm
    write_role = Role.ADMIN

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["members"] = selectors.membership_list(organization=self.organization)
        context["invitations"] = selectors.invitation_list_pending(organization=self.organization)
        context["roles"] = Role.choices
        context["role_help"] = [(Role(r).label, ROLE_HELP[r]) for r in Role.values]
        return context

    def form_valid(self, form):
        try:
            invitation = services.invitation_create(
                organization=self.organization,
                actor=self.membership,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        except PermissionDenied as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, f"Invitation sent to {invitation.email}.")
        return redirect("members", org_slug=self.organization.slug)


class _MembersActionView(OrganizationMixin, View):
    """POST-only actions on the members page; errors come back as messages."""

    write_role = Role.ADMIN

    def post(self, request, *args, **kwargs):
        try:
            success = self.act(**kwargs)
        except (ValidationError, PermissionDenied) as error:
            text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            messages.error(request, text)
        else:
            messages.success(request, success)
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self) -> str:
        return org_url("members", self.organization)


class MemberRoleView(_MembersActionView):
    def act(self, org_slug: str, membership_id: int) -> str:
        form = RoleForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError("Choose a role.")
        membership = services.membership_change_role(
            organization=self.organization,
            actor=self.membership,
            membership_id=membership_id,
            role=form.cleaned_data["role"],
        )
        return f"{membership.user.email} is now {membership.get_role_display().lower()}."


class MemberRemoveView(_MembersActionView):
    # Anyone may leave; removing someone else is checked by the service (admins only).
    write_role = Role.VIEWER

    def act(self, org_slug: str, membership_id: int) -> str:
        leaving = membership_id == self.membership.pk
        services.membership_remove(
            organization=self.organization, actor=self.membership, membership_id=membership_id
        )
        return f"You left {self.organization.name}." if leaving else "Member removed."

    def get_success_url(self) -> str:
        if (
            not selectors.membership_list(organization=self.organization)
            .filter(pk=self.membership.pk)
            .exists()
        ):
            return reverse("home")
        return super().get_success_url()


class InvitationRevokeView(_MembersActionView):
    def act(self, org_slug: str, invitation_id: int) -> str:
        services.invitation_revoke(
            organization=self.organization, actor=self.membership, invitation_id=invitation_id
        )
        return "Invitation withdrawn."


class ApiKeysView(OrganizationMixin, FormView):
    template_name = "kolhub/api_keys.html"
    form_class = ApiKeyForm
    read_role = Role.ADMIN
    write_role = Role.ADMIN

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["keys"] = selectors.api_key_list(organization=self.organization)
        context["api_base"] = self.request.build_absolute_uri(
            reverse("api_organization", args=[self.organization.slug])
        )
        return context

    def form_valid(self, form):
        key, raw = services.api_key_create(
            organization=self.organization,
            actor=self.membership,
            name=form.cleaned_data["name"],
            role=form.cleaned_data["role"],
        )
        # Shown once, on this response only; we keep nothing that could show it again.
        context = self.get_context_data(form=ApiKeyForm(), new_key=key, new_raw_key=raw)
        return self.render_to_response(context)


class ApiKeyRevokeView(_MembersActionView):
    def act(self, org_slug: str, key_id: int) -> str:
        key = services.api_key_revoke(
            organization=self.organization, actor=self.membership, key_id=key_id
        )
        return f"API key “{key.name}” revoked: requests with it now get 401."

    def get_success_url(self) -> str:
        return org_url("api_keys", self.organization)


class OutboxListView(TemplateView):
    template_name = "kolhub/outbox_list.html"

    def dispatch(self, request, *args, **kwargs):
        if not settings.OUTBOX_ENABLED:
            raise Http404("The outbox is a development tool")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["emails"] = selectors.outbox_list()[:200]
        return context


class OutboxDetailView(OutboxListView):
    template_name = "kolhub/outbox_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["email"] = get_object_or_404(selectors.outbox_list(), pk=kwargs["email_id"])
        return context
