"""Run every benchmark of the project and rewrite docs/performance.md.

Each `bench/bench_*.py` is a script of its own (runnable alone) that measures a
baseline in the same run and prints markdown tables; this runner runs them one
after another, keeps what each printed, and writes it under a heading per
benchmark with the command and the machine. `--quick` passes `--quick` on to
every benchmark (smaller data, for a smoke run); `--only NAME` runs a subset.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "performance.md"
START = "<!-- bench:start -->"
END = "<!-- bench:end -->"
SECTION = "<!-- bench:section "


def machine() -> str:
    cpu = "unknown cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    cores = f"{os.cpu_count()} cores ({cpu}){mem}"
    return f"{platform.system()} {platform.machine()}, {cores}, Python {platform.python_version()}"


# Log lines of apps a benchmark runs in-process are not part of its report.
_LOG_LINE = re.compile(r"^(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d\S* \[|\{\"|\s+return Path\()")


def report_text(stdout: str) -> str:
    return "\n".join(line for line in stdout.splitlines() if not _LOG_LINE.match(line)).strip()


def split_sections(block: str) -> dict[str, str]:
    """The per-benchmark sections of a generated block, by benchmark name. Benchmarks print
    `###` headings of their own, so a section starts only at its marker (or, in a block
    written before markers existed, at a `### bench_` heading)."""
    if SECTION in block:
        chunks = block.split(SECTION)[1:]
        return {c.split(" -->", 1)[0]: SECTION + c.rstrip() + "\n" for c in chunks}
    chunks = block.split("\n### bench_")[1:]
    return {"bench_" + c.split("\n", 1)[0].strip(): f"{SECTION}bench_{c.split(chr(10), 1)[0].strip()} -->\n"
            f"### bench_{c.rstrip()}\n" for c in chunks}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", nargs="*", default=None)
    args = parser.parse_args()
    scripts = sorted(ROOT.glob("bench/bench_*.py"))
    if args.only:
        scripts = [s for s in scripts if any(name in s.stem for name in args.only)]
    sections = []
    failures = 0
    for script in scripts:
        cmd = [sys.executable, str(script.relative_to(ROOT))] + (["--quick"] if args.quick else [])
        shown = " ".join(["python", *cmd[1:]])
        sys.stdout.write(f"== {shown}\n")
        sys.stdout.flush()
        started = time.monotonic()
        result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        took = time.monotonic() - started
        sys.stdout.write(result.stdout)
        if result.returncode != 0:
            failures += 1
            sys.stderr.write(result.stderr[-4000:])
            body = f"Failed (exit {result.returncode}); see the command's output."
        else:
            body = report_text(result.stdout)
        sections.append(f"{SECTION}{script.stem} -->\n### {script.stem}\n\n`{shown}` ({took:.0f} s)\n\n{body}\n")
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = DOC.read_text() if DOC.exists() else "# Performance\n\n"
    if args.only and START in text and END in text:
        # Keep the sections of the benchmarks not run this time.
        kept = split_sections(text[text.index(START) + len(START): text.index(END)])
        for section in sections:
            kept.update(split_sections(section))
        sections = [kept[name] for name in sorted(kept)]
    generated = (
        f"{START}\n_Last run: {stamp}, `make bench`{' --quick' if args.quick else ''}, on {machine()}._\n\n"
        + "\n".join(sections) + f"\n{END}"
    )
    if START in text and END in text:
        text = text[: text.index(START)] + generated + text[text.index(END) + len(END):]
    else:
        text = text.rstrip() + "\n\n## Figures\n\n" + generated + "\n"
    DOC.write_text(text)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
