"""Django's database sessions, written in one statement.

Django saves a session inside `transaction.atomic()`: BEGIN, the INSERT or UPDATE, COMMIT — three
round trips at the end of every request that changes its session (a cart filled, an order placed).
The block is only needed inside a transaction, where the savepoint lets a refused statement be
rolled back without breaking the caller's transaction; in autocommit (the session middleware, after
the view) the single statement is atomic on its own. So this store opens the block only when a
transaction is already open; it behaves as Django's otherwise (CreateError, UpdateError).

A new key is not looked up first either: the INSERT of a key already taken (32 random characters:
never in practice) is refused by the primary key and `create` draws another one.
"""

from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError, UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import DatabaseError, IntegrityError, router, transaction
from django.utils.crypto import get_random_string


class SessionStore(DatabaseSessionStore):
    def _get_new_session_key(self):
        return get_random_string(32, VALID_KEY_CHARS)

    def save(self, must_create=False):
        if self.session_key is None:
            return self.create()
        if transaction.get_connection(router.db_for_write(self.model)).in_atomic_block:
            return super().save(must_create=must_create)
        data = self._get_session(no_load=must_create)
        obj = self.create_model_instance(data)
        using = router.db_for_write(self.model, instance=obj)
        try:
            obj.save(force_insert=must_create, force_update=not must_create, using=using)
        except IntegrityError:
            if must_create:
                raise CreateError
            raise
        except DatabaseError:
            if not must_create:
                raise UpdateError
            raise
