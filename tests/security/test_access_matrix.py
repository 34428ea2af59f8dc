"""The access matrix of the back-office: every URL under /manage/, for every kind of visitor.

For an enterprise URL with minimum role R: anonymous → login, outsider (member of another
enterprise) → 404, a member below R → 403, R and above → 200 (GET) or a redirect/page (POST).
`/manage/` and `/manage/new/` only need a login.

Adding a /manage/ URL? Add it to EXPECTED (test_it_covers_every_manage_url fails until you do).
"""

import datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from cabas.enterprises.models import Invitation, Relationship
from tests.factories import EnterpriseFactory, HubFactory, NetworkFactory, RelationshipFactory
from tests.security import (
    matrix_amap_contracts,
    matrix_amap_day,
    matrix_amap_import,
    matrix_amap_payments,
    matrix_amap_shifts,
)

LOGIN = "login"  # any logged-in person
RANK = {"volunteer": 1, "manager": 2, "owner": 3}
MEMBERS = ["volunteer", "manager", "owner"]


# --- kwargs builders: (enterprise) -> (url kwargs, POST data) ---------------------------------


def no_slug(enterprise):
    return {}, {}


def slug(enterprise):
    return {"slug": enterprise.slug}, {}


def invite(enterprise):
    return {"slug": enterprise.slug}, {"email": "nouvelle@exemple.fr", "role": "volunteer"}


def pending_invitation(enterprise):
    Invitation.objects.create(
        enterprise=enterprise, email="invitee@exemple.fr", role="volunteer", token="t0k3n"
    )
    return {"slug": enterprise.slug}, {"email": "invitee@exemple.fr"}


def volunteer_to_manager(enterprise):
    return {"slug": enterprise.slug}, {"email": "volunteer@exemple.fr", "role": "manager"}


def volunteer_as_referent(enterprise):
    return {"slug": enterprise.slug}, {"email": "volunteer@exemple.fr", "referent": "on"}


def remove_volunteer(enterprise):
    return {"slug": enterprise.slug}, {"email": "volunteer@exemple.fr"}


def ask_producer(enterprise):
    producer = EnterpriseFactory(name="Ferme voisine")
    return {"slug": enterprise.slug}, {"producer": producer.slug, "permissions": ["add_to_cycles"]}


def incoming_request(enterprise):
    rel = RelationshipFactory(grantor=enterprise, status=Relationship.Status.REQUESTED)
    return {"slug": enterprise.slug}, {"other": rel.grantee.slug, "permissions": ["add_to_cycles"]}


def accepted_relationship(enterprise):
    rel = RelationshipFactory(grantor=enterprise, status=Relationship.Status.ACCEPTED)
    return {"slug": enterprise.slug}, {"other": rel.grantee.slug, "side": "granted"}


def coordinated_network(enterprise):
    network = NetworkFactory(coordinator=enterprise)
    network.members.add(enterprise)
    return {"slug": enterprise.slug, "network_slug": network.slug}, {}


def network_add(enterprise):
    kwargs, _ = coordinated_network(enterprise)
    return kwargs, {"member": HubFactory().slug}


def network_remove(enterprise):
    kwargs, _ = coordinated_network(enterprise)
    hub = HubFactory()
    enterprise.coordinated_networks.get().members.add(hub)
    return kwargs, {"member": hub.slug}


def member_of_network(enterprise):
    network = NetworkFactory()
    network.members.add(enterprise)
    return {"slug": enterprise.slug, "network_slug": network.slug}, {}


def hub_inventory_variant(enterprise):
    """The enterprise sells others' products; a producer lets it sell one variant."""
    from tests.factories import VariantFactory

    enterprise.sells = "any"
    enterprise.save(update_fields=["sells"])
    variant = VariantFactory()
    RelationshipFactory(
        grantor=variant.product.producer, grantee=enterprise, status=Relationship.Status.ACCEPTED
    )
    return {"slug": enterprise.slug, "variant_uuid": variant.uuid}, {"price": "3,50", "action": "save"}


def own_product(enterprise):
    from tests.factories import VariantFactory

    variant = VariantFactory(product__producer=enterprise)
    return {"slug": enterprise.slug, "product": variant.product.uuid}, {}


def own_variant(enterprise):
    from tests.factories import VariantFactory

    variant = VariantFactory(product__producer=enterprise)
    return {"slug": enterprise.slug, "variant": variant.uuid}, {}


def bulk_on_demand(enterprise):
    from tests.factories import VariantFactory

    variant = VariantFactory(product__producer=enterprise)
    return {"slug": enterprise.slug}, {"variants": [str(variant.uuid)], "action": "on_demand_on"}


def import_job(enterprise):
    from cabas.catalogue.models import ImportJob

    job = ImportJob.objects.create(
        enterprise=enterprise, original_name="produits.csv", status=ImportJob.Status.INVALID, errors=["x"]
    )
    return {"slug": enterprise.slug, "job": job.uuid}, {}


def own_customer(enterprise):
    from cabas.orders.models import Customer

    customer = Customer.objects.create(enterprise=enterprise, email="client@exemple.fr")
    return {"slug": enterprise.slug, "customer": customer.uuid}, {}


def customer_top_up(enterprise):
    kwargs, _ = own_customer(enterprise)
    return kwargs, {"topup-kind": "cash", "topup-amount": "20", "topup-received_on": "2026-01-05"}


def customer_correction(enterprise):
    kwargs, _ = own_customer(enterprise)
    return kwargs, {"fix-amount": "-2,50", "fix-note": "Erreur de saisie"}


def own_order(enterprise):
    from cabas.orders.models import Order

    order = Order.objects.create(seller=enterprise, status="placed", number="T-1", email="client@exemple.fr")
    return {"slug": enterprise.slug, "uuid": order.uuid}, {}


def bulk_own_order(enterprise):
    kwargs, _ = own_order(enterprise)
    return {"slug": enterprise.slug}, {"action": "confirmation", "orders": [str(kwargs["uuid"])]}


def own_order_payment(enterprise):
    from cabas.orders.models import Order
    from cabas.payments.models import Payment

    kwargs, _ = own_order(enterprise)
    order = Order.objects.get(uuid=kwargs["uuid"])
    payment = Payment.objects.create(
        seller=enterprise, order=order, kind="cheque", amount=5, state="succeeded"
    )
    return {**kwargs, "payment": payment.uuid}, {}


def distribution_order(enterprise):
    """A placed order of the enterprise picked up on 12 March 2027: the day page and its collect POST."""
    from cabas.orders.models import Order

    pickup_at = timezone.make_aware(datetime.datetime(2027, 3, 12, 18, 30))
    order = Order.objects.create(
        seller=enterprise, status="placed", number="D-1", email="client@exemple.fr", pickup_at=pickup_at
    )
    return {"slug": enterprise.slug, "day": "2027-03-12", "order": order.uuid}, {"collected": "1"}


def distribution_payment(enterprise):
    """Cash taken at the table for the distribution order (10 € left to pay)."""
    from cabas.orders.models import Order

    kwargs, _ = distribution_order(enterprise)
    Order.objects.filter(uuid=kwargs["order"]).update(total=10)
    return kwargs, {"amount": "10,00", "kind": "cash", "idempotency_key": "table-matrix"}


def distribution_day(enterprise):
    kwargs, _ = distribution_order(enterprise)
    del kwargs["order"]
    return kwargs, {}


def own_visibility_rule(enterprise):
    from cabas.orders.models import VisibilityRule

    rule = VisibilityRule.objects.create(
        enterprise=enterprise, customer_tag="pro", subject="products", action="hide"
    )
    return {"slug": enterprise.slug, "rule": rule.uuid}, {}


def own_fee(enterprise):
    from cabas.cycles.models import Fee

    fee = Fee.objects.create(
        enterprise=enterprise, name="Préparation", fee_type="packing", calculator="flat_per_item", amount=1
    )
    return {"slug": enterprise.slug, "fee": fee.uuid}, {}


def own_pickup(enterprise):
    from cabas.cycles.models import ShippingMethod

    method = ShippingMethod.objects.create(enterprise=enterprise, name="Retrait", address="1 place du marché")
    return {"slug": enterprise.slug, "method": method.uuid}, {}


def pickup_kind(enterprise):
    return {"slug": enterprise.slug, "kind": "pickup"}, {}


def own_payment_method(enterprise):
    from cabas.payments.models import PaymentMethod

    method = PaymentMethod.objects.create(enterprise=enterprise, kind="cheque", name="Chèque")
    return {"slug": enterprise.slug, "method": method.uuid}, {}


def own_mandate(enterprise):
    import datetime

    from cabas.orders.models import Customer
    from cabas.payments.models import Mandate

    customer = Customer.objects.create(enterprise=enterprise, email="sepa@exemple.fr")
    mandate = Mandate.objects.create(
        seller=enterprise,
        customer=customer,
        reference="RUM-T-1",
        debtor_name="Client SEPA",
        iban="FR7630004000000001234567845",
        signed_on=datetime.date(2026, 1, 5),
    )
    return {"slug": enterprise.slug, "mandate": mandate.uuid}, {}


def own_collection(enterprise):
    import datetime

    from cabas.payments.models import Collection, CollectionItem, Mandate, Payment

    kwargs, _ = own_mandate(enterprise)
    mandate = Mandate.objects.get(uuid=kwargs["mandate"])
    collection = Collection.objects.create(
        seller=enterprise, collection_date=datetime.date(2026, 2, 5), message_id="MSG-T-1", total=10
    )
    payment = Payment.objects.create(seller=enterprise, customer=mandate.customer, kind="sepa", amount=10)
    CollectionItem.objects.create(
        collection=collection,
        mandate=mandate,
        payment=payment,
        amount=10,
        end_to_end_id="E2E-T-1",
        sequence_type="FRST",
    )
    return {"slug": enterprise.slug, "collection": collection.uuid}, {}


def own_collection_debit(enterprise):
    kwargs, _ = own_collection(enterprise)
    from cabas.payments.models import CollectionItem

    item = CollectionItem.objects.get(collection__uuid=kwargs["collection"])
    return {**kwargs, "payment": item.payment.uuid}, {}


def own_statement(enterprise):
    from cabas.payments.models import StatementImport

    statement = StatementImport.objects.create(seller=enterprise, filename="releve.csv", file_hash="0" * 64)
    return {"slug": enterprise.slug, "statement": statement.uuid}, {}


def own_statement_line(enterprise):
    import datetime

    from cabas.payments.models import StatementImport, StatementLine

    statement = StatementImport.objects.create(seller=enterprise, filename="releve.csv", file_hash="1" * 64)
    line = StatementLine.objects.create(
        statement=statement,
        seller=enterprise,
        booked_on=datetime.date(2026, 3, 2),
        amount="12.50",
        label="VIR SEPA RECU DE: MARTIN CLAIRE",
        fingerprint="f" * 64,
    )
    return {"slug": enterprise.slug, "line": line.uuid}, {}


def _future_cycle(coordinator):
    import datetime

    from django.utils import timezone

    from cabas.cycles.services import cycle_create

    start = timezone.now() + datetime.timedelta(days=2)
    return cycle_create(
        coordinator=coordinator, name="Panier", opens_at=start, closes_at=start + datetime.timedelta(days=2)
    )


def own_cycle(enterprise):
    return {"slug": enterprise.slug, "cycle": _future_cycle(enterprise).uuid}, {}


def own_cycle_supplier(enterprise):
    kwargs, _ = own_cycle(enterprise)
    return {**kwargs, "supplier": enterprise.slug}, {}


def own_cycle_distributor(enterprise):
    kwargs, _ = own_cycle(enterprise)
    return {**kwargs, "distributor": enterprise.slug}, {}


def own_cycle_bulk(enterprise):
    kwargs, _ = own_cycle(enterprise)
    return kwargs, {"action": "add", "scope": "all"}


def own_schedule(enterprise):
    from cabas.cycles.services import schedule_create

    schedule = schedule_create(cycle=_future_cycle(enterprise), frequency="weekly")
    return {"slug": enterprise.slug, "schedule": schedule.uuid}, {}


def orders_by_supplier_report(enterprise):
    return {"slug": enterprise.slug, "name": "orders-by-supplier"}, {}


def export_orders_by_supplier(enterprise):
    return {"slug": enterprise.slug, "name": "orders-by-supplier"}, {"format": "pdf"}


def own_export(enterprise):
    """A PDF of a manager's report made for the enterprise (its file in the test's MEDIA_ROOT)."""
    from django.core.files.base import ContentFile

    from cabas.fulfilment.models import ReportExport

    export = ReportExport.objects.create(
        enterprise=enterprise, report="orders-by-supplier", format="pdf", status="done", progress=100
    )
    export.file.save("matrix.pdf", ContentFile(b"%PDF-1.7\n"))
    return {"slug": enterprise.slug, "export": export.uuid}, {}


def price_approval_choice(enterprise):
    return {"slug": enterprise.slug}, {"price_approval": "producers"}


def cycle_to_approve(enterprise):
    """A hub requiring approval runs a cycle supplied by the enterprise, prices submitted."""
    from cabas.cycles.models import CycleSupplier

    hub = HubFactory(price_approval="producers")
    RelationshipFactory(grantor=enterprise, grantee=hub, status=Relationship.Status.ACCEPTED)
    cycle = _future_cycle(hub)
    CycleSupplier.objects.create(cycle=cycle, supplier=enterprise)
    cycle.approval = "submitted"
    cycle.save(update_fields=["approval"])
    return {"slug": enterprise.slug, "cycle": cycle.uuid}, {}


def own_fund(enterprise):
    from cabas.solidarity.services_allowances import fund_save

    fund_save(
        enterprise=enterprise,
        name="Caisse",
        monthly_amount="50",
        member_tag="allocataire",
        approved_sellers=[],
    )
    return {"slug": enterprise.slug}, {}


def own_solidarity_price(enterprise):
    from cabas.solidarity.models import SolidarityPrice

    price = SolidarityPrice.objects.create(
        enterprise=enterprise, customer_tag="solidaire", percent_off=30, funded_by="la caisse"
    )
    return {"slug": enterprise.slug, "price": price.uuid}, {}


EXPECTED = {
    "cycles:list": ("manager", "GET", slug),
    "cycles:new": ("manager", "GET", slug),
    "cycles:price_approval_setting": ("owner", "POST", price_approval_choice),
    "cycles:approvals": ("volunteer", "GET", slug),
    "cycles:approval": ("volunteer", "GET", cycle_to_approve),
    "cycles:schedule_stop": ("manager", "POST", own_schedule),
    "cycles:edit": ("manager", "GET", own_cycle),
    "cycles:suppliers": ("manager", "GET", own_cycle),
    "cycles:supplier_fees": ("manager", "POST", own_cycle_supplier),
    "cycles:supplier_remove": ("manager", "POST", own_cycle_supplier),
    "cycles:variants": ("manager", "GET", own_cycle),
    "cycles:variants_bulk": ("manager", "POST", own_cycle_bulk),
    "cycles:distributors": ("manager", "GET", own_cycle),
    "cycles:distributor": ("manager", "GET", own_cycle_distributor),
    "cycles:distributor_remove": ("manager", "POST", own_cycle_distributor),
    "cycles:open_now": ("manager", "POST", own_cycle),
    "cycles:close_now": ("manager", "POST", own_cycle),
    "cycles:clone": ("manager", "GET", own_cycle),
    "cycles:schedule": ("manager", "GET", own_cycle),
    "cycles:delete": ("manager", "GET", own_cycle),
    "cycles:prices": ("manager", "GET", own_cycle),
    "cycles:prices_submit": ("manager", "POST", own_cycle),
    "cycles:prices_comment": ("manager", "POST", own_cycle),
    "cycles:fees": ("manager", "GET", slug),
    "cycles:fee_new": ("manager", "GET", slug),
    "cycles:fee_edit": ("manager", "GET", own_fee),
    "cycles:fee_deactivate": ("manager", "POST", own_fee),
    "cycles:fee_activate": ("manager", "POST", own_fee),
    "cycles:shipping": ("manager", "GET", slug),
    "cycles:shipping_new": ("manager", "GET", pickup_kind),
    "cycles:shipping_edit": ("manager", "GET", own_pickup),
    "cycles:shipping_deactivate": ("manager", "POST", own_pickup),
    "cycles:shipping_activate": ("manager", "POST", own_pickup),
    "payments:payment_methods": ("manager", "GET", slug),
    "payments:payment_method_new": ("manager", "GET", slug),
    "payments:payment_method_edit": ("manager", "GET", own_payment_method),
    "payments:payment_method_deactivate": ("manager", "POST", own_payment_method),
    "payments:payment_method_activate": ("manager", "POST", own_payment_method),
    "payments:card": ("manager", "GET", slug),
    "payments:card_connect": ("manager", "POST", slug),
    "payments:card_connect_return": ("manager", "GET", slug),
    "payments:card_connect_refresh": ("manager", "GET", slug),
    "payments:card_status": ("manager", "POST", slug),
    "orders:customers": ("manager", "GET", slug),
    "orders:orders": ("manager", "GET", slug),
    "orders:orders_bulk": ("manager", "POST", bulk_own_order),
    "orders:order": ("manager", "GET", own_order),
    "orders:order_adjust": ("manager", "GET", own_order),
    "payments:order_payment_record": ("manager", "POST", own_order),
    "payments:order_payment_refund": ("manager", "POST", own_order_payment),
    "orders:customer_new": ("manager", "GET", slug),
    "orders:customer_import": ("manager", "GET", slug),
    "orders:customer_export": ("manager", "GET", slug),
    "orders:customer_edit": ("manager", "GET", own_customer),
    "orders:visibility_rules": ("manager", "GET", slug),
    "orders:visibility_rule_new": ("manager", "GET", slug),
    "orders:visibility_rule_edit": ("manager", "GET", own_visibility_rule),
    "orders:visibility_rule_delete": ("manager", "POST", own_visibility_rule),
    "payments:report_methods": ("manager", "GET", slug),
    "payments:report_methods_csv": ("manager", "GET", slug),
    "payments:report_balances": ("manager", "GET", slug),
    "payments:report_balances_csv": ("manager", "GET", slug),
    "payments:report_sepa": ("manager", "GET", slug),
    "payments:report_sepa_csv": ("manager", "GET", slug),
    "fulfilment:reports": ("volunteer", "GET", slug),
    "fulfilment:report": ("manager", "GET", orders_by_supplier_report),
    "fulfilment:report_export": ("manager", "POST", export_orders_by_supplier),
    "fulfilment:export": ("manager", "GET", own_export),
    "fulfilment:export_status": ("manager", "GET", own_export),
    "fulfilment:export_download": ("manager", "GET", own_export),
    "payments:accounts": ("manager", "GET", slug),
    "payments:account": ("manager", "GET", own_customer),
    "payments:account_top_up": ("manager", "POST", customer_top_up),
    "payments:account_correction": ("manager", "POST", customer_correction),
    "payments:sepa_mandates": ("manager", "GET", slug),
    "payments:sepa_mandate_new": ("manager", "GET", slug),
    "payments:sepa_mandate_revoke": ("manager", "POST", own_mandate),
    "payments:sepa_collections": ("manager", "GET", slug),
    "payments:sepa_collection_new": ("manager", "GET", slug),
    "payments:sepa_collection": ("manager", "GET", own_collection),
    "payments:sepa_collection_file": ("manager", "GET", own_collection),
    "payments:sepa_collection_settle": ("manager", "POST", own_collection),
    "payments:sepa_item_reject": ("manager", "POST", own_collection_debit),
    "payments:statements": ("manager", "GET", slug),
    "payments:statement_import": ("manager", "GET", slug),
    "payments:statement": ("manager", "GET", own_statement),
    "payments:statement_lines": ("manager", "GET", slug),
    "payments:statement_line": ("manager", "GET", own_statement_line),
    "payments:statement_line_order": ("manager", "POST", own_statement_line),
    "payments:statement_line_account": ("manager", "POST", own_statement_line),
    "payments:statement_line_collection": ("manager", "POST", own_statement_line),
    "payments:statement_line_ignore": ("manager", "POST", own_statement_line),
    "manage:home": (LOGIN, "GET", no_slug),
    "manage:new": (LOGIN, "GET", no_slug),
    "manage:dashboard": ("volunteer", "GET", slug),
    "manage:settings": ("manager", "GET", slug),
    "manage:team": ("volunteer", "GET", slug),
    "manage:team_invite": ("manager", "POST", invite),
    "manage:invitation_cancel": ("manager", "POST", pending_invitation),
    "manage:team_role": ("owner", "POST", volunteer_to_manager),
    "manage:team_remove": ("owner", "POST", remove_volunteer),
    "manage:team_referent": ("owner", "POST", volunteer_as_referent),
    "manage:team_leave": ("volunteer", "POST", slug),
    "manage:relationships": ("manager", "GET", slug),
    "manage:relationship_request": ("manager", "POST", ask_producer),
    "manage:relationship_accept": ("manager", "POST", incoming_request),
    "manage:relationship_refuse": ("manager", "POST", incoming_request),
    "manage:relationship_revoke": ("manager", "POST", accepted_relationship),
    "manage:networks": ("volunteer", "GET", slug),
    "manage:network_new": ("manager", "GET", slug),
    "manage:network": ("manager", "GET", coordinated_network),
    "manage:network_add": ("manager", "POST", network_add),
    "manage:network_remove": ("manager", "POST", network_remove),
    "manage:network_leave": ("manager", "POST", member_of_network),
    "catalogue:inventory": ("manager", "GET", slug),
    "catalogue:inventory_item": ("manager", "POST", hub_inventory_variant),
    "catalogue:products_in_shops": ("manager", "GET", slug),
    "fulfilment:deliveries": ("manager", "GET", slug),
    "catalogue:products": ("manager", "GET", slug),
    "catalogue:product_new": ("manager", "GET", slug),
    "catalogue:product_preview": ("manager", "POST", slug),
    "catalogue:product_bulk": ("manager", "POST", bulk_on_demand),
    "catalogue:product_edit": ("manager", "GET", own_product),
    "catalogue:product_duplicate": ("manager", "POST", own_product),
    "catalogue:product_archive": ("manager", "POST", own_product),
    "catalogue:product_unarchive": ("manager", "POST", own_product),
    "catalogue:variant_row": ("manager", "GET", own_variant),
    "catalogue:variant_edit": ("manager", "GET", own_variant),
    "catalogue:product_import": ("manager", "GET", slug),
    "catalogue:product_import_job": ("manager", "GET", import_job),
    "catalogue:product_import_status": ("manager", "GET", import_job),
    "catalogue:product_import_confirm": ("manager", "POST", import_job),
    "catalogue:product_import_errors": ("manager", "GET", import_job),
    "catalogue:product_export_csv": ("manager", "GET", slug),
    "catalogue:product_export_xlsx": ("manager", "GET", slug),
    "fulfilment:distributions": ("volunteer", "GET", slug),
    "fulfilment:distribution": ("volunteer", "GET", distribution_day),
    "fulfilment:collect": ("volunteer", "POST", distribution_order),
    "fulfilment:pay": ("volunteer", "POST", distribution_payment),
    "fulfilment:weigh": ("volunteer", "POST", distribution_payment),
    "fulfilment:messages": ("manager", "GET", slug),
    "fulfilment:message_new": ("manager", "GET", slug),
    "fulfilment:labels": ("volunteer", "GET", slug),
    "solidarity:fund": ("manager", "GET", slug),
    "solidarity:report": ("manager", "GET", slug),
    "solidarity:report_csv": ("manager", "GET", own_fund),
    "solidarity:prices": ("manager", "GET", slug),
    "solidarity:price_new": ("manager", "GET", slug),
    "solidarity:price_edit": ("manager", "GET", own_solidarity_price),
    "solidarity:price_delete": ("manager", "POST", own_solidarity_price),
}


# The AMAP app's pages, one module per area.
for _area in (
    matrix_amap_contracts,
    matrix_amap_payments,
    matrix_amap_day,
    matrix_amap_shifts,
    matrix_amap_import,
):
    EXPECTED.update(_area.EXPECTED)


def manage_urls() -> dict[str, URLPattern]:
    """Every named URL pattern whose full route starts with manage/, walked from the root resolver."""
    found = {}

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                ns = namespace
                if pattern.namespace:
                    ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, route, ns)
            elif isinstance(pattern, URLPattern) and route.startswith("manage/"):
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                found[name] = pattern

    walk(get_resolver().url_patterns, "", "")
    return found


def test_it_covers_every_manage_url():
    urls = manage_urls()
    missing = sorted(set(urls) - set(EXPECTED))
    stale = sorted(set(EXPECTED) - set(urls))
    assert not missing, f"/manage/ URLs missing from EXPECTED: {missing}"
    assert not stale, f"EXPECTED names no /manage/ URL: {stale}"


# The views that let every member in (the role they declare here), then refuse a role below the
# one of the object they show: a report's page checks the report's own `min_role`.
# An export's views check the role of the export's report.
DECLARED_FLOOR = {
    "fulfilment:report": "volunteer",
    "fulfilment:report_export": "volunteer",
    "fulfilment:export": "volunteer",
    "fulfilment:export_status": "volunteer",
    "fulfilment:export_download": "volunteer",
}


def test_it_declares_the_same_minimum_role_as_the_views():
    for name, pattern in manage_urls().items():
        min_role = DECLARED_FLOOR.get(name, EXPECTED[name][0])
        declared = getattr(pattern.callback, "min_role", LOGIN)
        assert declared == min_role, f"{name}: view requires {declared!r}, matrix says {min_role!r}"


def _cases():
    for name, (min_role, _method, _build) in EXPECTED.items():
        visitors = (
            ["anonymous", "customer", "outsider", "owner"]
            if min_role == LOGIN
            else ["anonymous", "outsider", *MEMBERS]
        )
        for who in visitors:
            yield pytest.param(name, who, id=f"{name}-{who}")


def _expected_status(min_role: str, who: str, method: str):
    if who == "anonymous":
        return "login"
    if min_role == LOGIN:
        return 200
    if who not in RANK:
        return 404
    if RANK[who] < RANK[min_role]:
        return 403
    return 200 if method == "GET" else "ok"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Files some builders store (an export's PDF) go to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize(("name", "who"), list(_cases()))
def test_it_enforces_the_access_matrix(
    name, who, client, enterprise, owner, manager, volunteer, outsider, customer
):
    min_role, method, build = EXPECTED[name]
    kwargs, data = build(enterprise)
    url = reverse(name, kwargs=kwargs)
    people = {
        "owner": owner,
        "manager": manager,
        "volunteer": volunteer,
        "outsider": outsider,
        "customer": customer,
    }
    if who != "anonymous":
        client.force_login(people[who])

    response = client.get(url) if method == "GET" else client.post(url, data)

    expected = _expected_status(min_role, who, method)
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    elif expected == "ok":
        assert 200 <= response.status_code < 400, response.status_code
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == expected
