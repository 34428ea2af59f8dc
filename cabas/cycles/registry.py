"""What higher apps tell the cycles app, registered from their `AppConfig.ready()` (no signals): the
cycles app never imports them (docs/architecture.md, "Layers")."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

# fn(*, cycle, distributor) -> bool: whether `distributor` already sells in `cycle` (orders placed
# there), in which case it cannot be removed from the cycle.
DISTRIBUTOR_IN_USE: list[Callable[..., bool]] = []


def register_distributor_in_use(fn: Callable[..., bool]) -> None:
    """Add a check run before a distributor is removed from a cycle."""
    DISTRIBUTOR_IN_USE.append(fn)


def distributor_in_use(*, cycle, distributor) -> bool:
    """Whether any registered check says `distributor` already sells in `cycle`."""
    return any(fn(cycle=cycle, distributor=distributor) for fn in DISTRIBUTOR_IN_USE)


@dataclass(frozen=True)
class HistoryEntry:
    """One event a higher app adds to a cycle's history on its page (e.g. a message emailed to the
    cycle's customers): when, what (`title`), by whom, a short `detail` and an optional `text`."""

    at: datetime.datetime
    title: str
    by: str = ""
    detail: str = ""
    text: str = ""


# fn(*, cycle, enterprise) -> list[HistoryEntry]: what a higher app adds to the history of `cycle`
# shown to its coordinator `enterprise`.
CYCLE_HISTORY_SECTIONS: list[Callable[..., list[HistoryEntry]]] = []


def register_cycle_history_section(fn: Callable[..., list[HistoryEntry]]) -> None:
    """Add entries to the history shown on a cycle's page."""
    CYCLE_HISTORY_SECTIONS.append(fn)


def cycle_history(*, cycle, enterprise) -> list[HistoryEntry]:
    """The entries every registered app adds to the history of `cycle`, newest first."""
    entries = [entry for fn in CYCLE_HISTORY_SECTIONS for entry in fn(cycle=cycle, enterprise=enterprise)]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)
