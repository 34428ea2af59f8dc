"""Customer accounts (prepaid credit): top-ups and corrections by a manager, the customer's "Mon
compte", paying an order from the balance at checkout, the minimum balance, refunds when an order
paid by credit is cancelled or edited, and the low balance reminder."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cabas.catalogue.models import Variant
from cabas.orders.changes import order_cancel, order_edit
from cabas.orders.exceptions import OrderError
from cabas.orders.models import Customer, Order
from cabas.orders.tests.shop_setup import open_shop
from cabas.payments.accounts import ledger
from cabas.payments.accounts import services as services_accounts
from cabas.payments.exceptions import PaymentError
from cabas.payments.models import AccountEntry, Payment, PaymentMethod, PaymentState
from cabas.payments.records import services as services_payments
from cabas.payments.references import account_reference, display
from cabas.payments.tests.placed import placed_order
from tests.factories import RoleFactory, UserFactory

pytestmark = pytest.mark.django_db

TOTAL = Decimal("9.50")  # what `placed_order` costs: 2 × 3,20 + 2,50 + 3 × 0,20 of packing


def credit_shop(*, min_balance=None, threshold=None, iban="FR7630006000011234567890189"):
    """The open shop of the orders tests, offering also payment from the customer account and a
    transfer method with an IBAN (where top-ups are sent)."""
    data = open_shop()
    data.credit = PaymentMethod.objects.create(
        enterprise=data.shop,
        kind="credit",
        name="Compte client",
        min_balance=min_balance,
        low_balance_threshold=threshold,
    )
    data.transfer.iban, data.transfer.bic, data.transfer.account_holder = iban, "AGRIFRPP", "Ferme des Saules"
    data.transfer.save()
    data.distribution.payment_methods.add(data.credit)
    return data


def buyer_with_balance(data, amount, email="claire@exemple.fr"):
    """A person with a Cabas account, known by the shop, whose account holds `amount`."""
    user = UserFactory(email=email, full_name="Claire Martin")
    customer = Customer.objects.create(enterprise=data.shop, email=email, user=user, first_name="Claire")
    if amount:
        services_accounts.top_up_record(enterprise=data.shop, customer=customer, kind="cash", amount=amount)
    return user, customer


def shop_manager(data):
    return RoleFactory(enterprise=data.shop, role="manager", user__email="gerante@exemple.fr").user


# --- top-ups and corrections (manager) --------------------------------------------------------


def test_a_manager_records_a_top_up_received_by_cheque(client):
    data = credit_shop()
    _user, customer = buyer_with_balance(data, 0)
    client.force_login(shop_manager(data))
    url = reverse("payments:account_top_up", args=[data.shop.slug, customer.uuid])
    form = {
        "topup-kind": "cheque",
        "topup-amount": "50,00",
        "topup-received_on": "2026-01-05",
        "topup-cheque_number": "0001234",
        "topup-note": "",
        "topup-idempotency_key": "cle-a",
    }
    response = client.post(url, form)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Approvisionnement de 50,00\u00a0€ enregistré : le solde est de 50,00\u00a0€." in page
    assert "Solde : 50,00\u00a0€" in page and "n° 0001234" in page

    payment = Payment.objects.get()
    assert (payment.kind, payment.amount, payment.state) == ("cheque", Decimal("50.00"), "succeeded")
    assert payment.customer == customer and payment.order is None and payment.cheque_number == "0001234"
    assert payment.received_on == datetime.date(2026, 1, 5)
    entry = AccountEntry.objects.get()
    assert (entry.kind, entry.amount, entry.balance_after, entry.payment) == (
        "top_up",
        Decimal("50.00"),
        Decimal("50.00"),
        payment,
    )
    # The same form submitted twice records it once.
    client.post(url, form)
    assert Payment.objects.count() == 1 and AccountEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"topup-amount": "douze"}, "Montant invalide : indiquez un nombre, par exemple 12,50."),
        ({"topup-amount": "0"}, "Le montant ne peut pas être nul."),
        ({"topup-amount": "-5"}, "Le montant doit être positif."),
        ({"topup-amount": "1000000"}, "Montant trop élevé."),
        ({"topup-kind": "card"}, "Sélectionnez un choix valide."),
        ({"topup-received_on": "2999-01-01"}, "La date de réception ne peut pas être dans le futur."),
    ],
)
def test_a_bad_top_up_says_why_in_french_and_changes_nothing(client, changes, message):
    data = credit_shop()
    _user, customer = buyer_with_balance(data, 0)
    client.force_login(shop_manager(data))
    form = {"topup-kind": "cash", "topup-amount": "20", "topup-received_on": "2026-01-05", **changes}
    response = client.post(reverse("payments:account_top_up", args=[data.shop.slug, customer.uuid]), form)
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Payment.objects.exists() and not AccountEntry.objects.exists()


def test_a_correction_is_a_new_entry_with_its_reason_never_an_edit(client):
    data = credit_shop()
    _user, customer = buyer_with_balance(data, "30")
    first = AccountEntry.objects.get()
    client.force_login(shop_manager(data))
    url = reverse("payments:account_correction", args=[data.shop.slug, customer.uuid])

    response = client.post(url, {"fix-amount": "-2,50", "fix-note": ""})
    assert "Ce champ est obligatoire." in response.content.decode()
    response = client.post(url, {"fix-amount": "abc", "fix-note": "Erreur"})
    assert "Montant invalide" in response.content.decode()
    assert AccountEntry.objects.count() == 1

    response = client.post(url, {"fix-amount": "-2,50", "fix-note": "Chèque saisi 30 au lieu de 27,50"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Solde : 27,50\u00a0€" in page and "Chèque saisi 30 au lieu de 27,50" in page
    correction = AccountEntry.objects.latest("id")
    assert (correction.kind, correction.amount, correction.balance_after) == (
        "correction",
        Decimal("-2.50"),
        Decimal("27.50"),
    )
    untouched = AccountEntry.objects.get(pk=first.pk)
    assert (untouched.amount, untouched.balance_after) == (Decimal("30.00"), Decimal("30.00"))
    with pytest.raises(PaymentError, match="raison"):
        services_accounts.correction_record(enterprise=data.shop, customer=customer, amount="1", note=" ")


def test_a_manager_cannot_touch_the_account_of_another_sellers_customer(client):
    data = credit_shop()
    stranger = Customer.objects.create(enterprise=RoleFactory().enterprise, email="x@exemple.fr")
    client.force_login(shop_manager(data))
    response = client.post(
        reverse("payments:account_top_up", args=[data.shop.slug, stranger.uuid]),
        {"topup-kind": "cash", "topup-amount": "20", "topup-received_on": "2026-01-05"},
    )
    assert response.status_code == 404
    with pytest.raises(PaymentError):
        services_accounts.top_up_record(enterprise=data.shop, customer=stranger, kind="cash", amount="5")
    assert not AccountEntry.objects.exists()


def test_the_accounts_list_shows_balances_searched_and_sorted_in_a_few_queries(
    client, django_assert_max_num_queries
):
    data = credit_shop(threshold=Decimal("10"))
    for i, amount in enumerate(["40", "5", "12.5", "80", "25", "7"]):
        customer = Customer.objects.create(
            enterprise=data.shop, email=f"c{i}@exemple.fr", first_name="Client", last_name=f"Nom{i}"
        )
        services_accounts.top_up_record(enterprise=data.shop, customer=customer, kind="cash", amount=amount)
    Customer.objects.create(enterprise=data.shop, email="sans@exemple.fr", last_name="Sanscompte")
    client.force_login(shop_manager(data))
    url = reverse("payments:accounts", args=[data.shop.slug])

    with django_assert_max_num_queries(8):
        page = client.get(url, {"sort": "balance"}).content.decode()
    assert "6 comptes" in page and "total des soldes : 169,50\u00a0€" in page
    order = [page.index(f"Nom{i}") for i in (1, 5, 2, 4, 0, 3)]  # 5 < 7 < 12,50 < 25 < 40 < 80
    assert order == sorted(order)
    assert "Sanscompte" not in page
    assert 'class="num balance-low">5,00\u00a0€' in page  # below the reminder threshold

    page = client.get(url, {"q": "nom3"}).content.decode()
    assert "1 compte" in page and "80,00\u00a0€" in page and "Nom0" not in page
    page = client.get(url, {"everyone": "on", "q": "sanscompte"}).content.decode()
    assert "Sanscompte" in page and "pas de compte" in page


def test_the_statement_shows_each_entry_with_the_balance_it_left(client):
    data = credit_shop()
    user, customer = buyer_with_balance(data, "20")
    order = placed_order(data, method=data.credit, user=user)
    services_accounts.correction_record(enterprise=data.shop, customer=customer, amount="1.25", note="Geste")
    client.force_login(shop_manager(data))
    page = client.get(reverse("payments:account", args=[data.shop.slug, customer.uuid])).content.decode()
    rows = [page.index(text) for text in ("Geste", f"Commande {order.number}", "Approvisionnement (espèces)")]
    assert rows == sorted(rows)  # newest first
    for text in ("1,25\u00a0€", "11,75\u00a0€", "-9,50\u00a0€", "10,50\u00a0€", "20,00\u00a0€"):
        assert text in page
    edit = client.get(reverse("orders:customer_edit", args=[data.shop.slug, customer.uuid])).content.decode()
    assert reverse("payments:account", args=[data.shop.slug, customer.uuid]) in edit


# --- the customer's side ----------------------------------------------------------------------


def test_a_customer_sees_their_balance_statement_and_how_to_top_up_by_transfer(client):
    data = credit_shop()
    user, customer = buyer_with_balance(data, "15")
    client.force_login(user)
    orders_page = client.get(reverse("shop:my_orders")).content.decode()
    assert reverse("pay:accounts") in orders_page

    page = client.get(reverse("pay:accounts")).content.decode()
    assert "Ferme des Saules" in page and "15,00\u00a0€" in page
    page = client.get(reverse("pay:account", args=[customer.uuid])).content.decode()
    reference = account_reference(customer.pk)
    assert display(reference) in page and "FR76 3000 6000 0112 3456 7890 189" in page and "AGRIFRPP" in page
    assert "Solde : 15,00\u00a0€" in page and "Approvisionnement (espèces)" in page
    customer.refresh_from_db()
    assert customer.payment_reference == reference  # kept for the bank statement import


def test_a_customer_sees_only_their_own_accounts(client):
    data = credit_shop()
    _claire, customer = buyer_with_balance(data, "15")
    paul = UserFactory(email="paul@exemple.fr")
    client.force_login(paul)
    assert "Ferme des Saules" not in client.get(reverse("pay:accounts")).content.decode()
    assert client.get(reverse("pay:account", args=[customer.uuid])).status_code == 404
    client.logout()
    response = client.get(reverse("pay:accounts"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_an_account_known_by_email_only_is_shown_to_the_person_with_that_email(client):
    data = credit_shop()
    customer = Customer.objects.create(enterprise=data.shop, email="lea@exemple.fr")
    client.force_login(UserFactory(email="lea@exemple.fr"))
    page = client.get(reverse("pay:accounts")).content.decode()
    assert "Ferme des Saules" in page and "0,00\u00a0€" in page  # the shop offers credit
    assert client.get(reverse("pay:account", args=[customer.uuid])).status_code == 200


# --- paying an order from the balance ---------------------------------------------------------


def test_an_order_paid_by_credit_is_debited_from_the_account_and_paid():
    data = credit_shop()
    user, customer = buyer_with_balance(data, "20")
    order = placed_order(data, method=data.credit, user=user)
    assert order.status == Order.Status.PLACED and order.total == TOTAL
    assert ledger.account_balance(customer) == Decimal("10.50")
    debit = AccountEntry.objects.get(kind="order")
    assert (debit.amount, debit.balance_after, debit.order) == (-TOTAL, Decimal("10.50"), order)
    assert debit.payment.kind == "credit" and debit.payment.amount == TOTAL and debit.payment.order == order
    assert services_payments.order_payment_state(order) == PaymentState.PAID


def _checkout_form(data, **extra):
    return {
        "cycle": data.cycle.uuid,
        "email": "claire@exemple.fr",
        "full_name": "Claire Martin",
        "shipping_method": data.pickup.uuid,
        "payment_method": data.credit.uuid,
        "idempotency_key": "cle-credit",
        "confirm": "1",
        **extra,
    }


def _fill_cart(client, data):
    for variant, quantity in ((data.variants[0], 2), (data.variants[1], 1)):
        client.post(
            reverse("shop:cart_set", args=[data.shop.slug]),
            {"cycle": data.cycle.uuid, "variant": variant.uuid, "set": str(quantity)},
        )


def test_the_checkout_shows_the_balance_and_pays_the_order_from_it(client):
    data = credit_shop(min_balance=Decimal("-5"))
    user, customer = buyer_with_balance(data, "12")
    client.force_login(user)
    _fill_cart(client, data)
    url = reverse("shop:checkout", args=[data.shop.slug])
    page = client.get(url).content.decode()
    assert "Solde de votre compte : 12,00\u00a0€ — solde minimum -5,00\u00a0€" in page
    response = client.post(url, _checkout_form(data))
    assert response.status_code == 302
    order = Order.objects.get(status="placed")
    assert ledger.account_balance(customer) == Decimal("2.50")
    assert services_payments.order_payment_state(order) == PaymentState.PAID


def test_a_balance_too_low_places_nothing_and_says_so_on_the_checkout_page(client):
    data = credit_shop()
    user, customer = buyer_with_balance(data, "5")
    client.force_login(user)
    _fill_cart(client, data)
    stock = dict(Variant.objects.values_list("pk", "on_hand"))
    response = client.post(reverse("shop:checkout", args=[data.shop.slug]), _checkout_form(data))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Solde insuffisant : votre compte est à 5,00\u00a0€, il faudrait 9,50\u00a0€" in page
    assert "Approvisionnez votre compte ou choisissez un autre moyen de paiement." in page
    assert not Order.objects.exclude(status="cart").exists()
    assert dict(Variant.objects.values_list("pk", "on_hand")) == stock
    assert not Payment.objects.filter(order__isnull=False).exists()
    assert ledger.account_balance(customer) == Decimal("5.00") and AccountEntry.objects.count() == 1
    # The cart is still there: paying another way works.
    response = client.post(
        reverse("shop:checkout", args=[data.shop.slug]), _checkout_form(data, payment_method=data.cheque.uuid)
    )
    assert response.status_code == 302 and Order.objects.filter(status="placed").count() == 1


def test_a_minimum_balance_refuses_an_order_that_would_go_below_it():
    data = credit_shop(min_balance=Decimal("5"))
    user, customer = buyer_with_balance(data, "14")
    with pytest.raises(ledger.InsufficientBalance) as refused:
        placed_order(data, method=data.credit, user=user)
    assert "solde minimum 5,00\u00a0€" in refused.value.message
    assert not Order.objects.exclude(status="cart").exists()
    assert ledger.account_balance(customer) == Decimal("14.00")
    # With 0,50 more it reaches the minimum exactly, which is allowed.
    services_accounts.top_up_record(enterprise=data.shop, customer=customer, kind="cash", amount="0.50")
    placed_order(data, method=data.credit, user=user, key="k2")
    assert ledger.account_balance(customer) == Decimal("5.00")


def test_only_a_logged_in_customer_can_pay_with_their_own_account(client):
    data = credit_shop()
    _user, customer = buyer_with_balance(data, "50")
    with pytest.raises(services_accounts.CreditNotAllowed, match="connectez-vous"):
        placed_order(data, method=data.credit)  # a guest with Claire's email
    paul = UserFactory(email="paul@exemple.fr")
    with pytest.raises(services_accounts.CreditNotAllowed, match="paul@exemple.fr"):
        placed_order(data, method=data.credit, user=paul, key="k2")  # Paul typing Claire's email
    assert ledger.account_balance(customer) == Decimal("50.00")
    assert not Order.objects.exclude(status="cart").exists()
    # The checkout page tells a guest to log in next to the method.
    data.shop.guest_checkout = True
    data.shop.save()
    _fill_cart(client, data)
    page = client.get(reverse("shop:checkout", args=[data.shop.slug])).content.decode()
    assert "Connectez-vous pour payer avec votre compte." in page


def test_cancelling_an_order_paid_by_credit_gives_the_money_back_to_the_account():
    data = credit_shop()
    user, customer = buyer_with_balance(data, "20")
    order = placed_order(data, method=data.credit, user=user)
    order_cancel(order=order, user=user)
    assert ledger.account_balance(customer) == Decimal("20.00")
    refund = AccountEntry.objects.latest("id")
    assert (refund.kind, refund.amount, refund.order) == ("refund", TOTAL, order)
    assert refund.payment.amount == -TOTAL and refund.payment.refund_of.amount == TOTAL
    assert services_payments.order_paid(order) == 0


def test_editing_an_order_paid_by_credit_settles_the_difference_with_the_account():
    data = credit_shop()
    user, customer = buyer_with_balance(data, "12")
    order = placed_order(data, method=data.credit, user=user)  # 9,50: 2,50 left
    eggs, tomatoes = str(data.variants[1].uuid), str(data.variants[0].uuid)
    order_edit(order=order, quantities={eggs: 0}, user=user)  # 2,50 + 0,20 less
    order.refresh_from_db()
    assert order.total == Decimal("6.80") and ledger.account_balance(customer) == Decimal("5.20")
    order_edit(order=order, quantities={tomatoes: 3}, user=user)  # 3,40 more
    order.refresh_from_db()
    assert order.total == Decimal("10.20") and ledger.account_balance(customer) == Decimal("1.80")
    assert services_payments.order_payment_state(order) == PaymentState.PAID
    with pytest.raises(OrderError, match="Solde insuffisant"):
        order_edit(order=order, quantities={tomatoes: 5}, user=user)
    order.refresh_from_db()
    assert order.total == Decimal("10.20") and ledger.account_balance(customer) == Decimal("1.80")


def test_cancelling_an_order_paid_otherwise_leaves_the_account_alone():
    data = credit_shop()
    user, customer = buyer_with_balance(data, "20")
    order = placed_order(data, method=data.cheque, user=user)
    order_cancel(order=order, user=user)
    assert ledger.account_balance(customer) == Decimal("20.00") and AccountEntry.objects.count() == 1


# --- low balance reminder ---------------------------------------------------------------------


def test_a_reminder_is_emailed_once_when_the_balance_falls_below_the_threshold(
    django_capture_on_commit_callbacks,
):
    data = credit_shop(threshold=Decimal("15"))
    user, customer = buyer_with_balance(data, "30")
    with django_capture_on_commit_callbacks(execute=True):
        placed_order(data, method=data.credit, user=user, key="k1")  # 20,50: above
    assert not [m for m in mail.outbox if "solde bas" in m.subject]
    with django_capture_on_commit_callbacks(execute=True):
        placed_order(data, method=data.credit, user=user, key="k2")  # 11,00: below → one email
    reminders = [m for m in mail.outbox if "solde bas" in m.subject]
    assert len(reminders) == 1
    message = reminders[0]
    assert message.to == ["claire@exemple.fr"]
    assert message.subject == "Votre compte chez Ferme des Saules : solde bas (11,00 €)"  # one-line header
    assert "sous le seuil de rappel de 15,00\u00a0€" in message.body
    assert display(account_reference(customer.pk)) in message.body
    assert "FR76 3000 6000 0112 3456 7890 189" in message.body
    html = message.alternatives[0][0]
    assert "<strong>11,00\u00a0€</strong>" in html and reverse("pay:account", args=[customer.uuid]) in html
    with django_capture_on_commit_callbacks(execute=True):
        placed_order(data, method=data.credit, user=user, key="k3")  # 1,50: still below → no email
    assert len([m for m in mail.outbox if "solde bas" in m.subject]) == 1
    # Back above the threshold, then below again: a new reminder.
    with django_capture_on_commit_callbacks(execute=True):
        services_accounts.top_up_record(enterprise=data.shop, customer=customer, kind="cash", amount="20")
        placed_order(data, method=data.credit, user=user, key="k4")
    assert len([m for m in mail.outbox if "solde bas" in m.subject]) == 2


def test_no_reminder_is_sent_for_an_order_refused(django_capture_on_commit_callbacks):
    data = credit_shop(threshold=Decimal("15"), min_balance=Decimal("10"))
    user, _customer = buyer_with_balance(data, "16")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ledger.InsufficientBalance):
        placed_order(data, method=data.credit, user=user)  # would leave 6,50 < 10
    assert not mail.outbox and not AccountEntry.objects.filter(kind="order").exists()


def test_accounts_total_is_what_the_seller_holds_for_its_customers():
    data = credit_shop()
    buyer_with_balance(data, "20")
    buyer_with_balance(data, "7.25", email="paul@exemple.fr")
    assert services_accounts.accounts_total(data.shop) == Decimal("27.25")
    # Top-ups recorded without a date are dated today.
    assert set(Payment.objects.values_list("received_on", flat=True)) == {timezone.localdate()}


def test_the_statements_take_the_same_few_queries_however_long_they_are(
    client, django_assert_max_num_queries
):
    data = credit_shop()
    user, customer = buyer_with_balance(data, "50")
    placed_order(data, method=data.credit, user=user)
    for n in range(30):
        services_accounts.top_up_record(enterprise=data.shop, customer=customer, kind="cheque", amount=n + 1)
        services_accounts.correction_record(
            enterprise=data.shop, customer=customer, amount="-0.5", note=f"n{n}"
        )
    client.force_login(shop_manager(data))
    with django_assert_max_num_queries(7):
        page = client.get(reverse("payments:account", args=[data.shop.slug, customer.uuid])).content.decode()
    assert "Solde : 490,50\u00a0€" in page  # 50 - 9,50 + (1 + … + 30) - 30 × 0,50
    client.force_login(user)
    with django_assert_max_num_queries(5):  # 3, and the header's « Mes structures » and « Mon AMAP » checks
        client.get(reverse("pay:accounts"))
    with django_assert_max_num_queries(10):  # 8, and the header's « Mes structures » and « Mon AMAP » checks
        page = client.get(reverse("pay:account", args=[customer.uuid])).content.decode()
    assert "Solde : 490,50\u00a0€" in page
