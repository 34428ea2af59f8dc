"""What the AMAP app tells the fulfilment reports: a basket's order (sold by the producer, without
a cycle) belongs to its contract, named « Légumes — Été » where a cycle's name would be."""

from django.db.models import Case, CharField, F, Value, When
from django.db.models.functions import Concat

CONTRACT = "order__amap_basket__subscription__contract__"


def contract_label():
    """The contract of a Line's order when it is an AMAP basket, else NULL."""
    return Case(
        When(
            order__amap_basket__isnull=False,
            then=Concat(F(f"{CONTRACT}name"), Value(" — "), F(f"{CONTRACT}season"), output_field=CharField()),
        ),
        default=None,
        output_field=CharField(),
    )
