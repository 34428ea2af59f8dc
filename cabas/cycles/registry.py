"""What higher apps tell the cycles app, registered from their `AppConfig.ready()` (no signals): the
cycles app never imports them (docs/architecture.md, "Layers")."""

from collections.abc import Callable

# fn(*, cycle, distributor) -> bool: whether `distributor` already sells in `cycle` (orders placed
# there), in which case it cannot be removed from the cycle.
DISTRIBUTOR_IN_USE: list[Callable[..., bool]] = []


def register_distributor_in_use(fn: Callable[..., bool]) -> None:
    """Add a check run before a distributor is removed from a cycle."""
    DISTRIBUTOR_IN_USE.append(fn)


def distributor_in_use(*, cycle, distributor) -> bool:
    """Whether any registered check says `distributor` already sells in `cycle`."""
    return any(fn(cycle=cycle, distributor=distributor) for fn in DISTRIBUTOR_IN_USE)
