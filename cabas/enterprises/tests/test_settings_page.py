import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from cabas.catalogue.models import Label
from cabas.enterprises.models import GeocodeStatus, Visibility


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def url(enterprise):
    return reverse("manage:settings", args=[enterprise.slug])


@pytest.fixture
def as_manager(client_for, manager):
    return client_for(manager)


def form_data(enterprise, **overrides):
    data = {
        "name": enterprise.name,
        "trade": enterprise.trade,
        "short_description": "Légumes de saison",
        "description": "Une ferme familiale.",
        "is_producer": "on",
        "sells": enterprise.sells,
        "website": "",
        "email": "contact@ferme.fr",
        "phone": "04 78 00 00 00",
        "siret": "",
        "legal_form": "",
        "vat_regime": "franchise",
        "vat_number": "",
        "address": enterprise.address,
        "postcode": enterprise.postcode,
        "city": enterprise.city,
        "lat": enterprise.lat,
        "lon": enterprise.lon,
        "visibility": enterprise.visibility,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def png(size=(64, 64), noise=False) -> bytes:
    buffer = io.BytesIO()
    if noise:
        Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(buffer, "PNG")
    else:
        Image.new("RGB", size, (47, 107, 47)).save(buffer, "PNG")
    return buffer.getvalue()


def test_it_shows_the_current_values(as_manager, url, enterprise):
    response = as_manager.get(url)
    assert response.status_code == 200
    assert 'value="Ferme des Collines"' in response.text
    assert "Localisée" in response.text


def test_it_saves_the_profile(as_manager, url, enterprise):
    response = as_manager.post(url, form_data(enterprise, description="Maraîchage sur sol vivant."))
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.description == "Maraîchage sur sol vivant."
    assert enterprise.email == "contact@ferme.fr"
    assert enterprise.public_email == ""
    assert "enregistrée" in as_manager.get(url).text


def test_it_saves_the_email_shown_publicly_apart_from_the_contact_email(as_manager, url, enterprise, client):
    page = as_manager.get(url).text
    assert '<label for="id_public_email">E-mail affiché publiquement' in page

    as_manager.post(url, form_data(enterprise, public_email="bonjour@ferme.fr"))

    enterprise.refresh_from_db()
    assert enterprise.public_email == "bonjour@ferme.fr"
    public = client.get(enterprise.get_absolute_url()).text
    assert 'href="mailto:bonjour@ferme.fr"' in public and "contact@ferme.fr" not in public


def test_it_refuses_a_malformed_public_email(as_manager, url, enterprise):
    response = as_manager.post(url, form_data(enterprise, public_email="pas-une-adresse"))

    assert response.status_code == 200
    assert "Saisissez une adresse de courriel valide." in response.text
    enterprise.refresh_from_db()
    assert enterprise.public_email == ""


def test_it_never_changes_the_page_address(as_manager, url, enterprise):
    as_manager.post(url, form_data(enterprise, slug="nouvelle-adresse"))
    enterprise.refresh_from_db()
    assert enterprise.slug == "ferme-des-collines"


def test_it_locates_a_new_address_again(as_manager, url, enterprise):
    as_manager.post(
        url,
        form_data(
            enterprise, address="1 place de l'Église", postcode="69510", city="Thurins", lat=None, lon=None
        ),
    )
    enterprise.refresh_from_db()
    assert enterprise.city == "Thurins"
    assert enterprise.geocode_status == GeocodeStatus.OK
    assert enterprise.lat == pytest.approx(45.68, abs=0.02)


def test_it_moves_the_pin_even_when_the_old_coordinates_are_posted_back(as_manager, url, enterprise):
    as_manager.post(url, form_data(enterprise, postcode="69440", city="Mornant"))
    enterprise.refresh_from_db()
    assert enterprise.lat == pytest.approx(45.62, abs=0.02)


def test_it_says_when_the_new_address_cannot_be_found(as_manager, url, enterprise):
    response = as_manager.post(url, form_data(enterprise, postcode="99999", city="Nulle-Part"), follow=True)
    enterprise.refresh_from_db()
    assert enterprise.geocode_status == GeocodeStatus.FAILED
    assert enterprise.lat is None
    assert "Adresse introuvable" in response.text


def test_it_keeps_coordinates_typed_by_hand(as_manager, url, enterprise):
    as_manager.post(url, form_data(enterprise, lat="45.7", lon="4.6"))
    enterprise.refresh_from_db()
    assert (enterprise.lat, enterprise.lon, enterprise.geocode_status) == (45.7, 4.6, GeocodeStatus.MANUAL)


def test_it_uploads_a_logo(as_manager, url, enterprise):
    logo = SimpleUploadedFile("logo.png", png(), content_type="image/png")
    response = as_manager.post(url, {**form_data(enterprise), "logo": logo})
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.logo.name.startswith("logos/")


def test_it_refuses_a_file_that_is_not_an_image(as_manager, url, enterprise):
    fake = SimpleUploadedFile("logo.png", b"%PDF-1.4 not an image", content_type="image/png")
    response = as_manager.post(url, {**form_data(enterprise, description="changé"), "logo": fake})
    assert response.status_code == 200
    assert "Téléversez une image valide" in response.text
    enterprise.refresh_from_db()
    assert not enterprise.logo
    assert enterprise.description == ""


def test_it_refuses_a_logo_over_two_megabytes(as_manager, url, enterprise):
    big = png(size=(1000, 1000), noise=True)
    assert len(big) > 2 * 1024 * 1024
    response = as_manager.post(url, {**form_data(enterprise), "logo": SimpleUploadedFile("big.png", big)})
    assert "trop lourd (2 Mo au plus)" in response.text
    enterprise.refresh_from_db()
    assert not enterprise.logo


def test_it_saves_the_labels(as_manager, url, enterprise):
    labels = list(Label.objects.all()[:2])
    as_manager.post(url, {**form_data(enterprise), "labels": [label.pk for label in labels]})
    assert set(enterprise.labels.all()) == set(labels)


def test_it_refuses_an_invalid_siret_and_changes_nothing(as_manager, url, enterprise):
    response = as_manager.post(url, form_data(enterprise, siret="123 456 789 00000", description="changé"))
    assert response.status_code == 200
    assert "SIRET n&#x27;existe pas" in response.text
    enterprise.refresh_from_db()
    assert enterprise.siret == ""
    assert enterprise.description == ""


def test_it_refuses_a_vat_number_of_another_company(as_manager, url, enterprise):
    response = as_manager.post(url, form_data(enterprise, siret="73282932000074", vat_number="FR40303265045"))
    assert "ne correspond pas au SIRET" in response.text


def test_it_can_hide_the_enterprise(as_manager, url, enterprise):
    as_manager.post(url, form_data(enterprise, visibility=Visibility.HIDDEN))
    enterprise.refresh_from_db()
    assert enterprise.visibility == Visibility.HIDDEN


def test_it_is_not_shown_to_volunteers(client_for, volunteer, enterprise):
    dashboard = client_for(volunteer).get(reverse("manage:dashboard", args=[enterprise.slug]))
    assert "Fiche de la structure" not in dashboard.text


def test_it_saves_the_shop_settings_of_a_structure_that_sells(as_manager, url, enterprise):
    data = {**form_data(enterprise), "shop_private": "on", "orders_editable": "on"}  # guest checkout unticked

    response = as_manager.post(url, data)

    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert (enterprise.shop_private, enterprise.guest_checkout, enterprise.orders_editable) == (
        True,
        False,
        True,
    )


def test_it_neither_shows_nor_resets_shop_settings_without_a_shop(as_manager, url, enterprise):
    enterprise.sells = "none"
    enterprise.save()

    assert "guest_checkout" not in as_manager.get(url).content.decode()
    response = as_manager.post(url, {**form_data(enterprise), "sells": "none"})

    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.guest_checkout is True and enterprise.orders_editable is True
