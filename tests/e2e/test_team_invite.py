"""An owner invites a newcomer by email; the newcomer signs up from the link, confirms, and joins."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.e2e.helpers import link_in_last_email, main_menu, manage_menu
from tests.factories import PASSWORD, EnterpriseFactory, RoleFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

INVITEE = "paul.renfort@exemple.fr"


def test_it_lets_an_invited_person_sign_up_and_join_the_team(page, live_server, settings):
    settings.SITE_URL = live_server.url
    farm = EnterpriseFactory(name="Ferme des Collines", slug="ferme-des-collines")
    RoleFactory(
        enterprise=farm, role="owner", user__email="claire@exemple.fr", user__full_name="Claire Perrin"
    )

    # The owner logs in and invites Paul as a manager from the team page.
    page.goto("/accounts/login/")
    page.get_by_label("Adresse e-mail").fill("claire@exemple.fr")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes structures")
    page.get_by_role("link", name="Ferme des Collines").click()
    manage_menu(page).get_by_role("link", name="Équipe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Équipe")
    invite = page.get_by_role("form", name="Inviter quelqu'un")
    invite.get_by_label("Adresse e-mail").fill(INVITEE)
    invite.get_by_label("Rôle").select_option(label="Gestionnaire")
    invite.get_by_role("button", name="Inviter").click()
    expect(page.get_by_text(f"Invitation envoyée à {INVITEE}.")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text=INVITEE)).to_contain_text("Gestionnaire")
    main_menu(page).get_by_role("button", name="Se déconnecter").click()

    # Paul opens the link of the email: he has no account yet, so he signs up first.
    invitation = next(m for m in mail.outbox if INVITEE in m.to)
    assert "Ferme des Collines" in invitation.subject
    page.goto(link_in_last_email(INVITEE))
    expect(page.get_by_role("heading", level=1)).to_have_text("Créer un compte")
    page.get_by_label("Adresse e-mail").fill(INVITEE)
    page.get_by_label("Nom complet").fill("Paul Renfort")
    page.get_by_label("Mot de passe", exact=True).fill("des-choux-et-des-carottes")
    page.get_by_label("Confirmez le mot de passe").fill("des-choux-et-des-carottes")
    page.get_by_label(re.compile("^J'accepte que Cabas")).check()
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("confirmez votre adresse e-mail")

    # The confirmation link brings him back to the invitation, logged in.
    page.goto(link_in_last_email(INVITEE))
    expect(page.get_by_role("heading", level=1)).to_have_text("Rejoindre « Ferme des Collines »")
    expect(page.get_by_text("avec le rôle « Gestionnaire »")).to_be_visible()
    page.get_by_role("button", name="Rejoindre l'équipe").click()
    expect(page.get_by_text("Bienvenue dans l'équipe de « Ferme des Collines » !")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")

    # The farm is now among his structures, with his role.
    main_menu(page).get_by_role("link", name="Mes structures").click()
    card = page.locator(".card").filter(has=page.get_by_role("link", name="Ferme des Collines"))
    expect(card).to_contain_text("Gestionnaire")

    # The team page lists him with his role.
    page.get_by_role("link", name="Ferme des Collines").click()
    manage_menu(page).get_by_role("link", name="Équipe").click()
    expect(page.get_by_role("row").filter(has_text="Paul Renfort")).to_contain_text("Gestionnaire")
