import pytest
from django.conf import settings

from tests.factories import EnterpriseFactory, RoleFactory

pytestmark = pytest.mark.django_db


def test_it_asks_to_log_in_first(client):
    response = client.get("/accounts/profile/")

    assert response["Location"] == "/accounts/login/?next=/accounts/profile/"


def test_it_saves_name_phone_and_language_and_switches_the_interface(client_for, customer):
    client = client_for(customer)

    response = client.post(
        "/accounts/profile/", {"full_name": "  Jeanne   Durand ", "phone": "06 12 34 56 78", "language": "en"}
    )

    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    customer.refresh_from_db()
    assert (customer.full_name, customer.phone, customer.language) == (
        "Jeanne Durand",
        "06 12 34 56 78",
        "en",
    )
    page = client.get("/accounts/profile/")
    assert page.content.decode().startswith('<!DOCTYPE html>\n<html lang="en">')


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"phone": "appelle-moi"}, "Saisissez un numéro de téléphone valide"),
        ({"phone": "12"}, "Saisissez un numéro de téléphone valide"),
        ({"full_name": "   "}, "Ce champ est obligatoire."),
        ({"language": "de"}, "Sélectionnez un choix valide."),
    ],
)
def test_it_refuses_bad_input_and_changes_nothing(client_for, customer, change, message):
    before = (customer.full_name, customer.phone, customer.language)

    response = client_for(customer).post(
        "/accounts/profile/", {"full_name": "Nouveau Nom", "phone": "", "language": "fr", **change}
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    customer.refresh_from_db()
    assert (customer.full_name, customer.phone, customer.language) == before


def test_it_lists_my_enterprises_with_my_role_and_links(
    client_for, owner, enterprise, django_assert_max_num_queries
):
    for n in range(5):
        RoleFactory(user=owner, enterprise=EnterpriseFactory(name=f"Rucher {n}"), role="volunteer")
    client = client_for(owner)

    with django_assert_max_num_queries(8):
        page = client.get("/accounts/profile/").content.decode()

    assert 'href="/manage/ferme-des-collines/"' in page
    assert "Ferme des Collines" in page
    assert "Responsable" in page
    assert "Rucher 4" in page
    assert "Bénévole" in page


def test_it_says_when_i_belong_to_no_enterprise(client_for, customer):
    page = client_for(customer).get("/accounts/profile/").content.decode()

    assert "Vous ne faites encore partie d'aucune structure." in page


def test_it_links_to_password_export_and_deletion(client_for, customer):
    page = client_for(customer).get("/accounts/profile/").content.decode()

    for url in ["/accounts/password/change/", "/accounts/profile/export/", "/accounts/profile/delete/"]:
        assert f'href="{url}"' in page
