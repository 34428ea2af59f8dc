"""`manage.py seed_scale`: a synthetic history whose every order adds up, refused outside development."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from cabas.catalogue.models import Product, Variant
from cabas.cycles.models import CycleDistributor, OrderCycle
from cabas.cycles.pricing import order_totals
from cabas.enterprises.models import Enterprise, VatRegime
from cabas.fulfilment import scale
from cabas.orders.models import FeeLine, Line, Order, OrderNumberSequence
from cabas.payments.models import Payment

pytestmark = pytest.mark.django_db

LINES = 500


@pytest.fixture
def debug(settings):
    settings.DEBUG = True  # pytest-django runs tests with DEBUG off


def seed(lines=LINES, seed=7) -> str:
    out = StringIO()
    call_command("seed_scale", lines=lines, seed=seed, stdout=out)
    return out.getvalue()


def _sum(model, field):
    return Coalesce(
        Subquery(
            model.objects.filter(order=OuterRef("pk")).values("order").annotate(s=Sum(field)).values("s")
        ),
        Value(0),
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )


def _history(suffix: str) -> list[tuple]:
    """Each order of one run as it reads whatever the ids and slugs (its number without the
    seller's prefix, which comes from the slug)."""
    rows = (
        Order.objects.filter(seller__slug__endswith=suffix)
        .annotate(line_count=Count("lines"))
        .order_by("placed_at", "number")
        .values_list(
            "number", "status", "placed_at", "items_total", "fees_total", "total", "vat_total", "line_count"
        )
    )
    return [(number.split("-", 1)[1], *rest) for number, *rest in rows]


def test_it_refuses_with_debug_off_and_writes_nothing(settings):
    settings.DEBUG = False
    before = (Enterprise.objects.count(), Product.objects.count(), OrderCycle.objects.count())
    with pytest.raises(CommandError, match="DEBUG"):
        seed()
    assert (Enterprise.objects.count(), Product.objects.count(), OrderCycle.objects.count()) == before
    assert not Order.objects.exists() and not Line.objects.exists() and not Payment.objects.exists()


def test_it_refuses_a_size_below_one_line(debug):
    with pytest.raises(CommandError, match="au moins 1"):
        seed(lines=0)
    assert not Enterprise.objects.filter(slug__endswith="-e7-1").exists() and not Order.objects.exists()


def test_it_builds_at_least_the_lines_asked_for_and_says_so(debug):
    output = seed()
    lines = Line.objects.count()
    assert LINES <= lines < LINES + 12
    assert f"{Order.objects.count()} commandes, {lines} lignes" in output
    statuses = set(Order.objects.values_list("status", flat=True))
    assert {Order.Status.PLACED, Order.Status.FULFILLED} <= statuses
    assert statuses <= {Order.Status.PLACED, Order.Status.FULFILLED, Order.Status.CANCELLED}
    # Hubs sell, producers supply them; every order is in a cycle the hub distributes.
    assert set(Order.objects.values_list("seller__sells", flat=True)) == {"any"}
    assert not Order.objects.exclude(
        cycle__in=CycleDistributor.objects.filter(distributor=OuterRef("seller")).values("cycle")
    ).exists()


def test_it_keeps_every_order_total_equal_to_its_lines_and_fee_lines(debug):
    seed()
    # The sums are the database's; they are compared in Python (SQLite adds decimals as floats).
    rows = Order.objects.annotate(
        lines_sum=_sum(Line, "total"), fees_sum=_sum(FeeLine, "amount")
    ).values_list("items_total", "fees_total", "total", "lines_sum", "fees_sum")
    assert len(rows) > 0
    assert [row for row in rows if row[0] != row[3] or row[1] != row[4] or row[2] != row[0] + row[1]] == []
    totals = Order.objects.aggregate(items=Sum("items_total"), fees=Sum("fees_total"), total=Sum("total"))
    assert totals["items"] == Line.objects.aggregate(s=Sum("total"))["s"]
    assert totals["fees"] == FeeLine.objects.aggregate(s=Sum("amount"))["s"]
    assert totals["total"] == totals["items"] + totals["fees"]
    lines = Line.objects.values_list("total", "quantity", "unit_price")
    assert [line for line in lines if line[0] != line[1] * line[2]] == []
    assert FeeLine.objects.filter(fee_type="packing").count() == Order.objects.count()


def test_it_stores_the_vat_the_checkout_computes(debug):
    seed()
    for order in Order.objects.prefetch_related("lines", "fee_lines"):
        totals = order_totals(order.lines.all(), order.fee_lines.all())
        assert (order.items_total, order.fees_total, order.total, order.vat_total) == (
            totals.items_total,
            totals.fees_total,
            totals.total,
            totals.vat_total,
        )
    assert Order.objects.filter(vat_total__gt=0).exists()


def test_it_copies_each_line_from_its_variant(debug):
    seed()
    lines = Line.objects.select_related(
        "variant__product__producer", "variant__product__category__default_tax_rate"
    )
    assert lines.filter(quantity__gte=1, quantity__lte=4).count() == Line.objects.count()
    for line in lines:
        variant = line.variant
        assert line.unit_price == variant.price
        assert line.producer_id == variant.product.producer_id
        assert (line.product_name, line.variant_name, line.size) == (
            variant.product.name,
            variant.name,
            variant.measure.display(),
        )
        franchise = variant.product.producer.vat_regime == VatRegime.FRANCHISE
        assert line.tax_rate == (0 if franchise else variant.effective_tax_rate().rate)


def test_it_numbers_orders_once_per_seller_and_leaves_the_counters_at_the_last_number(debug):
    seed()
    per_seller = Order.objects.values("seller").annotate(
        n=Count("id"), numbers=Count("number", distinct=True)
    )
    assert per_seller and all(row["n"] == row["numbers"] for row in per_seller)
    last = dict(OrderNumberSequence.objects.values_list("seller", "last"))
    assert last == {row["seller"]: row["n"] for row in per_seller}
    for seller, count in last.items():
        numbers = sorted(
            int(n.rsplit("-", 1)[1])
            for n in Order.objects.filter(seller=seller).values_list("number", flat=True)
        )
        assert numbers == list(range(1, count + 1))


def test_it_records_payments_for_most_orders_and_none_for_cancelled_ones(debug):
    seed()
    payments = Payment.objects.select_related("order__payment_method")
    assert payments.count() > Order.objects.count() / 2
    for payment in payments:
        order = payment.order
        assert (payment.amount, payment.seller_id, payment.customer_id) == (
            order.total,
            order.seller_id,
            order.customer_id,
        )
        assert payment.state == Payment.State.SUCCEEDED
        assert payment.kind == order.payment_method.kind
    assert not Payment.objects.filter(order__status=Order.Status.CANCELLED).exists()


def test_it_builds_the_same_history_again_for_the_same_seed_alongside_the_first(debug, monkeypatch):
    first = seed(seed=11)
    # The second run writes in many small batches, reporting progress: the same history.
    monkeypatch.setattr(scale, "ORDERS_PER_FLUSH", 7)
    monkeypatch.setattr(scale, "PROGRESS_EVERY", 100)
    second = seed(seed=11)
    assert "-e11-1" in first and "-e11-2" in second
    assert second.count("lignes de commande écrites") == LINES // 100
    one, two = _history("-e11-1"), _history("-e11-2")
    assert len(one) > 0
    assert one == two
    assert Variant.objects.filter(product__producer__slug__endswith="-e11-1").count() == (
        Variant.objects.filter(product__producer__slug__endswith="-e11-2").count()
    )
    seed(seed=12)
    assert _history("-e12-1") != one


def test_it_puts_the_whole_history_in_the_hubs_asked_for(debug):
    call_command("seed_scale", lines=LINES, seed=3, hubs=1, stdout=StringIO())
    assert Order.objects.values("seller").distinct().count() == 1
    assert Line.objects.count() >= LINES
    with pytest.raises(CommandError, match="entre 1 et 50"):
        call_command("seed_scale", lines=LINES, seed=3, hubs=0, stdout=StringIO())
