"""`make bench --only X` rewrites X's section of docs/performance.md and keeps every other
benchmark's section whole, even though benchmarks print `###` headings of their own."""

import importlib.util
from pathlib import Path

spec = importlib.util.spec_from_file_location("run_all", Path(__file__).resolve().parents[2] / "bench" / "run_all.py")
run_all = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run_all)


def section(name: str, table: str) -> str:
    return f"{run_all.SECTION}{name} -->\n### {name}\n\n`python bench/{name}.py`\n\n### Its own heading\n\n{table}\n"


def test_sections_split_at_their_markers_not_at_the_benchmarks_own_headings():
    block = "\n_Last run_\n\n" + section("bench_a", "| a | 1 |") + "\n" + section("bench_b", "| b | 2 |")
    parts = run_all.split_sections(block)
    assert list(parts) == ["bench_a", "bench_b"]
    assert "### Its own heading" in parts["bench_a"] and "| a | 1 |" in parts["bench_a"]
    assert "| b |" not in parts["bench_a"]


def test_a_block_written_before_markers_splits_at_bench_headings():
    old = "\n_Last run_\n\n### bench_a\n\n### Own\n\n| a |\n\n### bench_b\n\n| b |\n"
    parts = run_all.split_sections(old)
    assert list(parts) == ["bench_a", "bench_b"]
    assert "### Own" in parts["bench_a"] and "| a |" in parts["bench_a"]
    assert parts["bench_b"].startswith(run_all.SECTION + "bench_b -->\n### bench_b")
