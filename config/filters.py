"""What list endpoints share to read their filters."""

from rest_framework.request import Request


def query_filters(request: Request) -> dict[str, str]:
    """The query as a plain dict for a filter serializer. Read as a form (a QueryDict), DRF takes
    an empty value (?state=) for an absent one, which the schema's enum does not allow: given
    as a plain value, it is refused as any other value outside the choices."""
    return request.query_params.dict()
