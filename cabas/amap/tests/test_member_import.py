"""Importing an AMAP's members from a CSV or XLSX file: customers and the season's memberships
created or updated, every problem reported by line and column with nothing written, the page and its
template file."""

import io
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from cabas.amap.member_import import MemberImportRejected, member_import
from cabas.amap.models import Membership
from cabas.amap.tests.season import season
from cabas.enterprises.models import Role
from cabas.orders.models import Customer
from tests.factories import EnterpriseFactory, RoleFactory

pytestmark = pytest.mark.django_db

GOOD = (
    "nom;prénom;email;téléphone;foyer;adhésion payée\n"
    "Martin;Camille;Camille.Martin@exemple.fr;06 12 34 56 78;Martin-Durand;oui 20 €\n"
    "Durand;Louis;louis.durand@exemple.fr;;Martin-Durand;non\n"
    "Nguyen;Linh;linh@exemple.fr;;;\n"
)


@pytest.fixture
def s():
    return season(weeks=4)


def run(s, text: str, name: str = "adherents.csv", year: int = 2027):
    return member_import(amap=s.amap, name=name, data=text.encode("utf-8"), year=year)


def problems_of(s, text: str, name: str = "adherents.csv") -> list[str]:
    with pytest.raises(MemberImportRejected) as caught:
        run(s, text, name)
    return [str(p) for p in caught.value.problems]


def test_a_good_csv_file_creates_the_members_and_their_memberships(s):
    result = run(s, GOOD)

    assert (result.created, result.updated, result.paid) == (3, 0, 1)
    camille = Customer.objects.get(enterprise=s.amap, email="camille.martin@exemple.fr")
    assert (camille.first_name, camille.last_name, camille.phone) == ("Camille", "Martin", "06 12 34 56 78")
    memberships = {m.customer.email: m for m in Membership.objects.filter(amap=s.amap, year=2027)}
    assert set(memberships) == {"camille.martin@exemple.fr", "louis.durand@exemple.fr", "linh@exemple.fr"}
    paid = memberships["camille.martin@exemple.fr"]
    assert (paid.amount, paid.household, paid.paid_at is not None) == (
        Decimal("20.00"),
        "Martin-Durand",
        True,
    )
    unpaid = memberships["louis.durand@exemple.fr"]
    # Without an amount, the AMAP's suggested membership.
    assert (unpaid.amount, unpaid.household, unpaid.paid_at) == (Decimal("15.00"), "Martin-Durand", None)
    assert memberships["linh@exemple.fr"].paid_at is None


def test_a_good_xlsx_file_with_full_names_and_an_amount_column(s):
    book = Workbook()
    sheet = book.active
    sheet.append(["Nom complet", "E-mail", "Foyer", "Adhésion payée", "Montant"])
    sheet.append(["Camille Martin", "camille@exemple.fr", "Martin", "Oui", 12.5])
    sheet.append(["Louis de la Tour", "louis@exemple.fr", None, "non", None])
    buffer = io.BytesIO()
    book.save(buffer)

    result = member_import(amap=s.amap, name="adherents.xlsx", data=buffer.getvalue(), year=2027)

    assert (result.created, result.paid) == (2, 1)
    louis = Customer.objects.get(email="louis@exemple.fr")
    assert (louis.first_name, louis.last_name) == ("Louis", "de la Tour")
    camille = Membership.objects.get(customer__email="camille@exemple.fr")
    assert (camille.amount, camille.household) == (Decimal("12.50"), "Martin")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nom;email;âge\nMartin;a@exemple.fr;40\n", "ligne 1, colonne âge : colonne inconnue"),
        (
            "nom;email;courriel\nMartin;a@exemple.fr;b@exemple.fr\n",
            "ligne 1, colonne courriel : colonne en double",
        ),
        ("nom;téléphone\nMartin;0612345678\n", "ligne 1 : la colonne « email » est obligatoire"),
        (
            "email;foyer\na@exemple.fr;A\n",
            "ligne 1 : une colonne « nom » (ou « nom complet ») est obligatoire",
        ),
        ("nom;email\nMartin;\n", "ligne 2, colonne email : l'adresse e-mail est obligatoire"),
        (
            "nom;email\nMartin;pas-une-adresse\n",
            "ligne 2, colonne email : « pas-une-adresse » n'est pas une adresse",
        ),
        (
            "nom;email\nMartin;a@exemple.fr\nDurand;A@exemple.fr\n",
            "ligne 3, colonne email : adresse déjà présente ligne 2",
        ),
        ("nom;prénom;email\n;;a@exemple.fr\n", "ligne 2, colonne nom : le nom de l'adhérent est obligatoire"),
        (
            "nom;email;tel\nMartin;a@exemple.fr;appelez-moi\n",
            "ligne 2, colonne tel : « appelez-moi » n'est pas",
        ),
        (
            "nom;email;foyer\nMartin;a@exemple.fr;" + "x" * 121 + "\n",
            "ligne 2, colonne foyer : 120 caractères",
        ),
        (
            "nom;email;adhésion payée\nMartin;a@exemple.fr;peut-être\n",
            "ligne 2, colonne adhésion payée : valeur",
        ),
        (
            "nom;email;adhésion payée\nMartin;a@exemple.fr;oui quinze\n",
            "ligne 2, colonne adhésion payée : montant",
        ),
        (
            "nom;email;adhésion payée\nMartin;a@exemple.fr;oui 5\n",
            "ligne 2, colonne adhésion payée : montant inférieur à l'adhésion minimale (10,00",
        ),
        ("nom;email;montant\nMartin;a@exemple.fr;-3\n", "ligne 2, colonne montant : montant invalide"),
        ("", "Le fichier est vide."),
        ("nom;email\n", "Le fichier ne contient aucun adhérent"),
    ],
)
def test_each_problem_is_reported_by_line_and_column(s, text, expected):
    problems = problems_of(s, text)

    assert any(p.startswith(expected) for p in problems), problems


def test_a_spreadsheet_of_another_kind_is_refused(s):
    problems = problems_of(s, "x", name="adherents.ods")

    assert problems == [
        "Le format .ods n'est pas pris en charge : enregistrez le fichier en .xlsx ou en .csv."
    ]


def test_nothing_is_written_when_one_row_is_wrong(s):
    text = GOOD + "Petit;Jean;jean@;;;oui\n"

    problems = problems_of(s, text)

    assert problems == ["ligne 5, colonne email : « jean@ » n'est pas une adresse e-mail valide"]
    assert not Customer.objects.filter(enterprise=s.amap).exists()
    assert not Membership.objects.exists()


def test_a_second_import_updates_the_members_and_keeps_a_paid_membership_paid(s):
    run(s, GOOD)
    first_paid_at = Membership.objects.get(customer__email="camille.martin@exemple.fr").paid_at

    result = run(
        s,
        "email;nom;prénom;téléphone;adhésion payée\n"
        "camille.martin@exemple.fr;Martin;Camille;07 00 00 00 00;oui\n"
        "louis.durand@exemple.fr;Durand;Louis;;oui 15\n"
        "zoe@exemple.fr;Roux;Zoé;;\n",
    )

    assert (result.created, result.updated, result.paid) == (1, 2, 2)
    assert Customer.objects.filter(enterprise=s.amap).count() == 4
    camille = Membership.objects.select_related("customer").get(customer__email="camille.martin@exemple.fr")
    assert camille.customer.phone == "07 00 00 00 00"
    assert (camille.paid_at, camille.amount, camille.household) == (
        first_paid_at,
        Decimal("20.00"),
        "Martin-Durand",
    )
    louis = Membership.objects.get(customer__email="louis.durand@exemple.fr")
    assert louis.paid_at is not None and louis.amount == Decimal("15.00")
    assert Membership.objects.filter(amap=s.amap, year=2027).count() == 4


# --- The page ---------------------------------------------------------------------------------


def url(s, name="amap:member_import"):
    return reverse(name, kwargs={"slug": s.amap.slug})


def test_a_manager_imports_a_file_from_the_page(client, s):
    manager = RoleFactory(enterprise=s.amap, role=Role.Level.MANAGER).user
    client.force_login(manager)

    page = client.get(url(s))
    response = client.post(
        url(s), {"file": SimpleUploadedFile("adherents.csv", GOOD.encode()), "year": "2027"}
    )

    assert page.status_code == 200
    assert "Importer des adhérents" in page.content.decode()
    assert page.context["form"]["year"].value() == s.distributions[0].date.year
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "3 adhérents ajoutés, 0 mis à jour ; 1 adhésion payée."
    ]
    assert Customer.objects.filter(enterprise=s.amap).count() == 3


def test_the_page_lists_every_problem_and_imports_nothing(client, s):
    client.force_login(s.owner)

    response = client.post(
        url(s),
        {
            "file": SimpleUploadedFile("adherents.csv", b"nom;email\nMartin;x\n;b@exemple.fr\n"),
            "year": "2027",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Le fichier contient 2 problèmes : rien n&#x27;a été importé." in html
    assert "ligne 2, colonne email : « x » n&#x27;est pas une adresse e-mail valide" in html
    assert "ligne 3, colonne nom : le nom de l&#x27;adhérent est obligatoire" in html
    assert not Customer.objects.filter(enterprise=s.amap).exists()


def test_the_template_file_has_the_columns_the_import_reads(client, s):
    client.force_login(s.owner)

    response = client.get(url(s, "amap:member_import_template"))

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response["Content-Disposition"] == 'attachment; filename="adherents-modele.csv"'
    assert text.splitlines()[0] == "nom;prénom;email;téléphone;foyer;adhésion payée"
    assert run(s, text).created == 2  # the template imports as it is


def test_an_enterprise_that_is_not_an_amap_has_no_members_import(client):
    farm = EnterpriseFactory(name="Ferme")
    owner = RoleFactory(enterprise=farm, role=Role.Level.OWNER).user
    client.force_login(owner)

    assert client.get(reverse("amap:member_import", kwargs={"slug": farm.slug})).status_code == 404
    assert client.get(reverse("amap:member_import_template", kwargs={"slug": farm.slug})).status_code == 404
