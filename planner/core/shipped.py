"""Where the shipped content pack and the schema migrations live.

In a checkout (or an editable install of one) they are the top-level `resources/` and
`migrations/` folders beside `planner/`. A built wheel carries copies inside the package,
`planner/_resources` and `planner/_migrations` (setup.py puts them there at build time).
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]
CHECKOUT_DIR = PACKAGE_DIR.parent


def _shipped(name: str) -> Path:
    checkout = CHECKOUT_DIR / name
    if (CHECKOUT_DIR / "pyproject.toml").is_file() and checkout.is_dir():
        return checkout
    return PACKAGE_DIR / f"_{name}"


def resources_dir() -> Path:
    """The content pack that came with this copy of Lodestar (no `LODESTAR_RESOURCES` override)."""
    return _shipped("resources")


def migrations_dir() -> Path:
    """The Alembic environment and its `versions/`."""
    return _shipped("migrations")
