"""Turning counts into a report's breakdowns: every petition once, percentages summing to exactly 100."""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping


def percentages(counts: Mapping[str, int], decimals: int = 1) -> dict[str, float]:
    """Largest-remainder rounding, so the rounded shares of a breakdown add up to 100 exactly."""
    total = sum(counts.values())
    if total == 0:
        return {key: 0.0 for key in counts}
    scale = 10 ** decimals
    raw = {key: count * 100 * scale / total for key, count in counts.items()}
    floors = {key: int(value) for key, value in raw.items()}
    left = 100 * scale - sum(floors.values())
    by_remainder = sorted(raw, key=lambda key: (-(raw[key] - floors[key]), str(key)))
    for key in by_remainder[:left]:
        floors[key] += 1
    return {key: floors[key] / scale for key in counts}


def breakdown(counts: Mapping[str, int], keys: Iterable[str] = ()) -> dict[str, dict]:
    """{key: {count, percent}}; `keys` are always present (zero when absent), then the others by count."""
    ordered = {key: counts.get(key, 0) for key in keys}
    for key, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        ordered.setdefault(key, count)
    shares = percentages(ordered)
    return {key: {"count": count, "percent": shares[key]} for key, count in ordered.items()}


def rollup(cube: Iterable[Mapping], dimension: str) -> Counter:
    totals: Counter = Counter()
    for row in cube:
        totals[row[dimension]] += row["count"]
    return totals


def crosstab(cube: Iterable[Mapping], row_dimension: str, column_dimension: str) -> dict[str, Counter]:
    table: defaultdict[str, Counter] = defaultdict(Counter)
    for row in cube:
        table[row[row_dimension]][row[column_dimension]] += row["count"]
    return dict(table)
