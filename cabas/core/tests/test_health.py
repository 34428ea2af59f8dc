from unittest import mock

from django.db import OperationalError, connection


def test_it_reports_a_healthy_database(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok"}
    assert "no-cache" in response.headers["Cache-Control"]


def test_it_answers_503_when_the_database_is_unreachable(client, db):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"database": "unavailable"}


def test_it_needs_no_login(client, db):
    assert client.get("/healthz", follow=False).status_code == 200
