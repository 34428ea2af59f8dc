"""The demo products' illustrations: in the repository within a size budget, attached by the demo loader
once, and shown with their description in the demo shop."""

from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from PIL import Image, ImageChops, ImageStat

from cabas.catalogue.models import Product, ProductPhoto
from cabas.demo.catalogue import PHOTO_ALTS, PHOTOS_DIR, PRODUCTS, demo_photo_path
from cabas.demo.photos.generate import photos_generate

BUDGET = 1_500_000  # bytes, the whole folder
FILE_BUDGET = 40_000  # bytes, one picture

DEMO_NAMES = [name for products in PRODUCTS.values() for name, *_rest in products]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def media_files(settings):
    return sorted(p.relative_to(settings.MEDIA_ROOT) for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())


class Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))


def images_of(response):
    parser = Images()
    parser.feed(response.content.decode())
    return [img for img in parser.images if "product-thumb" in img.get("class", "")]


def test_every_demo_product_has_an_illustration_and_its_description_in_the_repository():
    for name in DEMO_NAMES:
        path = demo_photo_path(name)
        assert path.is_file(), name
        with Image.open(path) as image:
            assert (image.format, image.size) == ("WEBP", (480, 360)), name
        assert len(PHOTO_ALTS[name]) > 15, name
    committed = {p.name for p in PHOTOS_DIR.glob("*.webp")}
    assert committed == {demo_photo_path(name).name for name in DEMO_NAMES}  # no picture left unused


def test_the_illustrations_stay_within_their_size_budget():
    sizes = {p.name: p.stat().st_size for p in PHOTOS_DIR.iterdir() if p.is_file()}

    assert sum(sizes.values()) < BUDGET
    assert {name: size for name, size in sizes.items() if size > FILE_BUDGET} == {}


def test_the_committed_illustrations_are_what_the_generator_draws(tmp_path):
    written = photos_generate(tmp_path)

    assert {p.name for p in written} == {p.name for p in PHOTOS_DIR.glob("*.webp")}
    for path in written:
        with Image.open(path) as drawn, Image.open(PHOTOS_DIR / path.name) as committed:
            difference = ImageChops.difference(drawn.convert("RGB"), committed.convert("RGB"))
            assert max(ImageStat.Stat(difference).mean) < 2, path.name


@pytest.mark.django_db
def test_loading_the_demo_gives_every_product_its_illustration_once_and_the_shop_shows_them(client, settings):
    call_command("demo_data", verbosity=0)
    files = media_files(settings)
    call_command("demo_data", verbosity=0)  # again: nothing new

    assert media_files(settings) == files
    assert len(files) == 2 * len(DEMO_NAMES)  # each picture and its thumbnail
    products = Product.objects.filter(name__in=DEMO_NAMES).prefetch_related("photos")
    assert products.count() == len(DEMO_NAMES)
    for product in products:
        (photo,) = product.photos.all()
        assert photo.alt == PHOTO_ALTS[product.name]
        assert photo.image.size == demo_photo_path(product.name).stat().st_size
        with Image.open(photo.thumbnail.path) as thumbnail:
            assert thumbnail.size == (400, 300)

    shown = images_of(client.get("/epicerie-croix-rousse/shop/"))

    assert len(shown) >= 5
    for img in shown:
        assert img["alt"] in PHOTO_ALTS.values()
        assert img["src"].startswith(settings.MEDIA_URL + "products/demo/thumbs/")
        assert (img["width"], img["height"], img["loading"]) == ("80", "80", "lazy")
    farm = images_of(client.get("/ferme-des-collines/"))
    assert {img["alt"] for img in farm} >= {PHOTO_ALTS["Tomates anciennes"], PHOTO_ALTS["Poireaux"]}


@pytest.mark.django_db
def test_a_changed_illustration_replaces_the_stored_one_and_a_producers_photo_stays(settings):
    call_command("demo_data", verbosity=0)
    tomatoes = Product.objects.get(name="Tomates anciennes")
    demo_photo = tomatoes.photos.get()
    stored = settings.MEDIA_ROOT / demo_photo.image.name
    stored.write_bytes(b"an older picture")
    ProductPhoto.objects.create(
        product=tomatoes, image="products/2026/05/mine.jpg", alt="Ma photo", position=1
    )

    call_command("demo_data", verbosity=0)

    assert stored.read_bytes() == demo_photo_path("Tomates anciennes").read_bytes()
    assert list(tomatoes.photos.values_list("alt", flat=True)) == [
        PHOTO_ALTS["Tomates anciennes"],
        "Ma photo",
    ]
