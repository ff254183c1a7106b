"""`make user NAME=... ROLE=admin`: create a web account, or give an existing one a new password.

The first administrator comes from here; the others are made on the administrators' page. The
password is PASSWORD from the environment, else asked twice on the terminal, else generated and printed.
"""

import argparse
import asyncio
import getpass
import os
import secrets
import sys
from pathlib import Path

from scripts.run import ROOT, ServiceSpec, database_url
from services.web.accounts.repository import AccountRepository
from services.web.accounts.service import AccountService, username_key
from shared.auth import ROLES
from shared.db import make_engine, make_session_factory
from shared.errors import ProblemError
from shared.migrations import upgrade


def _password() -> tuple[str, bool]:
    """The password and whether it was generated here (then it is printed once)."""
    given = os.environ.get("PASSWORD")
    if given:
        return given, False
    if sys.stdin.isatty():
        first = getpass.getpass("Mật khẩu (ít nhất 10 ký tự): ")
        if first != getpass.getpass("Nhập lại mật khẩu: "):
            sys.exit("make user: hai lần nhập mật khẩu không khớp")
        return first, False
    return secrets.token_urlsafe(12), True


async def _save(url: str, args: argparse.Namespace, password: str) -> str:
    engine = make_engine(url)
    try:
        factory = make_session_factory(engine)
        service = AccountService(factory, session_hours=1, failures_per_user_per_minute=0)
        async with factory() as session:
            existing = await AccountRepository(session).user_by_key(username_key(args.name))
        if existing:
            await service.reset_password(existing.id, password)
            return f"Đã đặt mật khẩu mới cho {existing.username}"
        user = await service.create_user(args.name, args.full_name or args.name, args.role, args.agency, password)
        return f"Đã tạo người dùng {user.username} ({args.role})"
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--name", required=True, help="user name for the sign-in page")
    parser.add_argument("--role", required=True, choices=ROLES)
    parser.add_argument("--agency", help="agency code, required for role agency (e.g. 08.SGTVT)")
    parser.add_argument("--full-name")
    args = parser.parse_args()
    if not args.name:
        sys.exit("make user: cần NAME=<tên đăng nhập>")
    run_dir = Path(os.environ.get("RUN_DIR", "run"))
    url = database_url(ServiceSpec("web", 0), run_dir)
    upgrade(ROOT / "services" / "web" / "migrations", url)
    password, generated = _password()
    try:
        print(asyncio.run(_save(url, args, password)))
    except ProblemError as refused:
        sys.exit(f"make user: {'; '.join(e.message for e in refused.errors) or refused.detail}")
    if generated:
        print(f"Mật khẩu (chỉ in một lần): {password}")


if __name__ == "__main__":
    main()
