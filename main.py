"""Launch the Lodestar desktop app from a checkout: `python main.py`."""

from planner.ui.app import main

raise SystemExit(main())
