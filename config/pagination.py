"""The API's pagination."""

from typing import Any

from rest_framework import pagination
from rest_framework.request import Request


class PageNumberPagination(pagination.PageNumberPagination):
    """DRF's page numbers, taken only as the schema documents them: an integer. DRF reads an
    empty ?page= as the first page and "last" as the last one; both are now a 404 (no such
    page), as any other page that is not a number."""

    last_page_strings = ()

    def get_page_number(self, request: Request, paginator: Any) -> Any:
        return request.query_params.get(self.page_query_param, 1)
