"""REST endpoints for runs, tasks, applications and manual apply. Each view parses its input,
calls one service or selector, and shapes the output."""

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from applications import selectors, services
from applications.exceptions import InvalidJobUrls
from applications.models import Application, ApplicationRun, ApplicationTask, TaskState
from config.filters import query_filters
from jobs.canonical import MAX_URL_LENGTH, is_uri


class JobOutput(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField()
    canonical_key = serializers.CharField()
    ats = serializers.CharField()
    external_id = serializers.CharField()
    company = serializers.CharField()
    title = serializers.CharField()
    location = serializers.CharField()


class TaskOutput(serializers.ModelSerializer):
    job = JobOutput()
    waits_for_session = serializers.BooleanField(read_only=True)

    class Meta:
        model = ApplicationTask
        fields = [
            "id",
            "run",
            "job",
            "state",
            "waits_for_session",
            "priority",
            "attempts",
            "last_error",
            "not_before",
            "wait_reason",
            "queued_at",
            "started_at",
            "heartbeat_at",
            "state_changed_at",
            "finished_at",
        ]


class HandoffOutput(serializers.Serializer):
    """What a step asked of the person (a task WAITING_FOR_PERSON, or one that did); never the
    answer, which may be a code."""

    kind = serializers.ChoiceField(choices=["code", "captcha", "login"])
    prompt = serializers.CharField()
    step = serializers.CharField()
    asked_at = serializers.CharField()
    answered_at = serializers.CharField(allow_null=True)


class CheckpointOutput(serializers.Serializer):
    """What a paused or recovered task resumes from."""

    steps_done = serializers.ListField(child=serializers.CharField())
    values = serializers.DictField(help_text="The values filled in so far, by field.")
    handoff = HandoffOutput(allow_null=True, help_text="What a step asked of the person.")

    @staticmethod
    def shape(checkpoint: dict[str, Any]) -> dict[str, Any]:
        # The resume data only: whatever else a checkpoint carries (a driver's own options,
        # keys written by older versions, the person's answer) is not the user's to read.
        handoff = checkpoint.get("handoff")
        shown = ("kind", "prompt", "step", "asked_at", "answered_at")
        return {
            "steps_done": list(checkpoint.get("steps_done", [])),
            "values": dict(checkpoint.get("values", {})),
            "handoff": (
                {key: handoff.get(key) for key in shown} if isinstance(handoff, dict) else None
            ),
        }


class TaskDetailOutput(TaskOutput):
    """A task with its checkpoint; the list leaves it out, as one page may hold 100 tasks."""

    checkpoint = serializers.SerializerMethodField()

    class Meta(TaskOutput.Meta):
        fields = [*TaskOutput.Meta.fields, "checkpoint"]

    @extend_schema_field(CheckpointOutput)
    def get_checkpoint(self, task: ApplicationTask) -> dict[str, Any]:
        return CheckpointOutput.shape(task.checkpoint or {})


class RunOutput(serializers.ModelSerializer):
    counts = serializers.SerializerMethodField()
    total = serializers.IntegerField(source="total_tasks")
    progress = serializers.SerializerMethodField()

    class Meta:
        model = ApplicationRun
        fields = ["id", "name", "created_at", "total", "counts", "progress"]

    def get_counts(self, run: ApplicationRun) -> dict[str, int]:
        return selectors.run_state_counts(run)

    def get_progress(self, run: ApplicationRun) -> float:
        return selectors.run_progress(run)


class ApplicationOutput(serializers.ModelSerializer):
    job = JobOutput()

    class Meta:
        model = Application
        fields = ["id", "job", "status", "has_been_applied_to", "last_applied_at", "updated_at"]


class StrictCharField(serializers.CharField):
    """A CharField that takes strings only: DRF's turns a number into its digits, where the
    schema says string."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field({"type": "string", "format": "uri", "maxLength": MAX_URL_LENGTH})
class JobUrlField(StrictCharField):
    """A posting link: an absolute URI (RFC 3986) of at most MAX_URL_LENGTH characters, taken as
    sent (untrimmed), so that what the schema calls a URI is what the API takes."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=MAX_URL_LENGTH, trim_whitespace=False, **kwargs)


class JobUrlsInput(serializers.Serializer):
    job_urls = serializers.ListField(
        child=JobUrlField(),
        min_length=1,
        max_length=settings.MAX_URLS_PER_REQUEST,
        help_text=f"Posting links (http or https), 1 to {settings.MAX_URLS_PER_REQUEST} in one "
        "request.",
    )

    def validate_job_urls(self, job_urls: list[str]) -> list[str]:
        for position, url in enumerate(job_urls):
            if not is_uri(url):
                # The same error as a link ingestion cannot read (applications.services).
                raise InvalidJobUrls(
                    f"job_urls[{position}]: not a valid link (RFC 3986): percent-encode spaces, "
                    'non-ASCII letters and characters such as < > " { } | \\ ^ `, and give '
                    "one # at most."
                )
        return job_urls


@extend_schema_field({"type": "string", "maxLength": 200, "pattern": "^[^\\u0000]*$"})
class RunNameField(StrictCharField):
    """A run's name: blank allowed, whether sent as JSON or as a form, and kept as sent (its
    length is the one the schema gives); no NUL, which PostgreSQL cannot store."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            max_length=200, allow_blank=True, trim_whitespace=False, required=False, **kwargs
        )


class RunCreateInput(JobUrlsInput):
    name = RunNameField(default="")


class QueuedTaskOutput(serializers.Serializer):
    """A task as ingestion reports it: lean, because one request may queue 10,000 of them."""

    id = serializers.IntegerField()
    job_id = serializers.IntegerField()
    url = serializers.URLField()
    company = serializers.CharField()
    state = serializers.CharField()
    priority = serializers.IntegerField()

    @staticmethod
    def shape(task: ApplicationTask) -> dict[str, Any]:
        # Plain dicts: DRF's per-field machinery would cost more than the whole ingestion.
        return {
            "id": task.pk,
            "job_id": task.job_id,
            "url": task.job.url,
            "company": task.job.company,
            "state": task.state,
            "priority": task.priority,
        }


IngestOutput = inline_serializer(
    "IngestOutput",
    {
        "run": RunOutput(allow_null=True),
        "tasks": QueuedTaskOutput(many=True),
        "warnings": serializers.ListField(child=serializers.CharField()),
    },
)


def _validated(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _ingest_response(result: services.IngestResult, *, user, created_status: int) -> Response:
    run = selectors.run_get(user=user, run_id=result.run.pk) if result.run else None
    body = {
        "run": RunOutput(run).data if run else None,
        "tasks": [QueuedTaskOutput.shape(task) for task in result.tasks],
        "warnings": result.warnings,
    }
    return Response(body, status=created_status if result.tasks else status.HTTP_200_OK)


class RunListApi(ListAPIView):
    """GET lists the user's runs; POST creates one. The queryset is the selector's, so that the
    browsable API, which asks every list view for it, can render the page."""

    serializer_class = RunOutput

    def get_queryset(self):
        return selectors.run_list(user=self.request.user)

    def get_serializer_class(self) -> type[serializers.Serializer]:
        # The browsable API's form for POST is the input's, not the output's.
        return RunCreateInput if self.request.method == "POST" else RunOutput

    @extend_schema(request=RunCreateInput, responses={201: IngestOutput, 200: IngestOutput})
    def post(self, request: Request) -> Response:
        data = _validated(RunCreateInput, request.data)
        result = services.run_create(
            user=request.user, job_urls=data["job_urls"], name=data["name"]
        )
        return _ingest_response(result, user=request.user, created_status=status.HTTP_201_CREATED)


class RunDetailApi(APIView):
    @extend_schema(responses=RunOutput)
    def get(self, request: Request, run_id: int) -> Response:
        return Response(RunOutput(selectors.run_get(user=request.user, run_id=run_id)).data)


class RunJobsApi(APIView):
    @extend_schema(request=JobUrlsInput, responses={201: IngestOutput, 200: IngestOutput})
    def post(self, request: Request, run_id: int) -> Response:
        run = selectors.run_get(user=request.user, run_id=run_id)
        data = _validated(JobUrlsInput, request.data)
        result = services.run_add_jobs(run=run, job_urls=data["job_urls"])
        return _ingest_response(result, user=request.user, created_status=status.HTTP_201_CREATED)


class TaskListApi(ListAPIView):
    serializer_class = TaskOutput

    class Filter(serializers.Serializer):
        state = serializers.ChoiceField(choices=TaskState.choices, required=False)
        run = serializers.IntegerField(required=False, min_value=1)

    def get_queryset(self):
        filters = _validated(self.Filter, query_filters(self.request))
        return selectors.task_list(
            user=self.request.user, state=filters.get("state"), run_id=filters.get("run")
        )

    @extend_schema(parameters=[Filter])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class TaskDetailApi(APIView):
    @extend_schema(responses=TaskDetailOutput)
    def get(self, request: Request, task_id: int) -> Response:
        task = selectors.task_get(user=request.user, task_id=task_id)
        return Response(TaskDetailOutput(task).data)


class TaskActionApi(APIView):
    """POST /api/tasks/{id}/<action>/ for cancel, retry, resume and boost."""

    error_responses = {
        409: "The task's state does not allow this action, or it changed meanwhile.",
    }

    actions = {
        "cancel": services.task_cancel,
        "retry": services.task_retry,
        "resume": services.task_resume,
        "boost": services.task_boost,
    }
    action: str = ""

    @extend_schema(request=None, responses=TaskOutput)
    def post(self, request: Request, task_id: int) -> Response:
        task = selectors.task_get(user=request.user, task_id=task_id)
        task = self.actions[self.action](task=task, actor=request.user.get_username())
        return Response(TaskOutput(task).data)


class ApplicationListApi(ListAPIView):
    serializer_class = ApplicationOutput

    def get_queryset(self):
        return selectors.application_list(user=self.request.user)


class ApplicationDetailApi(APIView):
    @extend_schema(responses=ApplicationOutput)
    def get(self, request: Request, application_id: int) -> Response:
        application = selectors.application_get(user=request.user, application_id=application_id)
        return Response(ApplicationOutput(application).data)


class JobApplyApi(APIView):
    error_responses = {
        409: "The posting is applied to or under way (`status`: in_progress or applied, "
        "`application_id`).",
    }

    @extend_schema(request=None, responses={201: TaskOutput})
    def post(self, request: Request, job_id: int) -> Response:
        job = selectors.job_get(job_id=job_id)
        task = services.job_apply(user=request.user, job=job)
        return Response(TaskOutput(task).data, status=status.HTTP_201_CREATED)
