"""`python -m planner import bibtex|conferences|backup FILE` and
`python -m planner export bibtex|ics|report|backup FILE`: every import and export, headless.

Each prints what it did and what it skipped (with the file's line numbers); an import that
could import nothing exits 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from planner.core.errors import LodestarError
from planner.core.models import Profile
from planner.core.text import plural
from planner.services import Lodestar

IMPORTS = ("bibtex", "conferences", "backup")
EXPORTS = ("bibtex", "ics", "report", "backup")


def add_parsers(sub) -> None:
    imp = sub.add_parser("import", help="import readings (BibTeX), conference deadlines or a backup")
    imp.add_argument("kind", choices=IMPORTS)
    imp.add_argument("file", type=Path)
    imp.add_argument("--profile", help="profile whose reading states get the import (bibtex)")
    exp = sub.add_parser("export", help="export readings, followed deadlines, a report or a backup")
    exp.add_argument("kind", choices=EXPORTS, help="bibtex: readings; ics: followed conference "
                     "deadlines; report: progress report (.pdf or .md); backup: all your data (JSON)")
    exp.add_argument("file", type=Path)
    exp.add_argument("--profile", help="profile (default: the first)")
    exp.add_argument("--period", choices=("month", "all"), default="month",
                     help="report: this month or all time (default month)")


def main(lodestar: Lodestar, args: argparse.Namespace) -> int:
    if args.command == "import":
        return _import(lodestar, args)
    return _export(lodestar, args)


def _profile(lodestar: Lodestar, name: str | None) -> Profile:
    return lodestar.profile_named(name) if name else lodestar.default_profile()


def _import(lodestar: Lodestar, args: argparse.Namespace) -> int:
    if not args.file.is_file():
        raise LodestarError(f"{args.file}: no such file")
    if args.kind == "backup":
        result = lodestar.import_backup(args.file)
    else:
        lodestar.sync_content()
        if args.kind == "bibtex":
            profile = _profile(lodestar, args.profile) if args.profile else None
            result = lodestar.import_bibtex(args.file, profile.id if profile else None)
        else:
            result = lodestar.import_conferences(args.file)
    print(f"{args.file}: {result.summary}")
    for problem in result.problems:
        print(f"  {args.file}:{problem.line}: {problem.message}", file=sys.stderr)
    return 0 if result.count else 1


def _export(lodestar: Lodestar, args: argparse.Namespace) -> int:
    path: Path = args.file
    if args.kind == "backup":
        count = lodestar.export_backup(path)
        print(f"Wrote {path}: {count} records.")
        return 0
    lodestar.sync_content()
    profile = _profile(lodestar, args.profile)
    if args.kind == "bibtex":
        count = lodestar.export_bibtex(path, profile.id)
        print(f"Wrote {path}: {plural(count, 'reading')}.")
    elif args.kind == "ics":
        count = lodestar.export_deadlines_ics(profile.id, path)
        print(f"Wrote {path}: {count} deadlines of the conferences {profile.name} follows.")
        if not count:
            print("Follow conferences on the Conferences page (or none have deadlines ahead).")
    else:
        _report(lodestar, profile, path, args.period)
    return 0


def _report(lodestar: Lodestar, profile: Profile, path: Path, period: str) -> None:
    if path.suffix.lower() == ".pdf":
        from planner.ui.report import write_pdf  # Qt's PDF writer, headless

        report = lodestar.progress_report(profile.id, period)
        write_pdf(lodestar.report_html(report), path)
    else:
        lodestar.export_report(profile.id, path, period)
    print(f"Wrote {path}: {profile.name}'s progress, "
          f"{'this month' if period == 'month' else 'all time'}.")
