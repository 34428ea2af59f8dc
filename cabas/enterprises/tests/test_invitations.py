import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from cabas.enterprises.models import Invitation, Role
from tests.factories import UserFactory


@pytest.fixture
def invitation(enterprise, owner):
    return Invitation.objects.create(
        enterprise=enterprise,
        email="lea@exemple.fr",
        role="manager",
        token="jeton-secret-0123456789",
        invited_by=owner,
    )


@pytest.fixture
def url(invitation):
    return reverse("invitation", args=[invitation.token])


@pytest.fixture
def lea(db):
    return UserFactory(email="Lea@Exemple.fr")


def test_it_sends_anonymous_visitors_to_sign_up_and_back(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup") + "?" + urlencode({"next": url})


def test_it_asks_the_invited_person_to_confirm(client_for, lea, url):
    response = client_for(lea).get(url)
    assert response.status_code == 200
    assert "Rejoindre « Ferme des Collines »" in response.text
    assert "Gestionnaire" in response.text
    assert not Role.objects.filter(user=lea).exists()


def test_it_adds_the_invited_person_to_the_team(client_for, lea, url, invitation, enterprise):
    response = client_for(lea).post(url)
    assert response["Location"] == reverse("manage:dashboard", args=[enterprise.slug])
    assert Role.objects.get(user=lea, enterprise=enterprise).role == "manager"
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_it_refuses_someone_logged_in_with_another_address(client_for, customer, url, invitation):
    response = client_for(customer).post(url)
    assert response.status_code == 403
    assert "envoyée à une autre adresse e-mail" in response.text
    assert not Role.objects.filter(user=customer).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_it_says_when_the_link_was_already_used(client_for, lea, url, invitation):
    invitation.accepted_at = timezone.now()
    invitation.save()
    response = client_for(lea).post(url)
    assert response.status_code == 404
    assert "est plus valable" in response.text
    assert not Role.objects.filter(user=lea).exists()


def test_it_says_when_the_link_is_unknown(client, db):
    response = client.get(reverse("invitation", args=["inconnu"]))
    assert response.status_code == 404
    assert "Invitation introuvable" in response.text


def test_it_keeps_the_role_of_someone_already_in_the_team(client_for, enterprise, owner, url, invitation):
    owner.email = "lea@exemple.fr"
    owner.save()
    client_for(owner).post(url)
    assert Role.objects.get(user=owner, enterprise=enterprise).role == "owner"


def test_it_works_end_to_end_from_the_email(
    client_for, owner, enterprise, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(owner).post(
            reverse("manage:team_invite", args=[enterprise.slug]),
            {"email": "nouveau@exemple.fr", "role": "volunteer"},
        )
    link = next(line for line in mailoutbox[0].body.splitlines() if "/invitations/" in line)
    newcomer = UserFactory(email="nouveau@exemple.fr")
    path = link.split("://", 1)[1].split("/", 1)[1]
    client = client_for(newcomer)
    client.post("/" + path)
    assert Role.objects.get(user=newcomer, enterprise=enterprise).role == "volunteer"
