"""The wheel is the app: built, installed into a fresh environment and run away from the checkout,
it finds its content pack and migrations inside the installed package."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
import zipfile
from importlib.metadata import PackageNotFoundError, version
from importlib.util import find_spec
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TOPICS = len(list((REPO / "resources" / "topics").glob("*/*.md")))
MIGRATIONS = sorted(p.name for p in (REPO / "migrations" / "versions").glob("*.py"))


def _can_build() -> str | None:
    """Why an offline wheel build cannot work here, or None."""
    try:
        setuptools = version("setuptools")
    except PackageNotFoundError:
        return "setuptools is not installed (an offline build uses the environment's own, no isolation)"
    if int(setuptools.split(".")[0]) < 77:
        return f"setuptools {setuptools} is older than the 77 pyproject.toml asks for"
    if find_spec("pip") is None:
        return "pip is not installed"
    return None


pytestmark = [pytest.mark.slow, pytest.mark.skipif(_can_build() is not None, reason=str(_can_build()))]


def _run(args: list[str], cwd: Path, timeout: float = 60) -> str:
    env = {k: v for k, v in os.environ.items()
           if k not in {"PYTHONPATH", "LODESTAR_RESOURCES", "LODESTAR_DATA_DIR", "LODESTAR_DATABASE_URL",
                        "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS"}}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_wheel_installs_and_runs_away_from_the_checkout(tmp_path: Path):
    wheels = tmp_path / "wheels"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
          "-q", "-w", str(wheels), str(REPO)], cwd=REPO, timeout=120)
    (wheel,) = wheels.glob("lodestar-*.whl")

    names = set(zipfile.ZipFile(wheel).namelist())
    lessons = [n for n in names if re.fullmatch(r"planner/_resources/topics/[^/]+/[^/]+\.md", n)]
    assert len(lessons) == TOPICS > 0
    assert "planner/_resources/tracks.yaml" in names
    assert "planner/_migrations/env.py" in names
    assert "planner/_migrations/script.py.mako" in names
    assert {f"planner/_migrations/versions/{m}" for m in MIGRATIONS} <= names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]

    # A fresh environment; the app's dependencies come from the one running the tests (a .pth
    # file adds its site-packages after the new environment's own, which holds the wheel).
    env_dir = tmp_path / "env"
    _run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(env_dir)],
         cwd=tmp_path)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     cwd=tmp_path).strip())
    ours = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (site / "_lodestar_test_deps.pth").write_text("\n".join(ours) + "\n", encoding="utf-8")
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q",
          str(wheel)], cwd=tmp_path)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    data = tmp_path / "data"
    app = [str(python), "-m", "planner", "--data-dir", str(data)]

    checked = _run([*app, "content", "check"], cwd=elsewhere)
    assert f"OK — {TOPICS} topics" in checked
    installed = (site / "planner" / "_resources").resolve()
    assert str(installed) in checked

    _run([*app, "content", "sync"], cwd=elsewhere)
    info = _run([*app, "info"], cwd=elsewhere)
    assert re.search(rf"^Content:\s+{re.escape(str(installed))}$", info, re.M), info
    assert re.search(rf"^Schema:\s+{re.escape(MIGRATIONS[-1].removesuffix('.py'))}$", info, re.M), info
    assert re.search(rf"^Holds:\s+{TOPICS} topics", info, re.M), info
