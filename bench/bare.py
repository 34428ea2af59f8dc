"""The reference for the checkout throughput budget (DESIGN.md §7: the checkout reaches about 40 % of
what a bare Django view doing the same writes reaches on the same machine).

A plain view written the obvious way with the ORM, behind the site's whole middleware stack (CSRF
checked, session read to find the buyer, security headers, CSP), that in one transaction takes
one unit of each posted variant from its stock (the rows locked in primary-key order, then one
conditional UPDATE), takes the seller's next order number (its counter read, created the first
time, then incremented), inserts the order, its lines, one fee line and the status event, and
redirects to the order's page. It checks nothing else (no cycle, visibility, delivery or fee
rules, no customer record, no confirmation email): what is left is the cost of the framework and
the writes. Served only by bench/checkouts.py's server (bench/urls.py), never by the site.
"""

from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from cabas.catalogue.models import Variant
from cabas.orders.models import FeeLine, Line, Order, OrderEvent, OrderNumberSequence


@require_POST
def checkout(request):
    ids = sorted(int(v) for v in request.POST.getlist("variant_id"))
    seller_id, cycle_id = int(request.POST["seller_id"]), int(request.POST["cycle_id"])
    cart_key = request.session.get(f"cabas_cart_{seller_id}_{cycle_id}")  # whose checkout this is
    if not ids or not cart_key:
        return HttpResponseBadRequest()
    with transaction.atomic():
        # Locked in primary-key order first, like any correct checkout: concurrent ones queue up
        # instead of deadlocking in the UPDATE.
        variants = list(
            Variant.objects.filter(pk__in=ids)
            .select_related("product")
            .select_for_update(of=("self",))
            .order_by("pk")
        )
        taken = Variant.objects.filter(pk__in=ids, on_hand__gte=1).update(on_hand=F("on_hand") - 1)
        if taken != len(ids):
            transaction.set_rollback(True)
            return HttpResponseRedirect("/")
        OrderNumberSequence.objects.get_or_create(seller_id=seller_id)
        with connection.cursor() as cursor:
            cursor.execute(
                'UPDATE orders_ordernumbersequence SET "last" = "last" + 1 WHERE seller_id = %s '
                'RETURNING "last"',
                [seller_id],
            )
            number = cursor.fetchone()[0]
        items = sum((v.price for v in variants), Decimal("0"))
        fee = Decimal("0.20") * len(variants)
        order = Order.objects.create(
            seller_id=seller_id,
            cycle_id=cycle_id,
            status=Order.Status.PLACED,
            number=f"REF-{number:05d}",
            email=request.POST.get("email", ""),
            full_name=request.POST.get("full_name", ""),
            idempotency_key=request.POST.get("idempotency_key", ""),
            items_total=items,
            fees_total=fee,
            total=items + fee,
            placed_at=timezone.now(),
        )
        Line.objects.bulk_create(
            Line(
                order=order,
                variant=v,
                producer_id=v.product.producer_id,
                quantity=1,
                product_name=v.product.name,
                variant_name=v.name,
                size="500 g",
                unit_price=v.price,
                tax_rate=Decimal("5.50"),
                total=v.price,
            )
            for v in variants
        )
        FeeLine.objects.create(
            order=order, enterprise_id=seller_id, name="Préparation", fee_type="packing", amount=fee
        )
        OrderEvent.objects.create(
            order=order, kind="status", from_status="cart", to_status="placed", detail={"number": number}
        )
    return HttpResponseRedirect(f"/orders/{order.uuid}/")
