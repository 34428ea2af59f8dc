"""Paying an order by bank transfer: the order page and the confirmation email show the account,
the amount and the order's RF reference, and an EPC ("GiroCode") QR code that an independent decoder
(zxing-cpp) reads back to exactly those values."""

import io
import re
from decimal import Decimal

import pytest
import zxingcpp
from django.urls import reverse
from PIL import Image

from cabas.orders.tests.shop_setup import open_shop
from cabas.payments.bank_details import iban_display
from cabas.payments.qr import order_transfer
from cabas.payments.records import services as services_payments
from cabas.payments.references import display
from cabas.payments.tests.placed import placed_order
from tests.factories import RoleFactory

pytestmark = pytest.mark.django_db

IBAN = "FR7630006000011234567890189"
BIC = "AGRIFRPPXXX"


def _transfer_shop():
    data = open_shop()
    data.transfer.account_holder = "Ferme des Saules"
    data.transfer.iban = IBAN
    data.transfer.bic = BIC
    data.transfer.save()
    return data


def _decode(png: bytes) -> list[str]:
    """The EPC payload lines an independent decoder reads in the PNG."""
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(results) == 1 and results[0].format == zxingcpp.BarcodeFormat.QRCode
    return results[0].text.split("\n")


def _svg_to_png(svg: str) -> bytes:
    """Rasterise segno's inline SVG (horizontal strokes of one module) to check what the page shows."""
    scale = 4
    size = int(re.search(r'width="(\d+)"', svg).group(1))
    image = Image.new("L", (size, size), 255)
    pixels = image.load()
    path = re.search(r'class="qrline"[^>]* d="([^"]+)"', svg).group(1)
    x = y = 0.0
    for command, a, b in re.findall(r"([Mmhv])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        a = float(a)
        if command == "M":
            x, y = a, float(b)
        elif command == "m":
            x, y = x + a, y + float(b)
        elif command == "h":
            for px in range(round(x * scale), round((x + a) * scale)):
                for py in range(round((y - 0.5) * scale), round((y + 0.5) * scale)):
                    pixels[px, py] = 0
            x += a
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_it_makes_an_epc_qr_code_that_decodes_to_the_iban_amount_and_reference():
    data = _transfer_shop()
    order = placed_order(data, method=data.transfer)
    assert order.total == Decimal("9.50")
    transfer = order_transfer(order)
    lines = _decode(transfer.png())
    # EPC069-12: service tag, version, charset, SCT, BIC, name, IBAN, amount, purpose, reference.
    assert lines[0:2] == ["BCD", "002"]
    assert lines[3] == "SCT"
    assert lines[4] == BIC
    assert lines[5] == "Ferme des Saules"
    assert lines[6] == IBAN
    assert lines[7].startswith("EUR") and Decimal(lines[7][3:]) == Decimal("9.50")  # "EUR9.5"
    assert lines[9] == order.payment_reference and lines[9].startswith("RF")


def test_the_order_page_shows_the_transfer_and_an_inline_svg_qr_code(client_for, customer):
    data = _transfer_shop()
    order = placed_order(data, method=data.transfer, user=customer, email=customer.email)
    response = client_for(customer).get(reverse("shop:order", args=[order.uuid]))
    html = response.content.decode()
    assert "Payer par virement" in html
    assert "FR76 3000 6000 0112 3456 7890 189" in html and BIC in html and "Ferme des Saules" in html
    assert "9,50\u00a0€" in html
    assert display(order.payment_reference) in html and " " in display(order.payment_reference)
    svg = re.search(r"<svg [^>]*>.*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg and "aria-label=" in svg and "viewBox=" in svg
    assert "style=" not in svg and not re.findall(r"<script(?![^>]*\bsrc=)", html)  # CSP: nothing inline
    lines = _decode(_svg_to_png(svg))
    assert (lines[6], lines[9]) == (IBAN, order.payment_reference)
    assert Decimal(lines[7][3:]) == Decimal("9.50")


def test_the_qr_code_asks_for_what_is_left_to_pay_and_disappears_once_paid(client_for, customer):
    data = _transfer_shop()
    order = placed_order(data, method=data.transfer, user=customer, email=customer.email)
    services_payments.payment_record(seller=order.seller, order=order, kind="cheque", amount="4.00")
    assert order_transfer(order).amount == Decimal("5.50")
    assert Decimal(_decode(order_transfer(order).png())[7][3:]) == Decimal("5.50")
    services_payments.payment_record(seller=order.seller, order=order, kind="transfer", amount="5.50")
    assert order_transfer(order) is None
    html = client_for(customer).get(reverse("shop:order", args=[order.uuid])).content.decode()
    assert "Payer par virement" not in html and "<svg" not in html


def test_no_transfer_block_for_a_cheque_or_a_transfer_method_without_iban(client_for, customer):
    data = open_shop()
    by_cheque = placed_order(data, user=customer, email=customer.email)
    by_old_transfer = placed_order(data, method=data.transfer, user=customer, email=customer.email, key="k2")
    client = client_for(customer)
    html = client.get(reverse("shop:order", args=[by_cheque.uuid])).content.decode()
    assert "Payer par virement" not in html
    html = client.get(reverse("shop:order", args=[by_old_transfer.uuid])).content.decode()
    assert "IBAN FR76 0000" in html and "Payer par virement" not in html  # its instructions only


def test_the_confirmation_email_embeds_the_qr_code_as_a_png(mailoutbox, django_capture_on_commit_callbacks):
    data = _transfer_shop()
    with django_capture_on_commit_callbacks(execute=True):
        order = placed_order(data, method=data.transfer)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert "FR76 3000 6000 0112 3456 7890 189" in message.body
    assert display(order.payment_reference) in message.body and "9,50" in message.body
    html = message.alternatives[0][0]
    assert 'src="cid:epc-qr"' in html and display(order.payment_reference) in html
    raw = message.message()
    assert raw.get_content_subtype() == "related"
    images = [part for part in raw.walk() if part.get_content_type() == "image/png"]
    assert len(images) == 1 and images[0]["Content-ID"] == "<epc-qr>"
    lines = _decode(images[0].get_payload(decode=True))
    assert (lines[4], lines[6], lines[9]) == (BIC, IBAN, order.payment_reference)
    assert Decimal(lines[7][3:]) == order.total


def test_a_cheque_confirmation_email_has_no_qr_code(mailoutbox, django_capture_on_commit_callbacks):
    data = _transfer_shop()
    with django_capture_on_commit_callbacks(execute=True):
        placed_order(data)
    message = mailoutbox[0]
    assert "cid:" not in message.alternatives[0][0] and not message.attachments


def test_the_manager_sees_the_expected_reference(client_for):
    data = _transfer_shop()
    order = placed_order(data, method=data.transfer)
    manager = RoleFactory(enterprise=data.shop, role="manager").user
    html = (
        client_for(manager).get(reverse("orders:order", args=[data.shop.slug, order.uuid])).content.decode()
    )
    assert display(order.payment_reference) in html and "Non payée" in html


@pytest.mark.parametrize(
    "typed", [IBAN, "fr76 3000 6000 0112 3456 7890 189", " FR76\u00a03000 6000 0112 3456 7890 189 "]
)
def test_an_iban_is_shown_in_groups_of_four(typed):
    assert iban_display(typed) == "FR76 3000 6000 0112 3456 7890 189"
    assert iban_display("") == ""
