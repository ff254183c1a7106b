"""`make reconcile`: compare what intake, routing and monitoring each hold about every petition.

    python -m scripts.reconcile [--settle SECONDS]

Reads the three running APIs (as the committee: no personal data) and prints one line per
difference: a petition missing from a service; routing's agency or topic not what monitoring holds;
intake's status or agency not monitoring's; monitoring's last routed timeline entry not routing's
decision; an outbox not drained; the monthly report not counting each petition once. Exit 1 when
there is any. Events may still be in flight right after a change: `--settle` retries for that long
before it reports. URLs: INTAKE_URL, ROUTING_URL, MONITORING_URL (defaults: the local ports); the
token is signed with $RUN_DIR/jwt-secret.
"""

import argparse
import asyncio
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path

import httpx

from shared.auth import ensure_secret, issue_token

UNROUTED = {"awaiting_routing", "returned"}
PAGE = {"intake": ("/petitions", 200), "routing": ("/routings", 200), "monitoring": ("/petitions", 500)}
# Withdrawn petitions leave routing's and monitoring's default lists: asked for on their own.
WITHDRAWN = {"routing": {"state": "withdrawn"}, "monitoring": {"status": "withdrawn"}}


async def _all(client: httpx.AsyncClient, path: str, limit: int, **filters) -> list[dict]:
    items, cursor = [], None
    while True:
        params = {"limit": limit, **filters, **({"cursor": cursor} if cursor else {})}
        response = await client.get(path, params=params)
        response.raise_for_status()
        page = response.json()
        items += page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            return items


async def _outbox_pending(client: httpx.AsyncClient) -> float:
    metrics = (await client.get("/metrics")).text
    return sum(float(value) for value in re.findall(r"^outbox_pending_events(?:\{[^}]*\})? ([0-9.e+]+)$",
                                                    metrics, re.MULTILINE))


def compare_views(intake: dict, routing: dict, monitoring: dict) -> list[str]:
    """Differences between the three services' views, keyed by petition id (pure)."""
    found = []
    for pid in sorted(set(intake) | set(routing) | set(monitoring)):
        code = (intake.get(pid) or monitoring.get(pid) or {}).get("code", pid)
        missing = [name for name, view in (("intake", intake), ("routing", routing), ("monitoring", monitoring))
                   if pid not in view]
        if missing:
            found.append(f"{code}: missing in {', '.join(missing)}")
            continue
        found += [f"{code}: {line}" for line in _petition_differences(intake[pid], routing[pid], monitoring[pid])]
    return found


def _petition_differences(taken: dict, routed: dict, tracked: dict) -> list[str]:
    lines = []
    if "withdrawn" in (routed["state"], tracked["status"]):
        if routed["state"] != tracked["status"]:
            lines.append(f"withdrawn in one service only: routing {routed['state']}, monitoring {tracked['status']}")
    elif routed["state"] == "assigned":
        if tracked["status"] in UNROUTED or tracked["agency_code"] != routed["agency_code"]:
            lines.append(f"routing assigns {routed['agency_code']}, monitoring has "
                         f"{tracked['status']} at {tracked['agency_code']}")
        if routed["topic"] and tracked["topic"] != routed["topic"]:
            lines.append(f"topic: routing {routed['topic']}, monitoring {tracked['topic']}")
    elif tracked["status"] not in UNROUTED:
        lines.append(f"routing has it in review, monitoring has {tracked['status']} at {tracked['agency_code']}")
    if (taken["latest_status"], taken["agency_code"]) != (tracked["status"], tracked["agency_code"]):
        lines.append(f"intake shows {taken['latest_status']} at {taken['agency_code']}, "
                     f"monitoring {tracked['status']} at {tracked['agency_code']}")
    return lines


async def differences(intake: httpx.AsyncClient, routing: httpx.AsyncClient,
                      monitoring: httpx.AsyncClient) -> list[str]:
    clients = {"intake": intake, "routing": routing, "monitoring": monitoring}
    views = {}
    for name, client in clients.items():
        path, limit = PAGE[name]
        key = "petition_id" if name != "intake" else "id"
        items = await _all(client, path, limit)
        if name in WITHDRAWN:
            items += await _all(client, path, limit, **WITHDRAWN[name])
        views[name] = {item[key]: item for item in items}
    found = compare_views(views["intake"], views["routing"], views["monitoring"])
    found += await _timeline_differences(monitoring, views["routing"], views["monitoring"])
    for name, client in clients.items():
        if pending := await _outbox_pending(client):
            found.append(f"{name}: {pending:.0f} events not yet published")
    report = (await monitoring.get("/reports/monthly", params={"format": "json"})).json()
    return found + report_differences(report, views["monitoring"])


def report_differences(report: dict, tracked: dict) -> list[str]:
    """The monthly report (this month: the present state) counts every petition once, by its current status."""
    found = []
    if report["total"] != len(tracked):
        found.append(f"monthly report counts {report['total']} petitions, monitoring holds {len(tracked)}")
    for name in ("by_status", "by_level", "by_agency", "by_topic", "timeliness"):
        counted = sum(share["count"] for share in report[name].values())
        if counted != report["total"]:
            found.append(f"monthly report {name} counts {counted}, its total is {report['total']}")
    statuses = Counter(petition["status"] for petition in tracked.values())
    for status, share in report["by_status"].items():
        if share["count"] != statuses.get(status, 0):
            found.append(f"monthly report: {share['count']} {status}, monitoring holds {statuses.get(status, 0)}")
    return found


async def _timeline_differences(monitoring: httpx.AsyncClient, routing: dict, tracked: dict) -> list[str]:
    """Monitoring's last applied routing decision must be routing's current one."""
    found = []
    for pid, decision in routing.items():
        if decision["state"] != "assigned" or pid not in tracked:
            continue
        status = (await monitoring.get(f"/petitions/{pid}/status")).json()
        routed = [entry for entry in status.get("timeline", []) if entry["type"] == "routed"]
        if not routed or routed[-1].get("agency_code") != decision["agency_code"]:
            last = routed[-1].get("agency_code") if routed else None
            found.append(f"{decision['petition_code']}: last routed entry in monitoring's timeline is {last}, "
                         f"routing decided {decision['agency_code']}")
    return found


def _clients() -> list[httpx.AsyncClient]:
    secret = ensure_secret(Path(os.environ.get("RUN_DIR", "run")) / "jwt-secret")
    headers = {"Authorization": f"Bearer {issue_token(secret, 'reconcile', 'committee', None)}"}
    urls = [os.environ.get(f"{name}_URL", f"http://127.0.0.1:{port}")
            for name, port in (("INTAKE", 8001), ("ROUTING", 8002), ("MONITORING", 8003))]
    return [httpx.AsyncClient(base_url=url, headers=headers, timeout=30) for url in urls]


async def settled_differences(clients: list[httpx.AsyncClient], settle: float) -> list[str]:
    deadline = time.monotonic() + settle
    while True:
        found = await differences(*clients)
        if not found or time.monotonic() >= deadline:
            return found
        await asyncio.sleep(1)


async def _main(settle: float) -> int:
    clients = _clients()
    try:
        found = await settled_differences(clients, settle)
    except httpx.HTTPError as exc:
        print(f"reconcile: a service did not answer: {type(exc).__name__}: {exc}")
        return 2
    finally:
        for client in clients:
            await client.aclose()
    for line in found:
        print(line)
    print(f"{len(found)} difference(s)" if found else "the three services agree")
    return 1 if found else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settle", type=float, default=0.0, help="retry for this many seconds before reporting")
    sys.exit(asyncio.run(_main(parser.parse_args().settle)))


if __name__ == "__main__":
    main()
