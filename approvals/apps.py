from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = "Approvals"

    def ready(self) -> None:
        from applications.models import ApplicationTask
        from applications.signals import task_cancelled
        from approvals.services.cancelling import approval_cancel_for_task

        task_cancelled.connect(
            approval_cancel_for_task, sender=ApplicationTask, dispatch_uid="approval-cancel"
        )
