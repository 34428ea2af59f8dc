"""Payment method services: create, edit, withdraw; a transfer needs its account."""

import pytest

from cabas.payments.exceptions import PaymentMethodError
from cabas.payments.methods import services
from cabas.payments.models import PaymentMethod


def test_it_creates_a_cheque_named_after_its_kind(enterprise):
    method = services.payment_method_create(
        enterprise=enterprise, values={"kind": "cheque", "name": " ", "payee": "Ferme des Collines"}
    )
    assert (method.name, method.payee, method.active) == ("Chèque", "Ferme des Collines", True)


def test_it_refuses_a_transfer_without_an_iban(enterprise):
    with pytest.raises(PaymentMethodError) as error:
        services.payment_method_create(
            enterprise=enterprise, values={"kind": "transfer", "account_holder": "Ferme", "iban": " "}
        )
    assert error.value.field == "iban"
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
