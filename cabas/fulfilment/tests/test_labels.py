import datetime
import re
import zlib

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from cabas.cycles.models import ShippingMethod
from cabas.enterprises.models import Role
from cabas.fulfilment import labels
from cabas.fulfilment.views_labels import labels_bulk_action
from cabas.orders.models import Customer, Order
from tests.factories import EnterpriseFactory, RoleFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2027, 3, 12)
QUERIES = 5  # session, user, enterprise, role, the orders with their seller, method and customer


class World:
    def __init__(self):
        self.shop = EnterpriseFactory(name="Ferme des Saules", slug="ferme-des-saules")
        self.farm = ShippingMethod.objects.create(enterprise=self.shop, name="Retrait à la ferme")
        self.market = ShippingMethod.objects.create(enterprise=self.shop, name="Halle du marché")
        self.delivery = ShippingMethod.objects.create(
            enterprise=self.shop, name="Tournée Lyon 4e", kind=ShippingMethod.Kind.DELIVERY
        )
        self.count = 0

    def order(self, name, method=None, *, status=Order.Status.PLACED, day=DAY, seller=None, **fields):
        self.count += 1
        pickup_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(18, 30)))
        return Order.objects.create(
            seller=seller or self.shop,
            status=status,
            number=f"C-{self.count:03d}",
            full_name=name,
            email=f"client{self.count}@exemple.fr",
            shipping_method=method or self.farm,
            pickup_at=pickup_at,
            **fields,
        )


@pytest.fixture
def world():
    return World()


def _url(world, query=""):
    return reverse("fulfilment:labels", args=[world.shop.slug]) + query


def _volunteer(client, world):
    client.force_login(RoleFactory(enterprise=world.shop, role=Role.Level.VOLUNTEER).user)


def _pdf_pages(data: bytes) -> int:
    """The number of pages of a PDF, read from its (possibly compressed) objects."""
    found = data.count(b"/Type /Page\n") + len(re.findall(rb"/Type\s*/Page[^s]", data))
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            found += len(re.findall(rb"/Type\s*/Page[^s]", zlib.decompress(stream)))
        except zlib.error:
            continue
    return found


def _text(document) -> str:
    """The text laid out on the pages of a WeasyPrint document."""

    def walk(box):
        if hasattr(box, "text"):
            yield box.text
        for child in getattr(box, "children", ()):
            yield from walk(child)

    return " ".join(text for page in document.pages for text in walk(page._page_box))


# --- The stickers ----------------------------------------------------------------------------


def test_it_makes_one_sticker_per_bag_saying_which_bag_it_is(world):
    world.order("Zoé Petit")
    world.order("Adrien Morel")

    made = labels.stickers(labels.label_orders(world.shop, day=DAY), bags=3)

    assert len(made) == 6
    with override("fr"):
        assert [s.bag_text for s in made[:3]] == ["Sac 1 / 3", "Sac 2 / 3", "Sac 3 / 3"]
    assert made[0].customer == "Adrien Morel" and made[0].number == "C-002"
    assert made[0].place == "Retrait à la ferme"
    with override("fr"):
        assert labels.stickers([world.order("Inès Roux")])[0].day == "vendredi 12 mars 2027"


def test_it_sorts_by_pickup_point_then_customer(world):
    world.order("Zoé Petit", world.farm)
    world.order("bruno Faure", world.market)
    world.order("Adrien Morel", world.farm)
    world.order("Alice Martin", world.market)
    world.order("Yves Blanc", world.delivery, postcode="69004", city="Lyon")

    made = labels.stickers(labels.label_orders(world.shop, day=DAY))

    assert [s.customer for s in made] == [
        "Alice Martin",
        "bruno Faure",
        "Adrien Morel",
        "Zoé Petit",
        "Yves Blanc",
    ]
    with override("fr"):
        assert labels.stickers([Order.objects.get(full_name="Yves Blanc")])[0].place == (
            "Livraison : Tournée Lyon 4e — 69004 Lyon"
        )


def test_it_gives_some_orders_their_own_number_of_bags(world):
    big, small = world.order("Adrien Morel"), world.order("Zoé Petit")

    made = labels.stickers([big, small], bags=1, per_order={big.uuid: 4})

    assert [(s.customer, s.bag, s.bags) for s in made] == [("Adrien Morel", n, 4) for n in range(1, 5)] + [
        ("Zoé Petit", 1, 1)
    ]
    with pytest.raises(ValueError):
        labels.stickers([big], bags=21)


def test_it_labels_only_the_enterprises_own_placed_or_handed_over_orders(world):
    placed, handed = world.order("Adrien Morel"), world.order("Zoé Petit", status=Order.Status.FULFILLED)
    cart = world.order("Panier", status=Order.Status.CART)
    awaiting = world.order("En attente", status=Order.Status.AWAITING)
    cancelled = world.order("Annulée", status=Order.Status.CANCELLED)
    other_day = world.order("Autre jour", day=DAY + datetime.timedelta(days=1))
    foreign = world.order("Ailleurs", seller=EnterpriseFactory())
    everything = [placed, handed, cart, awaiting, cancelled, other_day, foreign]

    by_day = labels.label_orders(world.shop, day=DAY)
    chosen = labels.label_orders(world.shop, uuids=[o.uuid for o in everything])

    assert set(by_day) == {placed, handed}
    assert set(chosen) == {placed, handed, other_day}


def test_the_name_of_the_customer_account_or_the_email_stands_in_for_a_missing_name(world):
    customer = Customer.objects.create(
        enterprise=world.shop, email="a@exemple.fr", first_name="Léa", last_name="Roy"
    )
    named = world.order("", customer=customer)
    anonymous = world.order("")

    assert [s.customer for s in labels.stickers([named, anonymous])] == ["client2@exemple.fr", "Léa Roy"]
    assert len(labels.stickers([world.order("x" * 150)])[0].customer) == labels.MAX_NAME


# --- Sheets and PDF ---------------------------------------------------------------------------


def test_the_formats_fit_an_a4_sheet():
    for label_format in labels.FORMATS.values():
        right, bottom = label_format.position(label_format.per_sheet - 1)
        assert right + label_format.width <= 210 + 0.01, label_format.key
        assert bottom + label_format.height <= 297 + 0.01, label_format.key
    l7160 = labels.FORMATS["L7160"]
    assert (l7160.per_sheet, l7160.position(4)) == (21, (7.25 + 66, 15.15 + 38.1))


def _label_boxes(box):
    element = getattr(box, "element", None)
    if element is not None and element.get("class") == "label":
        yield box
        return
    for child in getattr(box, "children", ()):
        yield from _label_boxes(child)


@pytest.mark.parametrize("key", list(labels.FORMATS))
def test_each_sticker_lands_on_its_label_in_french_too(world, key):
    label_format = labels.FORMATS[key]
    made = labels.stickers([world.order("Marie-Christine de La Tour-Fondue Martin")], bags=2)
    mm = 25.4 / 96  # WeasyPrint lays out in CSS pixels

    with override("fr"):  # a decimal comma in the CSS would drop the sizes
        document = labels.labels_document(made, label_format, start=2)

    boxes = list(_label_boxes(document.pages[0]._page_box))
    assert len(boxes) == 2
    for index, box in enumerate(boxes, start=1):
        left, top = label_format.position(index)
        assert box.position_x * mm == pytest.approx(left, abs=0.01)
        assert box.position_y * mm == pytest.approx(top, abs=0.01)
        assert box.border_width() * mm == pytest.approx(label_format.width, abs=0.01)
        assert box.border_height() * mm == pytest.approx(label_format.height, abs=0.01)


def test_it_starts_further_down_a_partly_used_sheet(world):
    made = labels.stickers([world.order("Adrien Morel")], bags=3)
    l7160 = labels.FORMATS["L7160"]

    sheets = labels.pages(made, l7160, start=20)

    assert [len(sheet) for sheet in sheets] == [21, 1]
    assert [p.sticker for p in sheets[0][:19]] == [None] * 19
    assert sheets[0][19].sticker == made[0] and (sheets[0][19].left, sheets[0][19].top) == ("73.25", "243.75")
    assert sheets[1][0].sticker == made[2] and (sheets[1][0].left, sheets[1][0].top) == ("7.25", "15.15")
    assert labels.sheet_count(3, l7160, start=20) == 2
    with pytest.raises(ValueError):
        labels.pages(made, l7160, start=22)


def test_the_pdf_has_a_page_per_sheet_and_the_customers_names(world):
    world.order("Adrien Morel")
    world.order("Zoé Petit")
    made = labels.stickers(labels.label_orders(world.shop, day=DAY), bags=11)  # 22 labels
    l7160 = labels.FORMATS["L7160"]

    document = labels.labels_document(made, l7160)
    pdf = labels.labels_pdf(made, l7160)

    assert len(document.pages) == 2 and _pdf_pages(pdf) == 2
    assert pdf.startswith(b"%PDF")
    text = _text(document)
    assert "Adrien Morel" in text and "Zoé Petit" in text and "C-001" in text
    assert text.count("Sac ") == 22


# --- The page ---------------------------------------------------------------------------------


def test_the_page_counts_the_labels_and_sheets_of_a_day(client, world, django_assert_max_num_queries):
    for i in range(15):
        world.order(f"Client {i}", world.market if i % 2 else world.farm)
    _volunteer(client, world)

    with django_assert_max_num_queries(QUERIES):
        response = client.get(_url(world, "?day=2027-03-12&sheet=L7163&bags=2&start=1"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "15 commandes à remettre à la distribution du vendredi 12 mars 2027." in html
    assert "30 étiquettes</strong>, 3 planches." in html
    assert "Avery L7165 — 8 étiquettes (2 × 4) de 99,1 × 67,7 mm" in html


def test_it_downloads_the_pdf_of_the_selected_orders(client, world):
    chosen, other = world.order("Adrien Morel"), world.order("Zoé Petit")
    foreign = world.order("Ailleurs", seller=EnterpriseFactory())
    _volunteer(client, world)

    query = f"?order={chosen.uuid}&order={foreign.uuid}&order=pas-un-uuid&sheet=L7160&bags=2&start=1"
    page = client.get(_url(world, query))
    response = client.get(_url(world, query + "&format=pdf"))

    assert "1 commande sélectionnée." in page.content.decode()
    assert "2 étiquettes</strong>, 1 planche." in page.content.decode()
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    today = timezone.localdate().isoformat()
    assert (
        response["Content-Disposition"] == f'attachment; filename="etiquettes-ferme-des-saules-{today}.pdf"'
    )
    assert _pdf_pages(response.content) == 1
    assert other.uuid  # not selected: not printed (2 labels = 2 bags of the one chosen order)


def test_a_day_pdf_is_named_after_the_day_and_counts_each_orders_bags(client, world):
    big = world.order("Adrien Morel")
    world.order("Zoé Petit")
    _volunteer(client, world)

    response = client.get(
        _url(world, f"?day=2027-03-12&sheet=L7165&bags=3&start=1&bags-{big.uuid}=10&format=pdf")
    )

    assert (
        response["Content-Disposition"] == 'attachment; filename="etiquettes-ferme-des-saules-2027-03-12.pdf"'
    )
    assert _pdf_pages(response.content) == 2  # 13 labels, 8 a sheet


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("sheet=A4&bags=1&start=1", "Choisissez un des formats de planche proposés."),
        ("sheet=L7160&bags=0&start=1", "Indiquez un nombre de sacs entre 1 et 20."),
        ("sheet=L7160&bags=50&start=1", "Indiquez un nombre de sacs entre 1 et 20."),
        (
            "sheet=L7163&bags=1&start=15",
            "Cette planche n&#x27;a que 14 étiquettes : indiquez un numéro entre 1 et 14.",
        ),
        ("sheet=L7163&bags=1&start=0", "Le numéro d&#x27;étiquette commence à 1."),
    ],
)
def test_bad_input_shows_the_form_again_without_a_pdf(client, world, query, message):
    order = world.order("Adrien Morel")
    _volunteer(client, world)

    response = client.get(_url(world, f"?order={order.uuid}&{query}&format=pdf"))

    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    assert message in response.content.decode()


def test_a_bad_count_for_one_order_is_refused(client, world):
    order = world.order("Adrien Morel")
    _volunteer(client, world)

    response = client.get(
        _url(world, f"?order={order.uuid}&sheet=L7160&bags=1&start=1&bags-{order.uuid}=21&format=pdf")
    )

    assert response.status_code == 400
    assert "Indiquez un nombre de sacs entre 1 et 20." in response.content.decode()


def test_nothing_to_print_says_so(client, world):
    world.order("Annulée", status=Order.Status.CANCELLED)
    _volunteer(client, world)

    response = client.get(_url(world, "?day=2027-03-12&sheet=L7160&bags=1&start=1&format=pdf"))

    assert response.status_code == 400
    assert "Aucune commande à imprimer" in response.content.decode()


def test_the_distribution_day_links_to_its_labels(client, world):
    world.order("Adrien Morel")
    _volunteer(client, world)

    html = client.get(
        reverse("fulfilment:distribution", args=[world.shop.slug, "2027-03-12"])
    ).content.decode()

    assert f'href="{_url(world)}?day=2027-03-12"' in html


def test_the_bulk_action_goes_to_the_labels_of_the_selected_orders(rf, world):
    first, second = world.order("Adrien Morel"), world.order("Zoé Petit")

    response = labels_bulk_action(rf.get("/"), world.shop, Order.objects.filter(pk__in=[first.pk, second.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(_url(world, "?order="))
    assert str(first.uuid) in response["Location"] and str(second.uuid) in response["Location"]


def test_the_orders_list_prints_the_labels_of_the_checked_orders(client, world):
    """« Imprimer les étiquettes » is an action of the orders list: it opens the labels page with
    the checked orders of the enterprise only."""
    first, second = world.order("Adrien Morel"), world.order("Zoé Petit")
    client.force_login(RoleFactory(enterprise=world.shop, role=Role.Level.MANAGER).user)
    listing = client.get(reverse("orders:orders", args=[world.shop.slug])).content.decode()
    assert '<option value="labels">Imprimer les étiquettes</option>' in listing

    response = client.post(
        reverse("orders:orders_bulk", args=[world.shop.slug]),
        {"action": "labels", "orders": [str(first.uuid)], "back": ""},
    )

    assert response.status_code == 302 and str(first.uuid) in response["Location"]
    assert str(second.uuid) not in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "1 commande sélectionnée." in page
