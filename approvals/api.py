"""REST endpoints for approvals: a user's list, decisions while signed in, decisions by link."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals import selectors, services
from approvals.models import ApprovalRequest, ApprovalStatus


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


class ApprovalListApi(GenericAPIView):
    serializer_class = ApprovalOutput

    class Filter(serializers.Serializer):
        status = serializers.ChoiceField(choices=ApprovalStatus.choices, required=False)

    def get(self, request: Request) -> Response:
        filters = self.Filter(data=request.query_params)
        filters.is_valid(raise_exception=True)
        approvals = selectors.approval_list(user=request.user, **filters.validated_data)
        page = self.paginate_queryset(approvals)
        return self.get_paginated_response(ApprovalOutput(page, many=True).data)


class ApprovalDecideApi(APIView):
    """POST /api/approvals/{id}/approve/ and /reject/, for the signed-in owner."""

    approve = True

    @extend_schema(request=None, responses=DecisionOutput)
    def post(self, request: Request, approval_id: int) -> Response:
        approval = services.approval_decide(
            approval_id=approval_id, user=request.user, approve=self.approve
        )
        return Response(DecisionOutput(approval).data)


class ApprovalTokenDecideApi(APIView):
    """POST /api/approvals/by-token/{token}/approve/ and /reject/: the link is the credential."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    approve = True

    @extend_schema(request=None, responses=DecisionOutput)
    def post(self, request: Request, token: str) -> Response:
        approval = services.approval_decide_by_token(token=token, approve=self.approve)
        return Response(DecisionOutput(approval).data)
