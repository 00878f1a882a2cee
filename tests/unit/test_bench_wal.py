"""bench/bench_wal.py turns two readings of the server's counters into the cost of one operation:
the deltas divided by the count, the services' idle background over the same seconds and the
bench's own reads taken out. docs/scaling.md is built on these figures."""

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))
spec = importlib.util.spec_from_file_location("bench_wal", BENCH / "bench_wal.py")
bench_wal = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench_wal)
Counters = bench_wal.Counters


def reading(at: float, delivery: int, scoring: int, xid: int, wal: int, fpi: int) -> Counters:
    return Counters(at=at, commits={"delivery": delivery, "scoring": scoring}, write_xacts=xid, wal_bytes=wal,
                    wal_fpi=fpi)


def test_per_operation_divides_each_delta_by_the_count():
    before = reading(100.0, 5_000, 700, 90_000, 16_000_000, 40)
    after = reading(112.0, 5_684, 700, 90_636, 16_000_000 + 600 * 920, 46)
    each = bench_wal.per_operation(before, after, 600)
    assert each.operations == 600 and each.seconds == pytest.approx(12.0)
    assert each.commits == {"delivery": pytest.approx(1.14), "scoring": pytest.approx(0.0)}
    assert each.write_xacts == pytest.approx(1.06)
    assert each.wal_bytes == pytest.approx(920.0)
    assert each.wal_fpi == pytest.approx(0.01)
    assert each.total_commits == pytest.approx(1.14)


def test_the_idle_background_over_the_same_seconds_is_taken_out():
    idle = bench_wal.background_rates(reading(0.0, 0, 0, 10, 1_000, 0), reading(30.0, 210, 24, 10, 4_000, 0))
    assert idle.commits == {"delivery": pytest.approx(7.0), "scoring": pytest.approx(0.8)}
    assert idle.write_xacts == 0.0 and idle.wal_bytes == pytest.approx(100.0)
    # 20 operations over 15 s: the background made 105 + 12 commits and 1,500 WAL bytes of the deltas.
    before = reading(50.0, 1_000, 500, 200, 50_000, 3)
    after = reading(65.0, 1_000 + 105 + 20 * 4, 500 + 12 + 20 * 2, 200 + 20 * 3, 50_000 + 1_500 + 20 * 24_000, 3)
    each = bench_wal.per_operation(before, after, 20, idle)
    assert each.commits == {"delivery": pytest.approx(4.0), "scoring": pytest.approx(2.0)}
    assert each.write_xacts == pytest.approx(3.0)
    assert each.wal_bytes == pytest.approx(24_000.0)
    assert each.total_commits == pytest.approx(6.0)


def test_the_bench_own_reads_are_not_counted_as_the_operations():
    before = reading(0.0, 0, 0, 0, 0, 0)
    after = reading(5.0, 40, 60 + 17, 40, 40_000, 0)
    each = bench_wal.per_operation(before, after, 20, own_commits={"scoring": 17})
    assert each.commits == {"delivery": pytest.approx(2.0), "scoring": pytest.approx(3.0)}


def test_ratios_against_the_baseline_and_what_cannot_be_computed():
    assert bench_wal.ratio(920.0, 134.0) == pytest.approx(6.866, abs=1e-3)
    assert bench_wal.ratio(1.0, 0.0) != bench_wal.ratio(1.0, 0.0)  # nan: no baseline, no ratio
    with pytest.raises(ValueError):
        bench_wal.per_operation(reading(0, 0, 0, 0, 0, 0), reading(1, 1, 0, 1, 1, 0), 0)
    with pytest.raises(ValueError):
        bench_wal.background_rates(reading(3, 0, 0, 0, 0, 0), reading(3, 1, 0, 0, 0, 0))


def test_the_report_reads_the_per_operation_figures_it_is_given():
    def op(n: int, delivery: float, scoring: float, wal: float) -> dict:
        return {"operations": n, "seconds": 12.0, "commits": {"delivery": delivery, "scoring": scoring},
                "write_xacts": delivery, "wal_bytes": wal, "wal_fpi": 0.0, "total_commits": delivery + scoring}

    res = {key: op(600, 1.0, 0.0, 134.0) for _, key in bench_wal.ROWS}
    res["save_first"] = op(600, 1.1, 0.0, 670.0)
    res["background"] = {"commits": {"delivery": 7.0, "scoring": 0.8}, "write_xacts": 0.0, "wal_bytes": 0.0,
                         "wal_fpi": 0.0}
    res["backends_at_rest"] = {"delivery": 6, "scoring": 2}
    res["backends_peak_saving_32_at_once"] = {"delivery": 14, "scoring": 2}
    res["pool"] = {"min": 2, "max": 10}
    res["server_version"], res["checkpoints_during_run"] = "18.0", 0
    res["storage_bytes_per_row"] = {"responses": 120.0}
    text = bench_wal.report(res)
    assert "| 600 | 1.10 | 0.00 | 1.10 | 670 | 0.00 | 1.10 | 5.00 |" in text
    assert "Answer save / bare single-row UPDATE: 1.10x commits, 5.00x WAL bytes" in text
