"""The audit log cannot be edited or deleted through the ORM (nor by SQL: a trigger)."""

import pytest
from django.db import DatabaseError, connection, transaction

from approvals.models import AuditEntry
from approvals.models.audit import AppendOnly


@pytest.fixture
def entry(request_under) -> AuditEntry:
    return AuditEntry.objects.get(request=request_under().approval, action="created")


@pytest.mark.django_db
def test_a_saved_entry_cannot_be_changed(entry):
    entry.comment = "rewritten"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(comment="rewritten")
    with pytest.raises(AppendOnly):
        AuditEntry.objects.bulk_update([entry], ["comment"])
    assert AuditEntry.objects.get(pk=entry.pk).comment == ""


@pytest.mark.django_db
def test_an_entry_cannot_be_deleted(entry):
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_nor_by_sql(entry):
    for statement in (
        "UPDATE approvals_auditentry SET comment = 'x'",
        "DELETE FROM approvals_auditentry",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    assert AuditEntry.objects.filter(pk=entry.pk, comment="").exists()
