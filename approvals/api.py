"""REST endpoints for approvals: a user's list, decisions while signed in, decisions by link."""

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals import selectors, services
from approvals.models import ApprovalRequest, ApprovalStatus
from approvals.services.audit import Via
from config.filters import query_filters


class ApprovalOutput(serializers.ModelSerializer):
    task_state = serializers.CharField(source="task.state")
    company = serializers.CharField(source="task.job.company")
    title = serializers.CharField(source="task.job.title")
    url = serializers.CharField(source="task.job.url")

    class Meta:
        model = ApprovalRequest
        fields = [
            "id",
            "task",
            "task_state",
            "status",
            "company",
            "title",
            "url",
            "created_at",
            "expires_at",
            "decided_at",
        ]


class DecisionOutput(ApprovalOutput):
    submit = serializers.SerializerMethodField(
        help_text="queued: the task is approved and its submit is queued, even while the "
        "broker is unreachable (it is published again once the broker is back); null otherwise."
    )

    class Meta(ApprovalOutput.Meta):
        fields = [*ApprovalOutput.Meta.fields, "submit"]

    def get_submit(self, approval: ApprovalRequest) -> str | None:
        return "queued" if approval.status == ApprovalStatus.APPROVED else None


class ApprovalListApi(ListAPIView):
    serializer_class = ApprovalOutput

    class Filter(serializers.Serializer):
        status = serializers.ChoiceField(choices=ApprovalStatus.choices, required=False)
        open = serializers.BooleanField(
            required=False,
            help_text="true: only requests still waiting for a decision (pending or escalated); "
            "false: only those that ended.",
        )

    def get_queryset(self):
        filters = self.Filter(data=query_filters(self.request))
        filters.is_valid(raise_exception=True)
        return selectors.approval_list(user=self.request.user, **filters.validated_data)

    @extend_schema(parameters=[Filter])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


DECISION_ERRORS = {
    400: "A required question of the form is not answered (`missing` names them), or an answer "
    "is not one the question takes.",
    403: "You are not one of this request's approvers.",
    409: "The approval was decided already, or is being decided at the same moment; or its "
    "application is not ready for a decision (it waits for the person's answer, or is still "
    "being filled in: `not_ready`).",
    410: "The approval expired before this decision: the application was not submitted.",
}


# PostgreSQL stores no NUL in text or JSON, and DRF's CharField refuses one: the schema says so.
@extend_schema_field({"type": "string", "maxLength": 2000, "pattern": "^[^\\u0000]*$"})
class DecisionTextField(serializers.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_blank=True, max_length=2000, **kwargs)


class DecisionInput(serializers.Serializer):
    comment = DecisionTextField(required=False, default="")
    answers = serializers.DictField(
        child=DecisionTextField(),
        required=False,
        default=dict,
        help_text="Answers to the form's questions, by question (label): every required one "
        "must be answered to approve. Kept with the application and in the profile.",
    )


class ApprovalDecideApi(APIView):
    """POST /api/approvals/{id}/approve/ and /reject/, for the signed-in applicant or another
    of the request's approvers."""

    error_responses = DECISION_ERRORS

    approve = True

    @extend_schema(request=DecisionInput, responses=DecisionOutput)
    def post(self, request: Request, approval_id: int) -> Response:
        given = DecisionInput(data=request.data)
        given.is_valid(raise_exception=True)
        approval = services.approval_decide(
            approval_id=approval_id,
            user=request.user,
            approve=self.approve,
            comment=given.validated_data["comment"],
            via=Via.of(request),
            answers=given.validated_data["answers"] if self.approve else None,
        )
        return Response(DecisionOutput(approval).data)


class ApprovalTokenDecideApi(APIView):
    """POST /api/approvals/by-token/{token}/approve/ and /reject/: the link is the credential,
    and says which approver decides."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    error_responses = DECISION_ERRORS
    approve = True

    @extend_schema(request=DecisionInput, responses=DecisionOutput)
    def post(self, request: Request, token: str) -> Response:
        given = DecisionInput(data=request.data)
        given.is_valid(raise_exception=True)
        approval = services.approval_decide_by_token(
            token=token,
            approve=self.approve,
            comment=given.validated_data["comment"],
            via=Via.of(request),
            answers=given.validated_data["answers"] if self.approve else None,
        )
        return Response(DecisionOutput(approval).data)
