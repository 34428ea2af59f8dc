"""Screenshots of the shop, the cart, the checkout and the order page on a 375 × 667 phone, with the
demo territory, written to docs/screens/ as small palette PNGs.

    .venv/bin/python -m tests.e2e.screens        (or: make screens)

It runs as a browser test against its own empty test database (the file is not named test_*.py, so
the ordinary test runs leave it out), hence it can be run again at any time and gives the same
pictures for the same demo data."""

import re
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.helpers import main_menu

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENS = Path(__file__).resolve().parents[2] / "docs" / "screens"
PHONE = {"width": 375, "height": 667}
HUB = "epicerie-croix-rousse"
CUSTOMER = "mangeur@exemple.fr"


def shoot(page, name: str, screens: int = 2, at=None):
    """The page from its top, at most `screens` screens high (two: enough to see the totals, small
    enough to stay well under 200 KB), or the screen centred on the element `at`, as an optimised
    palette PNG."""
    from PIL import Image

    path = SCREENS / f"{name}.png"
    if at is not None:
        at.evaluate("element => element.scrollIntoView({block: 'center'})")
        page.screenshot(path=path)
    else:
        height = min(page.evaluate("document.documentElement.scrollHeight"), screens * PHONE["height"])
        clip = {"x": 0, "y": 0, "width": PHONE["width"], "height": height}
        page.screenshot(path=path, full_page=True, clip=clip)
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(
            colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
    small.save(path, optimize=True)
    print(f"{path.relative_to(SCREENS.parents[1])}: {path.stat().st_size // 1024} KB")


def test_screens(page, login_as):
    call_command("demo_data", verbosity=0)
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(PHONE)
    login_as(page, CUSTOMER)

    page.goto(f"/{HUB}/shop/")
    rows = page.locator(".variant-row:not(.is-sold-out)")
    for n in range(3):
        rows.nth(n).get_by_role("button", name=re.compile("^Ajouter")).click()
        expect(rows.nth(n).locator(".stepper-count")).to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "shop")  # two screens: the header and the first products with their photos

    page.locator("#cart-summary").get_by_role("link", name="Voir le panier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon panier")
    shoot(page, "cart")

    page.get_by_role("link", name="Commander", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Commander")
    page.get_by_role("radio", name=re.compile("^Retrait à l'épicerie")).check()
    page.get_by_role("radio", name=re.compile("^Chèque")).check()
    shoot(page, "checkout")
    shoot(page, "checkout-total", at=page.locator(".totals-total"))

    page.get_by_role("button", name=re.compile("^Confirmer la commande")).click()
    expect(page.get_by_text(re.compile("Votre commande .+ est enregistrée"))).to_be_visible()
    shoot(page, "order")

    main_menu(page)
    shoot(page, "menu", screens=1)


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q", "-s", "-p", "no:xdist", "-p", "no:randomly"]))
