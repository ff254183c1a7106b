"""`make demo`: load a small, realistic sample into the running system and show where it went."""

import json
import os
import time
from collections import defaultdict
from pathlib import Path

import httpx

from shared.auth import ensure_secret, issue_token

HERE = Path(__file__).resolve().parent
INTAKE = os.environ.get("INTAKE_URL", "http://127.0.0.1:8001")
ROUTING = os.environ.get("ROUTING_URL", "http://127.0.0.1:8002")
MONITORING = os.environ.get("MONITORING_URL", "http://127.0.0.1:8003")
DELEGATES = ["Đại biểu Nguyễn Thị Hương", "Đại biểu Ma Văn Tùng"]


def headers(role: str) -> dict:
    secret = ensure_secret(Path(os.environ.get("RUN_DIR", "run")) / "jwt-secret")
    return {"Authorization": f"Bearer {issue_token(secret, f'demo-{role}', role)}"}


def post(client: httpx.Client, url: str, body: dict) -> dict:
    response = client.post(url, json=body)
    if response.status_code >= 400:
        raise SystemExit(f"{url}: {response.status_code} {response.text}")
    return response.json()


def load_sample(client: httpx.Client) -> list[dict]:
    session = post(client, f"{INTAKE}/sessions", {
        "name": "Kỳ họp thường lệ cuối năm 2024 HĐND tỉnh Tuyên Quang", "term": "2021-2026",
        "starts_on": "2024-12-10"})
    by_meeting = defaultdict(list)
    for line in (HERE / "demo_petitions.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        by_meeting[(item["channel"], item["meeting_unit"])].append(item["content"])
    petitions = []
    for (channel, unit_code), contents in by_meeting.items():
        meeting = post(client, f"{INTAKE}/meetings", {
            "session_id": session["id"], "held_on": "2024-11-25", "kind": channel, "unit_code": unit_code,
            "delegates": DELEGATES, "note": "Dữ liệu mẫu (make demo)"})
        for content in contents:
            petitions.append(post(client, f"{INTAKE}/petitions", {
                "meeting_id": meeting["id"], "content": content, "voters_count": 1 + len(content) % 40}))
    return petitions


def show_routing(petitions: list[dict]) -> None:
    time.sleep(3)  # routing consumes petitions.received asynchronously
    with httpx.Client(headers=headers("secretariat"), timeout=10) as client:
        for petition in petitions:
            try:
                routing = client.get(f"{ROUTING}/routings/{petition['id']}")
            except httpx.HTTPError:
                print(f"  {petition['code']}  (routing chưa chạy)")
                continue
            if routing.status_code != 200:
                print(f"  {petition['code']}  chưa phân loại ({routing.status_code})")
                continue
            body = routing.json()
            print(f"  {petition['code']}  {body['state']:<12} {body['level']:<9} {body['agency_code']:<12} "
                  f"{body['confidence']:.2f}  {petition['content'][:60]}…")


def main() -> None:
    with httpx.Client(headers=headers("secretariat"), timeout=10) as client:
        petitions = load_sample(client)
    print(f"Đã nạp {len(petitions)} kiến nghị mẫu vào {INTAKE}.")
    show_routing(petitions)
    print("Xem trên trang web: http://127.0.0.1:8000 (tài khoản: make user NAME=... ROLE=secretariat)")


if __name__ == "__main__":
    main()
