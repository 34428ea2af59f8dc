"""Customers CSV import: encodings, delimiters, every problem by line and column, all or nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cabas.orders.exceptions import CustomerImportRejected
from cabas.orders.models import Customer
from cabas.orders.services_customers import customer_import, customers_csv


@pytest.fixture
def shop(enterprise):
    return enterprise


def run(shop, text: str, encoding="utf-8"):
    return customer_import(enterprise=shop, data=text.encode(encoding))


def problems(shop, text: str) -> list[str]:
    with pytest.raises(CustomerImportRejected) as error:
        run(shop, text)
    return [str(p) for p in error.value.problems]


def test_it_creates_customers_from_a_comma_separated_file(shop):
    result = run(
        shop,
        "email,prénom,nom,téléphone,code,étiquettes\n"
        'karim@exemple.fr,Karim,Haddad,06 12 34 56 78,C001,"adherent, pro"\n'
        "Lea@Exemple.fr,Léa,Martin,,,\n",
    )

    assert (result.created, result.updated) == (2, 0)
    karim = Customer.objects.get(email="karim@exemple.fr")
    assert (karim.first_name, karim.phone, karim.code, karim.tags) == (
        "Karim",
        "06 12 34 56 78",
        "C001",
        ["adherent", "pro"],
    )
    assert Customer.objects.filter(email="lea@exemple.fr", first_name="Léa").exists()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_it_reads_a_semicolon_file_from_french_excel_in_any_encoding(shop, encoding):
    run(
        shop, "Email;Prénom;Nom;Étiquettes\r\nlea@exemple.fr;Léa;Gérard;Adhérente, pro\r\n", encoding=encoding
    )

    lea = Customer.objects.get(email="lea@exemple.fr")
    assert (lea.first_name, lea.last_name, lea.tags) == ("Léa", "Gérard", ["adherente", "pro"])


def test_it_updates_the_customer_with_a_known_email_and_keeps_the_columns_absent_from_the_file(shop):
    Customer.objects.create(
        enterprise=shop, email="karim@exemple.fr", first_name="K", phone="0612345678", tags=["ancien"]
    )

    result = run(shop, "email;prénom;étiquettes\nKARIM@exemple.fr;Karim;pro\n")

    assert (result.created, result.updated) == (0, 1)
    karim = Customer.objects.get()
    assert (karim.first_name, karim.phone, karim.tags) == ("Karim", "0612345678", ["pro"])


def test_it_reports_every_problem_with_its_line_and_column_and_imports_nothing(shop):
    Customer.objects.create(enterprise=shop, email="lea@exemple.fr", code="C9", first_name="Léa")

    found = problems(
        shop,
        "email;prénom;téléphone;code\n"
        "karim@exemple.fr;Karim;06 12 34 56 78;C1\n"
        "pas-une-adresse;Zoé;;\n"
        ";Sans;;\n"
        "karim@exemple.fr;Encore;;\n"
        "tom@exemple.fr;Tom;appelez-moi;\n"
        "ana@exemple.fr;Ana;;C9\n"
        "max@exemple.fr;" + "M" * 81 + ";;\n",
    )

    assert found == [
        "ligne 3, colonne email : « pas-une-adresse » n'est pas une adresse e-mail valide",
        "ligne 4, colonne email : l'adresse e-mail est obligatoire",
        "ligne 5, colonne email : adresse déjà présente ligne 2",
        "ligne 6, colonne téléphone : « appelez-moi » n'est pas un numéro de téléphone",
        "ligne 7, colonne code : code déjà utilisé par Léa",
        "ligne 8, colonne prénom : 80 caractères au plus",
    ]
    assert Customer.objects.count() == 1


def test_it_refuses_unknown_or_missing_columns(shop):
    found = problems(shop, "mail;prenom;couleur;nom;nom\nkarim@exemple.fr;Karim;bleu;H;H\n")

    assert found == [
        "ligne 1, colonne couleur : colonne inconnue (colonnes possibles : email, prénom, nom, téléphone, "
        "code, étiquettes, adresse, code postal, commune)",
        "ligne 1, colonne nom : colonne en double (déjà colonne nom)",
    ]
    assert problems(shop, "prénom\nKarim\n") == ["ligne 1 : la colonne « email » est obligatoire"]


def test_it_refuses_an_empty_file_or_one_without_rows(shop):
    assert problems(shop, "") == ["Le fichier est vide."]
    assert problems(shop, "email;nom\n\n") == [
        "Le fichier ne contient aucun client : seule la ligne d'en-tête est remplie."
    ]


def test_it_lets_two_customers_swap_their_codes(shop):
    Customer.objects.create(enterprise=shop, email="a@exemple.fr", code="A")
    Customer.objects.create(enterprise=shop, email="b@exemple.fr", code="B")

    run(shop, "email;code\na@exemple.fr;B\nb@exemple.fr;A\n")

    assert dict(Customer.objects.values_list("email", "code")) == {"a@exemple.fr": "B", "b@exemple.fr": "A"}


def test_it_reads_back_its_own_export(shop):
    Customer.objects.create(
        enterprise=shop,
        email="karim@exemple.fr",
        first_name="Karim",
        phone="+33 6 12 34 56 78",
        tags=["adherent", "pro"],
        city="Lyon",
    )
    exported = "".join(customers_csv(shop)).encode("utf-8")
    Customer.objects.update(first_name="", phone="", tags=[], city="")

    result = customer_import(enterprise=shop, data=exported)

    karim = Customer.objects.get()
    assert result.updated == 1
    assert (karim.first_name, karim.phone, karim.tags, karim.city) == (
        "Karim",
        "+33 6 12 34 56 78",
        ["adherent", "pro"],
        "Lyon",
    )


def test_it_imports_from_the_page_and_says_how_many_customers_changed(shop, manager, client_for):
    upload = SimpleUploadedFile("clients.csv", "email;nom\nkarim@exemple.fr;Haddad\n".encode("cp1252"))

    response = client_for(manager).post(
        reverse("orders:customer_import", args=[shop.slug]), {"file": upload}, follow=True
    )

    assert "1 client ajouté, 0 mis à jour." in response.content.decode()
    assert Customer.objects.filter(enterprise=shop, last_name="Haddad").exists()


def test_it_lists_the_problems_on_the_page_and_changes_nothing(shop, manager, client_for):
    upload = SimpleUploadedFile("clients.csv", b"email;nom\nkarim;Haddad\nlea@exemple.fr;Martin\n")

    response = client_for(manager).post(reverse("orders:customer_import", args=[shop.slug]), {"file": upload})

    html = response.content.decode()
    assert response.status_code == 200
    assert "ligne 2, colonne email : « karim » n&#x27;est pas une adresse e-mail valide" in html
    assert "rien n&#x27;a été importé" in html
    assert not Customer.objects.exists()
