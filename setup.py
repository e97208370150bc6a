"""Build step: copy the top-level `resources/` and `migrations/` into the package.

The checkout keeps them beside `planner/`; an installed copy has no checkout, so the wheel
carries them as `planner/_resources` and `planner/_migrations` (found by planner/core/shipped.py).
An editable install skips the copy and keeps reading the checkout's folders.
Everything else about the build is in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SHIPPED = {"resources": "_resources", "migrations": "_migrations"}


class BuildPyWithData(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for source, target in SHIPPED.items():
            destination = Path(self.build_lib) / "planner" / target
            shutil.rmtree(destination, ignore_errors=True)
            shutil.copytree(HERE / source, destination,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))

    def get_outputs(self, include_bytecode=True):
        outputs = list(super().get_outputs(include_bytecode))
        if not getattr(self, "editable_mode", False):
            for source, target in SHIPPED.items():
                outputs += [str(Path(self.build_lib) / "planner" / target / p.relative_to(HERE / source))
                            for p in (HERE / source).rglob("*")
                            if p.is_file() and "__pycache__" not in p.parts and not p.name.startswith(".")]
        return outputs


setup(cmdclass={"build_py": BuildPyWithData})
