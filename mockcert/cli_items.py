"""`mockcert items import FILE`: send a JSON lines or CSV file of items to the
running product in chunks, with a progress line, and print the row report.
`mockcert items lint FILE` (or `--sample`): the item linter on a file before import,
offline, with the per-area bank report (see docs/item-bank.md).

Rows are numbered as in the file: JSON lines by line number, CSV by record
(the header is not counted). Exit status: 0 when every row was created, 1 when
some were refused, 2 when the import could not run (login, file, server).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import getpass
import io
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import aiohttp

DEFAULT_CHUNK_ROWS = 500


class ImportFailed(Exception):
    pass


def _default_url() -> str:
    from mockcert.cli import running_url

    return running_url()


def detect_format(path: Path, explicit: str | None) -> str:
    if explicit:
        return explicit
    return "csv" if path.suffix.lower() == ".csv" else "jsonl"


def jsonl_chunks(data: bytes, rows: int) -> Iterator[tuple[int, int, bytes]]:
    """(line offset, rows in chunk, body): blank lines keep their numbers but are not rows."""
    lines = data.splitlines(keepends=True)
    start = 0
    while start < len(lines):
        end = start
        count = 0
        while end < len(lines) and count < rows:
            if lines[end].strip():
                count += 1
            end += 1
        if count:
            yield start, count, b"".join(lines[start:end])
        start = end


def csv_chunks(data: bytes, rows: int) -> Iterator[tuple[int, int, bytes]]:
    """(record offset, rows in chunk, body with the header repeated); quoted newlines stay inside records."""
    text = data.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return
    offset = 0
    batch: list[list[str]] = []

    def encode(records: list[list[str]]) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(records)
        return out.getvalue().encode()

    for record in reader:
        if not any(cell.strip() for cell in record):
            continue
        batch.append(record)
        if len(batch) >= rows:
            yield offset, len(batch), encode(batch)
            offset += len(batch)
            batch = []
    if batch:
        yield offset, len(batch), encode(batch)


def count_rows(data: bytes, fmt: str) -> int:
    chunks = csv_chunks(data, 10_000) if fmt == "csv" else jsonl_chunks(data, 10_000)
    return sum(n for _, n, _ in chunks)


class Progress:
    def __init__(self, total: int, stream: TextIO) -> None:
        self.total = max(total, 1)
        self.stream = stream
        self.started = time.monotonic()

    def show(self, done: int, created: int, refused: int) -> None:
        width = 30
        filled = int(width * done / self.total)
        rate = done / max(time.monotonic() - self.started, 1e-6)
        self.stream.write(
            f"\rimporting [{'#' * filled}{'.' * (width - filled)}] {done}/{self.total} rows "
            f"({100 * done / self.total:.0f} %), {created} created, {refused} refused, "
            f"{rate:.0f} rows/s "
        )
        self.stream.flush()

    def end(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


async def import_file(
    url: str,
    username: str,
    password: str,
    path: Path,
    fmt: str,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    progress: TextIO | None = None,
) -> dict[str, Any]:
    """Log in, post the file chunk by chunk, and return the merged report with file row numbers."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFailed(f"cannot read {path}: {exc.strerror}") from None
    try:
        chunks = list(csv_chunks(data, chunk_rows) if fmt == "csv" else jsonl_chunks(data, chunk_rows))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ImportFailed(f"cannot read {path} as {fmt}: {exc}") from None
    total = sum(n for _, n, _ in chunks)
    bar = Progress(total, progress) if progress is not None else None
    report: dict[str, Any] = {"created": 0, "refused": 0, "updated": 0, "unchanged": 0, "rows": []}
    ctype = "text/csv" if fmt == "csv" else "application/x-ndjson"
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=10, sock_read=300)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        try:
            async with session.post(
                f"{url}/api/auth/login", json={"username": username, "password": password}
            ) as resp:
                body = await resp.json(content_type=None)
                if resp.status != 200:
                    raise ImportFailed(f"login refused: {body.get('detail', resp.status)}")
                token = body["token"]
            done = 0
            if bar:
                bar.show(0, 0, 0)
            for offset, count, chunk in chunks:
                async with session.post(
                    f"{url}/api/items/import?format={fmt}",
                    data=chunk,
                    headers={"Authorization": f"Bearer {token}", "Content-Type": ctype},
                ) as resp:
                    body = await resp.json(content_type=None)
                    if resp.status != 200:
                        detail = body.get("detail") if isinstance(body, dict) else resp.status
                        raise ImportFailed(f"the server refused rows {offset + 1}-{offset + count}: {detail}")
                for row in body["rows"]:
                    row["row"] += offset
                    report["rows"].append(row)
                report["created"] += body["created"]
                report["refused"] += body["refused"]
                # Rows naming items of the bank (an export edited and imported back) update them.
                report["updated"] += body.get("updated", 0)
                report["unchanged"] += body.get("unchanged", 0)
                done += count
                if bar:
                    bar.show(done, report["created"], report["refused"])
        except aiohttp.ClientError as exc:
            raise ImportFailed(f"cannot reach {url}: {exc}") from None
        finally:
            if bar:
                bar.end()
    return report


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def cmd_items_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    username = args.username or os.environ.get("MOCKCERT_USERNAME", "")
    password = args.password or os.environ.get("MOCKCERT_PASSWORD", "")
    if username and not password:
        from mockcert.cli import demo_password

        password = demo_password(username)
    if not username:
        sys.stderr.write("give --username (or MOCKCERT_USERNAME): an instructor or admin account\n")
        return 2
    if not password:
        if not sys.stdin.isatty():
            sys.stderr.write("give --password (or MOCKCERT_PASSWORD)\n")
            return 2
        password = getpass.getpass(f"password for {username}: ")
    fmt = detect_format(path, args.format)
    url = (args.url or _default_url()).rstrip("/")
    try:
        report = asyncio.run(
            import_file(
                url, username, password, path, fmt, args.chunk_rows, None if args.quiet else sys.stderr
            )
        )
    except ImportFailed as exc:
        sys.stderr.write(f"import failed: {exc}\n")
        return 2
    if args.report:
        Path(args.report).write_text(json.dumps(report, indent=1) + "\n")
    counts = [f"{report['created']} created"]
    counts += [f"{report[k]} {k}" for k in ("updated", "unchanged") if report.get(k)]
    sys.stdout.write(f"{', '.join(counts)}, {report['refused']} refused ({path.name}, {fmt})\n")
    for row in report["rows"]:
        if row["status"] == "refused":
            reasons = "; ".join(f"{e['field']}: {e['message']}" for e in row.get("errors", []))
            sys.stdout.write(f"  row {row['row']}: {reasons}\n")
        for w in row.get("warnings", []):
            sys.stdout.write(f"  row {row['row']} warning: {w['field']}: {w['message']}\n")
    return 0 if report["refused"] == 0 else 1


# ------------------------------------------------------------------ lint


def _lint_lines(where: str, findings: list[Any]) -> list[str]:
    return [f"  {where} {f.level}: {f.field}: {f.message}" for f in findings]


def cmd_items_lint(args: argparse.Namespace) -> int:
    """Check a file before import (or the built-in sample bank) and print the per-area report."""
    from item_bank.lint import format_report, lint_bank

    out = sys.stdout
    if args.sample:
        from item_bank.sample_bank import load_sample_bank

        bank = load_sample_bank()
        report = lint_bank(bank)
        for entry in report.items:
            if args.warnings or any(f.level == "error" for f in entry.findings):
                shown = [f for f in entry.findings if args.warnings or f.level == "error"]
                out.write("\n".join(_lint_lines(f"item {entry.index + 1} ({entry.domain})", shown)) + "\n")
        out.write(f"sample bank: {len(bank)} items\n\n")
        out.write(format_report(report))
        _write_near_duplicates(report.findings, args.warnings)
        missed = report.targets_missed
        return 1 if report.errors or missed else 0
    if not args.file:
        sys.stderr.write("give a FILE (.jsonl or .csv), or --sample for the built-in sample bank\n")
        return 2
    from item_bank.interchange.transfer import FileProblem, parse

    path = Path(args.file)
    fmt = detect_format(path, args.format)
    try:
        rows = parse(path.read_bytes(), fmt, args.year)
    except OSError as exc:
        sys.stderr.write(f"cannot read {path}: {exc.strerror}\n")
        return 2
    except FileProblem as exc:
        sys.stderr.write(f"cannot read {path} as {fmt}: {exc}\n")
        return 2
    refused = 0
    for row in rows:
        lines = [f"  row {row.row} error: {e.field}: {e.message}" for e in row.errors]
        lines += [f"  row {row.row} warning: {w.field}: {w.message}" for w in row.warnings]
        refused += row.content is None
        if lines:
            out.write("\n".join(lines) + "\n")
    contents = [row.content for row in rows if row.content is not None]
    out.write(f"{path.name} ({fmt}): {len(rows)} rows, {len(rows) - refused} importable, {refused} with errors\n\n")
    report = lint_bank(contents)
    out.write(format_report(report))
    _write_near_duplicates(report.findings, True)
    return 1 if refused else 0


def _write_near_duplicates(findings: list[Any], every: bool, shown: int = 20) -> None:
    for f in findings if every else findings[:shown]:
        sys.stdout.write(f"  near-duplicate: {f.message}\n")
    if not every and len(findings) > shown:
        sys.stdout.write(f"  ... and {len(findings) - shown} more pairs (--warnings lists them all)\n")


def register(subparsers: Any) -> None:
    items = subparsers.add_parser("items", help="the item bank").add_subparsers(
        dest="items_command", required=True
    )
    imp = items.add_parser(
        "import", help="import items from a JSON lines or CSV file (they arrive as drafts)"
    )
    imp.add_argument("file", help="a .jsonl (one item per line) or .csv file")
    imp.add_argument(
        "--url", default="", help="the product's address (default: the running product, or :8080)"
    )
    imp.add_argument("--username", default="", help="an instructor or admin (or MOCKCERT_USERNAME)")
    imp.add_argument("--password", default="", help="(or MOCKCERT_PASSWORD; asked when missing)")
    imp.add_argument("--format", choices=["jsonl", "csv"], default=None, help="default: from the file name")
    imp.add_argument("--chunk-rows", type=_positive, default=DEFAULT_CHUNK_ROWS, help="rows per request")
    imp.add_argument("--report", default="", help="also write the full JSON report to this file")
    imp.add_argument("--quiet", action="store_true", help="no progress line")
    imp.set_defaults(func=cmd_items_import)
    lint = items.add_parser(
        "lint",
        help="check items before import: codes, form and cues per row, then the per-area bank report",
        description="Exit status: 0 clean, 1 errors (or, with --sample, a bank target missed), 2 unreadable.",
    )
    lint.add_argument("file", nargs="?", default="", help="a .jsonl (one item per line) or .csv file")
    lint.add_argument("--sample", action="store_true", help="lint the built-in sample bank instead of a file")
    lint.add_argument("--warnings", action="store_true", help="with --sample: list every warning too")
    lint.add_argument("--format", choices=["jsonl", "csv"], default=None, help="default: from the file name")
    lint.add_argument("--year", type=int, default=int(os.environ.get("MOCKCERT_CODE_SET_YEAR", 2026)),
                      help="the current code-set year (default MOCKCERT_CODE_SET_YEAR or 2026)")
    lint.set_defaults(func=cmd_items_lint)
