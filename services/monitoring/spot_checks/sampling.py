"""Reproducible sampling: anyone holding the seed and the lot can re-draw the same sample.

Items are taken in ascending order of SHA-256("<seed>:<petition id>") (UTF-8, lower-case hex id);
a second stage continues down the same list. The lot's hash is SHA-256 of its petition ids, sorted
and joined by newlines, so a later reader can check the lot was not changed.
"""

import hashlib
import secrets
import uuid
from collections.abc import Iterable


def new_seed() -> str:
    return secrets.token_hex(16)


def order_key(seed: str, petition_id: uuid.UUID) -> str:
    return hashlib.sha256(f"{seed}:{petition_id}".encode()).hexdigest()


def draw_order(seed: str, petition_ids: Iterable[uuid.UUID]) -> list[tuple[uuid.UUID, str]]:
    """The lot in sampling order: (petition id, its key), first to be checked first."""
    keyed = [(petition_id, order_key(seed, petition_id)) for petition_id in petition_ids]
    return sorted(keyed, key=lambda item: (item[1], str(item[0])))


def lot_hash(petition_ids: Iterable[uuid.UUID]) -> str:
    return hashlib.sha256("\n".join(sorted(str(i) for i in petition_ids)).encode("utf-8")).hexdigest()
