"""What a trained model depends on, so that a version made with other rules, data or code is retrained.

Kept apart from training.py, which fits with scikit-learn: the routing service checks the fingerprint
at every start and must not import scikit-learn to do it.
"""

import hashlib

from services.routing.classification.classifier import Classifier
from services.routing.classification.examples import LabelledExample

# Bump when the features or the model change: a stored version of another recipe is retrained at start.
RECIPE = "rules+tfidf-words+calibrated/1"


def fingerprint(examples: list[LabelledExample], classifier: Classifier) -> str:
    """The recipe, the examples, the rules and the catalog's units, hashed."""
    digest = hashlib.sha256(RECIPE.encode())
    for e in examples:
        digest.update(f"{e.content}\x1f{e.unit_code}\x1f{e.route}\x1f{e.topic}\x1f{e.origin}\x1e".encode())
    for rule in classifier.rulebook.rules:
        digest.update(f"{rule.id}:{rule.priority}:{rule.outcome}:{[p for g in rule.when for p in str(g)]}".encode())
    digest.update(",".join(sorted(classifier.gazetteer.units)).encode())
    return digest.hexdigest()
