"""A transition written in one statement, with the rows that belong to its new state."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Model

from applications.models import (
    ApplicationTask,
)
from applications.statements.sessions import HandOut
from core import rows

# --- A transition with what belongs to its new state ------------------------------------------

# A write made in the same statement as a task's transition.
Along = Model | rows.ConditionalUpdate | rows.Upsert | HandOut


def write_transition(
    task: ApplicationTask,
    *,
    from_state: str,
    guard: dict[str, Any],
    event: Model,
    alongside: list[Along],
) -> bool:
    """The task's changed columns, its event row and the writes alongside, in one statement: an
    UPDATE conditional on the state the transition started from (and `guard`, such as the
    message id a worker holds), then INSERTs and UPDATEs that happen only when that UPDATE
    matched. One round trip, atomic without a transaction of its own. Returns whether the task's
    row matched; each write alongside is told its outcome (a ConditionalUpdate's or Upsert's
    `matched`, an inserted row's primary key, a HandOut's `messages`). Pinned by
    test_a_prepared_task_gives_its_session_to_the_next_waiting_task_in_the_same_statement
    (PENDING_APPROVAL, its event, the approval request and the hand-out: one statement)."""
    update, parameters, changes = rows.conditional_update(
        task, where={"id": task.pk, "state": from_state, **guard}
    )
    writes = [event, *alongside]
    clauses = [f"changed AS ({update} RETURNING 1)"]
    selects, written, inserted = [], {}, {}
    for number, write in enumerate(writes):
        name = f"write{number}"
        clause, select, values, written[number] = _along(name, write, inserted)
        if isinstance(write, Model):
            inserted[id(write)] = name
        clauses.append(clause)
        selects.append(select)
        parameters.extend(values)
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(clauses)} SELECT {', '.join(selects)}", parameters)
        results = cursor.fetchone()
    if results[0] is None:
        return False
    rows.stored(task, changes)
    for write, result, change in zip(writes, results, written.values(), strict=True):
        _tell_outcome(write, result, change)
    for write in writes:
        if isinstance(write, Model):
            for field, parent in _new_parents(write, inserted):
                setattr(write, field.attname, parent.pk)
    return True


def _along(
    name: str, write: Along, inserted: dict[int, str]
) -> tuple[str, str, list[Any], dict | None]:
    """A write alongside a transition: its CTE (named `name`, made only when the task's UPDATE,
    `changed`, matched), the SELECT of its outcome, its parameters, and the changes a
    ConditionalUpdate will have stored. A new row whose foreign key points to a row inserted
    earlier in the same statement (an approval link to its new request; `inserted` names their
    CTEs) takes that row's id from its CTE."""
    if isinstance(write, rows.ConditionalUpdate):
        sql, values, changes = rows.conditional_update(write.instance, where=write.where)
        clause = f"{name} AS ({sql} AND EXISTS (SELECT FROM changed) RETURNING 1)"
        return clause, f"(SELECT count(*) FROM {name})", values, changes
    if isinstance(write, rows.Upsert):
        sql, values = write.sql(source="changed")
        return f"{name} AS ({sql})", f"(SELECT count(*) FROM {name})", values, None
    if isinstance(write, HandOut):
        sql, values = write.ctes(name=name, source="changed")
        select = f"(SELECT json_agg(json_build_array(id, celery_task_id, priority)) FROM {name})"
        return sql, select, values, None
    columns, values = rows.insert_columns(write)
    placeholders = ["%s"] * len(values)
    parents = {
        field.attname: inserted[id(parent)] for field, parent in _new_parents(write, inserted)
    }
    names = [field.attname for field in write._meta.concrete_fields if not field.primary_key]
    for position in reversed(range(len(names))):
        if names[position] in parents:
            placeholders[position] = f"(SELECT id FROM {parents[names[position]]})"
            del values[position]
    placeholders = ", ".join(placeholders)
    clause = (
        f"{name} AS (INSERT INTO {rows.quote(write._meta.db_table)} ({columns}) "
        f"SELECT {placeholders} FROM changed RETURNING id)"
    )
    return clause, f"(SELECT id FROM {name})", values, None


def _new_parents(write: Model, inserted: dict[int, str]) -> list[tuple[Any, Model]]:
    """The foreign keys of a new row that point to rows inserted in the same statement."""
    found = []
    for field in write._meta.concrete_fields:
        if field.is_relation and field.is_cached(write):
            parent = field.get_cached_value(write)
            if parent is not None and id(parent) in inserted:
                found.append((field, parent))
    return found


def _tell_outcome(write: Along, result: Any, changes: dict | None) -> None:
    if isinstance(write, rows.ConditionalUpdate | rows.Upsert):
        write.matched = result == 1
        if write.matched and changes is not None:
            rows.stored(write.instance, changes)
    elif isinstance(write, HandOut):
        write.messages = [tuple(message) for message in result or []]
    else:
        write.pk = result
        write._state.adding = False
