"""The pagination of every list of the API: `limit` and `offset`, bounded (cabas.api.schemas.PageIn)."""

from ninja.pagination import LimitOffsetPagination

from cabas.api.schemas import PageIn


class Pagination(LimitOffsetPagination):
    """ninja's limit/offset pagination (`{"items": [...], "count": n}`) with the shared bounds: an
    offset past them is refused with 422 instead of reaching the database."""

    Input = PageIn
