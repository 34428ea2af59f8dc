"""Payment method services: create, edit, withdraw; transfers need their instructions."""

import pytest

from cabas.payments import services
from cabas.payments.exceptions import PaymentMethodError
from cabas.payments.models import PaymentMethod


def test_it_creates_a_cheque_named_after_its_kind(enterprise):
    method = services.payment_method_create(enterprise=enterprise, values={"kind": "cheque", "name": " "})
    assert (method.name, method.active) == ("Chèque", True)


def test_it_refuses_a_transfer_without_instructions(enterprise):
    with pytest.raises(PaymentMethodError) as error:
        services.payment_method_create(
            enterprise=enterprise, values={"kind": "transfer", "instructions": " "}
        )
    assert "IBAN" in error.value.message
    assert not PaymentMethod.objects.exists()


def test_it_refuses_an_unknown_kind(enterprise):
    with pytest.raises(PaymentMethodError):
        services.payment_method_create(enterprise=enterprise, values={"kind": "bitcoin"})


def test_it_edits_and_withdraws_without_deleting(enterprise):
    method = services.payment_method_create(enterprise=enterprise, values={"kind": "cash", "name": "Espèces"})
    services.payment_method_update(method=method, values={"kind": "cash", "name": "Espèces au retrait"})
    services.payment_method_set_active(method=method, active=False)
    method.refresh_from_db()
    assert (method.name, method.active) == ("Espèces au retrait", False)
    assert list(services.payment_methods_for_list(enterprise)) == [method]
