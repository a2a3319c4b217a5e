"""REST endpoints for what decides a user's approvals: their default policy and a run's own
(`/api/approval-policy/`, `/api/runs/{id}/approval-policy/`), and their auto-approve rules
(`/api/approval-rules/`)."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from applications.api import StrictCharField
from applications.models import ApplicationRun
from approvals import selectors
from approvals.models import ApprovalPolicy, AutoApproveRule, NotifyChannel, TimeoutAction
from approvals.services import conditions, policies, rules

NO_NUL = "^[^\\u0000]*$"


def _from_form(field: serializers.Field) -> bool:
    """Whether the input came as a form (the browsable API's), where every value is text."""
    return isinstance(getattr(field.root, "initial_data", None), QueryDict)


class StrictBooleanField(serializers.BooleanField):
    """true or false, as the schema says: DRF's also takes 0, 1, "yes", "off", ... (a form's
    text is still read)."""

    def to_internal_value(self, data: Any) -> bool:
        if isinstance(data, bool) or _from_form(self):
            return super().to_internal_value(data)
        self.fail("invalid", input=data)


class StrictIntegerField(serializers.IntegerField):
    """A JSON number without a fraction, as the schema says: DRF's also takes "12" and true (a
    form's text is still read)."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or (isinstance(data, str) and not _from_form(self)):
            self.fail("invalid")
        return super().to_internal_value(data)


class ApproverOutput(serializers.Serializer):
    label = serializers.CharField(help_text="A username, or an e-mail address.")
    account = serializers.BooleanField(help_text="Whether the approver has an account here.")

    @staticmethod
    def shape(approvers: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {"label": approver["label"], "account": approver["user_id"] is not None}
            for approver in approvers
        ]


class PolicyOutput(serializers.Serializer):
    run = serializers.IntegerField(allow_null=True, help_text="Null: the user's defaults.")
    saved = serializers.BooleanField(help_text="False: nothing saved, these are the defaults.")
    ttl_seconds = serializers.IntegerField()
    timeout_action = serializers.ChoiceField(choices=TimeoutAction.choices)
    require_min_approvers = serializers.IntegerField()
    require_all = serializers.BooleanField()
    allowed_approvers = serializers.ListField(child=serializers.CharField())
    applicant_may_approve = serializers.BooleanField()
    escalate_to = serializers.ListField(child=serializers.CharField())
    escalation_extension_seconds = serializers.IntegerField()
    notify = serializers.ListField(child=serializers.ChoiceField(choices=NotifyChannel.choices))
    approvers = ApproverOutput(many=True, help_text="Who may approve, as resolved now.")
    escalation_approvers = ApproverOutput(many=True, help_text="escalate_to, as resolved now.")

    @staticmethod
    def shape(policy: ApprovalPolicy) -> dict[str, Any]:
        resolved = policies.policy_resolved(policy)
        return {
            "run": policy.run_id,
            "saved": policy.pk is not None,
            **{name: getattr(policy, name) for name in policies.POLICY_FIELDS},
            "approvers": ApproverOutput.shape(resolved["approvers"]),
            "escalation_approvers": ApproverOutput.shape(resolved["escalate_to"]),
        }


MAX_APPROVERS = 50


def _people(help_text: str) -> serializers.ListField:
    return serializers.ListField(
        child=StrictCharField(max_length=254),
        max_length=MAX_APPROVERS,
        required=False,
        help_text=help_text,
    )


class PolicyInput(serializers.Serializer):
    """A policy; PUT gives the defaults to the fields it leaves out, PATCH keeps their value."""

    ttl_seconds = StrictIntegerField(
        min_value=policies.MIN_TTL_SECONDS, max_value=policies.MAX_TTL_SECONDS, required=False
    )
    timeout_action = serializers.ChoiceField(choices=TimeoutAction.choices, required=False)
    require_min_approvers = StrictIntegerField(min_value=1, max_value=100, required=False)
    require_all = StrictBooleanField(required=False)
    allowed_approvers = _people("Usernames or e-mail addresses, besides the applicant.")
    applicant_may_approve = StrictBooleanField(required=False)
    escalate_to = _people("Usernames or e-mail addresses, sent links when the time is up.")
    escalation_extension_seconds = StrictIntegerField(
        min_value=policies.MIN_TTL_SECONDS, max_value=policies.MAX_TTL_SECONDS, required=False
    )
    notify = serializers.ListField(
        child=serializers.ChoiceField(choices=NotifyChannel.choices),
        max_length=len(NotifyChannel.choices),
        required=False,
    )


POLICY_ERRORS = {
    400: "The policy cannot work as given (an unknown approver, a quorum larger than the "
    "approvers, an escalation to nobody, ...): nothing was saved."
}


class WritesRefusedMixin:
    """The refusals of a view's writes (`write_errors`), documented for its PUT, PATCH and POST
    only: the schema reads `error_responses` for each method."""

    write_errors: dict[int, str] = {}

    @property
    def error_responses(self) -> dict[int, str]:
        method = getattr(getattr(self, "request", None), "method", "GET")
        return self.write_errors if method in ("PUT", "PATCH", "POST") else {}


class PolicyApi(WritesRefusedMixin, APIView):
    """GET the policy (saved, or the defaults); PUT replaces it, PATCH changes the fields given.
    Without a run: the user's defaults; with one: that run's own, which its tasks' requests are
    made under instead."""

    write_errors = POLICY_ERRORS

    def _run(self, request: Request, run_id: int | None) -> ApplicationRun | None:
        return None if run_id is None else selectors.run_of(user=request.user, run_id=run_id)

    @extend_schema(responses=PolicyOutput)
    def get(self, request: Request, run_id: int | None = None) -> Response:
        policy = policies.policy_get(user=request.user, run=self._run(request, run_id))
        return Response(PolicyOutput.shape(policy))

    @extend_schema(request=PolicyInput, responses=PolicyOutput)
    def put(self, request: Request, run_id: int | None = None) -> Response:
        return self._save(request, run_id, replace=True)

    @extend_schema(request=PolicyInput, responses=PolicyOutput)
    def patch(self, request: Request, run_id: int | None = None) -> Response:
        return self._save(request, run_id, replace=False)

    def _save(self, request: Request, run_id: int | None, *, replace: bool) -> Response:
        run = self._run(request, run_id)
        given = PolicyInput(data=request.data)
        given.is_valid(raise_exception=True)
        fields = dict(given.validated_data)
        if replace:
            defaults = ApprovalPolicy()
            fields = {name: getattr(defaults, name) for name in policies.POLICY_FIELDS} | fields
        policy = policies.policy_save(user=request.user, run=run, **fields)
        return Response(PolicyOutput.shape(policy))


# Auto-approve rules.

FIELD_PATTERN = (
    "^(" + "|".join(field.replace(".", "\\.") for field in conditions.FIELDS) + ")$"
    "|^(" + "|".join(conditions.PATH_NAMESPACES) + ")(\\.[^.\\u0000]+)+$"
)
_TEXT = {"type": "string", "pattern": NO_NUL}
_SCALAR = {"anyOf": [_TEXT, {"type": "number"}, {"type": "boolean"}]}


def _branch(operators: tuple[str, ...], value: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "field": {"type": "string", "pattern": FIELD_PATTERN},
            "op": {"type": "string", "enum": list(operators)},
            "value": value,
        },
        "required": ["field", "op", "value"],
        "additionalProperties": False,
    }


CONDITIONS_SCHEMA = {
    "type": "array",
    "minItems": 1,
    "maxItems": conditions.MAX_CONDITIONS,
    "description": "Every one must hold. Fields: "
    + ", ".join(conditions.FIELDS)
    + ", filled.<path> (a value filled in), checkpoint.<path>. See the README for how each "
    "operator compares.",
    "items": {
        "oneOf": [
            _branch(("==", "!="), _SCALAR),
            _branch(conditions.ORDERING, {"type": "number"}),
            _branch(conditions.TEXT, _TEXT),
            _branch(
                conditions.MEMBERSHIP,
                {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": conditions.MAX_LIST_ITEMS,
                    "items": _SCALAR,
                },
            ),
        ]
    },
}


@extend_schema_field(CONDITIONS_SCHEMA)
class ConditionsField(serializers.JSONField):
    """The conditions as sent: the service checks them (approvals.services.rules.rule_check),
    and its refusal names the condition."""


@extend_schema_field(
    {
        "type": "string",
        "minLength": 1,
        "maxLength": rules.MAX_NAME_LENGTH,
        "pattern": "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$",
    }
)
class RuleNameField(StrictCharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=rules.MAX_NAME_LENGTH, **kwargs)


class RuleOutput(serializers.ModelSerializer):
    conditions = ConditionsField()

    class Meta:
        model = AutoApproveRule
        fields = ["id", "name", "conditions", "enabled", "position", "created_at"]


class RuleInput(serializers.Serializer):
    name = RuleNameField()
    conditions = ConditionsField()
    enabled = StrictBooleanField(required=False)
    position = StrictIntegerField(
        min_value=0, max_value=2_147_483_647, required=False, help_text="Tried in this order."
    )


class RulePatchInput(RuleInput):
    name = RuleNameField(required=False)
    conditions = ConditionsField(required=False)


RULE_ERRORS = {
    400: "The rule cannot work as given (an unknown field or operator, a value the operator "
    "cannot compare): the detail names the condition; nothing was saved.",
    409: "The user has a rule of that name already.",
}


class RuleListApi(WritesRefusedMixin, ListAPIView):
    """GET lists the user's rules in the order they are tried; POST adds one (last, unless it
    gives a position)."""

    serializer_class = RuleOutput
    write_errors = RULE_ERRORS

    def get_queryset(self):
        return selectors.rule_list(user=self.request.user)

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return RuleInput if self.request.method == "POST" else RuleOutput

    @extend_schema(request=RuleInput, responses={201: RuleOutput})
    def post(self, request: Request) -> Response:
        given = RuleInput(data=request.data)
        given.is_valid(raise_exception=True)
        rule = rules.rule_save(user=request.user, **given.validated_data)
        return Response(RuleOutput(rule).data, status=status.HTTP_201_CREATED)


class RuleDetailApi(WritesRefusedMixin, APIView):
    write_errors = RULE_ERRORS

    @extend_schema(responses=RuleOutput)
    def get(self, request: Request, rule_id: int) -> Response:
        return Response(RuleOutput(selectors.rule_get(user=request.user, rule_id=rule_id)).data)

    @extend_schema(request=RuleInput, responses=RuleOutput)
    def put(self, request: Request, rule_id: int) -> Response:
        return self._save(request, rule_id, RuleInput)

    @extend_schema(request=RulePatchInput, responses=RuleOutput)
    def patch(self, request: Request, rule_id: int) -> Response:
        return self._save(request, rule_id, RulePatchInput)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, rule_id: int) -> Response:
        rules.rule_delete(rule=selectors.rule_get(user=request.user, rule_id=rule_id))
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _save(
        self, request: Request, rule_id: int, input_class: type[serializers.Serializer]
    ) -> Response:
        rule = selectors.rule_get(user=request.user, rule_id=rule_id)
        given = input_class(data=request.data)
        given.is_valid(raise_exception=True)
        rule = rules.rule_save(user=request.user, rule=rule, **given.validated_data)
        return Response(RuleOutput(rule).data)
