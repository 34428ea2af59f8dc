"""Builders for the solidarity tests: a fund with members, a shop accepting allowances."""

from dataclasses import dataclass
from decimal import Decimal

from cabas.orders.models import Customer, Order
from cabas.orders.tests.shop_setup import OpenShop, open_shop
from cabas.payments.models import PaymentMethod
from cabas.solidarity import services_allowances
from cabas.solidarity.models import SolidarityFund
from tests.factories import EnterpriseFactory, UserFactory


@dataclass
class FundSetup:
    fund: SolidarityFund
    shop: OpenShop
    allowance: PaymentMethod
    member: object  # a user
    account: Customer  # the member's account at the fund


def shop_accepting_allowances(data: OpenShop | None = None) -> tuple[OpenShop, PaymentMethod]:
    data = data or open_shop()
    method = PaymentMethod.objects.create(enterprise=data.shop, kind="allowance", name="Allocation solidaire")
    data.distribution.payment_methods.add(method)
    return data, method


def fund_setup(*, monthly=Decimal("50.00"), approve=True, member_email="amina@exemple.fr") -> FundSetup:
    """A fund ("Caisse alimentaire du quartier", 50 € a month to its customers tagged
    "allocataire") approving the open shop (Ferme des Saules), with one member, Amina."""
    data, method = shop_accepting_allowances()
    enterprise = EnterpriseFactory(name="Caisse alimentaire du quartier", slug="caisse-quartier")
    fund = services_allowances.fund_save(
        enterprise=enterprise,
        name="Caisse alimentaire du quartier",
        monthly_amount=monthly,
        member_tag="allocataire",
        approved_sellers=[data.shop] if approve else [],
    )
    member = UserFactory(email=member_email)
    account = Customer.objects.create(
        enterprise=enterprise, user=member, email=member_email, first_name="Amina", tags=["allocataire"]
    )
    return FundSetup(fund, data, method, member, account)


def cart_of(data: OpenShop, user, quantities=(2, 1)) -> Order:
    """A cart of 2 tomatoes (3,20 €) and 1 box of eggs (2,50 €): 9,50 € with the packing fee."""
    from cabas.orders.cart import cart_set_quantity

    cart = Order.objects.create(seller=data.shop, cycle=data.cycle, user=user)
    for variant, quantity in zip(data.variants, quantities, strict=False):
        if quantity:
            cart_set_quantity(cart=cart, variant=variant, quantity=quantity)
    return cart


def place(setup_or_data, user, method, *, key="k1", email="amina@exemple.fr", quantities=(2, 1)) -> Order:
    from cabas.orders.placing import order_place

    data = setup_or_data.shop if isinstance(setup_or_data, FundSetup) else setup_or_data
    return order_place(
        cart=cart_of(data, user, quantities),
        email=email,
        full_name="Amina Diallo",
        shipping_method=data.pickup,
        payment_method=method,
        idempotency_key=key,
        user=user,
    )
