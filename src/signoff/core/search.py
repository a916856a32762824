"""Finding text inside columns through an index, on PostgreSQL and on SQLite alike.

The one home of the vendor choice: `TextSearchIndex` is the migration operation that indexes
some text columns of a table, `text_matches` the query that uses that index.

- PostgreSQL: one multicolumn GIN index with `gin_trgm_ops` (the pg_trgm extension, created by
  `TrigramExtension`); `column ILIKE '%text%'` is answered from it, for any of its columns.
- SQLite: an FTS5 table `<table>_search` with the trigram tokenizer over the same columns,
  holding them as external content of the table and kept in step by three triggers; a
  `MATCH '{columns}: "text"'` finds the rows that contain the text.

Both are case-insensitive substring matches. Text shorter than three characters has no trigram,
so it is matched by a scan (such text matches most rows anyway).

A search across tables also needs `any_of` over conditions such as `among` (each way keeps its
index: an OR of IN subqueries would not) and, for SQLite's planner, `likely` on the shop's
condition.

SQLite drops a table's triggers when Django rebuilds the table for an ALTER it cannot do in
place, so a later migration that alters a searched table must apply its TextSearchIndex again;
tests/core/test_search.py fails while a trigger is missing.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from functools import reduce

from django.db import connections
from django.db.migrations.operations.base import Operation
from django.db.models import BooleanField, F, Func, Lookup, Q, QuerySet
from django.db.models.expressions import RawSQL

TRIGRAM = 3


def search_table(db_table: str) -> str:
    """The SQLite FTS5 table that indexes `db_table`'s searched columns."""
    return f"{db_table}_search"


class likely(Func):  # noqa: N801 (reads as a function: `.filter(likely(Q(shop=shop)))`)
    """`condition`, marked as true of most rows (a whole shop) for SQLite's planner.

    Without statistics (no ANALYZE has run, as on a new install), SQLite starts a query from any
    indexed equality it sees, so `shop_id = ? AND id IN (…the search…)` would read every RO of
    the shop to test each against the search. Marked, it starts from the search's own index.
    Other databases get the condition as it is: PostgreSQL keeps statistics.
    """

    output_field = BooleanField()

    def __init__(self, condition: Q):
        super().__init__(condition, output_field=BooleanField())

    def as_sql(self, compiler, connection, **extra_context):
        return compiler.compile(self.source_expressions[0])

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"likelihood({sql}, 0.9)", params


def union_of(querysets: Sequence[QuerySet]) -> QuerySet:
    """The UNION of querysets of one column (ids), for `pk__in=`: each keeps its own index read,
    where an OR of their conditions across tables would read every row. Orderings are dropped
    (a UNION's parts cannot have one)."""
    first, *rest = [qs.order_by() for qs in querysets]
    return first.union(*rest) if rest else first


class _AmongArray(Lookup):
    """`lhs = ANY(ARRAY(subquery))`: PostgreSQL runs the subquery once (an InitPlan) and looks
    its ids up in lhs's index, where `lhs IN (subquery)` is a semi-join that an OR turns into a
    filter on every row."""

    lookup_name = "among_array"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)  # "(SELECT …)"
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)


def among(field: str, ids: QuerySet) -> Q:
    """`field` is one of `ids` (a query of one column), in the form each database answers from
    `field`'s index, for `any_of`."""
    if connections[ids.db].vendor == "postgresql":
        return Q(_AmongArray(F(field), ids.order_by()))
    return Q(**{f"{field}__in": ids})


def any_of(queryset: QuerySet, conditions: Sequence[Q]) -> QuerySet:
    """The rows of `queryset` that meet any of `conditions` (at least one), each one an index of
    the table answers (an equality, or `among`), each matching row read once.

    PostgreSQL combines the conditions' index reads in one BitmapOr, then reads the rows it
    found: no UNION to deduplicate and join back to the table by id. SQLite (no statistics)
    would read each condition through the shop's index, that is every row of the shop, so there
    each condition is a query of its own and they are UNIONed (`union_of`).
    """
    if connections[queryset.db].vendor == "postgresql":
        return queryset.filter(reduce(operator.or_, conditions))
    ids = union_of([queryset.filter(condition).values("pk") for condition in conditions])
    return queryset.filter(pk__in=ids)


class _ILike(Lookup):
    """`lhs ILIKE rhs`: what pg_trgm's GIN index answers (Django's icontains wraps the column in
    UPPER(), which the index cannot see through)."""

    lookup_name = "ilike"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} ILIKE {rhs}", (*lhs_params, *rhs_params)


def text_matches(queryset: QuerySet, fields: Sequence[str], text: str) -> QuerySet:
    """The rows of `queryset` with `text` inside any of `fields` (case-insensitive).

    `fields` must be columns a TextSearchIndex of the model covers.
    """
    model = queryset.model
    connection = connections[queryset.db]
    if len(text) >= TRIGRAM and connection.vendor == "postgresql":
        pattern = f"%{connection.ops.prep_for_like_query(text)}%"
        condition = Q()
        for name in fields:
            condition |= Q(_ILike(F(name), pattern))
        return queryset.filter(condition)
    if len(text) >= TRIGRAM and connection.vendor == "sqlite":
        table = search_table(model._meta.db_table)
        columns = " ".join(model._meta.get_field(name).column for name in fields)
        phrase = '"' + text.replace('"', '""') + '"'
        # Names from the model's own meta; the text is a parameter.
        rowids = f'SELECT rowid FROM "{table}" WHERE "{table}" MATCH %s'  # noqa: S608
        return queryset.filter(pk__in=RawSQL(rowids, [f"{{{columns}}}: {phrase}"]))  # noqa: S611
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__icontains": text})
    return queryset.filter(condition)


class TextSearchIndex(Operation):
    """Index `fields` of `model_name` for `text_matches`: a pg_trgm GIN index named `name` on
    PostgreSQL, an FTS5 trigram table with its triggers on SQLite, nothing elsewhere."""

    reversible = True

    def __init__(self, model_name: str, fields: Sequence[str], name: str):
        self.model_name = model_name
        self.fields = list(fields)
        self.name = name

    def deconstruct(self):
        kwargs = {"model_name": self.model_name, "fields": self.fields, "name": self.name}
        return self.__class__.__qualname__, [], kwargs

    def state_forwards(self, app_label, state):
        pass  # the index is not part of the model state: no later migration should touch it

    def describe(self) -> str:
        return f"Text search index {self.name} on {self.model_name} ({', '.join(self.fields)})"

    @property
    def migration_name_fragment(self) -> str:
        return f"text_search_{self.model_name.lower()}"

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            from django.contrib.postgres.operations import TrigramExtension

            TrigramExtension().database_forwards(app_label, schema_editor, from_state, to_state)
            schema_editor.add_index(model, self._gin_index())
        elif vendor == "sqlite":
            for statement in self._sqlite_create(model):
                schema_editor.execute(statement)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            # The pg_trgm extension stays: other indexes may use it, and it holds no data.
            schema_editor.remove_index(model, self._gin_index())
        elif vendor == "sqlite":
            for statement in self._sqlite_drop(model):
                schema_editor.execute(statement)

    def _gin_index(self):
        from django.contrib.postgres.indexes import GinIndex

        # fastupdate off: a new row goes into the index at once rather than into a pending list
        # that every search reads until autovacuum merges it, so searches cost the same all day.
        return GinIndex(
            fields=self.fields,
            opclasses=["gin_trgm_ops"] * len(self.fields),
            name=self.name,
            fastupdate=False,
        )

    # The DDL below is built from the model's table and column names, never from input.
    def _sqlite_create(self, model) -> list[str]:
        table = model._meta.db_table
        fts = search_table(table)
        pk = model._meta.pk.column
        columns = [model._meta.get_field(name).column for name in self.fields]
        listed = ", ".join(f'"{c}"' for c in columns)
        new = ", ".join(f'new."{c}"' for c in columns)
        old = ", ".join(f'old."{c}"' for c in columns)
        add = f'INSERT INTO "{fts}" (rowid, {listed}) VALUES (new."{pk}", {new});'  # noqa: S608
        remove = (
            f'INSERT INTO "{fts}" ("{fts}", rowid, {listed}) '  # noqa: S608
            f"VALUES ('delete', old.\"{pk}\", {old});"
        )
        return [
            f"CREATE VIRTUAL TABLE \"{fts}\" USING fts5({listed}, content='{table}', "
            f"content_rowid='{pk}', tokenize='trigram')",
            f'CREATE TRIGGER "{fts}_insert" AFTER INSERT ON "{table}" BEGIN {add} END',
            f'CREATE TRIGGER "{fts}_delete" AFTER DELETE ON "{table}" BEGIN {remove} END',
            # Only when a searched column changes: other edits leave the index alone.
            f'CREATE TRIGGER "{fts}_update" AFTER UPDATE OF {listed} ON "{table}" '
            f"BEGIN {remove} {add} END",
            f'INSERT INTO "{fts}" ("{fts}") VALUES (\'rebuild\')',  # noqa: S608
        ]

    def _sqlite_drop(self, model) -> list[str]:
        fts = search_table(model._meta.db_table)
        triggers = [f'DROP TRIGGER IF EXISTS "{fts}_{event}"' for event in SQLITE_TRIGGERS]
        return [*triggers, f'DROP TABLE IF EXISTS "{fts}"']


class TextSearchReindex(TextSearchIndex):
    """Apply a TextSearchIndex again after an operation of the same migration rebuilt its table
    on SQLite (which drops the table's triggers), in either direction. Nothing elsewhere: other
    databases alter a table in place and keep its index."""

    def describe(self) -> str:
        return f"Text search index {self.name} on {self.model_name} rebuilt"

    def _reindex(self, app_label, schema_editor, state) -> None:
        if schema_editor.connection.vendor != "sqlite":
            return
        model = state.apps.get_model(app_label, self.model_name)
        for statement in [*self._sqlite_drop(model), *self._sqlite_create(model)]:
            schema_editor.execute(statement)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._reindex(app_label, schema_editor, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._reindex(app_label, schema_editor, to_state)


SQLITE_TRIGGERS = ("insert", "delete", "update")
