"""Single-statement writes for the path every posting takes (claim, each step boundary, each
transition, the duplicate lock). The ORM builds a query anew on every call, and these statements
run several times per posting; here each is one round trip, built from the models' own field
definitions, and writes only the columns that changed.

How django-fsm stays in charge of a state field written this way: a model's transition method
(django-fsm's `@transition`) is always called first; it checks the source state and sets the
target in memory, and refuses (TransitionNotAllowed) anything the machine does not allow. The
write is then an UPDATE conditional on the state the transition started from, which is what
django-fsm's ConcurrentTransitionMixin adds to a save(): of two concurrent writers only one
matches, and the other is told (ConcurrentTransition, raised by the caller). The models do not
use that mixin, because their rows are never saved with save() once they exist; the condition
is written here instead, next to the rest of the statement."""

from __future__ import annotations

import copy
import dataclasses
import functools
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django_fsm import FSMFieldMixin


class StoredValuesMixin:
    """Remembers the column values as the database holds them (read, or written by the helpers
    below), and which fields have been assigned since, so that a write touches only what this
    process changed and cannot overwrite what another writer set meanwhile, such as a pause
    request. An assigned field is written even when its value looks unchanged: the value read
    may be stale (a transition that clears a pause request must clear it)."""

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        assigned = self.__dict__.get("_assigned_fields")
        if assigned is not None:
            assigned.add(name)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance.remember_stored(dict(zip(field_names, values, strict=True)))
        return instance

    def refresh_from_db(self, using=None, fields=None, from_queryset=None) -> None:
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        names = {self._meta.get_field(name).attname for name in fields} if fields else None
        self.remember_stored(
            {
                field.attname: self.__dict__[field.attname]
                for field in self._meta.concrete_fields
                if field.attname in self.__dict__ and (names is None or field.attname in names)
            }
        )

    def remember_stored(self, values: dict[str, Any]) -> None:
        """Note values (by attribute name) as stored. Mutable values are copied: a change made
        in place must still show as a change."""
        stored = self.__dict__.setdefault("_stored_values", {})
        assigned = self.__dict__.setdefault("_assigned_fields", set())
        for attname, value in values.items():
            stored[attname] = copy.deepcopy(value) if isinstance(value, dict | list) else value
            assigned.discard(attname)

    def remember_all_stored(self) -> None:
        """Take the instance's current values as what its row holds."""
        self.remember_stored(
            {
                field.attname: self.__dict__[field.attname]
                for field in self._meta.concrete_fields
                if field.attname in self.__dict__
            }
        )

    def unstored_changes(self) -> dict[models.Field, Any]:
        """The fields assigned since they were stored or whose value differs from it (a change
        made in place), every loaded field for an instance that was never read or written, and
        the auto_now stamps."""
        stored = self.__dict__.get("_stored_values")
        assigned = self.__dict__.get("_assigned_fields", ())
        changes = {}
        for field in self._meta.concrete_fields:
            if field.primary_key or field.attname not in self.__dict__:
                continue
            if getattr(field, "auto_now", False):
                changes[field] = field.pre_save(self, add=False)
                continue
            value = self.__dict__[field.attname]
            if (
                stored is None
                or field.attname in assigned
                or field.attname not in stored
                or stored[field.attname] != value
            ):
                changes[field] = value
        return changes


@functools.cache
def quote(name: str) -> str:
    return connection.ops.quote_name(name)


@functools.cache
def _layout(
    model: type[models.Model], names: tuple[str, ...]
) -> tuple[list[int], list[str], dict[int, Any], list[tuple[int, str]]]:
    """How the columns of a SELECT (`names`) become an instance: the positions of the model's
    fields in the model's order (as Model.from_db wants them), their attribute names, the
    converters of those that have one, and the other columns (position, name)."""
    fields = {field.column: field for field in model._meta.concrete_fields}
    # A transition reads the state fields: one left out would be loaded by a deferred-field
    # query of its own for each row.
    missing = [column for column in _state_columns(model) if column not in names]
    if missing:
        raise ValueError(f"A read of {model.__name__} must select {', '.join(missing)}.")
    order = {field: position for position, field in enumerate(model._meta.concrete_fields)}
    positions = sorted(
        (position for position, name in enumerate(names) if name in fields),
        key=lambda position: order[fields[names[position]]],
    )
    attnames = [fields[names[position]].attname for position in positions]
    convert = {
        position: fields[names[position]].from_db_value
        for position in positions
        if hasattr(fields[names[position]], "from_db_value")
    }
    extra = [(position, name) for position, name in enumerate(names) if name not in fields]
    return positions, attnames, convert, extra


def read(model: type[models.Model], sql: str, parameters: list[Any]) -> list[models.Model]:
    """Instances of `model` from a SELECT of its columns (any subset that includes `id` and the
    django-fsm state fields); a selected column that is not a field becomes an attribute. What
    RawQuerySet does, without its per-query set-up."""
    database = connections[DEFAULT_DB_ALIAS]
    with database.cursor() as cursor:
        cursor.execute(sql, parameters)
        names = tuple(column.name for column in cursor.description)
        found = cursor.fetchall()
    positions, attnames, convert, extra = _layout(model, names)
    instances = []
    for row in found:
        values = [
            convert[position](row[position], None, database)
            if position in convert
            else row[position]
            for position in positions
        ]
        instance = model.from_db(DEFAULT_DB_ALIAS, attnames, values)
        for position, name in extra:
            setattr(instance, name, row[position])
        instances.append(instance)
    return instances


def get(model: type[models.Model], pk: Any, *, lock: bool = False) -> models.Model | None:
    """The row with this primary key, or None; with `lock`, locked until the transaction
    ends (SELECT ... FOR UPDATE)."""
    found = read(
        model,
        f"SELECT * FROM {quote(model._meta.db_table)} WHERE {quote(model._meta.pk.column)} = %s"
        + (" FOR UPDATE" if lock else ""),
        [pk],
    )
    return found[0] if found else None


@functools.cache
def _state_columns(model: type[models.Model]) -> tuple[str, ...]:
    return tuple(
        field.column for field in model._meta.concrete_fields if isinstance(field, FSMFieldMixin)
    )


def conditional_update(
    instance: StoredValuesMixin, *, where: dict[str, Any]
) -> tuple[str, list[Any], dict[models.Field, Any]]:
    """`UPDATE ... SET <the instance's unstored changes> WHERE <field> = <value> AND ...`, its
    parameters, and the changes (to pass to `stored` once the statement has matched)."""
    meta = instance._meta
    changes = instance.unstored_changes()
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in changes)
    conditions = " AND ".join(f"{quote(meta.get_field(name).column)} = %s" for name in where)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {conditions}"
    parameters = [field.get_db_prep_save(value, connection) for field, value in changes.items()]
    return sql, [*parameters, *where.values()], changes


@dataclasses.dataclass
class ConditionalUpdate:
    """An UPDATE of `instance`'s unstored changes to the row matching `where`, to run along with
    another write (a task's transition statement); `matched` says whether it did."""

    instance: StoredValuesMixin
    where: dict[str, Any]
    matched: bool = dataclasses.field(default=False, init=False)


@dataclasses.dataclass
class Upsert:
    """An INSERT of `instance` with an ON CONFLICT clause (`on_conflict`, with its
    `parameters`), run alone (`execute`) or along with another write
    (a task's transition statement); `matched` says whether it inserted the row or
    updated the conflicting one."""

    instance: models.Model
    on_conflict: str
    parameters: list[Any]
    matched: bool = dataclasses.field(default=False, init=False)

    def sql(self, *, source: str | None = None) -> tuple[str, list[Any]]:
        """The statement and its parameters; with `source`, the row is inserted once for each
        row of that (a CTE's name): not at all when it has none."""
        columns, values = insert_columns(self.instance)
        placeholders = ", ".join(["%s"] * len(values))
        rows = f"SELECT {placeholders} FROM {source}" if source else f"VALUES ({placeholders})"
        return (
            f"INSERT INTO {quote(self.instance._meta.db_table)} ({columns}) {rows} "
            f"ON CONFLICT {self.on_conflict} RETURNING 1",
            [*values, *self.parameters],
        )

    def execute(self) -> bool:
        sql, parameters = self.sql()
        with connection.cursor() as cursor:
            cursor.execute(sql, parameters)
            self.matched = cursor.fetchone() is not None
        return self.matched


def stored(instance: StoredValuesMixin, changes: dict[models.Field, Any]) -> None:
    """Note the changes a matched statement wrote as what the row now holds."""
    instance.remember_stored({field.attname: value for field, value in changes.items()})


def insert_columns(instance: models.Model) -> tuple[str, list[Any]]:
    """The column list and the parameters to insert a new instance (its primary key left to the
    database), with auto_now and auto_now_add stamps applied."""
    fields = [field for field in instance._meta.concrete_fields if not field.primary_key]
    parameters = [
        field.get_db_prep_save(field.pre_save(instance, add=True), connection) for field in fields
    ]
    return ", ".join(quote(field.column) for field in fields), parameters


def update_if(instance: StoredValuesMixin, *, where: dict[str, Any]) -> bool:
    """Write the instance's unstored changes to the row that matches `where`; False when none
    does (nothing is written then)."""
    sql, parameters, changes = conditional_update(instance, where=where)
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        matched = cursor.rowcount == 1
    if matched:
        stored(instance, changes)
    return matched
