import pytest
from django.urls import reverse


@pytest.fixture
def url(enterprise):
    return reverse("manage:dashboard", args=[enterprise.slug])


def test_it_lets_a_volunteer_see_the_dashboard(client_for, volunteer, url):
    response = client_for(volunteer).get(url)
    assert response.status_code == 200
    assert "Ferme des Collines" in response.text


def test_it_hides_the_enterprise_from_an_outsider(client_for, outsider, url):
    assert client_for(outsider).get(url).status_code == 404


def test_it_sends_anonymous_visitors_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_it_returns_404_for_an_unknown_enterprise(client_for, owner):
    assert client_for(owner).get(reverse("manage:dashboard", args=["nope"])).status_code == 404
