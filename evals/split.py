"""Split a held-out dataset into dev (tuning) and test (reporting only) with a fixed seed.

Each kind is split on its own (60% dev, 40% test, rounded towards dev) so both halves cover
every kind; the split is written into each case's ``suites`` (``dev`` or ``test``), so
``lga-assistant eval run --suite dev`` runs the tuning half. Re-running gives the same split.

    python -m evals.split evals/datasets/heldout.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
from collections import defaultdict
from pathlib import Path

SEED = 20261130
DEV_SHARE = 0.6


def assign_splits(cases: list[dict], *, seed: int = SEED, dev_share: float = DEV_SHARE) -> dict:
    """Case id -> "dev" | "test", stratified by kind, deterministic for a seed."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    for case in cases:
        by_kind[case["kind"]].append(case["id"])
    rng = random.Random(seed)
    split: dict[str, str] = {}
    for kind in sorted(by_kind):
        ids = sorted(by_kind[kind])
        rng.shuffle(ids)
        n_dev = round(len(ids) * dev_share + 0.49)
        for i, case_id in enumerate(ids):
            split[case_id] = "dev" if i < n_dev else "test"
    return split


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", type=Path)
    args = parser.parse_args()
    lines = [json.loads(x) for x in args.dataset.read_text(encoding="utf-8").splitlines() if x]
    split = assign_splits(lines)
    out = []
    for case in lines:
        others = [s for s in case.get("suites", []) if s not in ("dev", "test")]
        case["suites"] = [*others, split[case["id"]]]
        out.append(json.dumps(case, ensure_ascii=False))
    args.dataset.write_text("\n".join(out) + "\n", encoding="utf-8")
    dev = sum(v == "dev" for v in split.values())
    print(f"{args.dataset}: {dev} dev, {len(split) - dev} test (seed {SEED})")


if __name__ == "__main__":
    main()
