import pytest
from django.core import mail
from django.urls import reverse

from cabas.enterprises.models import Invitation, Role
from tests.factories import RoleFactory, UserFactory


@pytest.fixture
def url(enterprise):
    return reverse("manage:team", args=[enterprise.slug])


def action(enterprise, name):
    return reverse(f"manage:{name}", args=[enterprise.slug])


def role_of(user, enterprise):
    return Role.objects.filter(user=user, enterprise=enterprise).values_list("role", flat=True).first()


def test_it_lists_the_team_to_volunteers_without_invite_form(client_for, volunteer, owner, manager, url):
    response = client_for(volunteer).get(url)
    assert response.status_code == 200
    assert owner.full_name in response.text
    assert manager.full_name in response.text
    assert "owner@exemple.fr" not in response.text  # addresses are for those who manage the team
    assert "Inviter quelqu" not in response.text
    assert "Qui peut faire quoi" in response.text


def test_it_lists_a_large_team_in_few_queries(
    client_for, owner, enterprise, url, django_assert_max_num_queries
):
    for _ in range(20):
        RoleFactory(enterprise=enterprise, role="volunteer")
    for n in range(5):
        Invitation.objects.create(
            enterprise=enterprise, email=f"i{n}@exemple.fr", role="volunteer", token=f"t{n}", invited_by=owner
        )
    client = client_for(owner)
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert "i4@exemple.fr" in response.text
    assert response.text.count("Annuler") == 5


def test_it_adds_an_existing_user_at_once_and_tells_them(
    client_for, owner, enterprise, django_capture_on_commit_callbacks
):
    someone = UserFactory(email="paul@exemple.fr")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(owner).post(
            action(enterprise, "team_invite"), {"email": "Paul@Exemple.fr", "role": "manager"}
        )
    assert response.status_code == 302
    assert role_of(someone, enterprise) == "manager"
    assert not Invitation.objects.exists()
    [email] = mail.outbox
    assert email.to == ["paul@exemple.fr"]
    assert "Ferme des Collines" in email.subject
    assert "Gestionnaire" in email.body
    assert email.alternatives[0][1] == "text/html"
    assert "Ferme des Collines" in email.from_email


def test_it_invites_someone_without_an_account_by_email(
    client_for, owner, enterprise, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(owner).post(
            action(enterprise, "team_invite"), {"email": "lea@exemple.fr", "role": "volunteer"}
        )
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "lea@exemple.fr",
        "volunteer",
        owner,
    )
    assert len(invitation.token) >= 32
    [email] = mail.outbox
    assert email.to == ["lea@exemple.fr"]
    assert f"/invitations/{invitation.token}/" in email.body
    assert "vous invite à rejoindre" in email.subject
    assert email.reply_to == ["owner@exemple.fr"]


def test_it_lets_a_manager_invite_volunteers_only(client_for, manager, enterprise):
    client = client_for(manager)
    response = client.post(action(enterprise, "team_invite"), {"email": "boss@exemple.fr", "role": "owner"})
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.text
    assert not Invitation.objects.exists()
    client.post(action(enterprise, "team_invite"), {"email": "aide@exemple.fr", "role": "volunteer"})
    assert Invitation.objects.get().role == "volunteer"


def test_it_refuses_an_invalid_email(client_for, owner, enterprise):
    response = client_for(owner).post(
        action(enterprise, "team_invite"), {"email": "pas-un-email", "role": "owner"}
    )
    assert "Saisissez une adresse de courriel valide" in response.text
    assert not Invitation.objects.exists()


def test_it_refuses_to_invite_a_member_twice(
    client_for, owner, manager, enterprise, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(owner).post(
            action(enterprise, "team_invite"), {"email": "manager@exemple.fr", "role": "owner"}, follow=True
        )
    assert "fait déjà partie de l" in response.text
    assert role_of(manager, enterprise) == "manager"
    assert mail.outbox == []


def test_it_refuses_a_second_pending_invitation(client_for, owner, enterprise):
    client = client_for(owner)
    client.post(action(enterprise, "team_invite"), {"email": "lea@exemple.fr", "role": "volunteer"})
    response = client.post(
        action(enterprise, "team_invite"), {"email": "LEA@exemple.fr", "role": "manager"}, follow=True
    )
    assert "déjà en attente" in response.text
    assert Invitation.objects.get().role == "volunteer"


def test_it_cancels_a_pending_invitation(client_for, owner, enterprise):
    Invitation.objects.create(enterprise=enterprise, email="lea@exemple.fr", role="manager", token="abc")
    client_for(owner).post(action(enterprise, "invitation_cancel"), {"email": "lea@exemple.fr"})
    assert not Invitation.objects.exists()


def test_it_does_not_let_a_manager_cancel_a_manager_invitation(client_for, manager, enterprise):
    Invitation.objects.create(enterprise=enterprise, email="lea@exemple.fr", role="manager", token="abc")
    response = client_for(manager).post(
        action(enterprise, "invitation_cancel"), {"email": "lea@exemple.fr"}, follow=True
    )
    assert "ne vous permet pas" in response.text
    assert Invitation.objects.exists()


def test_it_changes_a_role(client_for, owner, volunteer, enterprise):
    client_for(owner).post(action(enterprise, "team_role"), {"email": volunteer.email, "role": "manager"})
    assert role_of(volunteer, enterprise) == "manager"


def test_it_never_demotes_the_last_owner(client_for, owner, manager, enterprise):
    response = client_for(owner).post(
        action(enterprise, "team_role"), {"email": owner.email, "role": "manager"}, follow=True
    )
    assert "garder au moins un responsable" in response.text
    assert role_of(owner, enterprise) == "owner"


def test_it_lets_an_owner_step_down_once_there_is_another(client_for, owner, manager, enterprise):
    client = client_for(owner)
    client.post(action(enterprise, "team_role"), {"email": manager.email, "role": "owner"})
    client.post(action(enterprise, "team_role"), {"email": owner.email, "role": "volunteer"})
    assert (role_of(owner, enterprise), role_of(manager, enterprise)) == ("volunteer", "owner")


def test_it_removes_a_member(client_for, owner, volunteer, enterprise):
    response = client_for(owner).post(
        action(enterprise, "team_remove"), {"email": volunteer.email}, follow=True
    )
    assert role_of(volunteer, enterprise) is None
    assert "ne fait plus partie" in response.text


def test_it_never_removes_the_last_owner(client_for, owner, enterprise):
    response = client_for(owner).post(action(enterprise, "team_remove"), {"email": owner.email}, follow=True)
    assert "garder au moins un responsable" in response.text
    assert role_of(owner, enterprise) == "owner"


def test_it_says_when_the_person_is_not_in_the_team(client_for, owner, outsider, enterprise):
    response = client_for(owner).post(
        action(enterprise, "team_remove"), {"email": outsider.email}, follow=True
    )
    assert "ne fait pas partie de l" in response.text
    assert Role.objects.filter(user=outsider).exists()


def test_it_lets_a_volunteer_leave(client_for, volunteer, enterprise):
    response = client_for(volunteer).post(action(enterprise, "team_leave"))
    assert response["Location"] == reverse("manage:home")
    assert role_of(volunteer, enterprise) is None


def test_it_never_lets_the_last_owner_leave(client_for, owner, manager, enterprise):
    response = client_for(owner).post(action(enterprise, "team_leave"), follow=True)
    assert "garder au moins un responsable" in response.text
    assert role_of(owner, enterprise) == "owner"


def test_it_hides_team_controls_from_managers(client_for, manager, volunteer, url):
    response = client_for(manager).get(url)
    assert "Inviter quelqu" in response.text
    assert reverse("manage:team_remove", args=["ferme-des-collines"]) not in response.text
    assert "En tant que gestionnaire, vous pouvez inviter des bénévoles" in response.text


def test_it_lets_an_owner_name_and_unname_a_consumer_referent(client_for, owner, volunteer, enterprise):
    client = client_for(owner)
    url = reverse("manage:team_referent", args=[enterprise.slug])

    client.post(url, {"email": volunteer.email, "referent": "on"})
    assert Role.objects.get(user=volunteer).consumer_referent is True
    assert "référent consommateurs" in client.get(reverse("manage:team", args=[enterprise.slug])).text

    client.post(url, {"email": volunteer.email})
    assert Role.objects.get(user=volunteer).consumer_referent is False


def test_it_refuses_referent_changes_from_a_manager(client_for, manager, volunteer, enterprise):
    response = client_for(manager).post(
        reverse("manage:team_referent", args=[enterprise.slug]), {"email": volunteer.email, "referent": "on"}
    )

    assert response.status_code == 403
    assert Role.objects.get(user=volunteer).consumer_referent is False
