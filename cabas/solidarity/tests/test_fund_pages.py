"""The fund's back-office pages: settings, members' balances, the report of allowances granted and
spent per seller and month (table and CSV)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cabas.orders.models import Customer
from cabas.solidarity import services_allowances
from cabas.solidarity.models import SolidarityFund
from cabas.solidarity.tests.helpers import fund_setup, place, shop_accepting_allowances
from cabas.solidarity.tests.test_allowances import _grant
from tests.factories import RoleFactory

pytestmark = pytest.mark.django_db


def _fund_url(enterprise):
    return reverse("solidarity:fund", args=[enterprise.slug])


def test_a_manager_sets_up_the_fund_and_chooses_sellers_accepting_allowances(client_for, enterprise, manager):
    data, _method = shop_accepting_allowances()
    client = client_for(manager)
    page = client.get(_fund_url(enterprise)).content.decode()
    assert "Ferme des Saules" in page  # it offers the allowance payment method
    response = client.post(
        _fund_url(enterprise),
        {
            "name": "Caisse alimentaire commune",
            "monthly_amount": "75,50",
            "member_tag": "Allocataire",
            "approved_sellers": [data.shop.slug],
            "active": "on",
        },
    )
    assert response.status_code == 302
    fund = SolidarityFund.objects.get(enterprise=enterprise)
    assert (fund.monthly_amount, fund.member_tag, fund.active) == (Decimal("75.50"), "allocataire", True)
    assert list(fund.approved_sellers.all()) == [data.shop]
    page = client.get(response["Location"]).content.decode()
    assert "La caisse « Caisse alimentaire commune » est enregistrée." in page
    assert "Aucun bénéficiaire : ajoutez l'étiquette « allocataire »" in page


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"monthly_amount": "cinquante"}, "Indiquez un montant positif, par exemple 50,00."),
        ({"monthly_amount": "0"}, "Indiquez un montant positif, par exemple 50,00."),
        ({"monthly_amount": "20000"}, "L&#x27;allocation mensuelle ne peut dépasser 10 000 €."),
        ({"member_tag": "!!"}, "Indiquez une étiquette faite de lettres ou de chiffres"),
        ({"approved_sellers": ["ferme-inconnue"]}, "Sélectionnez un choix valide."),
    ],
)
def test_bad_fund_settings_show_a_french_message_and_change_nothing(
    client_for, enterprise, manager, values, message
):
    form = {"name": "Caisse", "monthly_amount": "50", "member_tag": "allocataire", "active": "on", **values}
    response = client_for(manager).post(_fund_url(enterprise), form)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SolidarityFund.objects.exists()


def test_the_fund_page_lists_members_balances_in_constant_queries(client_for, django_assert_max_num_queries):
    setup = fund_setup()
    enterprise = setup.fund.enterprise
    manager = RoleFactory(enterprise=enterprise, role="manager").user
    for n in range(5):
        Customer.objects.create(
            enterprise=enterprise,
            email=f"membre{n}@exemple.fr",
            last_name=f"Membre {n}",
            tags=["allocataire"],
        )
    _grant()
    place(setup, setup.member, setup.allowance)
    client = client_for(manager)
    with django_assert_max_num_queries(14):
        page = client.get(_fund_url(enterprise)).content.decode()
    assert "6 comptes" in page
    # Amina: 50 € received, 9,50 € spent at the shop, 40,50 € left
    assert "50,00\u00a0€" in page and "9,50\u00a0€" in page and "40,50\u00a0€" in page
    assert "mars 2025 : 300,00\u00a0€ versés à 6 bénéficiaire(s)" in page
    for n in range(20):
        Customer.objects.create(enterprise=enterprise, email=f"autre{n}@exemple.fr", tags=["allocataire"])
    with django_assert_max_num_queries(14):
        client.get(_fund_url(enterprise))


def test_a_former_member_with_a_balance_is_still_listed():
    setup = fund_setup()
    _grant()
    setup.account.tags = []
    setup.account.save()
    accounts = list(services_allowances.fund_accounts(setup.fund))
    assert [(a.email, a.balance) for a in accounts] == [("amina@exemple.fr", Decimal("50.00"))]


def _months():
    this_month = timezone.localdate().replace(day=1)
    return (this_month - datetime.timedelta(days=1)).replace(day=1), this_month


def _report_data():
    """Last month: 2 members granted 50 € each, nothing spent; this month: granted again, Amina
    spends 9,50 € at Ferme des Saules and 3,20 € at a second approved shop."""
    from cabas.orders.tests.shop_setup import open_shop
    from tests.factories import EnterpriseFactory

    setup = fund_setup()
    Customer.objects.create(enterprise=setup.fund.enterprise, email="paul@exemple.fr", tags=["allocataire"])
    other, method = shop_accepting_allowances(
        open_shop(shop=EnterpriseFactory(name="=Épicerie du coin", slug="epicerie-du-coin"))
    )
    setup.fund.approved_sellers.add(other.shop)
    last_month, this_month = _months()
    _grant(last_month)
    _grant(this_month)
    place(setup, setup.member, setup.allowance)
    place(other, setup.member, method, key="k2", quantities=(1, 0))
    return setup


def test_the_report_shows_allowances_granted_and_spent_per_seller_and_month(
    client_for, django_assert_max_num_queries
):
    setup = _report_data()
    last_month, this_month = _months()
    manager = RoleFactory(enterprise=setup.fund.enterprise, role="manager").user
    client = client_for(manager)
    url = reverse("solidarity:report", args=[setup.fund.enterprise.slug]) + f"?year={this_month.year}"
    with django_assert_max_num_queries(10):
        page = client.get(url).content.decode()
    now_at = page.index(services_allowances.month_label(this_month))
    if last_month.year == this_month.year:
        assert now_at < page.index(services_allowances.month_label(last_month))  # most recent first
    this_part = page[now_at:]
    assert "Versées à 2 bénéficiaires" in this_part
    assert "Ferme des Saules" in this_part and "9,50\u00a0€" in this_part
    assert "=Épicerie du coin" in this_part and "3,40\u00a0€" in this_part
    assert "12,90\u00a0€" in this_part  # spent this month
    assert "100,00\u00a0€" in page


def test_the_report_exports_as_csv_for_a_spreadsheet(client_for):
    setup = _report_data()
    last_month, this_month = _months()
    manager = RoleFactory(enterprise=setup.fund.enterprise, role="manager").user
    url = reverse("solidarity:report_csv", args=[setup.fund.enterprise.slug]) + f"?year={this_month.year}"
    response = client_for(manager).get(url)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"allocations-caisse-quartier-{this_month.year}" in response["Content-Disposition"]
    lines = b"".join(response.streaming_content).decode("utf-8").splitlines()
    key = f"{this_month:%Y-%m}"
    assert lines[:4] == [
        "\ufeffMois;Vendeur;Bénéficiaires;Allocations accordées;Allocations dépensées",
        f"{key};;2;100,00;",
        f"{key};'=Épicerie du coin;;;3,40",  # never a formula in a spreadsheet
        f"{key};Ferme des Saules;;;9,50",
    ]
    if last_month.year == this_month.year:
        assert lines[4:] == [f"{last_month:%Y-%m};;2;100,00;"]


def test_the_report_of_a_year_without_data_and_of_an_enterprise_without_fund(client_for, enterprise, manager):
    client = client_for(manager)
    page = client.get(reverse("solidarity:report", args=[enterprise.slug])).content.decode()
    assert "Votre structure n'a pas encore de caisse de solidarité." in page
    assert client.get(reverse("solidarity:report_csv", args=[enterprise.slug])).status_code == 404
    services_allowances.fund_save(
        enterprise=enterprise,
        name="Caisse",
        monthly_amount="50",
        member_tag="allocataire",
        approved_sellers=[],
    )
    page = client.get(reverse("solidarity:report", args=[enterprise.slug]) + "?year=abc").content.decode()
    assert "Rien d'accordé ni de dépensé cette année." in page
