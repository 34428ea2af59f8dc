"""Solidarity prices: a seller gives the customers with a tag a reduced price on chosen products,
the difference funded by a named solidarity fee or fund.

The reduction is never hidden inside a price: the order gets a negative fee line of type
"solidarity" named "Prix solidaire (financé par …)", so that

    total = Σ lines + Σ fee lines          (exactly, the product lines keep the producer price)

and the breakdown shows who pays the difference. The reduction of a line is
``round(producer unit price × percent / 100) × quantity`` (rounded once per unit, like a percent
fee), summed per funder and VAT rate: the VAT within the reduction is the product's VAT, so the
VAT of the order stays exact too. When several rules of the customer's tags name a product, the
largest reduction applies (never two on one product).

Who gets it: the customer record the seller keeps for the logged-in buyer (with the email address
of the buyer's account) — never a guest, nor anyone typing a tagged customer's email address.
One query, and none at all for a customer without tags.
"""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from cabas.cycles.models import Fee
from cabas.cycles.pricing import FeeLineData
from cabas.lib.money import HUNDRED, ZERO, round_money
from cabas.orders.visibility import tag_normalize
from cabas.solidarity.exceptions import SolidarityError
from cabas.solidarity.models import SolidarityPrice

SOLIDARITY = Fee.Type.SOLIDARITY


def solidarity_prices_for_list(enterprise):
    return (
        SolidarityPrice.objects.filter(enterprise=enterprise)
        .prefetch_related("products")
        .order_by("-active", "customer_tag", "id")
    )


@transaction.atomic
def solidarity_price_save(
    *,
    enterprise,
    price: SolidarityPrice | None = None,
    customer_tag: str,
    products,
    percent_off,
    funded_by: str,
    active: bool = True,
) -> SolidarityPrice:
    """Create (`price` None) or change a solidarity price of `enterprise`. Raises SolidarityError
    (nothing saved) on bad input."""
    tag = tag_normalize(customer_tag or "")
    if not tag:
        raise SolidarityError(_("Indiquez l'étiquette des clients concernés."))
    products = list(products)
    if not products:
        raise SolidarityError(_("Choisissez au moins un produit."))
    try:
        percent = Decimal(percent_off).quantize(Decimal("0.01"))
    except (ArithmeticError, TypeError, ValueError):
        raise SolidarityError(_("Indiquez une réduction entre 0,01 et 100 %, par exemple 30."))
    if not Decimal("0") < percent <= HUNDRED:
        raise SolidarityError(_("Indiquez une réduction entre 0,01 et 100 %, par exemple 30."))
    funded_by = (funded_by or "").strip()[:80]
    if not funded_by:
        raise SolidarityError(
            _("Indiquez qui finance la différence, par exemple « la caisse de solidarité ».")
        )
    price = price or SolidarityPrice(enterprise=enterprise)
    price.customer_tag, price.percent_off, price.funded_by, price.active = (
        tag,
        percent,
        funded_by,
        bool(active),
    )
    price.save()
    price.products.set(products)
    return price


@transaction.atomic
def solidarity_price_delete(*, price: SolidarityPrice) -> None:
    """Delete a rule (placed orders keep their fee lines: they are snapshots)."""
    price.delete()


def line_name(funded_by: str) -> str:
    return _("Prix solidaire (financé par %(funder)s)") % {"funder": funded_by}


def buyer_tags(customer, user) -> frozenset:
    """The tags of `customer` when it is the seller's record of the logged-in `user` (the user's
    email address, linked to that user or to none), else none."""
    if customer is None or user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    if customer.user_id not in (None, user.pk) or customer.email.lower() != (user.email or "").lower():
        return frozenset()
    return frozenset(t for t in (tag_normalize(t) for t in customer.tags or []) if t)


def rules_for(seller, tags: Iterable[str]) -> dict[int, tuple[Decimal, str]]:
    """{product id: (percent off, funded by)}: the largest active reduction of `seller` for a
    customer with `tags` on each product (one query; none without tags)."""
    tags = list(tags)
    if not tags:
        return {}
    through = SolidarityPrice.products.through.objects.filter(
        solidarityprice__enterprise=seller,
        solidarityprice__active=True,
        solidarityprice__customer_tag__in=tags,
    ).values_list("product_id", "solidarityprice__percent_off", "solidarityprice__funded_by")
    best: dict[int, tuple[Decimal, str]] = {}
    for product_id, percent, funded_by in through.order_by("solidarityprice_id"):
        if product_id not in best or percent > best[product_id][0]:
            best[product_id] = (percent, funded_by)
    return best


def unit_reduction(unit_price: Decimal, percent: Decimal) -> Decimal:
    """The reduction on one unit of producer price `unit_price`, rounded half up to the cent (never
    more than the price)."""
    return min(round_money(unit_price * percent / HUNDRED), round_money(unit_price))


def reduction_fee_lines(lines, rules: dict[int, tuple[Decimal, str]], seller) -> list[FeeLineData]:
    """The negative fee lines of `lines` (anything with `variant.product_id`, `quantity`,
    `unit_price`, `tax_rate`) under `rules` (see `rules_for`); pure arithmetic, no query."""
    if not rules:
        return []
    sums: dict[tuple[str, Decimal], Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        rule = rules.get(line.variant.product_id)
        if rule is None or line.quantity <= 0:
            continue
        percent, funded_by = rule
        sums[(funded_by, Decimal(line.tax_rate))] += (
            unit_reduction(Decimal(line.unit_price), percent) * line.quantity
        )
    return [
        FeeLineData(
            fee=None,
            enterprise=seller,
            name=line_name(funded_by),
            fee_type=SOLIDARITY,
            amount=-round_money(amount),
            tax_rate=rate,
        )
        for (funded_by, rate), amount in sorted(sums.items(), key=lambda item: (item[0][0], item[0][1]))
        if amount
    ]


def solidarity_fee_lines(*, seller, customer, user, lines) -> list[FeeLineData]:
    """The solidarity price reductions of an order of `lines` by `customer` (the seller's record of
    the buyer) logged in as `user`: the fee lines to append to the order's other fee lines."""
    tags = buyer_tags(customer, user)
    if not tags:
        return []
    return reduction_fee_lines(list(lines), rules_for(seller, tags), seller)
