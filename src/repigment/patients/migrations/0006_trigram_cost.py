"""Tell PostgreSQL's planner that a trigram comparison is costly, so it reads the trigram indexes.

pg_trgm declares its similarity operators (``%``, ``%>``) at the default cost of one operator, as
cheap as comparing two integers. With names that many patients share (30 family names in the
100,000-patient scale world), the planner then preferred testing every patient's name to the
GIN index: 220 ms against 20 ms for a common name. A cost of 50 operators (measured: a
comparison costs about what 50 integer comparisons do) makes the index the cheaper plan.

The functions belong to whoever created the extension; where that is not the migrating user
(an extension installed beforehand by a database administrator), the change is skipped with a
notice, and search stays correct, only slower: run the ALTER FUNCTION statements below as the
extension's owner. SQLite has no such operators: nothing to do there.
"""

from __future__ import annotations

from django.db import migrations

from repigment.patients.migrations._vendor import RunSQLOn

COSTLY = ("similarity_op(text, text)", "word_similarity_commutator_op(text, text)")


def _set_cost(cost: int) -> str:
    statements = " ".join(f"ALTER FUNCTION {function} COST {cost};" for function in COSTLY)
    return (
        f"DO $$ BEGIN {statements} "
        "EXCEPTION WHEN insufficient_privilege THEN RAISE NOTICE "
        "'pg_trgm belongs to another user: its operators keep their cost (search is slower)'; "
        "END $$"
    )


class Migration(migrations.Migration):
    dependencies = [("patients", "0005_list_order_covers_clinic")]

    operations = [RunSQLOn("postgresql", [_set_cost(50)], [_set_cost(1)])]
