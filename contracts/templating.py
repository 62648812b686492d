"""The contract template language: Jinja2 syntax, sandboxed twice over.

A template is written by a brand's team and read by a creator, so it must not be able to
reach anything but the terms. Three walls:

1. **Checked before saving** (`template_check`): the template is parsed and every node of
   its syntax tree must be on an allowlist: text, `{{ field }}`, `{% if %}`, `{% for %}`,
   comparisons, `and`/`or`/`not`, a few filters. Every field path must be a merge field
   of MERGE_FIELDS (the terms and the parties): `{{ settings.SECRET_KEY }}` is refused as
   the unknown field `settings`, `{{ creator.__class__ }}` as a private name, `{% load %}`
   as an unknown tag, and calls, subscripts, arithmetic, `{% set %}`, `{% include %}`,
   `{% import %}`, `{% macro %}` as constructs that are not allowed. HTML tags outside
   ALLOWED_TAGS (`<script>`, `<img>`, `<a>`…) are refused too, by name.
2. **Rendered in Jinja's SandboxedEnvironment**, autoescaping every value, with no
   globals, only our filters, and StrictUndefined; the context holds plain dicts, lists,
   strings and numbers built from the terms, never a model object.
3. **Sanitized after rendering** with an allowlist HTML sanitizer (nh3), so whatever
   reached the output, only harmless tags and attributes survive.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from html.parser import HTMLParser

import nh3
from django.core.exceptions import ValidationError
from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from contracts.terms import ContractTerms

MAX_TEMPLATE_CHARS = 100_000

# --- the merge fields --------------------------------------------------------------------

TEXT, NUMBER, FLAG, DATE = "text", "number", "yes/no", "date"


@dataclass(frozen=True)
class ListOf:
    item: dict | str
    help: str = ""


# Field name -> a leaf kind (with its help), a nested object, or a list of items.
MERGE_FIELDS: dict = {
    "brand": {
        "name": (TEXT, "The brand (your organization)"),
        "signer_name": (TEXT, "Who signs for the brand"),
        "signer_title": (TEXT, "The brand signer's title"),
        "signer_email": (TEXT, "The brand signer's email"),
    },
    "creator": {
        "name": (TEXT, "The creator's legal name"),
        "email": (TEXT, "The creator's email"),
    },
    "campaign": {"name": (TEXT, "The campaign")},
    "deliverables": ListOf(
        {
            "platform": (TEXT, "instagram, tiktok, youtube…"),
            "type": (TEXT, "reel, post, story, video…"),
            "quantity": (NUMBER, "How many"),
            "due_date": (DATE, "When it is due"),
        },
        "Each deliverable: {% for d in deliverables %}…{% endfor %}",
    ),
    "fee": {
        "amount": (TEXT, "The fee, formatted: 5,000.00"),
        "currency": (TEXT, "Its currency code: USD"),
    },
    "commission_percent": (NUMBER, "Commission on attributed sales, in %"),
    "payment_schedule": ListOf(
        {
            "percent": (NUMBER, "Share of the fee, in %"),
            "amount": (TEXT, "That share in money, formatted"),
            "trigger": (TEXT, "What makes it payable"),
            "net_days": (NUMBER, "Days to pay after the trigger"),
        },
        "Each installment: {% for p in payment_schedule %}…{% endfor %}",
    ),
    "usage_rights": {
        "duration_days": (NUMBER, "How long the brand may use the content (0: none)"),
        "channels": ListOf(TEXT, "Where: join them with |join(', ')"),
        "paid_amplification": (FLAG, "Whether the brand may put paid spend behind it"),
        "end_date": (DATE, "Last day of the usage rights"),
    },
    "exclusivity": {
        "categories": ListOf(TEXT, "Categories the creator keeps exclusive"),
        "duration_days": (NUMBER, "How long (0: no exclusivity)"),
        "end_date": (DATE, "Last day of the exclusivity"),
    },
    "start_date": (DATE, "When the agreement starts"),
    "governing_law": (TEXT, "Whose law governs it"),
}
LOOP_FIELDS = {
    "index": (NUMBER, ""),
    "index0": (NUMBER, ""),
    "first": (FLAG, ""),
    "last": (FLAG, ""),
    "length": (NUMBER, ""),
    "revindex": (NUMBER, ""),
}

ALLOWED_FILTERS = frozenset(
    {"join", "length", "upper", "lower", "capitalize", "title", "default", "first", "last"}
)
ALLOWED_COMPARISONS = frozenset({"eq", "ne", "gt", "gteq", "lt", "lteq", "in", "notin"})
ALLOWED_TAGS = frozenset(
    {
        "h1",
        "h2",
        "h3",
        "h4",
        "p",
        "br",
        "hr",
        "ul",
        "ol",
        "li",
        "strong",
        "em",
        "b",
        "i",
        "u",
        "small",
        "blockquote",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
        "caption",
        "section",
        "div",
        "span",
        "dl",
        "dt",
        "dd",
    }
)
ALLOWED_ATTRIBUTES = {"*": {"class"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}


def merge_field_list() -> list[tuple[str, str, str]]:
    """(dotted name, kind, help) of every merge field, for the editor's reference."""
    out: list[tuple[str, str, str]] = []

    def walk(spec, prefix: str) -> None:
        for name, value in spec.items():
            path = f"{prefix}{name}"
            if isinstance(value, dict):
                walk(value, f"{path}.")
            elif isinstance(value, ListOf):
                if isinstance(value.item, dict):
                    out.append((path, "list", value.help))
                    walk(value.item, f"{path}[].")
                else:
                    out.append((path, "list of text", value.help))
            else:
                out.append((path, value[0], value[1]))

    walk(MERGE_FIELDS, "")
    return out


def _all_names() -> str:
    return ", ".join(name for name, _, _ in merge_field_list() if "[]" not in name)


# --- wall 1: the checker -----------------------------------------------------------------


class _Refused(Exception):
    def __init__(self, message: str, lineno: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.lineno = lineno


def _where(node: nodes.Node) -> str:
    return f" (line {node.lineno})" if getattr(node, "lineno", None) else ""


class _Checker:
    """Walks the syntax tree; every node kind must be handled here or it is refused."""

    def __init__(self) -> None:
        self.text_parts: list[str] = []

    def refuse(self, node: nodes.Node, message: str):
        raise _Refused(message + _where(node), getattr(node, "lineno", None))

    def statements(self, body: list[nodes.Node], scope: dict) -> None:
        for node in body:
            self.statement(node, scope)

    def statement(self, node: nodes.Node, scope: dict) -> None:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if isinstance(child, nodes.TemplateData):
                    self.text_parts.append(child.data)
                else:
                    self.text_parts.append("x")  # a value: text once rendered
                    kind = self.value(child, scope)
                    if isinstance(kind, ListOf):
                        self.refuse(
                            child,
                            f"{_path(child)} is a list: loop over it with "
                            "{% for %} or join it with |join(', ')",
                        )
        elif isinstance(node, nodes.If):
            self.expression(node.test, scope)
            self.statements(node.body, scope)
            for branch in node.elif_:
                self.statement(branch, scope)
            self.statements(node.else_, scope)
        elif isinstance(node, nodes.For):
            if node.recursive or node.test is not None:
                self.refuse(node, "Loops may not be recursive or filtered")
            if not isinstance(node.target, nodes.Name):
                self.refuse(node, "A loop takes one name: {% for d in deliverables %}")
            kind = self.expression(node.iter, scope)
            if not isinstance(kind, ListOf):
                self.refuse(node, f"{_path(node.iter)} is not a list, so it cannot be looped over")
            if node.target.name in MERGE_FIELDS or node.target.name == "loop":
                self.refuse(node, f"The loop name {node.target.name!r} hides a merge field")
            inner = {**scope, node.target.name: kind.item, "loop": LOOP_FIELDS}
            self.statements(node.body, inner)
            self.statements(node.else_, scope)
        else:
            self.refuse(
                node,
                f"{_construct(node)} is not allowed in contract templates; use "
                "{{ field }}, {% if %} and {% for %} only",
            )

    def expression(self, node: nodes.Node, scope: dict):
        """Check an expression and return what it yields: a schema node or a leaf kind."""
        if isinstance(node, nodes.Name):
            if node.name.startswith("_"):
                self.refuse(node, f"{node.name!r} is a private name and cannot be used")
            if node.name not in scope:
                self.refuse(node, f"Unknown field {node.name!r}. Merge fields: {_all_names()}")
            return scope[node.name]
        if isinstance(node, nodes.Getattr):
            parent = self.expression(node.node, scope)
            if node.attr.startswith("_"):
                self.refuse(node, f"{node.attr!r} is a private name and cannot be used")
            if not isinstance(parent, dict) or node.attr not in parent:
                self.refuse(node, f"Unknown field {_path(node)!r}. Merge fields: {_all_names()}")
            return parent[node.attr]
        if isinstance(node, nodes.Const):
            if not isinstance(node.value, str | int | float | bool | type(None)):
                self.refuse(node, "Only text, numbers and true/false can be written literally")
            return (TEXT, "")
        if isinstance(node, nodes.Filter):
            if node.name not in ALLOWED_FILTERS:
                self.refuse(
                    node,
                    f"The filter {node.name!r} is not allowed; filters: "
                    f"{', '.join(sorted(ALLOWED_FILTERS))}",
                )
            if node.kwargs or node.dyn_args or node.dyn_kwargs:
                self.refuse(node, f"The filter {node.name!r} takes plain values only")
            for arg in node.args:
                if not isinstance(arg, nodes.Const):
                    self.refuse(node, f"The filter {node.name!r} takes plain values only")
                self.expression(arg, scope)
            kind = self.expression(node.node, scope)
            if isinstance(kind, dict):
                self.refuse(node, f"{_path(node.node)} is a group of fields, not a value")
            if node.name in ("first", "last") and isinstance(kind, ListOf):
                return kind.item
            return (TEXT, "")
        if isinstance(node, nodes.Compare):
            self.value(node.expr, scope)
            for operand in node.ops:
                if operand.op not in ALLOWED_COMPARISONS:
                    self.refuse(node, f"The comparison {operand.op!r} is not allowed")
                self.value(operand.expr, scope)
            return (FLAG, "")
        if isinstance(node, nodes.And | nodes.Or):
            self.value(node.left, scope)
            self.value(node.right, scope)
            return (FLAG, "")
        if isinstance(node, nodes.Not):
            self.value(node.node, scope)
            return (FLAG, "")
        if isinstance(node, nodes.CondExpr):
            self.value(node.test, scope)
            self.value(node.expr1, scope)
            if node.expr2 is not None:
                self.value(node.expr2, scope)
            return (TEXT, "")
        if isinstance(node, nodes.Concat):
            for child in node.nodes:
                self.value(node=child, scope=scope)
            return (TEXT, "")
        self.refuse(node, f"{_construct(node)} is not allowed in contract templates")

    def value(self, node: nodes.Node, scope: dict):
        kind = self.expression(node, scope)
        if isinstance(kind, dict):
            self.refuse(node, f"{_path(node)} is a group of fields, not a value")
        return kind


def _path(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_path(node.node)}.{node.attr}"
    return "that expression"


_CONSTRUCTS = {
    nodes.Assign: "{% set %}",
    nodes.AssignBlock: "{% set %}",
    nodes.Macro: "{% macro %}",
    nodes.Include: "{% include %}",
    nodes.Import: "{% import %}",
    nodes.FromImport: "{% from … import %}",
    nodes.Extends: "{% extends %}",
    nodes.Block: "{% block %}",
    nodes.CallBlock: "{% call %}",
    nodes.FilterBlock: "{% filter %}",
    nodes.With: "{% with %}",
    nodes.Call: "Calling a function",
    nodes.Getitem: "Subscripting ([…])",
    nodes.Test: "An 'is' test",
}


def _construct(node: nodes.Node) -> str:
    for kind, label in _CONSTRUCTS.items():
        if isinstance(node, kind):
            return label
    if isinstance(node, nodes.BinExpr | nodes.UnaryExpr):
        return "Arithmetic"
    return type(node).__name__


class _TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(
                f"The HTML tag <{tag}> is not allowed. Allowed tags: "
                f"{', '.join(sorted(ALLOWED_TAGS))}"
            )
            return
        allowed = ALLOWED_ATTRIBUTES["*"] | ALLOWED_ATTRIBUTES.get(tag, set())
        for name, _ in attrs:
            if name not in allowed:
                self.problems.append(f"The attribute {name!r} on <{tag}> is not allowed")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)


_env = SandboxedEnvironment(
    autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True
)
# Only our filters, no globals (range, lipsum, dict, cycler, joiner, namespace…), no tests.
_env.filters = {name: _env.filters[name] for name in ALLOWED_FILTERS}
_env.globals = {}
_env.tests = {}


def template_check(source: str) -> None:
    """Raise ValidationError({"body": [...]}) naming what is wrong, or return None."""
    if len(source) > MAX_TEMPLATE_CHARS:
        raise ValidationError({"body": f"At most {MAX_TEMPLATE_CHARS:,} characters."})
    if not source.strip():
        raise ValidationError({"body": "The template is empty."})
    try:
        tree = _env.parse(source)
    except TemplateSyntaxError as error:
        message = error.message or "syntax error"
        if "Encountered unknown tag" in message:
            message += " Templates may use {% if %} and {% for %} only."
        raise ValidationError({"body": f"Line {error.lineno}: {message}"}) from None
    checker = _Checker()
    try:
        checker.statements(tree.body, dict(MERGE_FIELDS))
    except _Refused as refused:
        raise ValidationError({"body": refused.message}) from None
    tags = _TagCollector()
    tags.feed("".join(checker.text_parts))
    tags.close()
    if tags.problems:
        raise ValidationError({"body": list(dict.fromkeys(tags.problems))})


# --- walls 2 and 3: rendering --------------------------------------------------------------


def _number(value: Decimal) -> int | Decimal:
    """12.50 -> 12.5, 30.00 -> 30; never scientific notation."""
    if value == value.to_integral_value():
        return int(value)
    return Decimal(format(value.normalize(), "f"))


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _day(value) -> str:
    return f"{value:%B} {value.day}, {value.year}" if value else ""


def terms_context(terms: ContractTerms) -> dict:
    """The merge fields' values: plain dicts, lists, strings and numbers only."""
    p = terms.parties
    return {
        "brand": {
            "name": p.brand_name,
            "signer_name": p.brand_signer_name,
            "signer_title": p.brand_signer_title,
            "signer_email": p.brand_signer_email,
        },
        "creator": {"name": p.creator_name, "email": p.creator_email},
        "campaign": {"name": terms.campaign_name},
        "deliverables": [
            {
                "platform": d.platform,
                "type": d.type,
                "quantity": d.quantity,
                "due_date": _day(d.due_date),
            }
            for d in terms.deliverables
        ],
        "fee": {"amount": _money(terms.fee_amount), "currency": terms.fee_currency},
        "commission_percent": _number(terms.commission_percent),
        "payment_schedule": [
            {
                "percent": _number(i.percent),
                "amount": _money(terms.installment_amount(i)),
                "trigger": i.trigger,
                "net_days": i.net_days,
            }
            for i in terms.payment_schedule
        ],
        "usage_rights": {
            "duration_days": terms.usage_rights.duration_days,
            "channels": list(terms.usage_rights.channels),
            "paid_amplification": terms.usage_rights.paid_amplification,
            "end_date": _day(terms.usage_rights_end),
        },
        "exclusivity": {
            "categories": list(terms.exclusivity.categories),
            "duration_days": terms.exclusivity.duration_days,
            "end_date": _day(terms.exclusivity_end),
        },
        "start_date": _day(terms.start_date),
        "governing_law": terms.governing_law,
    }


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes=ALLOWED_ATTRIBUTES,
        link_rel=None,
        strip_comments=True,
    )


def template_render(source: str, terms: ContractTerms) -> str:
    """The contract text as sanitized HTML. Checks the template first, so a template
    stored before a rule was tightened is refused rather than rendered."""
    template_check(source)
    try:
        html = _env.from_string(source).render(terms_context(terms))
    except (SecurityError, UndefinedError) as error:
        raise ValidationError({"body": f"The template could not be filled in: {error}"}) from None
    return sanitize(html).strip() + "\n"


def preview_terms(*, brand_name: str = "Your brand", currency: str = "USD") -> ContractTerms:
    """Example terms for the editor's live preview (every merge field filled in)."""
    from datetime import date, timedelta

    start = date.today()
    return ContractTerms.from_json(
        {
            "parties": {
                "brand_name": brand_name,
                "brand_signer_name": "Alex Rivera",
                "brand_signer_title": "Head of Partnerships",
                "brand_signer_email": "alex@brand.example",
                "creator_name": "Dr Sam Example",
                "creator_email": "sam@creator.example",
            },
            "campaign_name": "Spring launch",
            "deliverables": [
                {
                    "platform": "instagram",
                    "type": "Reel",
                    "quantity": 2,
                    "due_date": (start + timedelta(days=21)).isoformat(),
                },
                {
                    "platform": "tiktok",
                    "type": "Video",
                    "quantity": 1,
                    "due_date": (start + timedelta(days=28)).isoformat(),
                },
            ],
            "fee_amount": "5000",
            "fee_currency": currency,
            "commission_percent": "10",
            "payment_schedule": [
                {"percent": "50", "trigger": "signature", "net_days": 15},
                {"percent": "50", "trigger": "publication", "net_days": 30},
            ],
            "usage_rights": {
                "duration_days": 90,
                "channels": ["Instagram", "TikTok", "website"],
                "paid_amplification": True,
            },
            "exclusivity": {"categories": ["skincare"], "duration_days": 60},
            "start_date": start.isoformat(),
            "governing_law": "the State of New York",
        }
    )
