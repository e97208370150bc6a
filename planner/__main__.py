"""`python -m planner`: the command line."""

from planner.cli.main import main

raise SystemExit(main())
