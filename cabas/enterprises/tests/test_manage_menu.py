"""The back-office menu shows what the enterprise's kind uses: an enterprise that sells nothing
sees none of the pages about selling and getting paid."""

from django.urls import reverse

from cabas.enterprises.models import Sells
from tests.factories import EnterpriseFactory, HubFactory, RoleFactory

SELLING_PAGES = [
    ("payments:sepa_collections", "Prélèvements SEPA"),
    ("payments:statements", "Relevés bancaires"),
    ("payments:card", "Paiement par carte"),
    ("payments:accounts", "Comptes clients"),
    ("solidarity:fund", "Solidarité"),
    ("payments:payment_methods", "Moyens de paiement"),
]


def menu(client, enterprise) -> str:
    page = client.get(reverse("manage:dashboard", args=[enterprise.slug])).content.decode()
    start = page.index('class="manage-nav"')
    return page[start : page.index("</nav>", start)]


def test_an_enterprise_that_sells_nothing_sees_no_selling_page(client_for, db):
    farm = EnterpriseFactory(sells=Sells.NONE, is_producer=True)
    nav = menu(client_for(RoleFactory(enterprise=farm, role="owner").user), farm)

    for name, label in SELLING_PAGES:
        assert reverse(name, args=[farm.slug]) not in nav
        assert f">{label}<" not in nav
    assert reverse("catalogue:products", args=[farm.slug]) in nav


def test_a_shop_sees_every_selling_page(client_for, db):
    shop = HubFactory()
    nav = menu(client_for(RoleFactory(enterprise=shop, role="owner").user), shop)

    for name, label in SELLING_PAGES:
        assert reverse(name, args=[shop.slug]) in nav and f">{label}<" in nav
