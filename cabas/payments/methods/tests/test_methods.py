"""Payment methods of every kind: one form per kind (cheque payee, transfer account checked with
schwifty, SEPA creditor identifier, card reservation, customer credit thresholds), the optional fee
charged on the orders paid with it, and visibility rules by customer tag for every kind."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cabas.cycles.models import Fee
from cabas.lib.money import round_money
from cabas.orders.models import Customer, Order, VisibilityRule
from cabas.orders.tests.shop_setup import open_shop
from cabas.payments.exceptions import PaymentMethodError
from cabas.payments.methods import services
from cabas.payments.models import PaymentMethod, StripeAccount
from cabas.payments.tests.placed import placed_order
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

IBAN = "FR7630006000011234567890189"


def _new(client, enterprise, **values):
    return client.post(reverse("payments:payment_method_new", args=[enterprise.slug]), values)


def _fee(enterprise, *, calculator="flat_per_order", amount="0.50", name="Frais de carte", active=True):
    return Fee.objects.create(
        enterprise=enterprise,
        name=name,
        fee_type="admin",
        calculator=calculator,
        amount=Decimal(amount),
        active=active,
    )


# --- the kind chooser and the forms ------------------------------------------------------------


def test_a_new_method_starts_by_choosing_its_kind(client_for, manager, enterprise):
    client = client_for(manager)
    html = client.get(reverse("payments:payment_method_new", args=[enterprise.slug])).content.decode()
    for label in ("Espèces au retrait", "Chèque", "Virement bancaire", "Carte bancaire", "Prélèvement SEPA"):
        assert label in html
    assert "?kind=transfer" in html
    html = client.get(reverse("payments:payment_method_new", args=[enterprise.slug]), {"kind": "transfer"})
    html = html.content.decode()
    assert 'name="iban"' in html and 'name="account_holder"' in html and 'name="payee"' not in html
    assert 'value="Ferme des Collines"' in html  # the holder proposed: the enterprise's name


def test_it_creates_a_cheque_with_its_payee(client_for, manager, enterprise):
    client = client_for(manager)
    html = client.get(reverse("payments:payment_method_new", args=[enterprise.slug]), {"kind": "cheque"})
    assert 'name="payee"' in html.content.decode() and 'name="iban"' not in html.content.decode()
    response = _new(client, enterprise, kind="cheque", name="", payee="EARL Ferme des Collines")
    assert response.status_code == 302
    method = PaymentMethod.objects.get()
    assert (method.kind, method.name, method.payee) == ("cheque", "Chèque", "EARL Ferme des Collines")
    html = client.get(reverse("payments:payment_methods", args=[enterprise.slug])).content.decode()
    assert "à l'ordre de EARL Ferme des Collines" in html


def test_a_transfer_iban_is_checked_and_stored_compact_with_the_bic_of_its_bank(
    client_for, manager, enterprise
):
    response = _new(
        client_for(manager),
        enterprise,
        kind="transfer",
        account_holder="  Ferme   des Collines ",
        iban="fr76 3000 6000 0112 3456 7890 189",
        bic="",
    )
    assert response.status_code == 302
    method = PaymentMethod.objects.get()
    assert (method.account_holder, method.iban, method.bic) == ("Ferme des Collines", IBAN, "AGRIFRPPXXX")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"iban": "FR76 3000 6000 0112 3456 7890 188"}, "clé de contrôle incorrecte"),
        ({"iban": "FR76 3000"}, "pas la bonne longueur"),
        ({"iban": "XX76 3000 6000 0112 3456 7890 189"}, "code pays connu"),
        ({"iban": "FR76 3000 6000 0112 3456 7890 1$9"}, "caractères inattendus"),
        ({"bic": "AGRIFRP"}, "Un BIC compte 8 ou 11 caractères"),
        ({"bic": "AGRIXXPP"}, "Ce BIC n&#x27;est pas valide"),
        ({"account_holder": ""}, "Ce champ est obligatoire"),
    ],
)
def test_a_bad_account_is_refused_with_a_french_message(client_for, manager, enterprise, values, message):
    data = {"kind": "transfer", "account_holder": "Ferme", "iban": IBAN, "bic": "AGRIFRPP", **values}
    response = _new(client_for(manager), enterprise, **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PaymentMethod.objects.exists()


def test_a_sepa_method_needs_a_valid_creditor_identifier(client_for, manager, enterprise):
    client = client_for(manager)
    data = {"kind": "sepa", "account_holder": "Ferme des Collines", "iban": IBAN}
    response = _new(client, enterprise, **data, creditor_identifier="FR12ZZZ123456")
    assert "identifiant créancier SEPA (ICS) n&#x27;est pas valide" in response.content.decode()
    response = _new(client, enterprise, **data, creditor_identifier="FR72ZZZ1234567")
    assert response.status_code == 200 and not PaymentMethod.objects.exists()
    response = _new(client, enterprise, **data, creditor_identifier="fr72 zzz 123456")
    assert response.status_code == 302
    method = PaymentMethod.objects.get()
    assert (method.kind, method.creditor_identifier, method.iban) == ("sepa", "FR72ZZZ123456", IBAN)


def test_a_card_method_needs_the_sellers_stripe_account_able_to_charge(
    client_for, manager, enterprise, settings
):
    client = client_for(manager)
    settings.STRIPE_SECRET_KEY = ""
    response = _new(client, enterprise, kind="card", name="Carte", reservation_minutes="45")
    assert "pas configuré sur cette plateforme" in response.content.decode()
    settings.STRIPE_SECRET_KEY = "sk_test_cabas"
    response = _new(client, enterprise, kind="card", name="Carte", reservation_minutes="45")
    assert "connectez d&#x27;abord le compte Stripe" in response.content.decode()
    assert not PaymentMethod.objects.exists()
    StripeAccount.objects.create(enterprise=enterprise, account_id="acct_1", charges_enabled=True)
    response = _new(client, enterprise, kind="card", name="Carte", reservation_minutes="10")
    assert "supérieure ou égale à 30" in response.content.decode()
    response = _new(client, enterprise, kind="card", name="Carte", reservation_minutes="45")
    assert response.status_code == 302
    method = PaymentMethod.objects.get()
    assert (method.kind, method.reservation_minutes) == ("card", 45)
    StripeAccount.objects.filter(enterprise=enterprise).update(charges_enabled=False)
    method.active = False
    method.save()
    response = client.post(
        reverse("payments:payment_method_activate", args=[enterprise.slug, method.uuid]), follow=True
    )
    method.refresh_from_db()
    assert not method.active and "connectez d&#x27;abord le compte Stripe" in response.content.decode()


def test_a_credit_method_keeps_its_minimum_balance_and_reminder_threshold(client_for, manager, enterprise):
    client = client_for(manager)
    response = _new(client, enterprise, kind="credit", min_balance="0", low_balance_threshold="-5")
    assert "Le seuil de rappel doit être au moins égal au solde minimum" in response.content.decode()
    assert not PaymentMethod.objects.exists()
    response = _new(client, enterprise, kind="credit", min_balance="-20,50", low_balance_threshold="10")
    assert response.status_code == 302
    method = PaymentMethod.objects.get()
    assert (method.min_balance, method.low_balance_threshold) == (Decimal("-20.50"), Decimal("10.00"))
    response = _new(client, enterprise, kind="credit", min_balance="", low_balance_threshold="")
    assert response.status_code == 302
    assert (
        PaymentMethod.objects.filter(min_balance__isnull=True, low_balance_threshold__isnull=True).count()
        == 1
    )


def test_editing_keeps_the_kind_and_clears_what_the_kind_does_not_use(client_for, manager, enterprise):
    method = PaymentMethod.objects.create(
        enterprise=enterprise, kind="cheque", name="Chèque", payee="Ferme", iban="FR00", bic="X"
    )
    url = reverse("payments:payment_method_edit", args=[enterprise.slug, method.uuid])
    client = client_for(manager)
    assert 'value="Ferme"' in client.get(url).content.decode()
    response = client.post(url, {"kind": "transfer", "name": "Chèque", "payee": "Ferme", "iban": IBAN})
    assert response.status_code == 302
    method.refresh_from_db()
    assert (method.kind, method.payee, method.iban, method.bic) == ("cheque", "Ferme", "", "")


def test_the_service_refuses_what_the_form_would(enterprise):
    with pytest.raises(PaymentMethodError) as error:
        services.payment_method_create(enterprise=enterprise, values={"kind": "cheque", "payee": " "})
    assert error.value.field == "payee"
    with pytest.raises(PaymentMethodError) as error:
        services.payment_method_create(
            enterprise=enterprise, values={"kind": "transfer", "account_holder": "F", "iban": "FR76"}
        )
    assert error.value.field == "iban"
    other_fee = _fee(EnterpriseFactory())
    with pytest.raises(PaymentMethodError) as error:
        services.payment_method_create(enterprise=enterprise, values={"kind": "cash", "fee": other_fee})
    assert error.value.field == "fee"
    method = services.payment_method_create(enterprise=enterprise, values={"kind": "cash"})
    with pytest.raises(PaymentMethodError):
        services.payment_method_update(method=method, values={"kind": "cheque", "payee": "F"})
    assert PaymentMethod.objects.get().kind == "cash"


def test_the_fee_is_chosen_among_the_sellers_own_active_fees(client_for, manager, enterprise):
    own = _fee(enterprise)
    _fee(enterprise, name="Ancien frais", active=False)
    _fee(EnterpriseFactory(), name="Frais du voisin")
    client = client_for(manager)
    url = reverse("payments:payment_method_new", args=[enterprise.slug])
    html = client.get(url, {"kind": "cash"}).content.decode()
    assert "Frais de carte" in html and "Ancien frais" not in html and "Frais du voisin" not in html
    foreign = Fee.objects.get(name="Frais du voisin")
    response = _new(client, enterprise, kind="cash", fee=str(foreign.pk))
    assert response.status_code == 200 and not PaymentMethod.objects.exists()
    assert _new(client, enterprise, kind="cash", fee=str(own.pk)).status_code == 302
    assert PaymentMethod.objects.get().fee == own
    assert (
        "Frais de carte"
        in client.get(reverse("payments:payment_methods", args=[enterprise.slug])).content.decode()
    )


# --- the method's fee is charged -------------------------------------------------------------


def test_an_order_paid_with_a_method_that_has_a_fee_carries_it_as_a_fee_line():
    data = open_shop()
    data.transfer.fee = _fee(data.shop, name="Frais de virement", amount="0.40")
    data.transfer.save()
    by_cheque = placed_order(data)
    by_transfer = placed_order(data, method=data.transfer, key="k2", email="paul@exemple.fr")
    assert by_cheque.total == Decimal("9.50")
    assert by_transfer.total == Decimal("9.90")
    fee_line = by_transfer.fee_lines.get(name="Frais de virement")
    assert (fee_line.amount, fee_line.fee) == (Decimal("0.40"), data.transfer.fee)
    assert by_transfer.fees_total == sum(f.amount for f in by_transfer.fee_lines.all())
    assert by_transfer.total == by_transfer.items_total + by_transfer.fees_total


def test_a_per_item_method_fee_is_summed_over_the_lines_and_an_inactive_fee_is_not_charged():
    data = open_shop()
    data.cheque.fee = _fee(data.shop, calculator="percent", amount="10", name="Gestion des chèques")
    data.cheque.save()
    order = placed_order(data)  # 2 × 3,20 + 1 × 2,50: 2 × 0,32 + 0,25
    assert order.fee_lines.get(name="Gestion des chèques").amount == Decimal("0.89")
    assert order.total == Decimal("10.39")
    Fee.objects.filter(pk=data.cheque.fee_id).update(active=False)
    data.cheque = PaymentMethod.objects.get(pk=data.cheque.pk)  # as the checkout loads it
    assert placed_order(data, key="k2", email="paul@exemple.fr").total == Decimal("9.50")


def test_a_fee_already_charged_by_the_cycle_is_not_charged_twice():
    data = open_shop()
    data.cheque.fee = data.fee  # the packing fee, already on every product
    data.cheque.save()
    order = placed_order(data)
    assert order.fee_lines.filter(fee=data.fee).count() == 1 and order.total == Decimal("9.50")


def test_the_checkout_summary_shows_the_fee_of_the_chosen_method(client):
    data = open_shop()
    data.transfer.fee = _fee(data.shop, name="Frais de virement", amount="0.40")
    data.transfer.save()
    client.post(
        reverse("shop:cart_set", args=[data.shop.slug]),
        {"cycle": data.cycle.uuid, "variant": data.variants[0].uuid, "set": "2"},
    )
    url = reverse("shop:checkout", args=[data.shop.slug])
    html = client.get(url).content.decode()
    assert "Frais de virement" not in html.split("Récapitulatif", 1)[1]
    form = {
        "cycle": data.cycle.uuid,
        "shipping_method": data.pickup.uuid,
        "payment_method": data.transfer.uuid,
        "email": "claire@exemple.fr",
        "full_name": "Claire Martin",
        "idempotency_key": "c1",
        "refresh": "1",
    }
    summary = client.post(url, form).content.decode().split("Récapitulatif", 1)[1]
    assert "Frais de virement" in summary and "7,20\u00a0€" in summary  # 2 × (3,20 + 0,20) + 0,40
    response = client.post(url, {**form, "confirm": "1"})
    order = Order.objects.get(status="placed")
    assert response.status_code == 302 and order.total == Decimal("7.20")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    amount=st.decimals(min_value=0, max_value=50, places=4),
    calculator=st.sampled_from(["flat_per_order", "flat_per_item", "percent"]),
    tomatoes=st.integers(min_value=1, max_value=9),
    eggs=st.integers(min_value=0, max_value=4),
)
def test_totals_are_the_sum_of_the_lines_shown_whatever_the_method_fee(amount, calculator, tomatoes, eggs):
    from cabas.cycles.pricing import FeeContext, order_totals

    with transaction.atomic():  # each example builds its own shop, rolled back after
        data = open_shop()
        data.cheque.fee = _fee(data.shop, calculator=calculator, amount=amount)
        pairs = [(data.variants[0], tomatoes), (data.variants[1], eggs)]
        context = FeeContext.for_cycle(data.cycle, data.shop)
        fee_lines = context.order_fee_lines(pairs, data.pickup, data.cheque)
        charged = [f.amount for f in fee_lines if f.fee == data.cheque.fee]
        if calculator == "flat_per_order":
            expected = round_money(amount)
        elif calculator == "flat_per_item":
            expected = round_money(amount) * (tomatoes + eggs)
        else:
            expected = round_money(Decimal("3.20") * amount / 100) * tomatoes
            expected += round_money(Decimal("2.50") * amount / 100) * eggs
        assert sum(charged, Decimal(0)) == expected and len(charged) == (1 if expected > 0 else 0)
        totals = order_totals(context.order_lines(pairs), fee_lines)
        assert totals.total == totals.items_total + sum((f.amount for f in fee_lines), Decimal(0))
        transaction.set_rollback(True)


# --- visibility by customer tag works for every kind ------------------------------------------


def test_a_visibility_rule_reserves_a_card_or_credit_method_to_tagged_customers(
    client_for, customer, settings
):
    settings.STRIPE_SECRET_KEY = "sk_test_cabas"
    data = open_shop()
    StripeAccount.objects.create(enterprise=data.shop, account_id="acct_2", charges_enabled=True)
    card = PaymentMethod.objects.create(enterprise=data.shop, kind="card", name="Carte en ligne")
    credit = PaymentMethod.objects.create(enterprise=data.shop, kind="credit", name="Payer avec mon solde")
    data.distribution.payment_methods.add(card, credit)
    rule = VisibilityRule.objects.create(
        enterprise=data.shop, customer_tag="adherent", subject="payment_methods", action="show"
    )
    rule.payment_methods.set([card, credit])
    client = client_for(customer)
    client.post(
        reverse("shop:cart_set", args=[data.shop.slug]),
        {"cycle": data.cycle.uuid, "variant": data.variants[0].uuid, "set": "1"},
    )
    url = reverse("shop:checkout", args=[data.shop.slug])
    html = client.get(url).content.decode()
    assert "Carte en ligne" not in html and "Payer avec mon solde" not in html and "Chèque" in html
    Customer.objects.create(enterprise=data.shop, email=customer.email, user=customer, tags=["adherent"])
    html = client.get(url).content.decode()
    assert "Carte en ligne" in html and "Payer avec mon solde" in html


def test_an_account_a_sepa_collection_would_refuse_is_refused_when_the_method_is_saved():
    """Payment methods and SEPA mandates check an IBAN the same way (cabas.payments.bank_details): an IBAN
    whose check digits are right but whose French RIB key is wrong is refused at once, not later
    when the first collection file is written."""
    from cabas.payments.sepa import services as services_sepa

    wrong_rib_key = "FR0630006000011234567890188"
    with pytest.raises(services.InvalidPaymentMethod, match="clé de contrôle incorrecte") as error:
        services.iban_clean(wrong_rib_key)
    assert error.value.field == "iban"
    with pytest.raises(services_sepa.SepaError, match="la clé de contrôle ne correspond pas"):
        services_sepa.iban_clean(wrong_rib_key)
    assert services.iban_clean(" fr76 3000 6000 0112 3456 7890 189 ") == IBAN
    assert services.bic_clean("", IBAN) == "AGRIFRPPXXX"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("FR72ZZZ123456", "FR72ZZZ123456"),
        ("fr72 zzz-123456", "FR72ZZZ123456"),
        ("FR12ZZZ123456", None),  # check digits
        ("FR72ZZZ1234567", None),  # a French ICS has 13 characters
        ("FR72ZZZ", None),
    ],
)
def test_a_creditor_identifier_is_checked_as_a_collection_checks_it(value, expected):
    from cabas.payments.sepa import files as sepa

    assert sepa.creditor_identifier_clean(value) == expected
    if expected is None:
        with pytest.raises(services.InvalidPaymentMethod, match="ICS"):
            services.creditor_identifier_clean(value)
    else:
        assert services.creditor_identifier_clean(value) == expected


def test_the_iban_of_a_method_being_edited_is_shown_grouped_by_four(client_for, manager, enterprise):
    method = services.payment_method_create(
        enterprise=enterprise, values={"kind": "transfer", "account_holder": "Ferme", "iban": IBAN}
    )
    url = reverse("payments:payment_method_edit", args=[enterprise.slug, method.uuid])
    html = client_for(manager).get(url).content.decode()
    assert 'value="FR76 3000 6000 0112 3456 7890 189"' in html
