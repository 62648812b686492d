"""Writes to contract templates. A template's text is versioned: saving a changed text adds
a version and never edits an old one, because contracts point at the exact version they
were rendered from."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from contracts.default_template import DEFAULT_TEMPLATE_BODY, DEFAULT_TEMPLATE_NAME
from contracts.models import Contract, ContractTemplate, ContractTemplateVersion
from contracts.services.common import same_org
from contracts.templating import template_check
from kolhub.models import Organization


def _clean_name(organization: Organization, template: ContractTemplate, name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "Name the template."})
    if len(name) > 120:
        raise ValidationError({"name": "At most 120 characters."})
    clash = ContractTemplate.objects.for_org(organization).filter(name__iexact=name)
    if template.pk:
        clash = clash.exclude(pk=template.pk)
    if clash.exists():
        raise ValidationError({"name": f"Another template is already called {name!r}."})
    return name


def _set_default(organization: Organization, template: ContractTemplate) -> None:
    ContractTemplate.objects.for_org(organization).filter(is_default=True).exclude(
        pk=template.pk
    ).update(is_default=False)
    template.is_default = True
    template.save(update_fields=["is_default", "updated_at"])


@transaction.atomic
def template_create(
    *,
    organization: Organization,
    name: str,
    body: str,
    description: str = "",
    is_default: bool = False,
    created_by: AbstractBaseUser | None = None,
) -> ContractTemplate:
    template = ContractTemplate(organization=organization, created_by=created_by)
    template.name = _clean_name(organization, template, name)
    template.description = (description or "").strip()[:300]
    template_check(body)
    has_default = ContractTemplate.objects.for_org(organization).filter(is_default=True).exists()
    template.save()
    ContractTemplateVersion.objects.create(
        organization=organization, template=template, number=1, body=body, created_by=created_by
    )
    if is_default or not has_default:
        _set_default(organization, template)
    return template


@transaction.atomic
def template_update(
    *,
    organization: Organization,
    template: ContractTemplate,
    name: str | None = None,
    body: str | None = None,
    description: str | None = None,
    is_default: bool | None = None,
    archived: bool | None = None,
    updated_by: AbstractBaseUser | None = None,
) -> ContractTemplateVersion:
    """Change what is given; a changed text becomes the next version. Returns the
    version now in force."""
    same_org(organization, template)
    locked = ContractTemplate.objects.for_org(organization).select_for_update().get(pk=template.pk)
    latest = locked.versions.order_by("-number").first()
    if name is not None:
        locked.name = _clean_name(organization, locked, name)
    if description is not None:
        locked.description = description.strip()[:300]
    if archived is not None:
        if archived and locked.is_default:
            raise ValidationError(
                {"archived": "The default template cannot be archived: make another default."}
            )
        locked.archived_at = timezone.now() if archived else None
    locked.save()
    if is_default:
        if locked.archived_at:
            raise ValidationError({"is_default": "An archived template cannot be the default."})
        _set_default(organization, locked)
    if body is not None and (latest is None or body != latest.body):
        template_check(body)
        latest = ContractTemplateVersion.objects.create(
            organization=organization,
            template=locked,
            number=(latest.number + 1) if latest else 1,
            body=body,
            created_by=updated_by,
        )
    template.__dict__.update(
        {k: getattr(locked, k) for k in ("name", "description", "archived_at", "is_default")}
    )
    return latest


@transaction.atomic
def template_delete(*, organization: Organization, template: ContractTemplate) -> None:
    """Only a template no contract was made from; otherwise archive it, so the contracts
    keep the text they were rendered from."""
    same_org(organization, template)
    used = Contract.objects.for_org(organization).filter(template_version__template=template)
    if used.exists():
        raise ValidationError(
            f"{used.count()} contract(s) were made from “{template.name}”: archive it instead."
        )
    if template.is_default:
        raise ValidationError("The default template cannot be deleted: make another default.")
    template.delete()


@transaction.atomic
def default_template_ensure(*, organization: Organization) -> ContractTemplateVersion:
    """The latest version of the organization's default template, seeding the built-in
    one the first time an organization needs a template."""
    template = (
        ContractTemplate.objects.for_org(organization).filter(is_default=True).first()
        or ContractTemplate.objects.for_org(organization)
        .filter(archived_at__isnull=True)
        .order_by("id")
        .first()
    )
    if template is None:
        template = template_create(
            organization=organization,
            name=DEFAULT_TEMPLATE_NAME,
            body=DEFAULT_TEMPLATE_BODY,
            description="The built-in agreement: parties, deliverables, timeline, payment, "
            "usage rights, exclusivity, FTC disclosure, approval, termination, law.",
            is_default=True,
        )
    return template.versions.order_by("-number").first()
