"""Finding a category from its name as a spreadsheet or another platform writes it."""

import pytest

from cabas.catalogue.category_names import CategoryNames, normalise, word_forms
from cabas.catalogue.models import Category
from cabas.catalogue.reference import DFC_PRODUCT_TYPES

pytestmark = pytest.mark.django_db


@pytest.fixture
def names():
    return CategoryNames.load()


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        # French names, any case, accents or not, singular or plural
        ("Légumes", "legumes"),
        ("légume", "legumes"),
        ("LEGUMES", "legumes"),
        ("  legumes  ", "legumes"),
        ("Produits laitiers", "produits-laitiers"),
        ("produit laitier", "produits-laitiers"),
        ("Produits-Laitiers", "produits-laitiers"),
        ("Œuf", "oeufs"),
        ("oeufs", "oeufs"),
        ("Pomme de terre", "pommes-de-terre"),
        ("pommes-de-terre", "pommes-de-terre"),
        ("Fruits à coque", "fruits-a-coque"),
        ("fruit a coque", "fruits-a-coque"),
        ("Chou", "choux"),
        ("Fromage de chèvre", "fromages-de-chevre"),
        ("fromages de chevre", "fromages-de-chevre"),
        ("Viennoiserie et pâtisserie", "viennoiseries"),
        ("Ail, oignon, échalote", "alliaces"),
        ("ail oignons echalotes", "alliaces"),
        ("Épicerie sucrée", "epicerie-sucree"),
        ("Légumes racines", "legumes-racines"),
        ("légume racine", "legumes-racines"),
        # English names, singular or plural (s, es, ies)
        ("Vegetables", "legumes"),
        ("vegetable", "legumes"),
        ("Dairy product", "produits-laitiers"),
        ("dairy-products", "produits-laitiers"),
        ("Root vegetable", "legumes-racines"),
        ("tomato", "tomates"),
        ("Tomatoes", "tomates"),
        ("Berry", "petits-fruits"),
        ("squash", "courges"),
        ("Egg", "oeufs"),
        ("Fruits", "fruits"),
        ("Fruit juice", "jus"),
        # the slug and the DFC product type, as an identifier, a prefixed name or a URI
        ("beurre-creme", "beurre-creme"),
        ("carrot", "legumes-racines"),
        ("dfc-pt:vegetable", "legumes"),
        (DFC_PRODUCT_TYPES + "natural-yogurt", "yaourts"),
    ],
)
def test_a_category_is_found_by_any_of_its_names(names, text, slug):
    assert names.lookup(text) == Category.objects.get(slug=slug)


@pytest.mark.parametrize("text", ["", "   ", "Lichens", "Légumess", "Légumineuses", "-", "dfc-pt:"])
def test_nothing_is_found_for_a_name_no_category_has(names, text):
    assert names.lookup(text) is None


def test_every_category_answers_to_its_french_and_english_names_and_their_singular():
    names = CategoryNames.load()
    for category in Category.objects.all():
        for name in (category.name, category.name_en):
            assert names.lookup(name) == category, name
            singular = " ".join(min(word_forms(w), key=len) for w in normalise(name).split())
            assert names.lookup(singular) == category, singular


def test_a_name_wins_over_another_category_s_slug_or_dfc_type(names):
    # « poissons » is the slug of « Poissons et fruits de mer » and the name of its sub-category
    assert names.lookup("Poissons").slug == "poissons-frais"
    assert names.lookup("poissons-et-fruits-de-mer").slug == "poissons"
    # « mature-cheese » is the DFC type of « Fromages » and of its sub-category « Fromages affinés »
    assert names.lookup("mature-cheese").slug == "fromages"


def test_no_two_categories_share_a_name():
    written = [normalise(n) for c in Category.objects.all() for n in {c.name, c.name_en}]
    assert len(written) == len(set(written))


@pytest.mark.parametrize(
    ("text", "nearest"),
    [
        ("Légumess", "Légumes"),
        ("legumineuses", "Légumes"),
        ("Vegetabels", "Vegetables"),
        ("volaile", "Volailles"),
        ("Fromags affinés", "Fromages affinés"),
    ],
)
def test_an_unknown_name_suggests_the_nearest_category_name(names, text, nearest):
    assert names.suggestion(text) == nearest


@pytest.mark.parametrize("text", ["Lichens", "Quincaillerie", "zzz", ""])
def test_a_name_far_from_every_category_suggests_nothing(names, text):
    assert names.suggestion(text) is None


@pytest.mark.parametrize(
    ("word", "forms"),
    [
        ("legumes", {"legumes", "legume", "legum"}),
        ("choux", {"choux", "chou"}),
        ("berries", {"berries", "berrie", "berri", "berry"}),
        ("vegetaux", {"vegetaux", "vegetau", "vegetal"}),
        ("legumess", {"legumess"}),
        ("jus", {"jus", "ju"}),
        ("de", {"de"}),
    ],
)
def test_word_forms_are_the_word_and_what_it_may_be_the_plural_of(word, forms):
    assert word_forms(word) == forms


def test_the_names_are_read_in_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        names = CategoryNames.load()
    with django_assert_num_queries(0):
        names.lookup("Légume")
        names.lookup("Vegetables")
        names.suggestion("Légumess")
