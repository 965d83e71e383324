"""Exact quotas: largest-remainder rounding and a territory allocator that keeps the
département total exact.

The generator never draws an attribute by chance. For each attribute it fixes the
counts first (how many jeunes of Douai are girls, how many ALSES interventions take
place in a collège), then hands them out to shuffled rows. Counts come from:

1. the département (`NORD`) count of each modality: largest remainder of the target
   shares over the département denominator, so the département share is the target
   to the nearest row;
2. each territory but one: largest remainder of that territory's target shares;
3. the balancing territory: département count minus the others, so that the
   territories add up to the département exactly.
"""

from __future__ import annotations

from collections.abc import Mapping


def largest_remainder(shares: Mapping[str, float], total: int) -> dict[str, int]:
    """Integer counts adding up to `total`, each the share rounded by largest remainder."""
    weight = sum(shares.values())
    if total == 0 or weight == 0:
        return {k: 0 for k in shares}
    exact = {k: v * total / weight for k, v in shares.items()}
    counts = {k: int(x) for k, x in exact.items()}
    rest = total - sum(counts.values())
    order = sorted(shares, key=lambda k: (-(exact[k] - counts[k]), list(shares).index(k)))
    for k in order[:rest]:
        counts[k] += 1
    return counts


def allocate(
    denominators: Mapping[str, int],
    nord: Mapping[str, float] | Mapping[str, int],
    by_territory: Mapping[str, Mapping[str, float]] | None = None,
    balance: str = "LIL",
    nord_counts: Mapping[str, int] | None = None,
) -> dict[str, dict[str, int]]:
    """Counts per territory and modality whose département sums hit `nord` exactly."""
    by_territory = by_territory or {}
    total = sum(denominators.values())
    target = dict(nord_counts) if nord_counts else largest_remainder(nord, total)
    out: dict[str, dict[str, int]] = {}
    for terr, d in denominators.items():
        if terr != balance:
            out[terr] = largest_remainder(by_territory.get(terr, nord), d)
    out[balance] = {k: target[k] - sum(out[t][k] for t in out if t != balance) for k in target}
    negative = {k: v for k, v in out[balance].items() if v < 0}
    if negative:
        raise ValueError(f"balancing territory {balance} would get negative counts: {negative}")
    return out
