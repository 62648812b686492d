"""Discovery, the creator page, lists, saved searches and the CSV export. Thin: parse,
call a selector or a service, render."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views import View
from django.views.generic import TemplateView

from creators import exports, selectors, services
from creators.filters import SORTS, TIER_CHOICES, sort_of
from creators.forms import (
    AccountForm,
    CreatorForm,
    CredentialForm,
    ListAddForm,
    NoteForm,
    RateCardForm,
    SavedSearchForm,
)
from creators.models import (
    AGE_BUCKETS,
    GENDERS,
    ROLE_HELP,
    Creator,
    CreatorList,
    CreatorRole,
    Platform,
    SavedSearch,
    SocialAccount,
)
from creators.pagination import CreatorPaginator
from creators.scoring import WEIGHTS
from kolhub.forms import add_service_errors
from kolhub.models import CURRENCIES, Role, User
from kolhub.tenancy.views import OrganizationMixin

PER_PAGE = 25
LIST_PAGE_LIMIT = 500  # creators shown on a list's page (best fit first)
# The filters with an error slot in discovery.html (_filter_errors.html): the htmx results
# partial refreshes each of them out of band, so no slot shows a stale error.
ERROR_SLOTS = (
    "q", "country", "language", "followers_min", "followers_max", "er_min", "max_rate",
    "rate_currency", "audience_country", "audience_country_min", "audience_age_min",
    "audience_gender_min",
)  # fmt: skip


def _get_or_404(getter, **kwargs):
    # Missing and foreign are the same answer: 404.
    try:
        return getter(**kwargs)
    except (Creator.DoesNotExist, CreatorList.DoesNotExist, SavedSearch.DoesNotExist,
            SocialAccount.DoesNotExist):  # fmt: skip
        raise Http404("Not found") from None


def _filter_params(request) -> QueryDict:
    params = request.GET.copy()
    params.pop("page", None)
    return params


class DiscoveryView(OrganizationMixin, TemplateView):
    """The creators app's main page: filters on the left, results on the right; htmx
    swaps only the results as filters change."""

    template_name = "creators/discovery.html"

    def get_template_names(self):
        htmx = self.request.htmx
        # A history restore (the Back button, cache missed) needs the whole page.
        if htmx and not htmx.boosted and not htmx.history_restore_request:
            return ["creators/_results.html"]
        return [self.template_name]

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        # The same URL answers with the results alone or the whole page: keep caches apart.
        patch_vary_headers(response, ["HX-Request", "HX-History-Restore-Request"])
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org = self.organization
        filterset = selectors.creator_search(organization=org, params=self.request.GET)
        if self.get_template_names() != [self.template_name]:
            context["oob_error_fields"] = [filterset.form[name] for name in ERROR_SLOTS]
        page = None
        if filterset.form.is_valid():
            paginator = CreatorPaginator.for_search(filterset, PER_PAGE)
            page = paginator.get_page(self.request.GET.get("page"))
        params = _filter_params(self.request)
        context.update(
            filterset=filterset,
            form=filterset.form,
            page=page,
            target=filterset.target,
            query_string=params.urlencode(),
            selected={name: self.request.GET.getlist(name) for name in self.request.GET},
            lists=selectors.list_list(organization=org),
            saved_searches=[
                (search, saved_search_url(org.slug, search))
                for search in selectors.saved_search_list(organization=org)
            ],
            roles=CreatorRole.choices,
            role_help=ROLE_HELP,
            platforms=Platform.choices,
            tiers=TIER_CHOICES,
            sorts=SORTS,
            sort=sort_of(filterset.form.cleaned_data if filterset.form.is_valid() else {}),
            age_buckets=AGE_BUCKETS,
            genders=GENDERS,
            weights=WEIGHTS,
            currencies=CURRENCIES,
            rate_currency=filterset.budget_currency(),
        )
        return context


class ExportView(OrganizationMixin, View):
    """The current search as CSV, every matching creator, streamed."""

    columns = [
        ("name", "Name"), ("role", "Role"), ("credentials", "Credentials"),
        ("credential_status", "Credential status"), ("country", "Country"), ("city", "City"),
        ("niches", "Niches"), ("platforms", "Platforms"), ("handles", "Handles"),
        ("followers", "Followers"), ("engagement_rate", "Engagement rate %"),
        ("min_rate", "Lowest rate"), ("rate_currency", "Currency"), ("fit", "Fit score"),
        ("status", "Status"),
    ]  # fmt: skip

    def get(self, request, org_slug: str):
        filterset = selectors.creator_search(organization=self.organization, params=request.GET)
        if not filterset.form.is_valid():
            return redirect(
                f"{reverse('creators_index', args=[org_slug])}?{request.GET.urlencode()}"
            )
        lines = exports.csv_lines(organization=self.organization, queryset=filterset.qs,
                                  columns=self.columns)  # fmt: skip
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="creators-{org_slug}.csv"'
        return response


class CreatorCreateView(OrganizationMixin, TemplateView):
    template_name = "creators/creator_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", CreatorForm(owners=_team(self.organization)))
        context.setdefault("account_form", AccountForm(prefix="account"))
        context["role_help"] = ROLE_HELP
        return context

    def post(self, request, org_slug: str):
        form = CreatorForm(request.POST, owners=_team(self.organization))
        account_form = AccountForm(request.POST, prefix="account")
        if form.is_valid() and account_form.is_valid():
            try:
                creator = services.creator_create(
                    organization=self.organization,
                    data=form.cleaned_data,
                    accounts=[account_form.cleaned_data],
                )
            except ValidationError as error:
                add_service_errors(account_form, error)
            else:
                messages.success(request, f"{creator.name} added.")
                return redirect("creator_detail", org_slug=org_slug, creator_id=creator.pk)
        return self.render_to_response(self.get_context_data(form=form, account_form=account_form))


def _team(organization):
    from kolhub.selectors import membership_list

    return User.objects.filter(
        pk__in=[m.user_id for m in membership_list(organization=organization)]
    )


class CreatorDetailView(OrganizationMixin, TemplateView):
    template_name = "creators/creator_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org = self.organization
        creator = _get_or_404(
            selectors.creator_get, organization=org, creator_id=kwargs["creator_id"]
        )
        target_params = _filter_params(self.request)
        target_errors = {}
        try:
            scorecard = selectors.creator_scorecard(creator=creator, params=target_params)
        except ValidationError as error:
            # Scored without a target, and the page says which parameter was refused.
            target_errors = error.message_dict
            scorecard = selectors.creator_scorecard(creator=creator, params={})
        context.update(
            creator=creator,
            scorecard=scorecard,
            target_errors=target_errors,
            audience_account=selectors.audience_account(creator=creator),
            target_query=target_params.urlencode(),
            account_form=AccountForm(),
            account_edit_forms=[(a, AccountForm.for_account(a)) for a in creator.accounts.all()],
            credential_form=CredentialForm(
                initial={
                    "credential_status": creator.credential_status,
                    "evidence_url": creator.credential_evidence_url,
                }
            ),  # fmt: skip
            note_form=NoteForm(),
            lists=selectors.list_list(organization=org),
            age_buckets=AGE_BUCKETS,
            genders=GENDERS,
            weights=WEIGHTS,
        )
        return context


class CreatorEditView(OrganizationMixin, TemplateView):
    template_name = "creators/creator_form.html"

    def _creator(self):
        return _get_or_404(
            selectors.creator_get, organization=self.organization,
            creator_id=self.kwargs["creator_id"],
        )  # fmt: skip

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        creator = self._creator()
        context["creator"] = creator
        context.setdefault("form", CreatorForm(instance=creator, owners=_team(self.organization)))
        rates = {r.deliverable: r.amount for r in creator.rates.all()}
        context.setdefault("rate_form", RateCardForm(initial=rates, currency=creator.rate_currency))
        context["role_help"] = ROLE_HELP
        return context

    def post(self, request, org_slug: str, creator_id: int):
        creator = self._creator()
        form = CreatorForm(request.POST, instance=creator, owners=_team(self.organization))
        rate_form = RateCardForm(request.POST, currency=creator.rate_currency)
        if form.is_valid() and rate_form.is_valid():
            try:
                services.creator_update(
                    organization=self.organization,
                    creator=creator,
                    data=form.cleaned_data,
                    rates=rate_form.cleaned_data,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Saved.")
                return redirect("creator_detail", org_slug=org_slug, creator_id=creator.pk)
        return self.render_to_response(self.get_context_data(form=form, rate_form=rate_form))


class _CreatorActionView(OrganizationMixin, View):
    """POST-only actions on a creator; errors come back as messages on the creator page."""

    def post(self, request, org_slug: str, creator_id: int, **kwargs):
        creator = _get_or_404(selectors.creator_get, organization=self.organization,
                              creator_id=creator_id)  # fmt: skip
        try:
            text = self.act(creator, **kwargs)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, text)
        return HttpResponseRedirect(reverse("creator_detail", args=[org_slug, creator_id]))


class AccountAddView(_CreatorActionView):
    def act(self, creator: Creator) -> str:
        form = AccountForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError([f"{k}: {' '.join(v)}" for k, v in form.errors.items()])
        account = services.account_upsert(organization=self.organization, creator=creator,
                                          data=form.account_data())  # fmt: skip
        return f"{account} saved."


class AccountDeleteView(_CreatorActionView):
    def act(self, creator: Creator, account_id: int) -> str:
        account = _get_or_404(selectors.account_get, organization=self.organization,
                              creator=creator, account_id=account_id)  # fmt: skip
        services.account_delete(organization=self.organization, account=account)
        return f"{account} removed."


class CredentialView(_CreatorActionView):
    def act(self, creator: Creator) -> str:
        form = CredentialForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError([f"{k}: {' '.join(v)}" for k, v in form.errors.items()])
        creator = services.credential_set_status(
            organization=self.organization, creator=creator,
            status=form.cleaned_data["credential_status"],
            evidence_url=form.cleaned_data["evidence_url"], verified_by=self.request.user,
        )  # fmt: skip
        return f"Credentials marked {creator.get_credential_status_display().lower()}."


class NoteAddView(_CreatorActionView):
    def act(self, creator: Creator) -> str:
        form = NoteForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError("Write something first.")
        services.note_add(organization=self.organization, creator=creator,
                          author=self.request.user, text=form.cleaned_data["text"])  # fmt: skip
        return "Note added."


class ListIndexView(OrganizationMixin, TemplateView):
    template_name = "creators/lists.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["lists"] = selectors.list_list(organization=self.organization)
        return context

    def post(self, request, org_slug: str):
        try:
            creator_list = services.list_create(
                organization=self.organization, name=request.POST.get("name", ""),
                description=request.POST.get("description", ""), created_by=request.user,
            )  # fmt: skip
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("creator_lists", org_slug=org_slug)
        return redirect("creator_list", org_slug=org_slug, list_id=creator_list.pk)


class ListAddView(OrganizationMixin, View):
    """Bulk action from discovery: add the ticked creators to a list (or a new one)."""

    def post(self, request, org_slug: str):
        form = ListAddForm(request.POST)
        back = request.POST.get("next") or reverse("creators_index", args=[org_slug])
        if not back.startswith("/"):
            back = reverse("creators_index", args=[org_slug])
        if not form.is_valid():
            messages.error(request, "Tick at least one creator and choose a list.")
            return HttpResponseRedirect(back)
        org = self.organization
        try:
            if form.cleaned_data.get("list_id"):
                creator_list = _get_or_404(selectors.list_get, organization=org,
                                           list_id=form.cleaned_data["list_id"])  # fmt: skip
            else:
                creator_list = services.list_create(
                    organization=org, created_by=request.user,
                    name=form.cleaned_data["new_list_name"],
                )  # fmt: skip
            added = services.list_add_creators(
                organization=org, creator_list=creator_list,
                creator_ids=form.cleaned_data["creator_ids"], added_by=request.user,
            )  # fmt: skip
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(back)
        link = reverse("creator_list", args=[org_slug, creator_list.pk])
        messages.success(request, f"Added {added} to “{creator_list.name}”.")
        return HttpResponseRedirect(link if request.POST.get("go") else back)


class ListDetailView(OrganizationMixin, TemplateView):
    template_name = "creators/list_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org = self.organization
        creator_list = _get_or_404(selectors.list_get, organization=org, list_id=kwargs["list_id"])
        filterset = selectors.creator_search(
            organization=org, params={"in_list": creator_list.pk, "include_dnc": "true",
                                      "sort": "fit"},
        )  # fmt: skip
        creators = list(filterset.qs[: LIST_PAGE_LIMIT + 1])
        context.update(
            creator_list=creator_list,
            creators=creators[:LIST_PAGE_LIMIT],
            cut=len(creators) > LIST_PAGE_LIMIT,  # the page says so, and where to see all
            limit=LIST_PAGE_LIMIT,
        )
        return context


class ListRemoveView(OrganizationMixin, View):
    def post(self, request, org_slug: str, list_id: int, creator_id: int):
        org = self.organization
        creator_list = _get_or_404(selectors.list_get, organization=org, list_id=list_id)
        creator = _get_or_404(selectors.creator_get, organization=org, creator_id=creator_id)
        services.list_remove_creator(organization=org, creator_list=creator_list, creator=creator)
        messages.success(request, f"{creator.name} removed from “{creator_list.name}”.")
        return redirect("creator_list", org_slug=org_slug, list_id=list_id)


class ListDeleteView(OrganizationMixin, View):
    write_role = Role.ADMIN

    def post(self, request, org_slug: str, list_id: int):
        creator_list = _get_or_404(selectors.list_get, organization=self.organization,
                                   list_id=list_id)  # fmt: skip
        services.list_delete(organization=self.organization, creator_list=creator_list)
        messages.success(request, f"List “{creator_list.name}” deleted.")
        return redirect("creator_lists", org_slug=org_slug)


class SavedSearchSaveView(OrganizationMixin, View):
    def post(self, request, org_slug: str):
        form = SavedSearchForm(request.POST)
        query = QueryDict(request.POST.get("query", ""))
        if not form.is_valid():
            messages.error(request, "Name the search to save it.")
        else:
            search = services.saved_search_save(
                organization=self.organization, name=form.cleaned_data["name"],
                query={k: query.getlist(k) for k in query}, created_by=request.user,
            )  # fmt: skip
            messages.success(request, f"Saved “{search.name}”.")
        return HttpResponseRedirect(
            f"{reverse('creators_index', args=[org_slug])}?{query.urlencode()}"
        )


class SavedSearchDeleteView(OrganizationMixin, View):
    def post(self, request, org_slug: str, search_id: int):
        search = _get_or_404(selectors.saved_search_get, organization=self.organization,
                             search_id=search_id)  # fmt: skip
        services.saved_search_delete(organization=self.organization, saved_search=search)
        messages.success(request, f"Deleted “{search.name}”.")
        return redirect("creators_index", org_slug=org_slug)


def saved_search_url(org_slug: str, search: SavedSearch) -> str:
    return f"{reverse('creators_index', args=[org_slug])}?{urlencode(search.query, doseq=True)}"
