"""Goal (d): publishing the dataset's group (10,600 units; --quick 1,000) with
`server.results.publications.publish`, against the bare bulk write of the same snapshot rows;
goal <= 10. Prints publish's peak memory (growth of the forked child's peak resident set).

    .venv/bin/python -m bench.publishing [--quick]

The floor follows whatever publish writes: after publishing, the bench reads the publication's
row and every row that points at it (each table with a foreign key to publications.id), makes
bare scratch tables of the same columns (no keys, no indexes) and times writing those rows back
in one transaction, one executemany a table.
"""

import sys
import time

from sqlalchemy import Column, MetaData, Table, insert, select, text

from bench.common import Goal
from bench.national_scale import in_child

GOAL = 10.0


def snapshot_tables(metadata) -> list[Table]:
    """The publications table and every table holding rows that point at a publication."""
    publications = metadata.tables["publications"]
    return [publications] + [table for table in metadata.sorted_tables if any(
        key.column.table is publications for key in table.foreign_keys)]


def bare_bulk_write(publication_id: int) -> tuple[float, int, int]:
    """Seconds to write the publication's rows into bare scratch tables; rows, tables."""
    from server.extensions import db

    found = []
    for table in snapshot_tables(db.metadata):
        column = table.c.id if table.name == "publications" else next(
            key.parent for key in table.foreign_keys if key.column.table.name == "publications")
        rows = [dict(row._mapping) for row in
                db.session.execute(select(table).where(column == publication_id))]
        scratch = Table(f"bench_scratch_{table.name}", MetaData(),
                        *(Column(c.name, c.type) for c in table.columns))
        found.append((table, scratch, rows))
    db.session.rollback()
    with db.engine.begin() as conn:
        for table, scratch, _rows in found:
            conn.execute(text(f"DROP TABLE IF EXISTS {scratch.name}"))
            empty = f"SELECT * FROM {table.name} WHERE 1 = 0"  # noqa: S608  (schema names)
            conn.execute(text(f"CREATE TABLE {scratch.name} AS {empty}"))
    started = time.perf_counter()
    with db.engine.begin() as conn:
        for _table, scratch, rows in found:
            if rows:
                conn.execute(insert(scratch), rows)
    seconds = time.perf_counter() - started
    with db.engine.begin() as conn:
        for _table, scratch, _rows in found:
            conn.execute(text(f"DROP TABLE {scratch.name}"))
    return seconds, sum(len(rows) for _t, _s, rows in found), len(found)


def goals(dataset) -> list[Goal]:
    from server.extensions import db
    from server.models import Campaign, User
    from server.results.publications import latest_publication, publish

    figures = {}
    with dataset.app.app_context():
        db.session.remove()
        db.engine.dispose()  # the child opens its own connections

        def publishing():
            # The dataset has no appraisal rows: the gaps are confirmed, as a reason says.
            publish(db.session.get(Campaign, dataset.campaign_id), dataset.group,
                    db.session.get(User, dataset.admin_id), reason="bench: not appraised",
                    confirm_gaps=True)

        in_child("publish (server.results.publications)", publishing, figures)
        publication = latest_publication(dataset.campaign_id, dataset.group)
        assert publication is not None, "publish wrote no publication"
        floor, rows, tables = bare_bulk_write(publication.id)
        db.session.remove()
        db.engine.dispose()
    seconds = figures["publish (server.results.publications)"]["seconds"]
    peak = figures["publish (server.results.publications)"]["peak_mib"]
    print(f"publish {dataset.units} units: {seconds:.2f} s, peak memory growth {peak:.1f} MiB; "
          f"bare bulk write of its {rows} snapshot rows ({tables} tables) {floor:.3f} s",
          flush=True)
    return [Goal("publishing", seconds / floor, GOAL)]


def main(argv=None) -> int:
    from bench.__main__ import run_alone

    return run_alone(argv, __doc__, lambda dataset, _sizes: goals(dataset))


if __name__ == "__main__":
    sys.exit(main())
