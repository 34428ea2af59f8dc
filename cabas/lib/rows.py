"""Model instances from a written-out SELECT, for the few queries that run on every checkout and that
the ORM takes longer to build and compile than the database to run.

`Columns(parts)` describes what such a query reads: for each model, its alias in the SQL and the
fields it loads (None: every concrete field). `columns.select` is the SELECT list (built once per
database vendor); `columns.instances(row)` turns one fetched row into one instance per part, with
the backend's converters applied as the ORM would (None for a part whose LEFT JOIN found no row).
`fetch(sql, params)` runs such a query and returns its rows.
"""

from __future__ import annotations

from django.db import connection


def fetch(sql: str, params) -> list[tuple]:
    """The rows of a written-out SELECT."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class Columns:
    def __init__(self, parts):
        self.parts = tuple(parts)  # ((model, alias, field names or None), ...)
        self._built: dict[str, tuple] = {}  # by database vendor: (per part: model and columns, SELECT list)

    def _build(self):
        if connection.vendor not in self._built:
            quote = connection.ops.quote_name
            parts, select = [], []
            for model, alias, names in self.parts:
                columns = []
                for field in model._meta.concrete_fields:
                    if names is not None and field.name not in names:
                        continue
                    col = field.get_col(alias)
                    converters = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
                    columns.append((field.attname, col, converters))
                    select.append(f"{alias}.{quote(field.column)}")
                parts.append((model, columns))
            self._built[connection.vendor] = parts, ", ".join(select)
        return self._built[connection.vendor]

    @property
    def select(self) -> str:
        return self._build()[1]

    def instances(self, row, skip: frozenset = frozenset()) -> list:
        """One instance per part (None for the parts whose index is in `skip`)."""
        parts, _ = self._build()
        values, instances = iter(row), []
        for index, (model, columns) in enumerate(parts):
            if index in skip:
                for _column in columns:
                    next(values)
                instances.append(None)
                continue
            names, loaded = [], []
            for attname, col, converters in columns:
                value = next(values)
                for converter in converters:
                    value = converter(value, col, connection)
                names.append(attname)
                loaded.append(value)
            pk = loaded[names.index(model._meta.pk.attname)]
            instances.append(None if pk is None else model.from_db(connection.alias, names, loaded))
        return instances
