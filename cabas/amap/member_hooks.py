"""What the AMAP member pages add to the public enterprise page through cabas.enterprises.registry
(registered in AmapConfig.ready()): a link to the AMAP's contracts while one is open or about to
open, answered in the enterprise's own query."""

from django.db.models import Exists, OuterRef
from django.utils import timezone

from cabas.amap.models import Contract
from cabas.enterprises import registry


def has_open_contracts() -> Exists:
    """Annotation: the enterprise has a published contract whose sign-up has not closed."""
    return Exists(
        Contract.objects.filter(
            amap=OuterRef("pk"), published=True, signup_closes_on__gte=timezone.localdate()
        )
    )


def contracts_section(enterprise) -> dict:
    """`amap_contracts_open`: the page links to the AMAP's contracts."""
    return {"amap_contracts_open": bool(enterprise.amap_has_open_contracts)}


def register() -> None:
    registry.register_public_page_section(
        contracts_section, annotations={"amap_has_open_contracts": has_open_contracts}
    )
