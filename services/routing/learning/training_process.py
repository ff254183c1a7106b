"""Training in a child process, so that scikit-learn and a fit's peak never enter the service's memory.

Importing scikit-learn costs the process ~135 MB and a first fit ~70 MB more, resident until it exits.
The service pickles the job (the rules' classifier, what it read from the database) to the child's
stdin and reads a TrainedVersion (service.py) pickled on its stdout; the child then exits with all of it.
"""

import asyncio
import os
import pickle
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from services.routing.classification.classifier import Classifier

if TYPE_CHECKING:
    from services.routing.learning.service import TrainedVersion, TrainingData

CHILD = "services.routing.learning.training_child"
ROOT = Path(__file__).resolve().parents[3]


class TrainingFailed(RuntimeError):
    """The child failed; `kind` is its error's type (training data is petition text, never logged whole)."""

    def __init__(self, kind: str):
        super().__init__(f"routing training failed in its child process: {kind}")
        self.kind = kind


async def train_base(rules: Classifier) -> "TrainedVersion":
    return await _in_child(("base", rules))


async def train_candidate(rules: Classifier, data: "TrainingData", force: bool) -> "TrainedVersion":
    return await _in_child(("candidate", rules, data, force))


async def _in_child(job: tuple) -> "TrainedVersion":
    # The project root on the path: the service may run from any directory (an installed unit, a test).
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", CHILD, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, env={**os.environ, "PYTHONPATH": path})
    try:
        out, err = await child.communicate(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
    except BaseException:  # cancelled (the service stops): the child must not train on without it
        if child.returncode is None:
            child.kill()
        raise
    if child.returncode != 0:
        lines = err.decode(errors="replace").strip().splitlines()
        raise TrainingFailed(lines[-1] if lines else f"exit status {child.returncode}")
    # Only our own child writes these bytes, from a job this process sent it.
    return pickle.loads(out)
