"""The session store saves in one statement outside a transaction, and like Django's inside one."""

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from cabas.lib.sessions import SessionStore


@pytest.mark.django_db(transaction=True)
def test_it_creates_and_updates_a_session_in_one_statement_each_in_autocommit():
    session = SessionStore()
    session["cart"] = "a"
    with CaptureQueriesContext(connection) as created:
        session.save()
    assert len(created.captured_queries) == 1 and "INSERT" in created.captured_queries[0]["sql"]
    session["cart"] = "b"
    with CaptureQueriesContext(connection) as updated:
        session.save()
    assert [q["sql"].split()[0] for q in updated.captured_queries] == ["UPDATE"]
    assert SessionStore(session.session_key).load() == {"cart": "b"}


@pytest.mark.django_db(transaction=True)
def test_an_update_of_a_session_deleted_meanwhile_raises_update_error():
    session = SessionStore()
    session["cart"] = "a"
    session.save()
    Session.objects.filter(session_key=session.session_key).delete()
    session["cart"] = "b"
    with pytest.raises(UpdateError):
        session.save()


@pytest.mark.django_db(transaction=True)
def test_a_new_key_is_drawn_again_when_taken(monkeypatch):
    taken = SessionStore()
    taken.save()
    keys = iter([taken.session_key, "f" * 32])
    monkeypatch.setattr(SessionStore, "_get_new_session_key", lambda self: next(keys))
    session = SessionStore()
    session.create()
    assert session.session_key == "f" * 32
    assert Session.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_a_refused_update_leaves_the_transaction_usable():
    session = SessionStore()
    session.save()
    with transaction.atomic():
        Session.objects.filter(session_key=session.session_key).delete()
        session["cart"] = "b"
        with pytest.raises(UpdateError):
            session.save()
        assert Session.objects.count() == 0  # still usable
