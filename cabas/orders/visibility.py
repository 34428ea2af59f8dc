"""What a customer may see in a shop: the visibility rules by customer tag.

A selling enterprise tags its customers ("pro", "adherent", "solidaire"...) and writes rules
(`VisibilityRule`) that show or hide products, shipping methods, payment methods or whole cycles
for a tag; a rule with an empty tag is the default rule. For one item and one customer:

1. the rules of the customer's own tags that name the item decide: a "hide" wins over a "show";
2. otherwise the default rules that name the item decide (a "hide" wins over a "show");
3. otherwise an item named by a "show" rule of some other tag is reserved to those tags: hidden;
4. otherwise the item is visible.

A guest (no customer) has no tag. docs/visibility-rules.md explains it with examples.

The shop calls `visible_filter(enterprise, customer)` once per request: it loads every rule of the
enterprise in at most five queries (one when there is none, none when the caller already knows
there is none) and then filters any number of querysets without another query.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F, Q, QuerySet

from cabas.lib.text import fold
from cabas.orders.models import Customer, VisibilityRule

Subject = VisibilityRule.Subject
SHOW = VisibilityRule.Action.SHOW
HIDE = VisibilityRule.Action.HIDE
TAG_MAX_LENGTH = 40
_NOT_TAG = re.compile(r"[^a-z0-9_-]+")


def tag_normalize(text: str) -> str:
    """A tag as stored and compared: lower case, no accents, words joined by dashes.

    ' Épicerie  Solidaire ' -> 'epicerie-solidaire'. Tags are kept in this form so that matching is
    exact on every database (a JSON list holds the same text on SQLite and PostgreSQL).
    """
    folded = fold(text).replace("œ", "oe").replace("æ", "ae")
    return _NOT_TAG.sub("-", folded).strip("-")[:TAG_MAX_LENGTH].strip("-")


def tags_parse(text: str) -> list[str]:
    """'pro, Adhérent ; pro' -> ['pro', 'adherent']: separated by commas, semicolons or bars."""
    tags = []
    for part in re.split(r"[,;|\n]", text or ""):
        tag = tag_normalize(part)
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def customer_for_user(enterprise, user) -> Customer | None:
    """The customer record `enterprise` keeps for a logged-in `user`: linked to the account, else
    with the same email address (as a shop knows its customers by email). None for a guest."""
    if user is None or not user.is_authenticated:
        return None
    return (
        Customer.objects.filter(enterprise=enterprise)
        .filter(Q(user=user) | Q(user__isnull=True, email__iexact=user.email))
        .order_by(F("user_id").desc(nulls_last=True))  # the one linked to the account first
        .first()
    )


# Which M2M of VisibilityRule holds the items of each subject, and its column in the through table.
_ITEMS = {
    Subject.PRODUCTS: ("products", "product_id"),
    Subject.SHIPPING_METHODS: ("shipping_methods", "shippingmethod_id"),
    Subject.PAYMENT_METHODS: ("payment_methods", "paymentmethod_id"),
    Subject.CYCLES: ("cycles", "ordercycle_id"),
}


@dataclass
class Visibility:
    """The items one customer may not see in one shop, by subject (sets of primary keys).

    Filter querysets with `products`, `variants`, `shipping_methods`, `payment_methods`,
    `cycles` (or `exclude` with any field), or test one item with `shows`.
    """

    tags: frozenset = frozenset()
    hidden: dict = field(default_factory=dict)

    def hidden_ids(self, subject: str) -> set:
        return self.hidden.get(subject, set())

    def shows(self, subject: str, pk) -> bool:
        """Whether the item of `subject` with primary key `pk` is visible."""
        return pk not in self.hidden_ids(subject)

    def exclude(self, queryset: QuerySet, subject: str, field_name: str = "pk") -> QuerySet:
        """`queryset` without the hidden items of `subject`, `field_name` holding their primary key."""
        hidden = self.hidden_ids(subject)
        return queryset.exclude(**{f"{field_name}__in": sorted(hidden)}) if hidden else queryset

    def products(self, queryset: QuerySet, field_name: str = "pk") -> QuerySet:
        return self.exclude(queryset, Subject.PRODUCTS, field_name)

    def variants(self, queryset: QuerySet, field_name: str = "product_id") -> QuerySet:
        """Variants (or anything with a product, e.g. `field_name="variant__product_id"`)."""
        return self.exclude(queryset, Subject.PRODUCTS, field_name)

    def shipping_methods(self, queryset: QuerySet, field_name: str = "pk") -> QuerySet:
        return self.exclude(queryset, Subject.SHIPPING_METHODS, field_name)

    def payment_methods(self, queryset: QuerySet, field_name: str = "pk") -> QuerySet:
        return self.exclude(queryset, Subject.PAYMENT_METHODS, field_name)

    def cycles(self, queryset: QuerySet, field_name: str = "pk") -> QuerySet:
        return self.exclude(queryset, Subject.CYCLES, field_name)


@dataclass(frozen=True)
class _Rule:
    tag: str
    action: str
    items: frozenset


def _hidden_items(rules: list[_Rule], tags: frozenset) -> set:
    """Apply the four steps of the module docstring to every item the rules name."""
    hidden = set()
    named = set().union(*(rule.items for rule in rules)) if rules else set()
    for item in named:
        decisions = [r.action for r in rules if item in r.items and r.tag and r.tag in tags]
        if not decisions:
            decisions = [r.action for r in rules if item in r.items and not r.tag]
        if decisions:
            if HIDE in decisions:
                hidden.add(item)
        elif any(r.action == SHOW and r.tag for r in rules if item in r.items):
            hidden.add(item)  # reserved to other tags
    return hidden


def rules_load(enterprise) -> dict[str, list[_Rule]]:
    """Every rule of `enterprise` with its items, by subject (one query, plus one per subject used)."""
    rows = list(
        VisibilityRule.objects.filter(enterprise=enterprise).values_list(
            "pk", "subject", "customer_tag", "action"
        )
    )
    by_subject = defaultdict(list)
    for pk, subject, tag, action in rows:
        by_subject[subject].append((pk, tag, action))
    rules = {}
    for subject, entries in by_subject.items():
        relation, column = _ITEMS[subject]
        through = getattr(VisibilityRule, relation).through
        items = defaultdict(set)
        for rule_id, item_id in through.objects.filter(
            visibilityrule_id__in=[pk for pk, _, _ in entries]
        ).values_list("visibilityrule_id", column):
            items[rule_id].add(item_id)
        rules[subject] = [
            _Rule(tag=tag_normalize(tag), action=action, items=frozenset(items[pk]))
            for pk, tag, action in entries
        ]
    return rules


def visible_filter(enterprise, customer: Customer | None, *, any_rules: bool = True) -> Visibility:
    """What `customer` (None: a guest) may see in `enterprise`'s shop. `any_rules=False`: the
    caller read that the enterprise has no rule (nothing is read then)."""
    tags = frozenset(tag_normalize(t) for t in (customer.tags if customer else []) if tag_normalize(t))
    rules = rules_load(enterprise) if any_rules else {}
    return Visibility(
        tags=tags, hidden={subject: _hidden_items(entries, tags) for subject, entries in rules.items()}
    )
