"""The routing service serves its model without scikit-learn (issue 14: ≤ 150 MB resident).

Importing scikit-learn alone costs a process ~135 MB; training runs in a child process
(learning/training_process.py), and what the service imports to classify must not pull it in.
"""

import json
import subprocess
import sys
from pathlib import Path

from services.routing.classification.evaluate import default_classifier
from services.routing.classification.examples import base_examples
from services.routing.classification.training import train

ROOT = Path(__file__).resolve().parents[3]
SERVE = """
import json, sys
from pathlib import Path
from services.routing.app import create_app
from services.routing.catalog.source import DEFAULT_ALIASES_FILE, read_catalog
from services.routing.classification.classifier import Classifier
from services.routing.classification.decision import ActiveModel, PetitionInput
from services.routing.classification.model import RouteModel
from services.routing.classification.rulebook import load_rulebook
from shared.catalog import DEFAULT_CATALOG

create_app()
catalog = read_catalog(DEFAULT_CATALOG, DEFAULT_ALIASES_FILE)
model = ActiveModel(1, RouteModel.loads(Path(sys.argv[1]).read_bytes()), 0.8)
classifier = Classifier(load_rulebook(), catalog.units, catalog.agencies, model=model)
decision = classifier.classify(PetitionInput("Đề nghị nâng cấp tuyến ĐT.186 đoạn qua xã Tân Trào.", "02545"))
heavy = sorted(name for name in sys.modules if name.partition(".")[0] in ("sklearn", "scipy", "threadpoolctl"))
print(json.dumps({"model_version": decision.model_version, "heavy": heavy}))
"""


def test_classifying_with_a_stored_model_imports_no_scikit_learn(tmp_path):
    blob = tmp_path / "model.npz"
    blob.write_bytes(train(default_classifier(), base_examples()).model.dumps())
    answer = subprocess.run([sys.executable, "-c", SERVE, str(blob)], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, check=True)
    served = json.loads(answer.stdout.strip().splitlines()[-1])
    assert served == {"model_version": 1, "heavy": []}
