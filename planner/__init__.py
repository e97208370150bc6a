"""Lodestar: an offline learning-path and career planner for people learning AI."""

__version__ = "0.1.0"
