"""The approvals domain's hand-written SQL, one function per statement, each naming the test
that pins its statement count."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection

from applications.models import Profile
from approvals.models import (
    ApprovalPolicy,
    AuditEntry,
    AutoApproveRule,
    Notification,
    NotificationStatus,
)
from core import rows


def read_policy_in_force(
    *, user_id: int, run_id: int | None
) -> tuple[Any, ApprovalPolicy | None, list[AutoApproveRule]]:
    """The applicant (username, e-mail), the policy in force for their run — the run's, else
    their defaults, else none — and their enabled auto-approve rules in order, in one read: it
    runs in every prepare, and most users have no rules. Pinned by
    test_steps_of_milliseconds_are_written_with_pending_approval."""
    user_model = get_user_model()
    policy_table = rows.quote(ApprovalPolicy._meta.db_table)
    columns = [field.column for field in ApprovalPolicy._meta.concrete_fields]
    selected = ", ".join(f"p.{rows.quote(column)}" for column in columns)
    rules_table = rows.quote(AutoApproveRule._meta.db_table)
    sql = (
        "SELECT u.username, u.email, (SELECT coalesce(json_agg(json_build_array(r.id, r.name, "
        "r.conditions) ORDER BY r.position, r.id), '[]')::text "
        f"FROM {rules_table} r WHERE r.user_id = u.id AND r.enabled), {selected} "
        f"FROM {rows.quote(user_model._meta.db_table)} u "
        f"LEFT JOIN LATERAL (SELECT * FROM {policy_table} WHERE user_id = u.id "
        "AND (run_id = %s OR run_id IS NULL) ORDER BY run_id NULLS LAST LIMIT 1) p ON true "
        "WHERE u.id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [run_id, user_id])
        row = cursor.fetchone()
    applicant = user_model(pk=user_id, username=row[0], email=row[1])
    rules = [
        AutoApproveRule(pk=pk, user_id=user_id, name=name, conditions=conditions)
        for pk, name, conditions in json.loads(row[2])
    ]
    values = row[3:]
    if values[0] is None:
        return applicant, None, rules
    fields = ApprovalPolicy._meta.concrete_fields
    converted = [
        field.from_db_value(value, None, connection) if hasattr(field, "from_db_value") else value
        for field, value in zip(fields, values, strict=True)
    ]
    policy = ApprovalPolicy.from_db(
        connection.alias, [field.attname for field in fields], converted
    )
    return applicant, policy, rules


def insert_notifications(notifications: list[Notification], *, audit: AuditEntry) -> None:
    """The notification rows of a request, reminder or escalation, and an audit row for each
    one already sent (in the app), in one statement: it runs in every prepare. `audit` is the
    audit row they share but for `data`, which names each notification. The rows are given their
    ids. Pinned by test_steps_of_milliseconds_are_written_with_pending_approval."""
    table = rows.quote(Notification._meta.db_table)
    columns, values = rows.insert_columns(notifications[0])
    parameters = list(values)
    for notification in notifications[1:]:
        parameters += rows.insert_columns(notification)[1]
    row = "(" + ", ".join(["%s"] * len(values)) + ")"
    audit_columns, audit_values = rows.insert_columns(audit)
    names = [field.column for field in AuditEntry._meta.concrete_fields if not field.primary_key]
    selected = ["%s"] * len(names)
    selected[names.index("data")] = (
        "jsonb_build_object('notification_id', id, 'kind', kind, 'channel', channel, "
        "'recipient', recipient, 'status', status, 'attempts', attempts)"
    )
    del audit_values[names.index("data")]
    sql = (
        f"WITH made AS (INSERT INTO {table} ({columns}) VALUES "
        f"{', '.join([row] * len(notifications))} RETURNING *), "
        f"audited AS (INSERT INTO {rows.quote(AuditEntry._meta.db_table)} ({audit_columns}) "
        f"SELECT {', '.join(selected)} FROM made WHERE status = %s) "
        "SELECT id FROM made"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*parameters, *audit_values, NotificationStatus.SENT])
        ids = [found[0] for found in cursor.fetchall()]
    # PostgreSQL returns the rows of a multi-row INSERT in the order given (as bulk_create
    # takes them too).
    for notification, pk in zip(notifications, ids, strict=True):
        notification.pk = pk
        notification._state.adding = False


def merge_profile_answers(*, user_id: int, answers: dict[str, str]) -> None:
    """The answers merged into the applicant's saved answers (by question), in one UPDATE, so
    that a concurrent edit of other answers is not overwritten by a read-modify-write."""
    table = rows.quote(Profile._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET answers = coalesce(answers, '{{}}'::jsonb) || %s::jsonb "
            "WHERE user_id = %s",
            [json.dumps(answers), user_id],
        )
