"""The base fixture set: one producer with an owner, a manager and a volunteer; a customer with no
role; an outsider who owns another enterprise."""

import pytest
from django.conf import settings
from django.utils import translation

from tests.factories import PASSWORD, EnterpriseFactory, RoleFactory, UserFactory


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language: a request's LocaleMiddleware leaves its language
    active in the thread, which would otherwise carry over into the next test."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _reference_data_in_committed_tests(request):
    """A test with committed rows (transactional_db: threads, browsers) ends with a flush that also
    empties the reference tables filled by data migrations (tax rates, categories...): whichever such
    test comes next puts them back first."""
    marker = request.node.get_closest_marker("django_db")
    committed = marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,))
    if committed or "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        from cabas.catalogue.reference import reference_data_seed

        reference_data_seed()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def enterprise(db):
    return EnterpriseFactory(name="Ferme des Collines", slug="ferme-des-collines")


@pytest.fixture
def owner(enterprise):
    return RoleFactory(enterprise=enterprise, role="owner", user__email="owner@exemple.fr").user


@pytest.fixture
def manager(enterprise):
    return RoleFactory(enterprise=enterprise, role="manager", user__email="manager@exemple.fr").user


@pytest.fixture
def volunteer(enterprise):
    return RoleFactory(enterprise=enterprise, role="volunteer", user__email="volunteer@exemple.fr").user


@pytest.fixture
def customer(db):
    return UserFactory(email="customer@exemple.fr")


@pytest.fixture
def outsider(db):
    other = EnterpriseFactory(name="Autre Ferme", slug="autre-ferme")
    return RoleFactory(enterprise=other, role="owner", user__email="outsider@exemple.fr").user


@pytest.fixture
def client_for(client):
    """`client_for(user)` → the test client logged in as that user."""

    def login(user):
        client.force_login(user)
        return client

    return login
