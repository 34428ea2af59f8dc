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
