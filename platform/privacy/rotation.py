"""Re-encrypting personal data under the current key (the first of DATA_ENCRYPTION_KEY), while
the site runs: every key in the list still decrypts, so a row, a file or a token not yet
re-encrypted stays readable until the command reaches it, and a row written meanwhile is already
under the new key.

What is found, without a list to keep up to date:
- every EncryptedTextField / EncryptedDateField column of every model;
- every EncryptedJSONField column: the whole value, and any token nested inside it;
- every FileField, BinaryField and JSONField value of the project's own apps that holds a Fernet
  token (a stored file, a prepared PDF, the personal part of a step's data);
- the lookup hashes of the ID numbers, recomputed under the new key.

Idempotent and resumable: run it again after an interruption; a value already under the new key
is left alone. Only after a run that reports nothing left may the old key be dropped."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.files.base import ContentFile
from django.db import connection, models, transaction

from . import crypto
from .fields import EncryptedDateField, EncryptedJSONField, EncryptedTextField

PROJECT_APPS = {
    "privacy", "staff", "sms", "clients", "photos", "themes", "content", "flows",
    "video", "signing", "revisit",
}  # fmt: skip
FERNET_PREFIX = b"gAAAAA"  # version byte 0x80, base64: every Fernet token starts so
BATCH = 200


@dataclass
class RotationReport:
    rotated: dict[str, int] = field(default_factory=dict)
    unreadable: list[str] = field(default_factory=list)

    def add(self, where: str, count: int = 1) -> None:
        self.rotated[where] = self.rotated.get(where, 0) + count

    @property
    def total(self) -> int:
        return sum(self.rotated.values())


def _token(value: Any) -> bytes | None:
    if isinstance(value, memoryview):
        value = bytes(value)
    if isinstance(value, str):
        value = value.encode("ascii", errors="ignore")
    if isinstance(value, bytes) and value.startswith(FERNET_PREFIX):
        return value
    return None


def _rotated(token: bytes) -> bytes | None:
    """The token under the new key, or None when it already is."""
    return None if crypto.is_current(token) else crypto.rotate(token)


def _batches(model: type[models.Model]) -> Iterator[list[Any]]:
    last = None
    while True:
        query = model._base_manager.order_by("pk")
        if last is not None:
            query = query.filter(pk__gt=last)
        rows = list(query.values_list("pk", flat=True)[:BATCH])
        if not rows:
            return
        yield rows
        last = rows[-1]


# --- columns ---------------------------------------------------------------------------------
def _encrypted_columns() -> Iterator[tuple[type[models.Model], models.Field]]:
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, EncryptedTextField | EncryptedDateField):
                yield model, model_field


def _rewrite_column(model, model_field, report: RotationReport, dry_run: bool, rewrite) -> None:
    """Each row's token in the column through `rewrite(token) -> (stored value, tokens rotated)`
    (None: nothing to change; ValueError: unreadable), written back only if no one wrote the row
    meanwhile (the value compared raw)."""
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(model_field.column)
    pk = connection.ops.quote_name(model._meta.pk.column)
    where = f"{model._meta.label}.{model_field.name}"
    for pks in _batches(model):
        with transaction.atomic(), connection.cursor() as cursor:
            marks = ", ".join(["%s"] * len(pks))
            cursor.execute(f"SELECT {pk}, {column} FROM {table} WHERE {pk} IN ({marks})", pks)  # noqa: S608
            for row_pk, raw in cursor.fetchall():
                token = _token(raw)
                if token is None:
                    continue
                try:
                    rewritten = rewrite(token)
                except ValueError:
                    report.unreadable.append(f"{where} #{row_pk}")
                    continue
                if rewritten is None:
                    continue
                value, count = rewritten
                if not dry_run:
                    cursor.execute(
                        f"UPDATE {table} SET {column} = %s WHERE {pk} = %s AND {column} = %s",  # noqa: S608
                        [value, row_pk, raw],
                    )
                report.add(where, count)


def _rotate_column(model, model_field, report: RotationReport, dry_run: bool) -> None:
    def rewrite(token: bytes) -> tuple[str, int] | None:
        new = _rotated(token)
        return None if new is None else (new.decode("ascii"), 1)

    _rewrite_column(model, model_field, report, dry_run, rewrite)


# --- files, binary and JSON values of the project's apps ------------------------------------
def _project_fields(kinds: tuple[type[models.Field], ...]):
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, kinds):
                yield model, model_field


def _rotate_file(model, model_field, report: RotationReport, dry_run: bool) -> None:
    where = f"{model._meta.label}.{model_field.name}"
    for pks in _batches(model):
        for row_pk, name in model._base_manager.filter(pk__in=pks).values_list(
            "pk", model_field.attname
        ):
            if not name:
                continue
            storage = model_field.storage
            try:
                with storage.open(name, "rb") as handle:
                    token = _token(handle.read())
            except OSError:
                report.unreadable.append(f"{where} #{row_pk} (file missing)")
                continue
            if token is None:
                continue
            try:
                new = _rotated(token)
            except ValueError:
                report.unreadable.append(f"{where} #{row_pk}")
                continue
            if new is None:
                continue
            if not dry_run:
                # a new file, then the row points at it, then the old one goes: a reader sees
                # the old file or the new one, never half of one
                new_name = storage.save(name, ContentFile(new))
                model._base_manager.filter(pk=row_pk).update(**{model_field.attname: new_name})
                storage.delete(name)
            report.add(where)


def _rotate_binary(model, model_field, report: RotationReport, dry_run: bool) -> None:
    where = f"{model._meta.label}.{model_field.name}"
    for pks in _batches(model):
        rows = model._base_manager.filter(pk__in=pks).values_list("pk", model_field.attname)
        for row_pk, value in rows:
            token = _token(value)
            if token is None:
                continue
            try:
                new = _rotated(token)
            except ValueError:
                report.unreadable.append(f"{where} #{row_pk}")
                continue
            if new is not None:
                if not dry_run:
                    model._base_manager.filter(pk=row_pk).update(**{model_field.attname: new})
                report.add(where)


def _rotate_in_json(value: Any, rotate: Callable[[bytes], bytes | None]) -> tuple[Any, int]:
    """The JSON value with every Fernet token in it rotated, and how many were."""
    if isinstance(value, dict):
        count, out = 0, {}
        for key, item in value.items():
            out[key], n = _rotate_in_json(item, rotate)
            count += n
        return out, count
    if isinstance(value, list):
        pairs = [_rotate_in_json(item, rotate) for item in value]
        return [p[0] for p in pairs], sum(p[1] for p in pairs)
    token = _token(value) if isinstance(value, str) else None
    if token is not None:
        new = rotate(token)
        if new is not None:
            return new.decode("ascii"), 1
    return value, 0


def _rotate_json(model, model_field, report: RotationReport, dry_run: bool) -> None:
    where = f"{model._meta.label}.{model_field.name}"

    def rotate(token: bytes) -> bytes | None:
        try:
            return _rotated(token)
        except ValueError:
            report.unreadable.append(where)
            return None

    for pks in _batches(model):
        rows = model._base_manager.filter(pk__in=pks).values_list("pk", model_field.attname)
        for row_pk, value in rows:
            new, count = _rotate_in_json(value, rotate)
            if count:
                if not dry_run:
                    model._base_manager.filter(pk=row_pk).update(**{model_field.attname: new})
                report.add(where, count)


def _encrypted_json_columns() -> Iterator[tuple[type[models.Model], models.Field]]:
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, EncryptedJSONField):
                yield model, model_field


def _rotate_encrypted_json(model, model_field, report: RotationReport, dry_run: bool) -> None:
    """The value is one token around JSON that may hold tokens of its own (the personal part of
    a step's data): both layers end under the new key, written back by the field itself."""
    where = f"{model._meta.label}.{model_field.name}"

    def rotate(token: bytes) -> bytes | None:
        try:
            return _rotated(token)
        except ValueError:
            report.unreadable.append(where)
            return None

    def rewrite(token: bytes) -> tuple[str, int] | None:
        value = json.loads(crypto.decrypt_text(token.decode("ascii")))
        outer = not crypto.is_current(token)
        new, count = _rotate_in_json(value, rotate)
        if not (outer or count):
            return None
        return model_field.get_prep_value(new), count + int(outer)

    _rewrite_column(model, model_field, report, dry_run, rewrite)


# --- lookup hashes ----------------------------------------------------------------------------
def _recompute_id_number_hashes(report: RotationReport, dry_run: bool) -> None:
    Client = apps.get_model("clients", "Client")
    for pks in _batches(Client):
        for pk in pks:
            try:
                client = Client._base_manager.get(pk=pk)
            except ValueError:  # already reported as unreadable with its column
                continue
            current = crypto.lookup_hash(client.id_number)
            if client.id_number_hash != current:
                if not dry_run:
                    Client._base_manager.filter(pk=client.pk).update(id_number_hash=current)
                report.add("clients.Client.id_number_hash")


def data_key_rotate(*, dry_run: bool = False) -> RotationReport:
    report = RotationReport()
    for model, model_field in _encrypted_columns():
        _rotate_column(model, model_field, report, dry_run)
    for model, model_field in _encrypted_json_columns():
        _rotate_encrypted_json(model, model_field, report, dry_run)
    for model, model_field in _project_fields((models.FileField,)):
        _rotate_file(model, model_field, report, dry_run)
    for model, model_field in _project_fields((models.BinaryField,)):
        _rotate_binary(model, model_field, report, dry_run)
    for model, model_field in _project_fields((models.JSONField,)):
        _rotate_json(model, model_field, report, dry_run)
    _recompute_id_number_hashes(report, dry_run)
    return report
