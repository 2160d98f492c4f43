"""The columnar and the row-by-row paths judge every row alike."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from customer_centric.cli._columnar import frame_of, read_columnar
from customer_centric.cli._relationships import progress_bar
from customer_centric.cli._score import read_header, read_transactions
from customer_centric.cli._sources import Columns, source_of

IDS = ["A", "B", " C ", "", "Jo se", "١"]
DAYS = [
    "2024-01-05", "20240106", "2024-02-30", "x", "", " 2024-01-08 ",
    "2024-01-07T10:00:00+05:00", "2024-01-09 23:59", "0000-01-01",
]  # fmt: skip
AMOUNTS = ["1.5", "-2", "ten", "", "1e400", "nan", " 3 ", "1_000", "0"]

rows = st.lists(
    st.tuples(
        st.sampled_from(IDS), st.sampled_from(DAYS), st.sampled_from(AMOUNTS)
    ),
    min_size=1,
    max_size=12,
)


@given(rows=rows, blank=st.integers(min_value=0, max_value=12))
def test_both_paths_keep_and_reject_the_same_rows(
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[tuple[str, str, str]],
    blank: int,
) -> None:
    """Same good rows, same bad lines, same reasons, same row count."""
    folder = tmp_path_factory.mktemp("paths")
    lines = ["customer_id,date,amount", *(",".join(r) for r in rows)]
    lines.insert(min(blank, len(lines) - 1) + 1, "")
    path = folder / "log.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    source = source_of(path, format_=None, delimiter=None)
    header = read_header(source)
    columns = Columns(
        customer="customer_id", date="date", amount="amount", date_format=None
    )
    with progress_bar(Console(quiet=True)) as progress:
        cleaned = read_columnar(
            source, header=header, columns=columns, progress=progress
        )
        good, bad, count = read_transactions(
            source, header=header, columns=columns, progress=progress
        )
    assert cleaned is not None
    assert cleaned.bad == bad
    assert cleaned.rows == count
    expected = frame_of(good, amounts=True)
    assert sorted(cleaned.frame.rows()) == sorted(expected.rows())
