"""The command line every benchmark shares: its own options, plus --quick."""

import argparse
from typing import Any


def parse_args(
    parser: argparse.ArgumentParser, quick: dict[str, Any], argv: list[str] | None = None
) -> argparse.Namespace:
    """Parse argv; with --quick, `quick` replaces the defaults. Options given still win.

    The quick run takes seconds and goes through the same code as the full one:
    `make test` runs it, so a benchmark that breaks fails CI.
    """
    parser.add_argument("--quick", action="store_true", help="tiny sizes, seconds: a smoke run")
    if parser.parse_known_args(argv)[0].quick:
        parser.set_defaults(**quick)
    return parser.parse_args(argv)
