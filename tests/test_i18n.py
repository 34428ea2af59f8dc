"""The interface is French by default and fully available in English (locale/en)."""

import gettext
import os
import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils.translation import trans_real

from tests.factories import PASSWORD, EnterpriseFactory, RoleFactory, UserFactory

PO_PATH = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po"
# Python-format placeholders, str.format / JS-style placeholders and HTML tags must survive translation.
PLACEHOLDER_RE = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}|</?(?:a|b|br|code|em|i|span|strong)\b[^>]*>")


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogue():
    """`pytest` alone works on a clean clone: compile the catalogues (en, fr) if missing or stale."""
    for po_path in Path(settings.LOCALE_PATHS[0]).glob("*/LC_MESSAGES/django.po"):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            # Written aside then renamed, so that parallel workers never read a half-written file.
            partial = mo_path.with_name(f".django-{os.getpid()}.mo")
            polib.pofile(str(po_path)).save_as_mofile(str(partial))
            os.replace(partial, mo_path)
            # Catalogues loaded before the file existed are cached per process: forget them.
            trans_real._translations = {}
            trans_real._default = None
    return PO_PATH.with_suffix(".mo")


@pytest.fixture
def english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    return client


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER_RE.findall(text))


# --- The catalogue ----------------------------------------------------------------------------


def test_it_translates_every_string_of_the_english_catalogue():
    po = polib.pofile(str(PO_PATH))

    assert po.metadata["Language"] == "en"
    assert po.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert len(po) > 500
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert [e.msgid for e in po.obsolete_entries()] == []


def test_it_keeps_every_placeholder_and_tag_in_the_translations():
    po = polib.pofile(str(PO_PATH))
    mismatches = []
    for entry in po.translated_entries():
        if entry.msgid_plural:
            pairs = [(entry.msgid, entry.msgstr_plural[0]), (entry.msgid_plural, entry.msgstr_plural[1])]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        mismatches += [
            (source, target) for source, target in pairs if placeholders(source) != placeholders(target)
        ]

    assert mismatches == []


def test_it_compiles_the_catalogue_with_the_project_command(tmp_path, settings):
    copy = tmp_path / "locale" / "en" / "LC_MESSAGES"
    copy.mkdir(parents=True)
    shutil.copy(PO_PATH, copy / "django.po")
    settings.LOCALE_PATHS = [tmp_path / "locale"]

    call_command("compile_translations")

    with open(copy / "django.mo", "rb") as mo:
        catalogue = gettext.GNUTranslations(mo)
    assert catalogue.gettext("Producteurs") == "Producers"
    assert catalogue.gettext("Responsable") == "Owner"
    assert catalogue.ngettext("%(counter)s résultat", "%(counter)s résultats", 1) == "%(counter)s result"
    assert catalogue.ngettext("%(counter)s résultat", "%(counter)s résultats", 3) == "%(counter)s results"


# --- French by default --------------------------------------------------------------------------


def test_it_counts_zero_as_singular_in_french():
    from django.utils import translation
    from django.utils.translation import ngettext

    french = polib.pofile(str(PO_PATH.parent.parent.parent / "fr" / "LC_MESSAGES" / "django.po"))
    entry = next(e for e in french if e.msgid_plural)

    assert french.metadata["Plural-Forms"] == "nplurals=2; plural=(n > 1);"
    with translation.override("fr"):
        assert ngettext(entry.msgid, entry.msgid_plural, 0) == entry.msgid
        assert ngettext(entry.msgid, entry.msgid_plural, 2) == entry.msgid_plural
    assert all(e.msgstr_plural == {0: e.msgid, 1: e.msgid_plural} for e in french if e.msgid_plural)


@pytest.mark.django_db
def test_it_shows_the_site_in_french_by_default(client):
    html = client.get("/").content.decode()

    assert '<html lang="fr">' in html
    assert "Producteurs" in html
    assert "Se connecter" in html
    assert "Producers" not in html


@pytest.mark.django_db
def test_it_shows_django_own_validation_messages_in_french(client):
    response = client.post("/accounts/signup/", {"email": "pas-une-adresse", "full_name": ""})

    html = response.content.decode()
    assert "Saisissez une adresse de courriel valide." in html  # Django's own catalogue
    assert "Ce champ est obligatoire." in html
    assert "Cochez cette case pour créer votre compte." in html


@pytest.mark.django_db
def test_it_keeps_french_for_a_browser_asking_for_a_language_it_does_not_have(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9").content.decode()

    assert '<html lang="fr">' in html
    assert "Producteurs" in html


# --- The English switch -------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_switches_the_public_pages_to_english(english):
    home = english.get("/").content.decode()
    assert '<html lang="en">' in home
    assert "Skip to content" in home
    assert "Producers" in home
    assert "Producteurs" not in home

    producers = english.get("/producers/").content.decode()
    assert "Find a producer" in producers
    assert "Chercher un producteur" not in producers

    login = english.get("/accounts/login/").content.decode()
    assert "Log in" in login
    assert "Forgotten your password?" in login
    assert "Mot de passe" not in login


@pytest.mark.django_db
def test_it_switches_back_to_french(english):
    english.post("/i18n/setlang/", {"language": "fr", "next": "/"})

    html = english.get("/").content.decode()
    assert '<html lang="fr">' in html
    assert "Producteurs" in html


@pytest.mark.django_db
def test_it_answers_a_browser_that_prefers_english_in_english(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()

    assert '<html lang="en">' in html
    assert "Producers" in html


@pytest.mark.django_db
def test_it_explains_sign_up_errors_in_english(english):
    response = english.post(
        "/accounts/signup/",
        {
            "email": "not-an-address",
            "full_name": "Sam Taylor",
            "password1": "carrots-and-leeks",
            "password2": "leeks-and-carrots",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid email address." in html  # Django's own message
    assert "The two passwords do not match." in html
    assert "Tick this box to create your account." in html
    assert "Le formulaire" not in html


@pytest.mark.django_db
def test_it_sends_the_confirmation_email_in_the_language_of_the_sign_up(
    english, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        english.post(
            "/accounts/signup/",
            {
                "email": "sam.taylor@example.org",
                "full_name": "Sam Taylor",
                "password1": "carrots-and-leeks",
                "password2": "carrots-and-leeks",
                "consent": "on",
            },
        )

    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Confirm your email address on Cabas"
    assert "Hello Sam Taylor" in mail.outbox[0].body


@pytest.mark.django_db
def test_it_shows_the_dashboard_in_the_language_of_my_profile_after_login(client):
    enterprise = EnterpriseFactory(name="Ferme des Collines", slug="ferme-des-collines")
    user = UserFactory(email="sam@example.org", language="en")
    RoleFactory(enterprise=enterprise, user=user, role="owner")

    client.post("/accounts/login/", {"email": "sam@example.org", "password": PASSWORD})
    html = client.get("/manage/ferme-des-collines/").content.decode()

    assert '<html lang="en">' in html
    assert "Dashboard" in html
    assert "Team" in html
    assert "Tableau de bord" not in html


def test_it_writes_english_punctuation_in_the_english_catalogue():
    """No space (regular, no-break or narrow) before « : ; ! ? » and no French quotes in English."""
    po = polib.pofile(str(PO_PATH))
    french_typography = re.compile(r"[ \u00a0\u202f][:;!?]|[«»]")
    offenders = [
        (entry.msgid, text)
        for entry in po.translated_entries()
        for text in [entry.msgstr, *entry.msgstr_plural.values()]
        if text and french_typography.search(text)
    ]

    assert offenders == []


# --- Amounts, dates and kinds in English --------------------------------------------------------


@pytest.mark.django_db
def test_it_writes_amounts_and_dates_the_english_way_in_the_shop(english):
    from cabas.orders.tests.shop_setup import open_shop

    shop = open_shop()

    html = english.get(f"/{shop.shop.slug}/shop/").content.decode()

    assert "€3.20" in html and "€2.50" in html
    assert "3,20" not in html and "2,50" not in html
    pickup = shop.distribution.pickup_at
    assert pickup.strftime("%B") in html or pickup.strftime("%b") in html  # an English month


@pytest.mark.django_db
def test_it_writes_amounts_the_french_way_in_french(client):
    from cabas.orders.tests.shop_setup import open_shop

    shop = open_shop()

    html = client.get(f"/{shop.shop.slug}/shop/").content.decode()

    assert "3,20\u00a0€" in html and "€3.20" not in html


@pytest.mark.django_db
def test_it_names_an_amap_by_what_it_is_in_both_languages(english):
    from django.test import Client

    from cabas.enterprises.models import ModelPreset
    from tests.factories import HubFactory

    amap = HubFactory(name="AMAP des Pentes", slug="amap-des-pentes", model=ModelPreset.AMAP, trade="")
    HubFactory(name="Les Fermiers", slug="les-fermiers", model=ModelPreset.PRODUCER_STORE, trade="")
    HubFactory(name="Épicerie du Plateau", slug="epicerie-du-plateau", trade="")

    french = Client().get("/shops/").content.decode()
    directory = english.get("/shops/").content.decode()
    amap_page = english.get(amap.get_absolute_url()).content.decode()
    markers = english.get("/map/data.geojson").json()["features"]

    badges = re.compile(r'<span class="badge">([^<]+)</span>')
    assert sorted(badges.findall(french)) == ["AMAP", "Magasin de producteurs", "Point de vente collectif"]
    assert sorted(badges.findall(directory)) == ["CSA (AMAP)", "Farmers&#x27; shop", "Food hub"]
    assert badges.findall(amap_page)[0] == "CSA (AMAP)"
    assert {m["properties"]["slug"]: m["properties"]["kind_label"] for m in markers} == {
        "amap-des-pentes": "CSA (AMAP)",
        "les-fermiers": "Farmers' shop",
        "epicerie-du-plateau": "Food hub",
    }
