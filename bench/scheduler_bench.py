"""Auto-scheduler benchmark: CP-SAT beside a greedy first-come baseline on a realistic instance.

    python3 bench/scheduler_bench.py [--seed 7] [--time-limit 30] [--buyers 100] [--suppliers 400]
                                     [--requests 2000] [--slots 16] [--tables 40]

The generated instance looks like a large joint market-dialogue day: two meeting blocks of eight
slots; buyers who also present and listen (each is free in 5 to 10 of the 16 slots) and are
asked unevenly (a few buyers with big planned tenders draw most requests); one in three requests
is a joint meeting with a co-host buyer of another organisation, one in ten brings a second
supplier person; supplier people who mostly stand at their booth (free in 3 to 6 slots); caps of
5 meetings per supplier organisation and 8 per buyer person; tables for four, one in eight for six.
Prints placed counts, the proven upper bound, the ratio to the bound and the gain over the baseline.
Never run by the test suite.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dialogue.meetings.scheduler import WEIGHT_SCALE, Instance, Request, Slot, Table, greedy, idle_slots, solve  # noqa: E402

COHOST_SHARE = 1 / 3


def generate(*, buyers=100, suppliers=400, requests=2000, slots=16, tables=40, seed=7) -> Instance:
    rng = random.Random(seed)
    per_block = slots // 2
    slot_list = [Slot(id=i + 1, block=i // per_block, index=i % per_block) for i in range(slots)]
    slot_ids = [s.id for s in slot_list]
    table_list = [Table(id=i + 1, capacity=6 if i % 8 == 0 else 4) for i in range(tables)]
    buyer_ids = list(range(1, buyers + 1))
    # Buyer organisations of one to three people; co-host buyers come from another organisation.
    buyer_org = {}
    org = 0
    i = 0
    while i < buyers:
        size = rng.choice((1, 1, 2, 3))
        for b in buyer_ids[i:i + size]:
            buyer_org[b] = org
        org += 1
        i += size
    popularity = [1.0 / (rank + 1) ** 0.8 for rank in range(buyers)]
    supplier_people = {}
    next_person = 10_000
    for s in range(1, suppliers + 1):
        staff = [next_person, next_person + 1]
        next_person += 2
        supplier_people[s] = staff
    busy: dict[int, set[int]] = {}
    for b in buyer_ids:
        # Free in a contiguous-ish half of the day: presentations take the rest.
        free = set(rng.sample(slot_ids, k=rng.randint(5, 10)))
        busy[b] = set(slot_ids) - free
    for staff in supplier_people.values():
        for person in staff:
            free = set(rng.sample(slot_ids, k=rng.randint(3, 6)))
            busy[person] = set(slot_ids) - free
    reqs = []
    seen = set()
    order = list(range(requests))
    rng.shuffle(order)
    while len(reqs) < requests:
        s = rng.randint(1, suppliers)
        b = rng.choices(buyer_ids, weights=popularity)[0]
        if (s, b) in seen:
            continue
        seen.add((s, b))
        buyers_r = (b,)
        if rng.random() < COHOST_SHARE:
            other = rng.choice([x for x in buyer_ids if buyer_org[x] != buyer_org[b]])
            buyers_r = (b, other)
        staff = supplier_people[s]
        suppliers_r = tuple(staff) if rng.random() < 0.1 else (staff[0],)
        preferred = frozenset(rng.sample(slot_ids, k=2))
        weight = 4 + rng.choice((1, 2, 2, 3)) + rng.choice((1, 2, 2, 3))
        reqs.append(Request(id=len(reqs) + 1, supplier=s, buyers=buyers_r, suppliers=suppliers_r,
                            weight=weight, preferred=preferred, order=order[len(reqs)]))
    return Instance(slots=slot_list, tables=table_list, requests=reqs, busy=busy,
                    cap_supplier=5, cap_buyer=8)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--buyers", type=int, default=100)
    parser.add_argument("--suppliers", type=int, default=400)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--slots", type=int, default=16)
    parser.add_argument("--tables", type=int, default=40)
    parser.add_argument("--workers", type=int, default=0, help="CP-SAT workers (0: the solver's default of 8)")
    args = parser.parse_args()
    inst = generate(buyers=args.buyers, suppliers=args.suppliers, requests=args.requests, slots=args.slots,
                    tables=args.tables, seed=args.seed)
    print(f"instance: {args.buyers} buyers, {args.suppliers} suppliers, {len(inst.requests)} requests, "
          f"{len(inst.slots)} slots, {len(inst.tables)} tables, caps {inst.cap_supplier}/supplier "
          f"{inst.cap_buyer}/buyer, seed {args.seed}")
    t0 = time.monotonic()
    baseline = greedy(inst, first_come=True)
    t_base = time.monotonic() - t0
    print(f"greedy first-come: {len(baseline)} meetings in {t_base:.2f} s, "
          f"idle slots {idle_slots(inst, baseline)}")
    result = solve(inst, args.time_limit, workers=args.workers)
    by_id = {r.id: r for r in inst.requests}
    count_bound = result.bound / (min(r.weight for r in inst.requests) * WEIGHT_SCALE)
    print(f"CP-SAT ({result.status}, {result.seconds:.1f} s of {args.time_limit:.0f} s): "
          f"{result.placed} meetings, weighted objective {result.objective}, idle slots {result.idle_slots}")
    print(f"proven upper bound on the weighted objective: {result.bound:.0f}")
    print(f"ratio to the bound: {result.objective / result.bound:.2%} (goal >= 99%), gap {result.gap:.2%}")
    baseline_weight = max(sum(by_id[p.request].weight * WEIGHT_SCALE for p in baseline), 1)
    print(f"gain over greedy first-come: {result.placed / max(len(baseline), 1) - 1:+.1%} meetings "
          f"(goal >= +15%); weighted {result.objective / baseline_weight - 1:+.1%}")
    print(f"(the bound also caps the count at <= {count_bound:.0f} meetings)")
    reasons: dict[str, int] = {}
    for reason in result.unplaced.values():
        reasons[reason] = reasons.get(reason, 0) + 1
    print("unplaced by reason:", ", ".join(f"{k} {v}" for k, v in sorted(reasons.items())))


if __name__ == "__main__":
    main()
