"""`make token ROLE=... [AGENCY=...]`: print a bearer token signed with the running system's secret."""

import argparse
import os
import sys
from pathlib import Path

from shared.auth import ROLES, ensure_secret, issue_token


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--role", required=True, choices=ROLES)
    parser.add_argument("--agency", help="agency code, required for role agency (e.g. 08.SGTVT)")
    parser.add_argument("--sub", help="user name recorded in the history (default: <role>[-<agency>])")
    parser.add_argument("--days", type=int, default=30)
    args = parser.parse_args()
    secret = ensure_secret(Path(os.environ.get("RUN_DIR", "run")) / "jwt-secret")
    sub = args.sub or "-".join(filter(None, [args.role, args.agency]))
    try:
        print(issue_token(secret, sub, args.role, args.agency, days=args.days))
    except ValueError as exc:
        sys.exit(f"make token: {exc}")


if __name__ == "__main__":
    main()
