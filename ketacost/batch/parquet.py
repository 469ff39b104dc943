"""A sweep's table as Parquet (the optional ``ketacost[parquet]`` extra: pyarrow).

Typed columns: money as decimal128 with two places (never a float), percentages with four,
counts as integers, dates as dates, flags as booleans; the warning codes as text. The rows
arrive as CSV text, block by block, and are written in row groups of :data:`ROW_GROUP` rows,
so the table is never held whole.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from ..core.errors import InputError
from ..engine.summary import FIGURE_COLUMNS
from ..inputs.grid import Grid
from .sweep import WARNINGS, columns

ROW_GROUP = 65_536
EXTRA = "pip install 'ketacost[parquet]'"


def require_pyarrow() -> None:
    """Refuse ``--format parquet`` without the extra, before any work."""
    import importlib.util

    if importlib.util.find_spec("pyarrow") is None:
        raise InputError(f"--format parquet: needs the parquet extra (pyarrow): {EXTRA}",
                         field="--format")  # fmt: skip


def schema(grid: Grid) -> Any:
    """The Arrow schema of a sweep's table."""
    import pyarrow as pa

    money, rate = pa.decimal128(18, 2), pa.decimal128(9, 4)
    by_kind = {"money": money, "percent": rate, "count": pa.int64(), "date": pa.date32(),
               "flag": pa.bool_()}  # fmt: skip
    fields = [pa.field(axis.name, by_kind.get(axis.spec.kind, pa.string())) for axis in grid.axes]
    fields += [pa.field(name, money) for name in FIGURE_COLUMNS]
    fields.append(pa.field(WARNINGS, pa.string()))
    return pa.schema(fields)


def write_parquet(grid: Grid, texts: Iterable[tuple[bytes, int]], out: Any,
                  progress: Any = None) -> int:  # fmt: skip
    """Write the rows (``(csv text, rows)`` pieces, in order) to the binary stream ``out`` as
    Parquet; the number of rows."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    table_schema = schema(grid)
    read = pacsv.ReadOptions(column_names=columns(grid), skip_rows=0)
    convert = pacsv.ConvertOptions(column_types=table_schema, strings_can_be_null=False,
                                   quoted_strings_can_be_null=False)  # fmt: skip
    total = 0
    pending: list[bytes] = []
    count = 0
    with pq.ParquetWriter(out, table_schema, compression="zstd") as writer:

        def flush() -> None:
            table = pacsv.read_csv(io.BytesIO(b"".join(pending)), read_options=read,
                                   convert_options=convert)  # fmt: skip
            writer.write_table(table.select(table_schema.names).cast(table_schema),
                               row_group_size=ROW_GROUP)  # fmt: skip

        for text, rows in texts:
            pending.append(text)
            count += rows
            total += rows
            if count >= ROW_GROUP:
                flush()
                pending, count = [], 0
            if progress is not None:
                progress(total)
        if pending:
            flush()
    return total
