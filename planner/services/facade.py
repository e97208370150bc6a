"""`Lodestar`, the façade over the database, the content pack and the learner's records."""

from __future__ import annotations

import contextlib
import hashlib
import platform
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from planner import __version__
from planner.content import fingerprint, load_pack, render_lesson
from planner.content.files import MAX_IMAGE_BYTES, read_pack_file
from planner.content.formulas import svg_text
from planner.content.lesson import as_image, formula_key
from planner.core.errors import LodestarError, NotADatabaseError, StorageError
from planner.core.models import (
    AppPaths,
    ContentCounts,
    Lab,
    LabRun,
    LabRunStatus,
    LessonPage,
    MetricPoint,
    Reading,
    Role,
    SearchHit,
    Skill,
    SyncReport,
    Topic,
    TopicStatus,
    TopicSummary,
    Track,
    UpcomingDeadline,
)
from planner.db import labruns, migrate, profiles, repository, salvage, search
from planner.db.engine import (
    check_sqlite_file,
    library_versions,
    make_engine,
    missing_wal_notice,
    session_factory,
    sqlite_path,
    storage_errors,
)
from planner.db.sync import apply_pack, stored_fingerprint
from planner.services.backup import Backups
from planner.services.conferences import Conferences
from planner.services.lock import InstanceLock
from planner.services.paths import Location, resources_dir
from planner.services.progress import ProgressTracking
from planner.services.readings import ReadingList
from planner.services.review import Reviews
from planner.services.study import StudyPlans

if TYPE_CHECKING:
    from planner.labs.catalogue import LabStanding


class Lodestar(StudyPlans, ProgressTracking, Reviews, ReadingList, Conferences, Backups):
    """An open Lodestar database. Use `Lodestar.open(location)`; `close()` when done."""

    def __init__(self, location: Location, engine, lock: InstanceLock | None,
                 resources: Path, backup: Path | None):
        self.location = location
        self.resources = resources
        self.upgrade_backup = backup  # the copy made before this open upgraded the schema
        self._engine = engine
        self._sessions = session_factory(engine)
        self._lock = lock
        self.notices: list[str] = []  # things the learner should hear about the open, one sentence each
        self._damage: NotADatabaseError | None = None  # once found, nothing more is written

    # --- opening and closing ----------------------------------------------------------------

    @classmethod
    def open(cls, location: Location, *, resources: Path | None = None,
             lock: bool = True) -> Lodestar:
        """Open (creating if needed) and upgrade the database at `location`.

        Raises `AlreadyRunningError` if another Lodestar holds the data folder, `LockFileError`
        if its lock file is a symbolic link, a folder or not a regular file,
        `NotADatabaseError` for a file that is not SQLite or that SQLite's own check finds damaged
        (nothing is written to it), `StorageError` for a database that is sound but cannot be used
        now (read-only, locked by another program, a data folder that is a file),
        `NewerSchemaError` for one from a newer Lodestar, `MigrationError` if the upgrade fails
        (the database is then as it was, and a backup was taken first).
        """
        _check_data_dir(location.data_dir)
        held = InstanceLock(location.lock_file).acquire() if lock else None
        try:
            file = sqlite_path(location.database_url)
            notice = missing_wal_notice(file) if file is not None else None
            if held is not None:
                _remove_unfinished_copies(location, file)
            where = file or location.database_url
            with storage_errors(where):
                engine = make_engine(location.database_url)
                try:
                    backup = migrate.upgrade(engine, location.backup_dir)
                except BaseException:
                    engine.dispose()
                    raise
        except BaseException:
            if held is not None:
                held.release()
            raise
        opened = cls(location, engine, held, resources or resources_dir(), backup)
        opened.notices = [notice] if notice else []
        if held is not None:  # only the holder of the data folder may judge runs as cut off
            try:
                with opened._session() as session:
                    labruns.mark_interrupted(session)
            except BaseException:
                opened.close()
                raise
        return opened

    def close(self) -> None:
        self._engine.dispose()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Lodestar:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextlib.contextmanager
    def _session(self) -> Iterator:
        """One use case, one transaction: commit on success, roll back on any error. Once SQLite
        has reported the database damaged, every later use case is refused with the same error,
        so nothing more is written into it."""
        if self._damage is not None:
            raise self._damage
        try:
            with storage_errors(self.database_file or self.location.database_url), \
                    self._sessions.begin() as session:
                yield session
        except NotADatabaseError as exc:
            self._damage = exc
            raise

    # --- about and backups ------------------------------------------------------------------

    @property
    def database_file(self) -> Path | None:
        return sqlite_path(self.location.database_url)

    def paths(self) -> AppPaths:
        """Where this Lodestar keeps its data, for Help → About."""
        url = self._engine.url.render_as_string(hide_password=True)
        file = self.database_file
        return AppPaths(str(self.location.data_dir), url, str(file) if file else None,
                        str(self.location.backup_dir), str(self.resources))

    @staticmethod
    def versions() -> dict[str, str]:
        """Versions of Lodestar and what it runs on (the GUI adds Qt's)."""
        return {
            "Lodestar": __version__,
            "Python": platform.python_version(),
            **library_versions(),
            "Platform": f"{platform.system()} {platform.release()} ({sys.platform})",
        }

    def schema_revision(self) -> str | None:
        return migrate.current_revision(self._engine)

    def backup(self, target: Path | None = None) -> Path:
        """Copy the database to `target` (or a timestamped file in the backup folder)."""
        file = self.database_file
        if file is None:
            raise LodestarError("Only an SQLite database file can be backed up from Lodestar; "
                                "use your database server's own backup tools.")
        if target is None:
            return migrate.backup_sqlite(file, self.location.backup_dir, reason="manual")
        target = Path(target)
        if target.resolve() == file.resolve():
            raise LodestarError("Choose a different file: that is the live database.")
        target.parent.mkdir(parents=True, exist_ok=True)
        migrate.copy_sqlite(file, target)
        return target

    # --- content ----------------------------------------------------------------------------

    def content_is_current(self, root: Path | None = None) -> bool:
        """True when every content file hashes as at the last sync (cheap: hashing only)."""
        with self._session() as session:
            return stored_fingerprint(session) == fingerprint(root or self.resources)

    def sync_content(self, root: Path | None = None, *, force: bool = False) -> SyncReport:
        """Validate the pack at `root` (default: the shipped one) and write it, all or nothing.

        Skips everything when no file changed since the last sync, unless `force`. Raises
        `ContentError` listing every problem, having written nothing, when the pack is invalid.
        """
        root = Path(root or self.resources)
        if not force and self.content_is_current(root):
            return SyncReport(skipped=True)
        pack = load_pack(root)
        with self._session() as session:
            return apply_pack(session, pack)

    @staticmethod
    def check_content(root: Path) -> ContentCounts:
        """Validate a pack without a database, typesetting every formula; raises `ContentError`
        with every problem."""
        pack = load_pack(root, typeset=True)
        return ContentCounts(
            len(pack.tracks), len(pack.topics), len(pack.skills), len(pack.roles),
            len(pack.readings), len(pack.labs), len(pack.conferences),
            sum(len(c.editions) for c in pack.conferences))

    def content_counts(self) -> ContentCounts:
        with self._session() as session:
            return repository.content_counts(session)

    def tracks(self) -> list[Track]:
        with self._session() as session:
            return repository.tracks(session)

    def topics(self, track: str | None = None) -> list[TopicSummary]:
        """Live topics in curriculum order, optionally of one track."""
        with self._session() as session:
            return repository.topic_summaries(session, track)

    def topic(self, slug: str) -> Topic:
        with self._session() as session:
            return repository.topic(session, slug)

    def unlocked_by(self, slug: str) -> list[TopicSummary]:
        """Topics that need `slug` first."""
        with self._session() as session:
            return repository.unlocked_by(session, slug)

    def lesson_html(self, slug: str, dark: bool = False) -> str:
        """The topic's lesson rendered to HTML (formulas as LaTeX source, code highlighted)."""
        topic = self.topic(slug)
        return render_lesson(topic.body, dark=dark, base=f"topics/{topic.track}")

    def pack_image(self, path: str) -> bytes | None:
        """The bytes of an image file of the shipped pack named by its pack-relative `path` (as a
        lesson's `pack:` image gives it), or None when it is outside the pack, not a regular
        file, larger than 4 MB or unreadable. Safe to call with any string."""
        return read_pack_file(self.resources, path, MAX_IMAGE_BYTES)

    def lesson_page(self, slug: str, dark: bool = False) -> LessonPage:
        """The lesson with its formulas as images to typeset (see `typeset_formula`); until they
        are, `lesson_html` shows them as LaTeX source."""
        topic = self.topic(slug)
        body = topic.body
        formulas: dict[str, tuple[str, bool]] = {}

        def image(formula):
            formulas[formula_key(formula)] = (formula.latex, formula.display)
            return as_image(formula)

        return LessonPage(render_lesson(body, dark=dark, math=image, base=f"topics/{topic.track}"),
                          formulas)

    def typeset_formula(self, latex: str, display: bool, color: str, size: float) -> str:
        """SVG text of a formula, from the on-disk cache when it was typeset before.
        Thread-safe; takes ~5–20 ms when not cached, so call it off the GUI thread."""
        cache = self.location.data_dir / "cache" / "math"
        name = hashlib.sha1(f"{latex}\0{display}\0{color}\0{size:g}".encode()).hexdigest()
        path = cache / f"{name}.svg"
        try:
            return path.read_text(encoding="utf-8")
        except OSError:
            pass
        svg = svg_text(latex, display, size, color)
        with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
            cache.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{threading.get_ident()}.partial")
            partial.write_text(svg, encoding="utf-8")
            partial.replace(path)
        return svg

    def search(self, query: str, limit: int = 30) -> list[SearchHit]:
        """Topics, lessons, readings and conferences matching `query`, best first (as you type:
        the last word may be unfinished)."""
        with self._session() as session:
            return search.search(session, query, limit)

    def skills(self) -> list[Skill]:
        with self._session() as session:
            return repository.skills(session)

    def roles(self) -> list[Role]:
        with self._session() as session:
            return repository.roles(session)

    def role(self, slug: str) -> Role:
        with self._session() as session:
            return repository.role(session, slug)

    def readings(self, slugs: list[str] | None = None) -> list[Reading]:
        with self._session() as session:
            return repository.readings(session, slugs)

    def labs(self) -> list[Lab]:
        with self._session() as session:
            return repository.labs(session)

    def upcoming_deadlines(self, limit: int = 20,
                           now: datetime | None = None) -> list[UpcomingDeadline]:
        with self._session() as session:
            return repository.upcoming_deadlines(session, now or datetime.now(UTC), limit)

    # --- lab runs -------------------------------------------------------------------------------

    def start_lab_run(self, lab: str, config: dict, profile_id: int | None = None) -> LabRun:
        """Record that a run of `lab` with `config` is starting; returns it with its id."""
        with self._session() as session:
            return labruns.start_run(session, lab, config, profile_id)

    def update_lab_run(self, run_id: int, *, device: str | None = None,
                       checkpoint: str | None = None) -> None:
        values = {k: v for k, v in (("device", device), ("checkpoint", checkpoint)) if v is not None}
        with self._session() as session:
            labruns.update_run(session, run_id, **values)

    def add_lab_metrics(self, run_id: int, points: list[tuple[int, int, str, float]]) -> int:
        """Append (step, epoch, name, value) points to a run in one transaction."""
        with self._session() as session:
            return labruns.add_metrics(session, run_id, points)

    def finish_lab_run(self, run_id: int, status: LabRunStatus, *, summary: dict | None = None,
                       error: str | None = None, seconds: float | None = None) -> LabRun:
        with self._session() as session:
            return labruns.finish_run(session, run_id, status, summary=summary, error=error,
                                      seconds=seconds)

    def lessons_to_start_after_lab(self, profile_id: int, lab: str) -> list[tuple[str, str]]:
        """(slug, title) of the lessons that link `lab` and that the profile has not started.

        Finishing a run records the run only; the app offers to mark these in progress (which puts
        their cards in the review deck) and sets them only if the learner says yes."""
        with self._session() as session:
            return labruns.lessons_not_started(session, profile_id, lab)

    def start_lessons(self, profile_id: int, slugs: list[str]) -> None:
        """Mark the not-started lessons among `slugs` in progress, in one transaction (the
        lab offer's Yes); lessons already begun, done or skipped keep their state."""
        with self._session() as session:
            profiles.profile(session, profile_id)
            states = repository.topic_states(session, profile_id)
            for slug in slugs:
                if states.get(slug, TopicStatus.NOT_STARTED) is TopicStatus.NOT_STARTED:
                    repository.set_topic_state(session, profile_id, slug, TopicStatus.IN_PROGRESS)

    def lab_runs(self, lab: str | None = None, limit: int = 200) -> list[LabRun]:
        """Recorded runs, newest first, of one lab or of all."""
        with self._session() as session:
            return labruns.runs(session, lab, limit)

    def lab_standings(self, profile_id: int) -> dict[str, LabStanding]:
        """Each lab's newest run, best results and completion for one profile."""
        from planner.labs.catalogue import LABS, LabStanding  # here: the app's start-up skips it

        with self._session() as session:
            runs = labruns.profile_runs(session, profile_id)  # newest first
        standings = {}
        for info in LABS:
            mine = [run for run in runs if run.lab == info.slug]
            completed = [run.finished_at or run.started_at for run in mine if run.completes_lab]
            standings[info.slug] = LabStanding(mine[0] if mine else None, tuple(info.best(mine)),
                                               min(completed, default=None))
        return standings

    def lab_run(self, run_id: int) -> LabRun:
        with self._session() as session:
            return labruns.run(session, run_id)

    def lab_run_metrics(self, run_id: int) -> dict[str, list[MetricPoint]]:
        """A run's curves by metric name."""
        with self._session() as session:
            return labruns.metrics(session, run_id)

    def lab_run_series(self, run_id: int) -> dict[str, tuple]:
        """A run's curves by metric name as (steps, values) pairs of float64 numpy arrays in step
        order: what plots draw, read without a dataclass per point (100,000 points in ~50 ms)."""
        with self._session() as session:
            return labruns.metric_arrays(session, run_id)

    def delete_lab_run(self, run_id: int) -> None:
        """Delete a recorded run and its metrics (its checkpoint file stays on disk)."""
        with self._session() as session:
            labruns.delete_run(session, run_id)

    def checkpoint_dir(self) -> Path:
        """Where lab checkpoints are kept (inside the data folder)."""
        return self.location.data_dir / "checkpoints"


# --- opening checks ----------------------------------------------------------------------------


def _check_data_dir(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise StorageError(f"The data folder {folder} is a file, not a folder; name a folder with "
                           "--data-dir (it is created if missing).", folder)


def _remove_unfinished_copies(location: Location, file: Path | None) -> None:
    """Delete copies left half-written (`*.sqlite3.part`) by an upgrade, a backup or a restore
    that was cut off. Called only while holding the data folder's lock (backups and restores are
    made under it), so no live process is writing one."""
    partials = list(location.backup_dir.glob("*.sqlite3.part")) if location.backup_dir.is_dir() else []
    if file is not None and file.parent == location.data_dir:  # a restore's or salvage's
        partials += [file.with_name(f"{file.name}.part{suffix}") for suffix in ("", "-wal", "-shm")]
    for partial in partials:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)


# --- recovering from a database that will not open -------------------------------------------


def latest_backup(location: Location) -> Path | None:
    """The newest backup in the location's backup folder that SQLite itself finds sound."""
    folder = location.backup_dir
    backups = sorted(folder.glob("*.sqlite3"), key=lambda p: p.stat().st_mtime) if folder.is_dir() else []
    for backup in reversed(backups):
        try:
            check_sqlite_file(backup)
        except LodestarError:
            continue
        return backup
    return None


def set_aside(path: Path) -> Path:
    """Move a database that will not open, with its -wal and -shm files, into a folder of its own
    beside it (`<name>.set-aside-<time>/`), so the three stay together and nothing is deleted:
    SQLite can still open the moved file with its WAL. Returns the moved database file."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = path.with_name(f"{path.name}.set-aside-{stamp}")
    n = 1
    while folder.exists():
        n += 1
        folder = path.with_name(f"{path.name}.set-aside-{stamp}-{n}")
    folder.mkdir()
    for suffix in ("-wal", "-shm", ""):  # the main file last: a half-done move leaves it in place
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            extra.rename(folder / extra.name)
    return folder / path.name


def restore_latest_backup(location: Location) -> tuple[Path, Path]:
    """Set the current database aside (with its -wal and -shm) and put the latest sound backup
    in its place.

    Returns (where the bad file went, the backup restored). The backup itself is kept.
    """
    file = sqlite_path(location.database_url)
    backup = latest_backup(location)
    if file is None or backup is None:
        raise LodestarError("There is no backup to restore.")
    moved = set_aside(file) if file.exists() else file
    try:
        migrate.copy_sqlite(backup, file)
    except LodestarError:
        if moved != file:
            for extra in moved.parent.iterdir():
                extra.rename(file.with_name(extra.name))
            moved.parent.rmdir()
        raise
    return moved, backup


def salvage_database(location: Location) -> tuple[Path, dict[str, int]]:
    """Replace a damaged database by a new one holding every row SQLite can still read from it
    (see `planner.db.salvage`); the damaged file is set aside with its -wal and -shm, never
    written. Returns (where the damaged file went, rows recovered per table)."""
    file = sqlite_path(location.database_url)
    if file is None or not file.exists():
        raise LodestarError("There is no database file to recover rows from.")
    partial = file.with_name(file.name + ".part")  # removed at the next start if this is cut off
    _remove_database(partial)
    try:
        counts = salvage.salvage(file, partial)
    except BaseException:
        _remove_database(partial)
        raise
    moved = set_aside(file)
    partial.replace(file)
    return moved, counts


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def start_new_database(location: Location) -> Path | None:
    """Set the current database and its -wal and -shm aside so the next open starts an empty one."""
    file = sqlite_path(location.database_url)
    if file is None or not file.exists():
        return None
    return set_aside(file)
