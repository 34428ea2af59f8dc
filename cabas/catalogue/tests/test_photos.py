import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from cabas.catalogue import photos, services
from cabas.catalogue.exceptions import InvalidPhoto
from cabas.catalogue.models import ProductPhoto
from tests.factories import ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def image_file(fmt="JPEG", size=(1600, 1200), name="tomates.jpg", mode="RGB"):
    buffer = io.BytesIO()
    Image.new(mode, size, (200, 40, 40) if mode == "RGB" else (200, 40, 40, 128)).save(buffer, format=fmt)
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}[fmt]
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


@pytest.mark.parametrize(("fmt", "mode"), [("JPEG", "RGB"), ("PNG", "RGBA"), ("WEBP", "RGB")])
def test_it_keeps_the_photo_and_makes_a_400_px_thumbnail(enterprise, fmt, mode):
    product = ProductFactory(producer=enterprise)

    photo = services.product_photo_add(
        product=product, image=image_file(fmt, mode=mode, name=f"p.{fmt.lower()}"), alt="Tomates rouges"
    )

    photo.refresh_from_db()
    assert photo.alt == "Tomates rouges"
    with Image.open(photo.thumbnail.path) as thumb:
        assert thumb.format == "JPEG"
        assert thumb.size == (400, 300)
    with Image.open(photo.image.path) as original:
        assert original.size == (1600, 1200)


def test_it_never_enlarges_a_small_photo():
    thumb = photos.thumbnail_make(image_file(size=(120, 80)))

    with Image.open(io.BytesIO(thumb.read())) as image:
        assert image.size == (120, 80)


def test_it_refuses_a_photo_over_5_mb(enterprise):
    product = ProductFactory(producer=enterprise)
    big = image_file()
    big.size = photos.MAX_BYTES + 1

    with pytest.raises(InvalidPhoto) as caught:
        services.product_photo_add(product=product, image=big, alt="Grosse photo")

    assert caught.value.message == "Cette photo est trop lourde (5 Mo au plus). Réduisez-la et réessayez."
    assert not ProductPhoto.objects.exists()


def test_it_refuses_a_file_that_is_not_an_image(enterprise):
    product = ProductFactory(producer=enterprise)
    fake = SimpleUploadedFile("tomates.jpg", b"%PDF-1.4 pas une image", content_type="image/jpeg")

    with pytest.raises(InvalidPhoto) as caught:
        services.product_photo_add(product=product, image=fake, alt="Faux")

    assert "n'est pas une image lisible" in caught.value.message
    assert not ProductPhoto.objects.exists()


def test_it_refuses_an_image_format_other_than_jpeg_png_or_webp():
    with pytest.raises(InvalidPhoto) as caught:
        photos.photo_check(image_file("GIF", name="anim.gif"))

    assert caught.value.message == "Format d'image non accepté : utilisez JPEG, PNG ou WebP."


def test_it_requires_a_text_alternative(enterprise):
    product = ProductFactory(producer=enterprise)

    with pytest.raises(InvalidPhoto):
        services.product_photo_add(product=product, image=image_file(), alt="  ")

    assert not ProductPhoto.objects.exists()


def edit_post(product, variant, **extra):
    return {
        "name": product.name,
        "category": "tomates",
        "variants-TOTAL_FORMS": "1",
        "variants-INITIAL_FORMS": "1",
        "variants-0-uuid": str(variant.uuid),
        "variants-0-quantity": "500",
        "variants-0-unit": "g",
        "variants-0-price": "3,20",
        "variants-0-on_hand": "1",
        **extra,
    }


def test_it_uploads_a_photo_from_the_product_form_and_shows_its_thumbnail(client_for, manager, enterprise):
    variant = VariantFactory(product__producer=enterprise)
    product = variant.product
    url = reverse("catalogue:product_edit", args=[enterprise.slug, product.uuid])
    client = client_for(manager)

    response = client.post(
        url, edit_post(product, variant, photo=image_file(), photo_alt="Tomates en cagette")
    )

    assert response.status_code == 302
    photo = ProductPhoto.objects.get(product=product)
    assert photo.thumbnail.name.endswith("-400.jpg")
    html = client.get(url).content.decode()
    assert photo.thumbnail.url in html
    assert 'alt="Tomates en cagette"' in html


@pytest.mark.parametrize(
    ("upload", "alt", "message"),
    [
        (
            lambda: SimpleUploadedFile("x.png", b"not an image", content_type="image/png"),
            "Photo",
            "n&#x27;est pas une image lisible",
        ),
        (lambda: image_file(), "", "Décrivez la photo en quelques mots"),
    ],
)
def test_it_refuses_a_bad_upload_in_the_form_and_changes_nothing(
    client_for, manager, enterprise, upload, alt, message
):
    variant = VariantFactory(product__producer=enterprise, product__name="Tomates")
    product = variant.product
    url = reverse("catalogue:product_edit", args=[enterprise.slug, product.uuid])

    response = client_for(manager).post(
        url, edit_post(product, variant, name="Renommé", photo=upload(), photo_alt=alt)
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    product.refresh_from_db()
    assert product.name == "Tomates"
    assert not ProductPhoto.objects.exists()


def test_it_removes_a_photo_from_the_form(client_for, manager, enterprise):
    variant = VariantFactory(product__producer=enterprise)
    product = variant.product
    photo = services.product_photo_add(product=product, image=image_file(), alt="Vieille photo")
    url = reverse("catalogue:product_edit", args=[enterprise.slug, product.uuid])

    client_for(manager).post(url, edit_post(product, variant, remove_photos=[str(photo.pk)]))

    assert not ProductPhoto.objects.exists()
