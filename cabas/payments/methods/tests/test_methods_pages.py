"""Payment methods in the back-office: list in a few queries, create, edit, withdraw, another
enterprise's method hidden, French errors that change nothing."""

from django.urls import reverse

from cabas.payments.models import PaymentMethod
from tests.factories import EnterpriseFactory


def test_it_lists_payment_methods(client_for, manager, enterprise, django_assert_max_num_queries):
    PaymentMethod.objects.create(
        enterprise=enterprise, kind="cheque", name="Chèque", instructions="À l'ordre de"
    )
    PaymentMethod.objects.create(enterprise=enterprise, kind="cash", name="Espèces", active=False)
    PaymentMethod.objects.create(enterprise=EnterpriseFactory(), kind="cash", name="Liquide du voisin")
    client = client_for(manager)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("payments:payment_methods", args=[enterprise.slug]))
    text = response.content.decode()
    assert "Chèque" in text and "Espèces" in text and "plus proposé" in text
    assert "Liquide du voisin" not in text


def test_it_creates_a_transfer_with_its_account(client_for, manager, enterprise):
    url = reverse("payments:payment_method_new", args=[enterprise.slug])
    response = client_for(manager).post(
        url,
        {
            "kind": "transfer",
            "name": "",
            "account_holder": "Ferme des Collines",
            "iban": "fr76 3000 6000 0112 3456 7890 189",
        },
    )
    assert response.status_code == 302
    method = PaymentMethod.objects.get(enterprise=enterprise)
    assert (method.kind, method.name) == ("transfer", "Virement bancaire")
    assert (method.iban, method.bic) == ("FR7630006000011234567890189", "AGRIFRPPXXX")


def test_it_refuses_a_transfer_without_its_iban(client_for, manager, enterprise):
    url = reverse("payments:payment_method_new", args=[enterprise.slug])
    response = client_for(manager).post(
        url, {"kind": "transfer", "name": "Virement", "account_holder": "Ferme", "iban": ""}
    )
    assert response.status_code == 200
    assert "Ce champ est obligatoire" in response.content.decode()
    assert not PaymentMethod.objects.exists()


def test_it_refuses_an_unknown_payment_kind(client_for, manager, enterprise):
    url = reverse("payments:payment_method_new", args=[enterprise.slug])
    response = client_for(manager).post(url, {"kind": "bitcoin", "name": "Crypto"})
    assert response.status_code == 200
    assert "Choisissez un type de moyen de paiement proposé." in response.content.decode()
    assert not PaymentMethod.objects.exists()


def test_it_edits_and_withdraws_a_payment_method(client_for, manager, enterprise):
    method = PaymentMethod.objects.create(enterprise=enterprise, kind="cheque", name="Chèque")
    client = client_for(manager)
    client.post(
        reverse("payments:payment_method_edit", args=[enterprise.slug, method.uuid]),
        {
            "kind": "cheque",
            "name": "Chèque",
            "payee": "EARL Ferme des Collines",
            "instructions": "À remettre au retrait",
        },
    )
    method.refresh_from_db()
    assert (method.payee, method.instructions) == ("EARL Ferme des Collines", "À remettre au retrait")
    response = client.post(
        reverse("payments:payment_method_deactivate", args=[enterprise.slug, method.uuid]), follow=True
    )
    method.refresh_from_db()
    assert not method.active
    assert "n&#x27;est plus proposé" in response.content.decode()


def test_it_hides_another_enterprises_payment_method(client_for, manager, enterprise):
    other = PaymentMethod.objects.create(enterprise=EnterpriseFactory(), kind="cash", name="Ailleurs")
    url = reverse("payments:payment_method_edit", args=[enterprise.slug, other.uuid])
    assert client_for(manager).get(url).status_code == 404


def test_it_shows_the_payment_methods_nav_entry_to_managers(client_for, manager, enterprise):
    text = client_for(manager).get(reverse("cycles:fees", args=[enterprise.slug])).content.decode()
    assert reverse("payments:payment_methods", args=[enterprise.slug]) in text
