"""The API's OpenAPI schema: drf-spectacular's AutoSchema, plus the error answers of every
operation, each with the one error body the exception handler (config.exceptions) writes."""

import re
from typing import Any

from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated
from uritemplate import variables


class ErrorOutput(serializers.Serializer):
    """Every error of the API. Some carry more: `fields` for invalid input (the messages per
    field), `status` and `application_id` for a posting already applied to."""

    error = serializers.CharField(
        help_text="A stable code: invalid, invalid_url, parse_error, not_authenticated, "
        "not_found, method_not_allowed, transition_not_allowed, approval_closed, "
        "approval_expired, request_too_large, unsupported_media_type, ..."
    )
    detail = serializers.CharField(help_text="What went wrong, as a sentence for a person.")
    fields = serializers.JSONField(
        required=False, help_text="For invalid input: the messages of each field."
    )


BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
BLANK_BRANCH = {"type": "string", "maxLength": 0}


def _takes_blank(schema: dict[str, Any]) -> bool:
    pattern = schema.get("pattern")
    return (
        "format" not in schema
        and not schema.get("minLength")
        and (pattern is None or re.search(pattern, "") is not None)
    )


class AutoSchema(openapi.AutoSchema):
    """Adds to each operation the errors it can answer: what its input, its authentication and
    its path allow (below), and those its view names in `error_responses` (the refusals of its
    service: 409, 410, ...), as {status: description}."""

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for status, description in sorted(self._error_statuses().items()):
            responses.setdefault(
                str(status),
                self._get_response_for_code(
                    OpenApiResponse(ErrorOutput, description), str(status), direction=direction
                ),
            )
        return responses

    def _insert_field_validators(self, field: Any, schema: dict[str, Any]) -> None:
        super()._insert_field_validators(field, schema)
        # drf-spectacular offers a blank field's "" as a second oneOf branch. When the first
        # branch takes "" too (a pattern that matches it), "" matches both and oneOf refuses
        # it: the field is then its first branch alone.
        branches = schema.get("oneOf")
        if (
            branches
            and len(branches) == 2
            and branches[1] == BLANK_BRANCH
            and _takes_blank(branches[0])
        ):
            schema.update(schema.pop("oneOf")[0])

    def _has_body(self) -> bool:
        return self.method in BODY_METHODS and self.get_request_serializer() is not None

    def _has_query(self) -> bool:
        return any(parameter["in"] == "query" for parameter in self._get_parameters())

    def _error_statuses(self) -> dict[int, str]:
        statuses: dict[int, str] = {}
        if self._has_body() or self._has_query():
            statuses[400] = "The request's body or query is malformed or breaks a rule."
        if any(
            isinstance(permission, IsAuthenticated) for permission in self.view.get_permissions()
        ):
            statuses[401] = "No valid token or session came with the request."
        if self.method in BODY_METHODS and any(
            isinstance(authenticator, SessionAuthentication)
            for authenticator in self.view.get_authenticators()
        ):
            statuses[403] = "Signed in by session, the request lacks its CSRF token."
        if variables(self.path) or self._is_list_view():
            statuses[404] = (
                "No such page of the list."
                if self._is_list_view()
                else "No such object among the signed-in user's (another user's is not shown)."
            )
        if self._has_body():
            statuses[413] = "The request body is larger than a request may carry."
            statuses[415] = "The body is in a media type the endpoint does not read."
        statuses.update(getattr(self.view, "error_responses", {}))
        return statuses
