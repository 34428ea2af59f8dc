import re

import pytest
from django.core import mail
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    # Login throttling counts live in the (process-wide) local-memory cache.
    cache.clear()
    yield
    cache.clear()


def link_in(message, path_start: str) -> str:
    """The first link to `path_start` in an email's text body, as a path the test client can get."""
    match = re.search(r"https?://[^/\s]+(" + re.escape(path_start) + r"\S*)", message.body)
    assert match, f"no {path_start} link in: {message.body}"
    return match.group(1)


@pytest.fixture
def signup_data():
    return {
        "email": "Camille.Martin@Exemple.fr",
        "full_name": "Camille Martin",
        "password1": "des-radis-et-du-cresson",
        "password2": "des-radis-et-du-cresson",
        "consent": "on",
    }


@pytest.fixture
def outbox():
    return mail.outbox
