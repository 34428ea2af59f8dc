"""Canonical query strings for pages with filters: each parameter once, empty ones dropped, so that
a page has one URL whatever way its filters were combined (a form, a link, a page of results)."""

from django.http import QueryDict


def canonical_query(query: QueryDict, known) -> QueryDict:
    """`query` with only the parameters in `known`, each once (its first non-empty value, stripped),
    in the order they came."""
    clean = QueryDict(mutable=True)
    for name in query:
        if name not in known:
            continue
        value = next((v.strip() for v in query.getlist(name) if v.strip()), "")
        if value:
            clean[name] = value
    return clean


def is_canonical(query: QueryDict, known) -> bool:
    """Whether `query` is already its canonical form (nothing to drop, nothing repeated)."""
    return query.urlencode() == canonical_query(query, known).urlencode()
