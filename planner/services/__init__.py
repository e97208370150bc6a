"""The one API both front ends use: open a Lodestar, run a use case, get plain records back.

    lodestar = Lodestar.open(resolve(db=None, data_dir=None))
    lodestar.sync_content()
    for topic in lodestar.topics(): ...

Every method runs on the calling thread and may touch the database; the GUI calls the slow ones
(a content sync that finds changes, a backup) from its single database worker thread.
"""

from planner.services.facade import Lodestar
from planner.services.paths import Location, resolve, resources_dir

__all__ = ["Location", "Lodestar", "resolve", "resources_dir"]
