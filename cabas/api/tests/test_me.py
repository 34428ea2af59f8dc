from cabas.accounts.models import ApiToken
from tests.factories import HubFactory, RoleFactory


def test_it_describes_the_token_owner_and_their_enterprises(client, owner):
    hub = HubFactory(name="Épicerie du Plateau", slug="epicerie-du-plateau")
    RoleFactory(user=owner, enterprise=hub, role="volunteer")
    _, raw = ApiToken.generate(user=owner, name="script")

    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert response.status_code == 200
    body = response.json()
    body["enterprises"].sort(key=lambda e: e["slug"])  # accented names sort differently per database
    assert body == {
        "email": owner.email,
        "full_name": owner.full_name,
        "language": "fr",
        "enterprises": [
            {"slug": "epicerie-du-plateau", "name": "Épicerie du Plateau", "role": "volunteer",
             "role_label": "Bénévole"},
            {"slug": "ferme-des-collines", "name": "Ferme des Collines", "role": "owner",
             "role_label": "Responsable"},
        ],
    }
    assert "id" not in body


def test_it_answers_a_logged_in_browser_without_a_token(client_for, volunteer):
    response = client_for(volunteer).get("/api/v1/me")

    assert response.status_code == 200
    assert response.json()["enterprises"][0]["role"] == "volunteer"


def test_it_lists_no_enterprise_for_a_customer(client_for, customer):
    response = client_for(customer).get("/api/v1/me")

    assert response.json()["enterprises"] == []


def test_it_refuses_an_anonymous_visitor(client, db):
    assert client.get("/api/v1/me").status_code == 401


def test_it_answers_in_constant_queries(client, owner, django_assert_max_num_queries):
    for _ in range(5):
        RoleFactory(user=owner, role="manager")
    _, raw = ApiToken.generate(user=owner, name="script")

    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert len(response.json()["enterprises"]) == 6
