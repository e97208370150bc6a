"""PyTorch labs. This package's `__init__`, `catalogue`, `config` and `runner` import no torch:
the app lists labs, builds their forms and starts runs without loading it. The lab modules
(`mlp`, `cnn`, …) and `engine` import torch and run inside the worker process."""

from planner.labs.catalogue import LABS, Best, Headline, LabInfo, LabStanding, lab_info
from planner.labs.config import LabConfig, SettingSpec, specs, validate, with_settings
from planner.labs.runner import LabRunner

__all__ = ["LABS", "Best", "Headline", "LabConfig", "LabInfo", "LabRunner", "LabStanding",
           "SettingSpec", "lab_info", "specs", "validate", "with_settings"]
