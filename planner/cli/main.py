"""`python -m planner`: Lodestar without the window.

    python -m planner content check [PATH]     validate a content pack, report file:line problems
    python -m planner content sync [PATH]      validate and write it into the database
    python -m planner db upgrade               bring the database to the newest schema (backup first)
    python -m planner db backup [FILE]         copy the database
    python -m planner db restore               put the newest sound backup in place of a damaged
                                               database (which is kept, with its -wal and -shm)
    python -m planner db salvage               the same, with every row SQLite can still read
    python -m planner info                     versions, paths and what the database holds
    python -m planner topics [--track T]       the curriculum
    python -m planner roles                    the career roles and their skill targets
    python -m planner profile create NAME --role R [--hours H] [--days mon-fri] [--start D]
                      [--target D] [--second-role R] [--skill SKILL=LEVEL ...]
    python -m planner profile list|show NAME|edit NAME [...]|skills
    python -m planner plan [--profile NAME] [--json] [--ics FILE] [--markdown FILE]
    python -m planner import bibtex|conferences|backup FILE
    python -m planner export bibtex|ics|report|backup FILE [--profile NAME] [--period month|all]
    python -m planner lab list [NAME]          the PyTorch labs and their settings
    python -m planner lab run NAME [--epochs N] [--device cpu] [--set lr=0.01] [--json]
    python -m planner lab export NAME FILE     the lab as a standalone PyTorch script
    python -m planner log TOPIC --minutes N [--profile NAME] [--date YYYY-MM-DD] [--note TEXT]
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from planner.cli import labs, log, plans, transfer
from planner.core.errors import ContentError, LodestarError, NotADatabaseError
from planner.core.models import RoleLevel
from planner.services import Location, Lodestar, resolve, resources_dir
from planner.services.facade import restore_latest_backup, salvage_database
from planner.services.lock import InstanceLock


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m planner", description=(
        "Lodestar: an offline learning-path and career planner for people learning AI."))
    parser.add_argument("--db", metavar="URL", help="SQLAlchemy database URL "
                        "(default: $LODESTAR_DATABASE_URL, else SQLite in the data folder)")
    parser.add_argument("--data-dir", metavar="DIR", help="keep all data in DIR "
                        "(default: $LODESTAR_DATA_DIR, else the user data directory)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    content = sub.add_parser("content", help="check or sync the content pack")
    content_sub = content.add_subparsers(dest="action", required=True, metavar="ACTION")
    check = content_sub.add_parser("check", help="validate a pack; list every problem")
    check.add_argument("path", nargs="?", type=Path, help="pack folder (default: shipped)")
    sync = content_sub.add_parser("sync", help="validate and write a pack into the database")
    sync.add_argument("path", nargs="?", type=Path, help="pack folder (default: shipped)")
    sync.add_argument("--force", action="store_true", help="sync even if no file changed")

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="action", required=True, metavar="ACTION")
    db_sub.add_parser("upgrade", help="upgrade to the newest schema (backs up first)")
    backup = db_sub.add_parser("backup", help="copy the database")
    backup.add_argument("file", nargs="?", type=Path,
                        help="target file (default: a timestamped file in the backup folder)")
    db_sub.add_parser("salvage", help="replace a damaged database by a new one holding every row "
                      "SQLite can still read (the damaged files are kept in a folder beside it)")
    db_sub.add_parser("restore", help="replace a damaged database by the newest sound backup "
                      "(the damaged files are kept in a folder beside it)")

    sub.add_parser("info", help="versions, paths and content counts")
    topics = sub.add_parser("topics", help="list the curriculum")
    topics.add_argument("--track", help="only this track")
    sub.add_parser("roles", help="list the career roles and their skill targets")
    plans.add_parsers(sub)
    transfer.add_parsers(sub)
    labs.add_parser(sub)
    log.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "content" and args.action == "check":
            return _content_check(args.path or resources_dir())
        location = resolve(args.db, args.data_dir)
        if args.command == "db" and args.action in ("restore", "salvage"):
            return _recover(location, args.action)
        if args.command == "lab":
            return labs.main(args, lambda: _open(location))
        with _open(location) as lodestar:
            return _run(lodestar, args)
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s); nothing was written.", file=sys.stderr)
        return 1
    except NotADatabaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        if exc.path is not None and not (args.command == "db" and args.action == "salvage"):
            same = "python -m planner" + "".join(
                f" {flag} {shlex.quote(value)}" for flag, value in
                (("--db", args.db), ("--data-dir", args.data_dir)) if value)
            print(f"To put the newest sound backup in its place: {same} db restore; to keep every "
                  f"row SQLite can still read: {same} db salvage (either way the damaged files are "
                  "kept beside it).", file=sys.stderr)
        return 1
    except LodestarError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _open(location: Location) -> Lodestar:
    lodestar = Lodestar.open(location)
    for notice in lodestar.notices:
        print(f"warning: {notice}", file=sys.stderr)
    return lodestar


def _recover(location: Location, action: str) -> int:
    with InstanceLock(location.lock_file):
        if action == "restore":
            moved, backup = restore_latest_backup(location)
            print(f"Restored {backup}. The previous database was kept as {moved}.")
        else:
            moved, counts = salvage_database(location)
            print(f"Recovered {sum(counts.values()):,} rows into a new database. The damaged one "
                  f"was kept as {moved}.")
    return 0


def _content_check(path: Path) -> int:
    counts = Lodestar.check_content(path)
    print(f"{path}: OK — {counts.topics} topics in {counts.tracks} tracks, {counts.skills} skills, "
          f"{counts.roles} roles, {counts.readings} readings, {counts.labs} labs, "
          f"{counts.conference_series} conference series ({counts.conference_editions} editions)")
    return 0


def _run(lodestar: Lodestar, args: argparse.Namespace) -> int:
    if lodestar.upgrade_backup:
        print(f"Backed up the database to {lodestar.upgrade_backup} before upgrading it.")
    if args.command == "db" and args.action == "upgrade":
        print(f"Database at schema {lodestar.schema_revision()} (newest).")
    elif args.command == "db" and args.action == "backup":
        print(f"Backed up to {lodestar.backup(args.file)}")
    elif args.command == "content":
        report = lodestar.sync_content(args.path, force=args.force)
        print(f"Content sync: {report}.")
    elif args.command == "info":
        _info(lodestar)
    elif args.command == "topics":
        _topics(lodestar, args.track)
    elif args.command == "roles":
        _roles(lodestar)
    elif args.command in ("profile", "plan"):
        return plans.main(lodestar, args)
    elif args.command in ("import", "export"):
        return transfer.main(lodestar, args)
    elif args.command == "log":
        return log.main(lodestar, args)
    return 0


def _info(lodestar: Lodestar) -> None:
    for name, version in lodestar.versions().items():
        print(f"{name + ':':12} {version}")
    paths = lodestar.paths()
    print(f"{'Data:':12} {paths.data_dir}")
    print(f"{'Database:':12} {paths.database_url}")
    print(f"{'Backups:':12} {paths.backup_dir}")
    print(f"{'Content:':12} {paths.resources_dir}")
    print(f"{'Schema:':12} {lodestar.schema_revision()}")
    c = lodestar.content_counts()
    print(f"{'Holds:':12} {c.topics} topics, {c.tracks} tracks, {c.skills} skills, {c.roles} roles, "
          f"{c.readings} readings, {c.labs} labs, {c.conference_series} conference series")


def _topics(lodestar: Lodestar, track: str | None) -> None:
    lodestar.sync_content()
    titles = {t.slug: t.title for t in lodestar.tracks()}
    current = None
    for topic in lodestar.topics(track):
        if topic.track != current:
            current = topic.track
            print(f"\n{titles.get(current, current)}")
        needs = f"  (after {', '.join(topic.prerequisites)})" if topic.prerequisites else ""
        print(f"  {topic.slug:28} {topic.hours:4g} h  {topic.title}{needs}")


def _roles(lodestar: Lodestar) -> None:
    lodestar.sync_content()
    for role in lodestar.roles():
        print(f"\n{role.name} ({role.slug})\n  {role.description}")
        for skill in sorted(role.skills, key=lambda s: -s.weight):
            stages = "  ".join(f"{level.value} {skill.level(level)}" for level in RoleLevel)
            print(f"    {skill.skill_name:32} {stages}  weight {skill.weight:g}")


if __name__ == "__main__":
    raise SystemExit(main())
