"""Command-line peek at the sample bank, for humans checking what the data files hold."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter

from shared.domains import DOMAINS

from . import load_sample_bank


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m item_bank.sample_bank", description=__doc__)
    parser.add_argument("--count", action="store_true", help="print the number of items per domain")
    parser.add_argument("--json", action="store_true", help="print the whole bank as JSON")
    args = parser.parse_args(argv)
    bank = load_sample_bank()
    if args.json:
        sys.stdout.write(json.dumps(bank, indent=2, ensure_ascii=False) + "\n")
    if args.count or not args.json:
        counts = Counter(item["domain"] for item in bank)
        width = max(len(d.code) for d in DOMAINS)
        for d in DOMAINS:
            sys.stdout.write(f"{d.code:<{width}}  {counts[d.code]:>4}  {d.name}\n")
        sys.stdout.write(f"{'total':<{width}}  {len(bank):>4}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
