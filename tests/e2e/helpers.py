"""Small helpers shared by the browser tests."""

import re

from django.core import mail


def link_in_last_email(to: str) -> str:
    """The first web address of the last email sent to `to`, as the person would click it."""
    messages = [m for m in mail.outbox if to in m.to]
    assert messages, f"no email sent to {to}"
    match = re.search(r"https?://\S+", messages[-1].body)
    assert match, messages[-1].body
    return match.group(0)


def main_menu(page):
    """The main navigation of the header, unfolded first with its « Menu » button on a phone."""
    button = page.get_by_role("banner").locator("button[aria-controls=main-nav]")
    if button.is_visible() and button.get_attribute("aria-expanded") == "false":
        button.click()
    return page.get_by_role("banner").get_by_role("navigation")


def manage_menu(page):
    """The back-office menu, unfolded first on a phone (it is folded under « Menu »)."""
    nav = page.locator("nav.manage-nav")
    menu = nav.locator("details.manage-menu")
    if menu.locator("summary").is_visible() and menu.get_attribute("open") is None:
        menu.locator("summary").click()
    return nav
