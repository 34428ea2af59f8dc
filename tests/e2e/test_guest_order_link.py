"""A guest orders on a phone and pays by transfer, then opens the order from the link of the
confirmation email on another device (a desktop): sees it, its total and the transfer QR code, and
cancels it, then orders the same again from there. On a third device the guest asks the shop
« Retrouver ma commande »: the email that arrives opens the new order. A stranger who opens the plain
order address sees « Commande introuvable ». The find-order page, the not-found page and the guest's
order page are checked with axe-core and fit a 375 px screen; screenshots go to /tmp/guest-shots/."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import expect

from cabas.orders.models import Order
from cabas.orders.tests.shop_setup import open_shop
from cabas.payments.models import PaymentMethod

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

GUEST = "claire.martin@exemple.fr"
IBAN = "FR7630006000011234567890189"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}
SHOTS = Path("/tmp/guest-shots")
NEUTRAL = "Si des commandes ont été passées avec cette adresse dans cette boutique"


@pytest.fixture
def device(browser, live_server):
    """`device(viewport)`: a new page in a browser context of its own (another device: no cookies),
    in French; the test fails on any console error it logs (a 404 page's own status excepted
    where `allow_404` is set)."""
    contexts, errors = [], []

    def open_device(viewport, *, allow_404=False):
        context = browser.new_context(viewport=viewport, locale="fr-FR", base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)

        def on_console(msg):
            if msg.type != "error":
                return
            if allow_404 and "status of 404" in msg.text:
                return
            errors.append(msg.text)

        page.on("console", on_console)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("dialog", lambda dialog: dialog.accept())  # « Annuler la commande ? » if ever asked
        return page

    yield open_device
    for context in contexts:
        context.close()
    assert not errors, f"console errors in the browser: {errors}"


def _emails_to(address):
    return [m for m in mail.outbox if address in m.to]


def _link_after(label, body):
    match = re.search(re.escape(label) + r"\s*\n(https?://\S+)", body)
    assert match, body
    return match.group(1)


def _checkout(page):
    page.get_by_label("Nom et prénom").fill("Claire Martin")
    page.get_by_label("Adresse e-mail").fill(GUEST)
    page.get_by_role("radio", name=re.compile("^Retrait à la ferme")).check()
    page.get_by_role("radio", name=re.compile("^Virement bancaire")).check()
    page.get_by_role("button", name=re.compile("^Confirmer la commande")).click()
    expect(page.get_by_text(re.compile(r"Merci ! Votre commande .+ est enregistrée"))).to_be_visible()


def test_a_guest_opens_cancels_and_finds_their_order_from_the_email_links_on_any_device(
    device, live_server, settings, axe_check, no_horizontal_scroll
):
    settings.SITE_URL = live_server.url
    cache.clear()  # the « Retrouver ma commande » throttle counts live in the process-wide cache
    SHOTS.mkdir(parents=True, exist_ok=True)

    def check(page, name):
        """axe-core, no horizontal scroll at 375 px, and a screenshot at 375 and 1280 px."""
        expect(page.locator("main h1")).to_be_visible()
        axe_check(page)
        width = page.viewport_size["width"]
        for size in (DESKTOP, PHONE) if width == DESKTOP["width"] else (PHONE, DESKTOP):
            page.set_viewport_size(size)
            if size is PHONE:
                no_horizontal_scroll(page)
            page.screenshot(path=SHOTS / f"{name}-{size['width']}.png", full_page=True)
        page.set_viewport_size(DESKTOP if width == DESKTOP["width"] else PHONE)

    data = open_shop()
    PaymentMethod.objects.filter(pk=data.transfer.pk).delete()
    transfer = PaymentMethod.objects.create(
        enterprise=data.shop,
        kind="transfer",
        name="Virement bancaire",
        account_holder="Ferme des Saules",
        iban=IBAN,
        bic="AGRIFRPPXXX",
    )
    data.distribution.payment_methods.add(transfer)
    slug = data.shop.slug

    # On the phone: a tomato and two boxes of eggs, checked out as a guest, paid by transfer.
    phone = device(PHONE)
    phone.goto(f"/{slug}/shop/")
    tomatoes = phone.locator(".variant-row").filter(has_text="Tomates")
    tomatoes.get_by_role("button", name=re.compile("^Ajouter")).click()
    expect(tomatoes.locator(".stepper-count")).to_have_text("1 dans le panier")
    eggs = phone.locator(".variant-row").filter(has_text="6 pièces")
    eggs.get_by_role("button", name=re.compile("^Ajouter")).click()
    expect(eggs.locator(".stepper-count")).to_have_text("1 dans le panier")
    eggs.get_by_role("button", name=re.compile("ajouter un")).click()
    expect(eggs.locator(".stepper-count")).to_have_text("2 dans le panier")
    phone.locator("#cart-summary").get_by_role("link", name="Commander").click()
    _checkout(phone)
    order = Order.objects.get(email=GUEST)
    assert order.total == Decimal("8.80")  # 3,20 + 0,20 + 2 × (2,50 + 0,20)
    expect(phone.get_by_role("heading", level=1)).to_have_text(f"Commande {order.number}")
    expect(phone.get_by_role("img", name=re.compile("^QR code du virement"))).to_be_visible()
    check(phone, "1-order-phone-after-checkout")
    plain = f"/orders/{order.uuid}/"

    # The confirmation email holds the order's personal link.
    [confirmation] = _emails_to(GUEST)
    assert order.number in confirmation.subject
    link = _link_after("Votre commande en ligne :", confirmation.body)
    assert link.startswith(f"{live_server.url}/orders/{order.uuid}/link/")
    assert f'href="{link}"' in confirmation.alternatives[0][0]

    # On a desktop, from the email: the order, its total and the QR code; the guest cancels it.
    desktop = device(DESKTOP)
    desktop.goto(link)
    expect(desktop.get_by_role("heading", level=1)).to_have_text(f"Commande {order.number}")
    expect(desktop.locator("main")).to_contain_text("Tomates")
    payment = desktop.locator("section", has=desktop.get_by_role("heading", name="Paiement"))
    expect(payment.get_by_role("heading", name="Payer par virement")).to_be_visible()
    expect(payment).to_contain_text("8,80")
    expect(payment).to_contain_text("FR76 3000 6000 0112 3456 7890 189")
    qr = desktop.get_by_role("img", name=re.compile("^QR code du virement"))
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["width"] >= 120 and box["height"] >= 120, box  # big enough for a banking app
    check(desktop, "2-order-desktop-from-email")
    signed_link = desktop.url
    desktop.get_by_role("link", name="Annuler la commande").click()
    expect(desktop.get_by_role("heading", level=1)).to_have_text(f"Annuler la commande n° {order.number} ?")
    desktop.get_by_role("button", name="Oui, annuler la commande").click()
    expect(desktop.get_by_text(f"Votre commande {order.number} est annulée.")).to_be_visible()
    assert desktop.url == signed_link  # back on the link that opens the order anywhere
    expect(desktop.locator(".badge").first).to_have_text("Annulée")
    expect(qr).to_have_count(0)  # nothing left to pay
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED

    # This browser now knows the order: its plain address works here, as on the phone.
    desktop.goto(plain)
    expect(desktop.get_by_role("heading", level=1)).to_have_text(f"Commande {order.number}")
    phone.goto(plain)
    expect(phone.get_by_role("heading", level=1)).to_have_text(f"Commande {order.number}")
    expect(phone.locator(".badge").first).to_have_text("Annulée")

    # A stranger who opens the plain address learns nothing.
    stranger = device(PHONE, allow_404=True)
    response = stranger.goto(plain)
    assert response.status == 404
    expect(stranger.get_by_role("heading", level=1)).to_have_text("Commande introuvable")
    expect(stranger.locator("main")).not_to_contain_text(order.number)
    expect(stranger.locator("main")).not_to_contain_text("Claire")
    check(stranger, "3-not-found")

    # Second thoughts on the desktop: the same again, a new order (a cancelled one is not emailed).
    desktop.get_by_role("button", name="Commander à nouveau").click()
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Mon panier")
    expect(desktop.locator(".cart-line")).to_have_count(2)
    desktop.locator("main").get_by_role("link", name="Commander", exact=True).click()
    _checkout(desktop)
    again = Order.objects.get(email=GUEST, status=Order.Status.PLACED)
    assert again.total == Decimal("8.80")

    # On a third device, from the shop: « Retrouver ma commande ».
    third = device(PHONE)
    third.goto(f"/{slug}/shop/")
    third.get_by_role("link", name="Retrouver ma commande").click()
    expect(third.get_by_role("heading", level=1)).to_have_text("Retrouver ma commande")
    check(third, "4-find-order")
    sent_before = len(_emails_to(GUEST))
    third.get_by_label("Adresse e-mail donnée à la commande").fill(GUEST)
    third.get_by_role("button", name="Recevoir les liens").click()
    expect(third.get_by_text(NEUTRAL)).to_be_visible()
    expect(third.get_by_text(f"viennent d'être envoyés à {GUEST}")).to_be_visible()
    check(third, "5-find-order-sent")

    emails = _emails_to(GUEST)
    assert len(emails) == sent_before + 1
    links = emails[-1]
    assert "Ferme des Saules" in links.subject
    assert again.number in links.body and order.number not in links.body
    urls = re.findall(r"https?://\S+/orders/\S+", links.body)
    assert len(urls) == 1, links.body
    third.goto(urls[0])
    expect(third.get_by_role("heading", level=1)).to_have_text(f"Commande {again.number}")
    expect(third.get_by_role("img", name=re.compile("^QR code du virement"))).to_be_visible()
    expect(third.get_by_role("link", name="Annuler la commande")).to_be_visible()
    check(third, "6-order-from-find-order-email")
