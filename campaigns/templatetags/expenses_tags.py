"""{% campaign_expenses as expenses %} on the campaign page's Budget card: the expenses
part reads what it needs itself, so the campaign page's view stays as it is."""

from __future__ import annotations

from django import template

from campaigns import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def campaign_expenses(context) -> dict:
    from campaigns.views.expenses import expense_form

    organization, campaign = context["organization"], context["campaign"]
    form = context.get("expense_form")
    if form is None and context.get("can_write"):
        form = expense_form(organization, campaign)
    return {
        "rows": list(selectors.expense_list(organization=organization, campaign=campaign)),
        "form": form,
        "form_open": context.get("expense_form_open", False),
    }
