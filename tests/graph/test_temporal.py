"""Time-stamped graphs from Parquet: a time column of a type that holds no times."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from downline.errors import FormatError
from downline.graph import read_temporal_graph


@pytest.mark.parametrize("values", [
    pa.array([[1], [2, 3]]), pa.array([b"\xff", b""], pa.binary()),
    pa.array([None, None], pa.null()), pa.array([True, False]),
])
def test_parquet_time_of_a_type_that_is_not_times_is_a_format_error(
        tmp_path: Path, values: pa.Array) -> None:
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"source": [1, 2], "target": [2, 1], "time": values}), path)
    with pytest.raises(FormatError, match="time") as info:
        read_temporal_graph(path)
    assert info.value.field == "time" and "t.parquet" in str(info.value)
