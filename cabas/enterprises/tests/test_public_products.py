"""The products section of a producer's public page."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from cabas.catalogue.models import Category, Label, ProductPhoto
from cabas.enterprises.models import VatRegime
from tests.factories import EnterpriseFactory, HubFactory, ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db


def page(client, slug="ferme-des-collines", **headers):
    response = client.get(f"/{slug}/", **headers)
    assert response.status_code == 200
    return response.content.decode()


def section(html: str) -> str:
    start = html.index('id="products-title"')
    return html[start : html.index("</section>", start)]


@pytest.fixture
def farm(db):
    return EnterpriseFactory(
        name="Ferme des Collines", slug="ferme-des-collines", vat_regime=VatRegime.STANDARD
    )


def image_file(name="tomates.png"):
    buffer = BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_it_shows_the_products_by_category_with_sizes_and_prices(client, farm):
    tomatoes = ProductFactory(
        producer=farm, name="Tomates anciennes", category=Category.objects.get(slug="tomates")
    )
    tomatoes.labels.set(Label.objects.filter(slug="ab"))
    VariantFactory(product=tomatoes, unit="g", quantity=Decimal("500"), price=Decimal("3.20"))
    VariantFactory(product=tomatoes, name="Cagette", unit="kg", quantity=Decimal("1"), price=Decimal("5.20"))
    eggs = ProductFactory(producer=farm, name="Œufs plein air", category=Category.objects.get(slug="oeufs"))
    VariantFactory(product=eggs, unit="item", quantity=Decimal("6"), unit_name="œufs", price=Decimal("2.40"))
    bunch = ProductFactory(producer=farm, name="Radis", category=Category.objects.get(slug="legumes-racines"))
    VariantFactory(
        product=bunch, unit="item", quantity=Decimal("1"), unit_name="botte", price=Decimal("1.50")
    )

    html = section(page(client))

    assert html.index(">Légumes</h3>") < html.index("Radis") < html.index("Tomates anciennes")
    assert html.index("Tomates anciennes") < html.index(">Œufs</h3>") < html.index("Œufs plein air")
    assert "500 g — <strong>3,20\u00a0€</strong>" in html
    assert "(6,40\u00a0€ / kg)" in html
    assert "6 œufs — <strong>2,40\u00a0€</strong>" in html and "(0,40\u00a0€ / pièce)" in html
    assert "1 botte — <strong>1,50\u00a0€</strong></li>" in html  # one piece: no price per piece
    assert "Cagette, 1 kg — <strong>5,20\u00a0€</strong></li>" in html  # one kilo: no price per kilo
    assert "AB — Agriculture biologique" in html
    assert "TVA non applicable" not in html


def test_it_shows_a_variable_weight_price_as_an_estimate(client, farm):
    cheese = ProductFactory(
        producer=farm, name="Tomme", category=Category.objects.get(slug="fromages-affines")
    )
    VariantFactory(
        product=cheese, unit="g", quantity=Decimal("300"), price=Decimal("24.00"), variable_weight=True
    )

    html = section(page(client))

    assert "environ 300 g — <strong>7,20\u00a0€</strong>" in html
    assert "prix estimé, 24,00\u00a0€ / kg, pesé à la remise" in html


def test_it_names_categories_in_the_visitor_language(client, farm):
    VariantFactory(product=ProductFactory(producer=farm, category=Category.objects.get(slug="tomates")))

    html = section(page(client, HTTP_ACCEPT_LANGUAGE="en"))

    assert ">Vegetables</h3>" in html


def test_it_notes_the_vat_franchise(client, farm):
    farm.vat_regime = VatRegime.FRANCHISE
    farm.save()
    VariantFactory(product=ProductFactory(producer=farm))

    assert "TVA non applicable, art. 293 B du CGI" in section(page(client))


@override_settings(
    STORAGES={
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
)
def test_it_shows_a_thumbnail_with_its_text_alternative(client, farm):
    product = ProductFactory(producer=farm, name="Tomates")
    VariantFactory(product=product)
    ProductPhoto.objects.create(
        product=product,
        image=image_file(),
        thumbnail=image_file("thumb.png"),
        alt="Tomates rouges en cagette",
    )

    html = section(page(client))

    assert 'alt="Tomates rouges en cagette"' in html
    assert "thumb" in html


def test_it_leaves_out_archived_products_and_variants(client, farm):
    kept = ProductFactory(producer=farm, name="Courgettes")
    VariantFactory(product=kept, quantity=Decimal("1000"), unit="g", price=Decimal("2.00"))
    VariantFactory(
        product=kept, quantity=Decimal("5000"), unit="g", price=Decimal("8.00"), archived_at=timezone.now()
    )
    archived = ProductFactory(producer=farm, name="Potimarrons", archived_at=timezone.now())
    VariantFactory(product=archived)
    no_variant = ProductFactory(producer=farm, name="Fèves")
    VariantFactory(product=no_variant, archived_at=timezone.now())

    html = section(page(client))

    assert "Courgettes" in html and "1000 g" in html
    assert "5000 g" not in html and "Potimarrons" not in html and "Fèves" not in html


def test_it_omits_the_section_when_there_is_nothing_on_sale(client, farm):
    html = page(client)
    assert 'id="products-title"' not in html

    hub = HubFactory(slug="epicerie")
    assert 'id="products-title"' not in page(client, "epicerie")
    assert hub.name in page(client, "epicerie")


def test_it_shows_many_products_in_a_constant_number_of_queries(client, farm, django_assert_max_num_queries):
    categories = list(Category.objects.filter(parent__isnull=False)[:6])
    for n in range(40):
        product = ProductFactory(producer=farm, name=f"Produit {n}", category=categories[n % 6])
        product.labels.set(Label.objects.filter(slug__in=["ab", "hve"]))
        ProductPhoto.objects.create(product=product, image=f"products/p{n}.jpg", alt=f"Photo {n}")
        for size in (250, 500):
            VariantFactory(product=product, quantity=size)

    with django_assert_max_num_queries(9):
        html = page(client)

    assert section(html).count('class="product-item"') == 40
