"""`python -m scripts.migrate SERVICE`: apply one service's migrations to DATABASE_URL (Kubernetes init container)."""

import argparse
import os
from pathlib import Path

from shared.migrations import upgrade

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("service", choices=["intake", "routing", "monitoring"])
    args = parser.parse_args()
    upgrade(ROOT / "services" / args.service / "migrations", os.environ["DATABASE_URL"])


if __name__ == "__main__":
    main()
