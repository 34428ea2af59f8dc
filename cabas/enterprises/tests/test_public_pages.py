"""Home, /producers/, /shops/, network and enterprise pages as a visitor sees them."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cabas.catalogue.models import Label
from cabas.cycles.models import CycleDistributor, OrderCycle
from cabas.enterprises.models import ModelPreset, Relationship, Sells
from tests.factories import EnterpriseFactory, HubFactory, NetworkFactory, RelationshipFactory

pytestmark = pytest.mark.django_db

# Paris, far from the Lyon area the factories use.
PARIS = {"postcode": "75001", "city": "Paris", "lat": 48.8566, "lon": 2.3522}


def producer(**kwargs):
    defaults = {"model": ModelPreset.PRODUCER, "is_producer": True, "sells": Sells.NONE}
    return EnterpriseFactory(**{**defaults, **kwargs})


def text(response) -> str:
    return response.content.decode()


# --- Home ----------------------------------------------------------------------------------------


def test_it_shows_the_search_form_with_labelled_fields_on_home(client):
    response = client.get("/")
    assert response.status_code == 200
    html = text(response)
    assert "Trouver des producteurs et points de vente près de chez moi" in html
    for field, label in [("place", "Ville ou code postal"), ("km", "Rayon"), ("q", "Nom, métier ou commune")]:
        assert f'<label for="id_{field}">{label}</label>' in html
    for km in (5, 10, 20, 50):
        assert f'<option value="{km}"' in html
    assert 'data-geojson-url="/map/data.geojson"' in html


def test_it_lists_nearby_results_nearest_first_with_their_distance(client):
    near = EnterpriseFactory(name="Ferme de Thurins", city="Thurins", lat=45.6817, lon=4.6406)
    nearer = EnterpriseFactory(name="Ferme d'Yzeron")  # in Yzeron itself
    far = EnterpriseFactory(name="Ferme parisienne", **PARIS)

    response = client.get("/", {"place": "Yzeron", "km": "10"})

    html = text(response)
    results = html[html.index('id="results-title"') : html.index('id="map-title"')]
    assert "2 résultats" in results
    assert "à moins de 10 km de Yzeron" in results
    assert results.index(nearer.name.replace("'", "&#x27;")) < results.index(near.name)
    assert far.name not in results
    assert re.search(r"à 0([.,]0)? km", results)
    assert re.search(r"à 4[.,]9 km", results)  # Thurins is about 4.9 km from Yzeron
    # The map shows the same circle.
    assert "/map/data.geojson?near=45.70810%2C4.59030&amp;km=10" in html


def test_it_says_clearly_when_the_place_is_not_found(client):
    EnterpriseFactory(name="Ferme de Yzeron")

    response = client.get("/", {"place": "Trifouillis-les-Oies"})

    html = text(response)
    assert response.status_code == 200
    assert "Nous ne trouvons pas « Trifouillis-les-Oies ». Essayez un code postal." in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_place_error"' in html
    assert 'id="id_place_error" role="alert"' in html
    assert "résultat" not in html  # no list pretending the place was understood


def test_it_finds_by_postcode_and_by_name_on_home(client):
    EnterpriseFactory(
        name="Les Jardins de Mornant", city="Mornant", postcode="69440", lat=45.6189, lon=4.6719
    )
    EnterpriseFactory(name="Fromagerie du Plateau")

    def results(params):
        html = text(client.get("/", params))
        return html[html.index('id="results-title"') : html.index('id="map-title"')]

    by_postcode = results({"place": "69440", "km": "5"})
    by_name = results({"q": "fromagerie"})

    assert "Les Jardins de Mornant" in by_postcode and "Fromagerie du Plateau" not in by_postcode
    assert "Fromagerie du Plateau" in by_name and "Les Jardins de Mornant" not in by_name


def selling(enterprise, *, opens_in=timedelta(days=-1), length=timedelta(days=3)):
    """`enterprise` distributes in a cycle opening in `opens_in` (negative: already open)."""
    start = timezone.now() + opens_in
    cycle = OrderCycle.objects.create(
        coordinator=enterprise, name="Panier", opens_at=start, closes_at=start + length
    )
    CycleDistributor.objects.create(cycle=cycle, distributor=enterprise)
    return enterprise


def featured_part(html: str) -> str:
    return html[html.index("Points de vente à la une") :]


def test_it_features_public_shops_with_a_presentation_first(client):
    now = timezone.now()
    bare_new = selling(HubFactory(name="Épicerie toute neuve", created_at=now))
    described_old = selling(
        HubFactory(name="Épicerie présentée", description="Une épicerie.", created_at=now - timedelta(days=1))
    )
    selling(HubFactory(name="Épicerie masquée", visibility="hidden", description="Cachée."))
    selling(producer(name="Ferme sans vente", description="Elle ne vend pas."))

    html = text(client.get("/"))

    featured = featured_part(html)
    assert featured.index(described_old.name) < featured.index(bare_new.name)
    assert "Épicerie masquée" not in html
    assert "Ferme sans vente" not in featured


def test_it_features_only_shops_with_an_open_or_upcoming_cycle(client):
    selling(HubFactory(name="Épicerie ouverte"))
    selling(HubFactory(name="Épicerie bientôt"), opens_in=timedelta(days=2))
    selling(HubFactory(name="Épicerie fermée"), opens_in=timedelta(days=-5), length=timedelta(days=1))
    HubFactory(name="Épicerie sans cycle")
    # A cycle coordinated by a shop where it does not sell does not feature it.
    elsewhere = HubFactory(name="Épicerie coordinatrice")
    OrderCycle.objects.create(
        coordinator=elsewhere,
        name="Pour les autres",
        opens_at=timezone.now(),
        closes_at=timezone.now() + timedelta(days=2),
    )

    featured = featured_part(text(client.get("/")))

    assert "Épicerie ouverte" in featured and "Épicerie bientôt" in featured
    assert "Épicerie fermée" not in featured
    assert "Épicerie sans cycle" not in featured
    assert "Épicerie coordinatrice" not in featured


def test_it_says_so_when_no_shop_sells(client):
    HubFactory(name="Épicerie sans cycle")

    featured = featured_part(text(client.get("/")))

    assert "Aucun point de vente pour l’instant." in featured
    assert "Épicerie sans cycle" not in featured


def test_it_features_shops_in_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    for i in range(12):
        shop = selling(HubFactory(name=f"Épicerie {i}"))
        shop.labels.add(Label.objects.create(slug=f"label-{i}", name=f"Label {i}"))

    with django_assert_max_num_queries(6):
        html = text(client.get("/"))

    assert featured_part(html).count('class="card enterprise-card"') == 6


# --- Lists ---------------------------------------------------------------------------------------


def test_it_lists_only_visible_producers_on_the_producers_page(client):
    producer(name="Maraîcher visible", trade="maraîchage")
    EnterpriseFactory(name="Ferme en vente directe")
    producer(name="Maraîcher masqué", visibility="hidden")
    HubFactory(name="Épicerie du coin")

    html = text(client.get(reverse("public:producers")))

    assert "<h1>Producteurs</h1>" in html
    assert "Maraîcher visible" in html and "maraîchage" in html
    assert "Ferme en vente directe" in html
    assert "Maraîcher masqué" not in html
    assert "Épicerie du coin" not in html


def test_it_lists_shops_and_filters_them_by_kind(client):
    HubFactory(name="Épicerie du coin")
    EnterpriseFactory(name="Vente à la ferme Martin")
    producer(name="Producteur sans boutique")

    all_shops = text(client.get(reverse("public:shops")))
    hubs = text(client.get(reverse("public:shops"), {"kind": "hub"}))

    assert "Épicerie du coin" in all_shops and "Vente à la ferme Martin" in all_shops
    assert "Producteur sans boutique" not in all_shops
    assert "Épicerie du coin" in hubs and "Vente à la ferme Martin" not in hubs


def test_it_shows_card_details_logo_labels_and_distance(client):
    farm = EnterpriseFactory(
        name="Ferme des Tilleuls",
        trade="arboriculture",
        short_description="Pommes et poires.",
        logo="logos/2025/tilleuls.png",
    )
    farm.labels.add(Label.objects.get(slug="ab"))

    html = text(client.get(reverse("public:producers"), {"place": "69510", "km": "5"}))

    assert "Ferme des Tilleuls" in html
    assert "Producteur en vente directe" in html
    assert "arboriculture" in html and "Pommes et poires." in html
    assert "AB — Agriculture biologique" in html
    assert 'src="/media/logos/2025/tilleuls.png"' in html
    assert "69510 Yzeron" in html
    assert re.search(r"à 0([.,]0)? km", html)


def test_it_paginates_lists_by_24_with_labelled_page_links(client):
    EnterpriseFactory.create_batch(30)

    first = text(client.get(reverse("public:producers")))
    second = text(client.get(reverse("public:producers"), {"page": 2, "q": "ferme"}))

    assert first.count('class="card enterprise-card"') == 24
    assert 'aria-label="Page 2"' in first
    assert 'aria-label="Page suivante"' in first
    assert second.count('class="card enterprise-card"') == 6
    assert 'aria-current="page"' in second and 'aria-label="Page 2, page actuelle"' in second
    assert 'href="?page=1&amp;q=ferme"' in second  # the search is kept across pages


@pytest.mark.parametrize("url", ["/", "/producers/", "/shops/", "/map/"])
@pytest.mark.parametrize("params", [{}, {"q": "ferme", "place": "Lyon", "km": "50"}])
def test_it_lists_in_a_constant_number_of_queries(client, django_assert_max_num_queries, url, params):
    labels = list(Label.objects.all()[:3])
    for i in range(40):
        factory = EnterpriseFactory if i % 2 else HubFactory
        shop = factory(name=f"Ferme {i}", logo="logos/x.png")
        shop.labels.set(labels)

    with django_assert_max_num_queries(5):
        response = client.get(url, params)

    assert response.status_code == 200
    assert "Ferme" in text(response)


# --- Enterprise page -----------------------------------------------------------------------------


def test_it_shows_the_enterprise_page(client):
    farm = EnterpriseFactory(
        name="Ferme des Collines",
        slug="ferme-des-collines",
        trade="élevage de chèvres",
        short_description="Fromages de chèvre fermiers.",
        description="Première ligne <script>alert(1)</script>\n\nDeuxième paragraphe.",
        website="https://ferme-des-collines.example",
        email="compte@ferme-des-collines.example",
        public_email="contact@ferme-des-collines.example",
        phone="04 78 00 00 00",
    )
    farm.labels.add(Label.objects.get(slug="nature-et-progres"))

    response = client.get("/ferme-des-collines/")

    html = text(response)
    assert response.status_code == 200
    assert "<title>Ferme des Collines — Yzeron · Cabas</title>" in html
    assert '<meta name="description" content="Fromages de chèvre fermiers.">' in html
    assert "<h1>Ferme des Collines</h1>" in html
    assert "élevage de chèvres" in html and "Producteur en vente directe" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "<p>Deuxième paragraphe.</p>" in html
    assert "Nature &amp; Progrès" in html
    assert "12 chemin des Vergers" in html and "69510 Yzeron" in html
    assert 'href="https://ferme-des-collines.example"' in html
    assert 'href="mailto:contact@ferme-des-collines.example"' in html
    assert "compte@ferme-des-collines.example" not in html
    assert 'href="tel:0478000000"' in html
    assert 'id="enterprise-map"' in html and "data-geojson=" in html
    assert "Points de retrait" not in html


def test_it_shows_no_email_unless_one_is_chosen_for_the_public(client):
    EnterpriseFactory(slug="ferme-discrete", email="compte@ferme-discrete.example", public_email="")
    directory_card = EnterpriseFactory(
        slug="ferme-affichee", email="compte@ferme-affichee.example", public_email="bonjour@ferme.example"
    )

    page = text(client.get("/ferme-discrete/"))
    directory = text(client.get(reverse("public:producers")))

    assert "mailto:" not in page and "compte@ferme-discrete.example" not in page
    assert directory_card.name in directory
    assert "compte@ferme-affichee.example" not in directory
    assert "compte@" not in text(client.get(reverse("public:map_data")))


def test_it_hides_the_map_of_an_enterprise_without_position(client):
    EnterpriseFactory(slug="sans-position", lat=None, lon=None)

    html = text(client.get("/sans-position/"))

    assert "data-map" not in html
    assert "leaflet.js" not in html


def test_it_returns_404_for_hidden_or_unknown_enterprises(client):
    EnterpriseFactory(slug="ferme-cachee", visibility="hidden")

    assert client.get("/ferme-cachee/").status_code == 404
    assert client.get("/nexiste-pas/").status_code == 404


def test_it_shows_who_the_enterprise_works_with_in_both_directions(client):
    farm = EnterpriseFactory(slug="la-ferme")
    RelationshipFactory(grantor=farm, grantee=HubFactory(name="Épicerie acceptée"), status="accepted")
    partner = EnterpriseFactory(name="Producteur partenaire")
    RelationshipFactory(grantor=partner, grantee=farm, status="accepted")
    RelationshipFactory(grantor=farm, grantee=HubFactory(name="Épicerie en attente"), status="requested")
    RelationshipFactory(grantor=farm, grantee=HubFactory(name="Épicerie révoquée"), status="revoked")
    RelationshipFactory(
        grantor=farm,
        grantee=HubFactory(name="Épicerie masquée", visibility="hidden"),
        status=Relationship.Status.ACCEPTED,
    )

    html = text(client.get("/la-ferme/"))

    works_with = html[html.index("Travaille avec") :]
    assert "Épicerie acceptée" in works_with
    assert "Producteur partenaire" in works_with
    for absent in ("Épicerie en attente", "Épicerie révoquée", "Épicerie masquée"):
        assert absent not in html


def test_it_lists_the_networks_of_the_enterprise(client):
    farm = EnterpriseFactory(slug="la-ferme")
    network = NetworkFactory(name="Réseau des AMAP du Rhône", slug="amap-rhone")
    network.members.add(farm)

    html = text(client.get("/la-ferme/"))

    assert '<a href="/networks/amap-rhone/">Réseau des AMAP du Rhône</a>' in html


def test_it_shows_the_enterprise_page_in_a_constant_number_of_queries(client, django_assert_max_num_queries):
    farm = EnterpriseFactory(slug="la-ferme")
    farm.labels.set(Label.objects.all())
    for _ in range(10):
        RelationshipFactory(grantor=farm, status="accepted")
        NetworkFactory().members.add(farm)

    with django_assert_max_num_queries(5):
        assert client.get("/la-ferme/").status_code == 200


# --- Network page --------------------------------------------------------------------------------


def test_it_shows_the_network_page_with_members_grouped_by_kind(client):
    coordinator = HubFactory(name="Coopérative des Monts", slug="coop-des-monts")
    network = NetworkFactory(
        name="Paysans des Monts du Lyonnais",
        slug="paysans-des-monts",
        coordinator=coordinator,
        description="Un réseau de fermes.\n\nEt d'épiceries.",
        website="https://reseau.example",
    )
    network.members.add(
        coordinator,
        producer(name="Maraîcher des Monts"),
        EnterpriseFactory(name="Ferme boutique"),
        producer(name="Membre masqué", visibility="hidden"),
    )

    response = client.get("/networks/paysans-des-monts/")

    html = text(response)
    assert response.status_code == 200
    assert "<h1>Paysans des Monts du Lyonnais</h1>" in html
    assert "<p>Et d&#x27;épiceries.</p>" in html
    assert 'href="https://reseau.example"' in html
    assert 'Animé par <a href="/coop-des-monts/">Coopérative des Monts</a>' in html
    assert "3 membres" in html
    kinds = ("Point de vente collectif", "Producteur en vente directe", "Producteur")
    hubs, shops, producers = (html.index(f"<h3>{kind}</h3>") for kind in kinds)
    assert hubs < html.index("Coopérative des Monts</a>, Lyon") < shops
    assert shops < html.index("Ferme boutique") < producers
    assert html.index("Maraîcher des Monts") > producers
    assert "Membre masqué" not in html
    assert 'id="network-map"' in html


def test_it_returns_404_for_an_unknown_network(client):
    assert client.get("/networks/inconnu/").status_code == 404


# --- Every public page ---------------------------------------------------------------------------


def test_it_uses_no_inline_script_or_style_on_public_pages(client):
    farm = EnterpriseFactory(slug="la-ferme", description="Bonjour")
    network = NetworkFactory(slug="le-reseau")
    network.members.add(farm)
    urls = ["/", "/?place=Lyon", "/producers/", "/shops/", "/map/", "/networks/le-reseau/", "/la-ferme/"]

    for url in urls:
        html = text(client.get(url))
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert " style=" not in html, url
        assert html.count("<h1") == 1, url


def test_it_answers_htmx_searches_with_only_the_results(client):
    EnterpriseFactory(name="Vergers de Thurins", city="Thurins", postcode="69510")
    EnterpriseFactory(name="Chèvrerie du Pilat")

    response = client.get("/producers/", {"q": "vergers"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert "Vergers de Thurins" in response.text
    assert "Chèvrerie du Pilat" not in response.text
    assert "<html" not in response.text and "<form" not in response.text
    assert "HX-Request" in response["Vary"]


def test_it_serves_the_whole_page_without_htmx(client):
    response = client.get("/producers/", {"q": "vergers"})

    assert "<html" in response.text
    assert 'hx-target="#results"' in response.text
    assert 'id="results"' in response.text


@pytest.mark.django_db
def test_an_amap_whose_trade_says_amap_is_not_labelled_twice(client):
    HubFactory(name="AMAP des Pentes", slug="amap-des-pentes", model=ModelPreset.AMAP, trade="AMAP")

    page = client.get("/amap-des-pentes/").content.decode()
    listing = client.get(reverse("public:shops")).content.decode()

    assert '<span class="badge">AMAP</span></p>' in page
    assert '<span class="badge">AMAP</span></p>' in listing
