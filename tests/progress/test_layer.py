"""planner.progress stays a pure domain layer: the pages and the database can call it headless.

The import-linter contracts in pyproject.toml do not yet list planner.progress among the layers
forbidden Qt, SQLAlchemy and torch, so this checks what importing it really loads.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO

FORBIDDEN = ("PySide6", "pyqtgraph", "sqlalchemy", "alembic", "torch",
             "planner.db", "planner.services", "planner.content", "planner.ui", "planner.labs",
             "planner.plan", "planner.cli")


def test_importing_progress_loads_no_front_end_database_or_torch():
    code = "import json, sys, planner.progress; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                            timeout=60, check=True)
    loaded = json.loads(result.stdout)
    assert "fsrs" in loaded and "planner.progress.review" in loaded
    assert [name for name in loaded if name.startswith(FORBIDDEN)] == []
