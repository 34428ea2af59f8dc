"""Payment methods of a seller (cash at pickup, cheque, bank transfer): create, edit, withdraw.

A method is never deleted (orders refer to it): it is withdrawn, and can be offered again.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from cabas.enterprises.models import Enterprise
from cabas.payments.exceptions import PaymentMethodError
from cabas.payments.models import PaymentMethod

FIELDS = ("kind", "name", "instructions", "position")


def payment_methods_for_list(enterprise: Enterprise):
    return PaymentMethod.objects.filter(enterprise=enterprise).order_by("-active", "position", "name", "id")


def payment_method_for_enterprise(enterprise: Enterprise, uuid) -> PaymentMethod:
    return PaymentMethod.objects.get(enterprise=enterprise, uuid=uuid)


def _check(values: dict) -> dict:
    values = {k: v for k, v in values.items() if k in FIELDS}
    if values.get("kind") not in PaymentMethod.Kind.values:
        raise PaymentMethodError(_("Choisissez espèces, chèque ou virement."))
    values["name"] = (values.get("name") or "").strip() or str(PaymentMethod.Kind(values["kind"]).label)
    values["instructions"] = (values.get("instructions") or "").strip()
    if values["kind"] == PaymentMethod.Kind.TRANSFER and not values["instructions"]:
        raise PaymentMethodError(
            _("Pour un virement, indiquez aux clients l'IBAN et le libellé à mentionner.")
        )
    return values


@transaction.atomic
def payment_method_create(*, enterprise: Enterprise, values: dict) -> PaymentMethod:
    """Offer a new way of paying `enterprise`."""
    return PaymentMethod.objects.create(enterprise=enterprise, **_check(values))


@transaction.atomic
def payment_method_update(*, method: PaymentMethod, values: dict) -> PaymentMethod:
    """Change a payment method (placed orders keep referring to it)."""
    for name, value in _check(values).items():
        setattr(method, name, value)
    method.save()
    return method


@transaction.atomic
def payment_method_set_active(*, method: PaymentMethod, active: bool) -> None:
    """Stop offering a payment method, or offer it again."""
    if method.active != active:
        method.active = active
        method.save(update_fields=["active"])
