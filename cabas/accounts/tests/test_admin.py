import pytest

from cabas.accounts.models import ApiToken, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    admin = User.objects.create_superuser(email="admin@exemple.fr", password="un-admin-tres-solide")
    client.force_login(admin)
    return client


def test_it_lists_and_edits_users_by_email(staff_client, customer):
    assert "customer@exemple.fr" in staff_client.get("/admin/accounts/user/?q=customer").content.decode()
    assert staff_client.get(f"/admin/accounts/user/{customer.pk}/change/").status_code == 200
    assert staff_client.get("/admin/accounts/user/add/").status_code == 200


def test_it_creates_a_user_from_the_admin(staff_client):
    response = staff_client.post(
        "/admin/accounts/user/add/",
        {
            "email": "nouveau@exemple.fr",
            "full_name": "Nouveau",
            "password1": "un-mot-de-passe-long",
            "password2": "un-mot-de-passe-long",
            "usable_password": "true",
        },
    )

    assert response.status_code == 302
    assert User.objects.get(email="nouveau@exemple.fr").check_password("un-mot-de-passe-long")


def test_it_shows_api_tokens_read_only(staff_client):
    token, _raw = ApiToken.generate(user=UserFactory(), name="Script")

    page = staff_client.get(f"/admin/accounts/apitoken/{token.pk}/change/").content.decode()

    assert token.key_hash in page
    assert 'name="key_hash"' not in page
    assert 'name="revoked_at' in page
    assert staff_client.get("/admin/accounts/apitoken/add/").status_code == 403
