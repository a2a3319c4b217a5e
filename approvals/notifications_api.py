"""REST endpoints for notifications: a user's in-app notifications (and marking one read), and
the endpoints (webhooks, Slack, Apprise URLs) their approval requests are sent to."""

import re
from typing import Any

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals import selectors
from approvals.models import EndpointKind, Notification, NotificationEndpoint
from approvals.services import endpoints, notifying
from approvals.services.channels import review_url
from approvals.services.tokens import token_unseal
from config.filters import query_filters
from config.schema import AutoSchema


class NotificationOutput(serializers.ModelSerializer):
    approval = serializers.IntegerField(source="request_id")
    company = serializers.CharField(source="request.task.job.company")
    title = serializers.CharField(source="request.task.job.title")
    review_url = serializers.SerializerMethodField(
        help_text="The recipient's own link to the review page; null when it cannot be read."
    )

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "approval",
            "company",
            "title",
            "review_url",
            "status",
            "created_at",
            "read_at",
        ]

    def get_review_url(self, notification: Notification) -> str | None:
        token = token_unseal(notification.link.sealed_token)
        return review_url(token) if token else None


class NotificationListApi(ListAPIView):
    """GET /api/notifications/: the signed-in user's in-app notifications, newest first."""

    serializer_class = NotificationOutput

    class Filter(serializers.Serializer):
        unread = serializers.BooleanField(
            required=False, allow_null=False, help_text="true: unread only; false: read only."
        )

    def get_queryset(self):
        filters = self.Filter(data=query_filters(self.request))
        filters.is_valid(raise_exception=True)
        return selectors.notification_list(user=self.request.user, **filters.validated_data)

    @extend_schema(parameters=[Filter])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class NotificationReadApi(APIView):
    """POST /api/notifications/{id}/read/: mark one of the user's notifications read."""

    @extend_schema(request=None, responses=NotificationOutput)
    def post(self, request: Request, notification_id: int) -> Response:
        notification = selectors.notification_get(
            user=request.user, notification_id=notification_id
        )
        notification = notifying.notification_mark_read(notification=notification)
        return Response(NotificationOutput(notification).data)


class EndpointOutput(serializers.ModelSerializer):
    class Meta:
        model = NotificationEndpoint
        fields = ["id", "kind", "name", "url", "active", "created_at"]


class EndpointCreatedOutput(EndpointOutput):
    secret = serializers.CharField(
        allow_null=True,
        help_text="A webhook's signing secret (Standard Webhooks, whsec_...): shown only here, "
        "once. Null for Slack and Apprise.",
    )

    class Meta(EndpointOutput.Meta):
        fields = [*EndpointOutput.Meta.fields, "secret"]


def _url_field(kind: str) -> serializers.CharField:
    pattern = endpoints.URL_PATTERNS[kind]

    @extend_schema_field({"type": "string", "maxLength": 2000, "pattern": pattern})
    class UrlField(serializers.CharField):
        def to_internal_value(self, data: Any) -> str:
            if not isinstance(data, str):
                self.fail("invalid")
            return super().to_internal_value(data)

    def matches(url: str) -> None:
        # The whole URL, as the schema's pattern reads it (a search for `...$` would take a
        # URL with a line break after it).
        if not re.fullmatch(pattern, url):
            raise serializers.ValidationError(f"Not a URL a {kind} endpoint takes.")

    return UrlField(max_length=2000, trim_whitespace=False, validators=[matches])


@extend_schema_field({"type": "string", "maxLength": 100, "pattern": "^[^\\u0000]*$"})
class EndpointNameField(serializers.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            max_length=100, allow_blank=True, trim_whitespace=False, required=False, **kwargs
        )

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str) or "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


def _input(kind: str, help_text: str) -> type[serializers.Serializer]:
    fields = {
        "kind": serializers.ChoiceField(choices=[kind]),
        "url": _url_field(kind),
        "name": EndpointNameField(default="", help_text="How the endpoint is shown."),
    }
    name = f"{kind.capitalize()}EndpointInput"
    return type(name, (serializers.Serializer,), {**fields, "__doc__": help_text})


ENDPOINT_INPUTS = {
    EndpointKind.WEBHOOK: _input(
        EndpointKind.WEBHOOK, "A webhook: JSON POSTs signed as Standard Webhooks says."
    ),
    EndpointKind.SLACK: _input(EndpointKind.SLACK, "A Slack incoming webhook's URL."),
    EndpointKind.APPRISE: _input(
        EndpointKind.APPRISE, "An Apprise URL: ntfy://, tgram://, pover://, json://, ..."
    ),
}


class EndpointKindInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EndpointKind.choices)


class BodyRequiredSchema(AutoSchema):
    """drf-spectacular marks a body required by its component's required fields, which a oneOf
    of components (PolymorphicProxySerializer) has none of: the endpoint input's is required."""

    def _get_request_for_media_type(self, serializer: Any, direction: str = "request") -> Any:
        schema, _ = super()._get_request_for_media_type(serializer, direction)
        return schema, True


class EndpointListApi(ListAPIView):
    """GET /api/notification-endpoints/: the signed-in user's endpoints; POST: a new one (a
    webhook's secret is in this answer only)."""

    serializer_class = EndpointOutput
    schema = BodyRequiredSchema()

    def get_queryset(self):
        return selectors.endpoint_list(user=self.request.user)

    @extend_schema(
        request=PolymorphicProxySerializer(
            component_name="NotificationEndpointInput",
            serializers={str(kind): given for kind, given in ENDPOINT_INPUTS.items()},
            resource_type_field_name="kind",
        ),
        responses={201: EndpointCreatedOutput},
    )
    def post(self, request: Request) -> Response:
        kind = EndpointKindInput(data=request.data)
        kind.is_valid(raise_exception=True)
        given = ENDPOINT_INPUTS[kind.validated_data["kind"]](data=request.data)
        given.is_valid(raise_exception=True)
        endpoint, secret = endpoints.endpoint_create(user=request.user, **given.validated_data)
        endpoint.secret = secret
        return Response(EndpointCreatedOutput(endpoint).data, status=status.HTTP_201_CREATED)


class EndpointDetailApi(APIView):
    """DELETE /api/notification-endpoints/{id}/."""

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, endpoint_id: int) -> Response:
        endpoints.endpoint_delete(user=request.user, endpoint_id=endpoint_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
