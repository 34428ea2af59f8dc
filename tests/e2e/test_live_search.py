import re

import pytest
from playwright.sync_api import expect

from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.e2e


def test_it_updates_the_producers_list_while_the_visitor_types(page, transactional_db):
    EnterpriseFactory(name="Vergers de Thurins", city="Thurins", postcode="69510", trade="arboriculture")
    EnterpriseFactory(name="Chèvrerie du Pilat", trade="fromagerie")
    page.goto("/producers/")
    results = page.locator("#results")
    expect(results.get_by_role("link", name="Chèvrerie du Pilat")).to_be_visible()

    page.get_by_label("Nom, métier ou commune").fill("vergers")

    expect(results.get_by_role("link", name="Chèvrerie du Pilat")).to_have_count(0)
    expect(results.get_by_role("link", name="Vergers de Thurins")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/producers/\?.*q=vergers"))  # shareable, back button works
