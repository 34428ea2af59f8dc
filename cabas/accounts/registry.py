"""Hooks through which higher apps take part in the account's life without accounts importing them.

accounts sits low in the stack (docs/architecture.md, "Layers"): it never imports enterprises or
any app above it. An app that holds data about users registers its functions here, from its
`AppConfig.ready()`:

- `register_personal_data_section(key, function)`: `function(user)` returns JSON-serialisable
  data (datetimes and Decimals are fine), exported under `key` in "Télécharger mes données".
- `register_personal_data_eraser(function)`: `function(user)` runs inside `user_delete`'s
  transaction to erase what the app holds about the user, keeping what a business must keep.
- `register_deletion_check(function)`: `function(user)` raises a `DomainError` (with a French
  message) when the account may not be deleted yet; it runs before any eraser.
- `register_profile_context(function)` / `register_delete_page_context(function)`:
  `function(user)` returns a dict added to the template context of the profile page or of the
  account-deletion page.
- `register_landing(function)`: `function(user)` returns the URL where `user` lands after logging
  in without a `next`, or "" to let the next function answer; the first URL wins, else
  `settings.LOGIN_REDIRECT_URL`.

Functions run in registration order (the order of INSTALLED_APPS, accounts' own first).
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cabas.accounts.models import User

PersonalDataSection = Callable[["User"], Any]
UserHook = Callable[["User"], None]
PageContext = Callable[["User"], dict[str, Any]]

PERSONAL_DATA_SECTIONS: list[tuple[str, PersonalDataSection]] = []
PERSONAL_DATA_ERASERS: list[UserHook] = []
DELETION_CHECKS: list[UserHook] = []
PROFILE_CONTEXT: list[PageContext] = []
DELETE_PAGE_CONTEXT: list[PageContext] = []
LANDINGS: list[Callable[["User"], str]] = []


def register_personal_data_section(key: str, function: PersonalDataSection) -> PersonalDataSection:
    """Export `function(user)` under `key` in the personal-data export; a key is registered once."""
    if any(existing == key for existing, _ in PERSONAL_DATA_SECTIONS):
        raise ValueError(f"Personal-data section {key!r} is already registered.")
    PERSONAL_DATA_SECTIONS.append((key, function))
    return function


def personal_data_section(key: str) -> Callable[[PersonalDataSection], PersonalDataSection]:
    """Decorator form of `register_personal_data_section`."""

    def register(function: PersonalDataSection) -> PersonalDataSection:
        return register_personal_data_section(key, function)

    return register


def register_personal_data_eraser(function: UserHook) -> UserHook:
    """Run `function(user)` when the user deletes their account, after every deletion check."""
    PERSONAL_DATA_ERASERS.append(function)
    return function


def register_deletion_check(function: UserHook) -> UserHook:
    """Run `function(user)` before deleting an account; it raises a DomainError to refuse."""
    DELETION_CHECKS.append(function)
    return function


def register_profile_context(function: PageContext) -> PageContext:
    """Add `function(user)`'s dict to the profile page's template context."""
    PROFILE_CONTEXT.append(function)
    return function


def register_delete_page_context(function: PageContext) -> PageContext:
    """Add `function(user)`'s dict to the account-deletion page's template context."""
    DELETE_PAGE_CONTEXT.append(function)
    return function


def register_landing(function: Callable[["User"], str]) -> Callable[["User"], str]:
    """Ask `function(user)` where `user` lands after logging in ("" when it has no opinion)."""
    LANDINGS.append(function)
    return function


def landing(user: "User") -> str:
    """The first URL a landing function gives for `user`, or ""."""
    for function in LANDINGS:
        url = function(user)
        if url:
            return url
    return ""


def page_context(providers: list[PageContext], user: "User") -> dict[str, Any]:
    """The merged dicts of `providers` for `user`."""
    context: dict[str, Any] = {}
    for provider in providers:
        context.update(provider(user))
    return context
