"""Solidarity allowances: the monthly credits (once per fund and month) and spending them at checkout
only at the sellers the fund approved."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from cabas.orders.models import Customer, Order
from cabas.payments.accounts import ledger
from cabas.payments.models import AccountEntry, Payment, PaymentState
from cabas.payments.records import services as services_payments
from cabas.solidarity import services_allowances
from cabas.solidarity.exceptions import AllowanceRefused, SolidarityError
from cabas.solidarity.models import AllowanceGrant, SolidarityFund
from cabas.solidarity.tests.helpers import cart_of, fund_setup, place, shop_accepting_allowances
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2025, 3, 1)


def _grant(month=MARCH):
    return services_allowances.allowances_grant(month=month)


# --- the fund's settings -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "  ", "Indiquez le nom de la caisse."),
        ("monthly_amount", "cinquante", "Allocation mensuelle invalide"),
        ("monthly_amount", "0", "entre 0,01 € et 10 000 €"),
        ("monthly_amount", "-5", "entre 0,01 € et 10 000 €"),
        ("member_tag", " !! ", "Indiquez l'étiquette des clients bénéficiaires"),
    ],
)
def test_it_refuses_a_fund_with_bad_settings_and_saves_nothing(enterprise, field, value, message):
    values = {"name": "Caisse", "monthly_amount": "50", "member_tag": "allocataire"}
    values[field] = value
    with pytest.raises(SolidarityError) as refused:
        services_allowances.fund_save(enterprise=enterprise, approved_sellers=[], **values)
    assert message in refused.value.message
    assert not SolidarityFund.objects.exists()


def test_a_fund_keeps_its_tag_normalised_and_is_changed_in_place(enterprise):
    fund = services_allowances.fund_save(
        enterprise=enterprise,
        name="Caisse",
        monthly_amount="50,5",
        member_tag=" Allocataire ",
        approved_sellers=[],
    )
    assert (fund.member_tag, fund.monthly_amount) == ("allocataire", Decimal("50.50"))
    again = services_allowances.fund_save(
        enterprise=enterprise,
        name="Caisse commune",
        monthly_amount="60",
        member_tag="allocataire",
        approved_sellers=[],
    )
    assert again.pk == fund.pk and SolidarityFund.objects.get().name == "Caisse commune"


# --- the monthly job ---------------------------------------------------------------------------


def test_each_member_is_credited_the_monthly_allowance_once_per_month():
    setup = fund_setup()
    other_member = Customer.objects.create(
        enterprise=setup.fund.enterprise, email="paul@exemple.fr", tags=["allocataire", "benevole"]
    )
    not_a_member = Customer.objects.create(
        enterprise=setup.fund.enterprise, email="jean@exemple.fr", tags=["benevole"]
    )

    (result,) = _grant()
    assert result.created and result.grant.members == 2 and result.grant.total == Decimal("100.00")
    again = _grant()
    assert not again[0].created  # the same month twice: nobody is credited twice
    assert ledger.account_balance(setup.account) == Decimal("50.00")
    assert ledger.account_balance(other_member) == Decimal("50.00")
    assert ledger.account_balance(not_a_member) == Decimal("0.00")
    entry = AccountEntry.objects.get(customer=setup.account)
    assert entry.kind == "allowance" and entry.note == "Allocation solidaire de mars 2025"

    _grant(datetime.date(2025, 4, 17))  # next month, any day of it
    assert ledger.account_balance(setup.account) == Decimal("100.00")
    assert AllowanceGrant.objects.filter(fund=setup.fund).count() == 2


def test_an_inactive_fund_credits_nothing():
    setup = fund_setup()
    setup.fund.active = False
    setup.fund.save()
    assert _grant() == []
    assert not AccountEntry.objects.exists()


def test_the_monthly_command_is_idempotent_and_says_what_it_did():
    setup = fund_setup()
    out = StringIO()
    call_command("solidarity_allowances", "--month", "2025-03", stdout=out)
    call_command("solidarity_allowances", "--month", "2025-03", stdout=out)
    text = out.getvalue()
    assert "caisse-quartier: 1 member(s), 50.00 EUR" in text
    assert "caisse-quartier: already granted" in text
    assert ledger.account_balance(setup.account) == Decimal("50.00")


def test_a_grant_that_fails_half_way_credits_nobody_and_can_run_again(monkeypatch):
    setup = fund_setup()
    Customer.objects.create(enterprise=setup.fund.enterprise, email="paul@exemple.fr", tags=["allocataire"])
    real_post = ledger.account_post
    calls = []

    def failing_post(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return real_post(**kwargs)

    monkeypatch.setattr(ledger, "account_post", failing_post)
    with pytest.raises(RuntimeError):
        _grant()
    assert not AccountEntry.objects.exists() and not AllowanceGrant.objects.exists()
    monkeypatch.setattr(ledger, "account_post", real_post)
    assert _grant()[0].grant.members == 2


# --- spending at checkout -----------------------------------------------------------------------


def test_a_member_pays_an_order_with_the_allowance_at_an_approved_seller():
    setup = fund_setup()
    _grant()
    order = place(setup, setup.member, setup.allowance)

    assert order.status == Order.Status.PLACED and order.total == Decimal("9.50")
    payment = Payment.objects.get(order=order)
    assert (payment.kind, payment.state, payment.amount) == ("allowance", "succeeded", Decimal("9.50"))
    assert payment.seller == setup.shop.shop and "Caisse alimentaire du quartier" in payment.note
    assert services_payments.order_payment_state(order) == PaymentState.PAID
    debit = AccountEntry.objects.get(customer=setup.account, kind="order")
    assert (debit.amount, debit.balance_after) == (Decimal("-9.50"), Decimal("40.50"))
    assert debit.spent_at == setup.shop.shop and debit.order == order and debit.payment == payment
    assert ledger.account_balance(setup.account) == Decimal("40.50")


def test_an_unlinked_fund_customer_with_the_buyers_email_is_the_account():
    setup = fund_setup()
    setup.account.user = None
    setup.account.save()
    _grant()
    order = place(setup, setup.member, setup.allowance)
    assert order.status == Order.Status.PLACED
    assert ledger.account_balance(setup.account) == Decimal("40.50")


def _assert_nothing_placed(setup):
    assert not Order.objects.exclude(status="cart").exists()
    assert not Payment.objects.exists()
    assert not AccountEntry.objects.filter(kind="order").exists()
    setup.shop.variants[0].refresh_from_db()
    assert setup.shop.variants[0].on_hand == 10  # the stock is untouched


def test_a_seller_the_fund_has_not_approved_is_refused_with_a_clear_message():
    setup = fund_setup(approve=False)
    _grant()
    with pytest.raises(AllowanceRefused) as refused:
        place(setup, setup.member, setup.allowance)
    assert refused.value.message == (
        "Votre allocation solidaire (Caisse alimentaire du quartier) n'est pas acceptée chez Ferme des "
        "Saules : cette caisse n'a pas agréé ce vendeur. Choisissez un autre moyen de paiement."
    )
    _assert_nothing_placed(setup)
    assert ledger.account_balance(setup.account) == Decimal("50.00")


def test_a_balance_too_low_is_refused_with_the_ledgers_message():
    setup = fund_setup(monthly=Decimal("5.00"))
    _grant()
    with pytest.raises(AllowanceRefused) as refused:
        place(setup, setup.member, setup.allowance)
    assert (
        "Solde insuffisant : votre compte est à 5,00\u00a0€, il faudrait 9,50\u00a0€" in refused.value.message
    )
    _assert_nothing_placed(setup)


def test_a_guest_or_a_stranger_cannot_spend_an_allowance_even_with_a_members_email():
    setup = fund_setup()
    _grant()
    with pytest.raises(AllowanceRefused) as refused:
        place(setup, None, setup.allowance)  # a guest typing Amina's email
    assert refused.value.message == "Connectez-vous pour payer avec votre allocation solidaire."
    stranger = UserFactory(email="intrus@exemple.fr")
    with pytest.raises(AllowanceRefused) as refused:
        place(setup, stranger, setup.allowance, key="k2")
    assert "Aucune caisse de solidarité ne vous verse d'allocation" in refused.value.message
    _assert_nothing_placed(setup)
    assert ledger.account_balance(setup.account) == Decimal("50.00")


def test_with_accounts_at_two_funds_the_one_approving_the_seller_pays():
    setup = fund_setup()
    _grant()
    other = EnterpriseFactory(name="Épicerie sociale", slug="epicerie-sociale")
    services_allowances.fund_save(
        enterprise=other,
        name="Épicerie sociale",
        monthly_amount="80",
        member_tag="allocataire",
        approved_sellers=[],
    )
    other_account = Customer.objects.create(
        enterprise=other, user=setup.member, email="amina@exemple.fr", tags=["allocataire"]
    )
    _grant(datetime.date(2025, 4, 1))  # both funds credit April
    place(setup, setup.member, setup.allowance)
    assert ledger.account_balance(setup.account) == Decimal("90.50")  # 50 + 50 − 9,50
    assert ledger.account_balance(other_account) == Decimal("80.00")  # does not approve this shop


def test_the_checkout_page_shows_the_refusal_and_places_nothing(client):
    setup = fund_setup(approve=False)
    _grant()
    client.force_login(setup.member)
    data = setup.shop
    from django.urls import reverse

    client.post(
        reverse("shop:cart_set", args=[data.shop.slug]),
        {"cycle": data.cycle.uuid, "variant": data.variants[0].uuid, "set": "2"},
    )
    response = client.post(
        reverse("shop:checkout", args=[data.shop.slug]),
        {
            "cycle": data.cycle.uuid,
            "email": "amina@exemple.fr",
            "full_name": "Amina Diallo",
            "shipping_method": data.pickup.uuid,
            "payment_method": setup.allowance.uuid,
            "idempotency_key": "cle-1",
            "confirm": "1",
        },
    )
    assert response.status_code == 200
    assert "n&#x27;a pas agréé ce vendeur" in response.content.decode()
    _assert_nothing_placed(setup)


def test_an_allowance_given_back_returns_to_the_members_account_once():
    setup = fund_setup()
    _grant()
    order = place(setup, setup.member, setup.allowance)
    entry = services_allowances.allowance_refund(order=order)
    assert (entry.kind, entry.amount, entry.balance_after) == ("refund", Decimal("9.50"), Decimal("50.00"))
    assert services_payments.order_paid(order) == Decimal("0.00")
    with pytest.raises(SolidarityError):
        services_allowances.allowance_refund(order=order)
    assert ledger.account_balance(setup.account) == Decimal("50.00")


def test_refunding_an_order_not_paid_by_allowance_is_refused():
    data, _method = shop_accepting_allowances()
    order = place(data, None, data.cheque, email="claire@exemple.fr")
    with pytest.raises(SolidarityError) as refused:
        services_allowances.allowance_refund(order=order)
    assert refused.value.message == "Cette commande n'a pas été payée par une allocation solidaire."


def test_a_cart_is_kept_when_the_allowance_is_refused():
    setup = fund_setup(monthly=Decimal("1.00"))
    _grant()
    cart = cart_of(setup.shop, setup.member)
    from cabas.orders.placing import order_place

    with pytest.raises(AllowanceRefused):
        order_place(
            cart=cart,
            email="amina@exemple.fr",
            full_name="Amina Diallo",
            shipping_method=setup.shop.pickup,
            payment_method=setup.allowance,
            user=setup.member,
        )
    cart.refresh_from_db()
    assert cart.status == Order.Status.CART and cart.lines.count() == 2 and cart.number == ""


def test_cancelling_an_order_paid_by_allowance_gives_it_back_and_editing_is_refused():
    from cabas.orders.changes import order_can_edit, order_cancel, order_edit
    from cabas.orders.exceptions import OrderNotEditable

    setup = fund_setup()
    _grant()
    shop = setup.shop.shop
    shop.orders_editable = True
    shop.save(update_fields=["orders_editable"])
    order = place(setup, setup.member, setup.allowance)
    assert ledger.account_balance(setup.account) == Decimal("40.50")
    assert not order_can_edit(order)
    with pytest.raises(OrderNotEditable, match="allocation solidaire"):
        order_edit(order=order, quantities={str(setup.shop.variants[0].uuid): 1})

    order_cancel(order=order, user=setup.member)

    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert ledger.account_balance(setup.account) == Decimal("50.00")
    assert services_payments.order_paid(order) == Decimal("0.00")
