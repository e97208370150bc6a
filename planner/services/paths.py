"""Where Lodestar keeps its data: the user data directory, or what the user asked for."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from planner.core import shipped

APP_NAME = "Lodestar"
DATABASE_FILE = "lodestar.sqlite3"


@dataclass(frozen=True)
class Location:
    """The data folder and database URL for one run of the app or the command line."""

    data_dir: Path
    database_url: str

    @property
    def backup_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def lock_file(self) -> Path:
        return self.data_dir / "lodestar.lock"


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def resolve(db: str | None = None, data_dir: str | Path | None = None) -> Location:
    """`--data-dir` > `LODESTAR_DATA_DIR` > the platform's user data directory; then
    `--db URL` > `LODESTAR_DATABASE_URL` > an SQLite file in the data directory."""
    folder = data_dir or os.environ.get("LODESTAR_DATA_DIR")
    folder = Path(folder).expanduser().resolve() if folder else default_data_dir()
    url = db or os.environ.get("LODESTAR_DATABASE_URL")
    if not url:
        url = f"sqlite:///{(folder / DATABASE_FILE).as_posix()}"
    return Location(folder, url)


def resources_dir() -> Path:
    """The shipped content pack: the checkout's `resources/`, or the copy inside an installed
    package (`LODESTAR_RESOURCES` overrides it, for content authors)."""
    override = os.environ.get("LODESTAR_RESOURCES")
    return Path(override).expanduser().resolve() if override else shipped.resources_dir()
