"""The auto-scheduler: place as many requested meetings as possible, then close idle gaps.

A pure function over plain data (no database), so the web page, the command line and the
benchmark run the same code. The model, solved with OR-Tools CP-SAT:

- x[r, s] = 1 when request r is placed in slot s (only slots where all its people are free and a
  table big enough is left);
- each request at most once; each person at most one meeting per slot; the caps per supplier
  organisation and per buyer person; per slot, no more meetings needing k seats than tables with at
  least k seats (enough for a seating, which is then made greedily, largest meeting first);
- phase 1 maximises the weighted number of placed meetings (weight = 4 + buyer priority + requester
  priority, with a small bonus for a preferred slot), warm-started from a greedy solution (AddHint);
- phase 2 keeps the phase 1 weight and minimises idle slots between a person's meetings in a block.

Locked and confirmed meetings come in as ``fixed``: they keep their slot and table.
The report gives the number placed, the solver's proven upper bound on the phase 1 objective, the
gap, and, for each request left out, why.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterable

from dialogue.core.deferred import Deferred, deferred, ndeferred

REASON_NO_COMMON_SLOT = "no_common_slot"
REASON_SLOTS_TAKEN = "slots_taken"
REASON_SUPPLIER_CAP = "supplier_cap"
REASON_BUYER_CAP = "buyer_cap"
REASON_NO_TABLE = "no_table"
REASON_LOWER_PRIORITY = "lower_priority"

REASONS = {
    REASON_NO_COMMON_SLOT: "no common free slot: the people never have a free slot at the same time",
    REASON_SLOTS_TAKEN: "no common free slot left: every shared free slot went to other meetings",
    REASON_SUPPLIER_CAP: "cap reached: the supplier organisation has its maximum number of meetings",
    REASON_BUYER_CAP: "cap reached: a buyer has the maximum number of meetings",
    REASON_NO_TABLE: "no table: every table big enough is taken in the shared free slots",
    REASON_LOWER_PRIORITY: "placing it would displace meetings of higher priority",
}

PREFERRED_BONUS = 1   # added to a request's weight (scaled) in a preferred slot
WEIGHT_SCALE = 4      # weights are multiplied so the preferred-slot bonus stays below one priority step


@dataclass(frozen=True)
class Slot:
    id: int
    block: int
    index: int  # position within its block


@dataclass(frozen=True)
class Table:
    id: int
    capacity: int


@dataclass(frozen=True)
class Request:
    id: int
    supplier: int                    # supplier organisation
    buyers: tuple[int, ...]          # buyer people
    suppliers: tuple[int, ...]       # supplier people
    weight: int = 6
    preferred: frozenset[int] = frozenset()
    order: int = 0                   # arrival order, for the first-come baseline

    @property
    def people(self) -> tuple[int, ...]:
        return self.buyers + self.suppliers


@dataclass(frozen=True)
class Fixed:
    """A meeting that stays where it is (locked or already published)."""

    slot: int
    table: int | None
    supplier: int
    buyers: tuple[int, ...]
    suppliers: tuple[int, ...]


@dataclass
class Instance:
    slots: list[Slot]
    tables: list[Table] | None                      # None: online, no table needed
    requests: list[Request]
    busy: dict[int, set[int]] = field(default_factory=dict)  # person -> slots not available
    fixed: list[Fixed] = field(default_factory=list)
    cap_supplier: int | None = None
    cap_buyer: int | None = None


@dataclass
class Placement:
    request: int
    slot: int
    table: int | None


@dataclass
class Result:
    placements: list[Placement]
    unplaced: dict[int, str]
    placed: int
    objective: int          # phase 1 objective of the returned placements
    bound: float            # proven upper bound on the phase 1 objective
    gap: float              # (bound - objective) / bound
    idle_slots: int
    status: str
    greedy_placed: int
    seconds: float

    def as_report(self) -> dict:
        return {"placed": self.placed, "objective": self.objective, "bound": self.bound,
                "gap": round(self.gap, 6), "idle_slots": self.idle_slots, "status": self.status,
                "greedy_placed": self.greedy_placed, "seconds": round(self.seconds, 2),
                "unplaced": {str(k): v for k, v in self.unplaced.items()}}


class _State:
    """What is used up: people's slots, caps and tables; shared by the greedy and the explanations."""

    def __init__(self, inst: Instance):
        self.inst = inst
        self.person_slots: dict[int, set[int]] = defaultdict(set)
        self.supplier_count: dict[int, int] = defaultdict(int)
        self.buyer_count: dict[int, int] = defaultdict(int)
        self.tables_used: dict[int, set[int]] = defaultdict(set)
        for f in inst.fixed:
            self._take(f.slot, f.table, f.supplier, f.buyers, f.buyers + f.suppliers)

    def _take(self, slot, table, supplier, buyers, people):
        for p in people:
            self.person_slots[p].add(slot)
        self.supplier_count[supplier] += 1
        for b in buyers:
            self.buyer_count[b] += 1
        if table is not None:
            self.tables_used[slot].add(table)

    def free_table(self, slot: int, size: int) -> int | None:
        if self.inst.tables is None:
            return None
        used = self.tables_used[slot]
        fitting = [t for t in self.inst.tables if t.id not in used and t.capacity >= size]
        if not fitting:
            return -1
        return min(fitting, key=lambda t: (t.capacity, t.id)).id  # the smallest that fits

    def caps_ok(self, r: Request) -> bool:
        inst = self.inst
        if inst.cap_supplier is not None and self.supplier_count[r.supplier] >= inst.cap_supplier:
            return False
        if inst.cap_buyer is not None and any(self.buyer_count[b] >= inst.cap_buyer for b in r.buyers):
            return False
        return True

    def try_place(self, r: Request, slots: Iterable[int]) -> Placement | None:
        if not self.caps_ok(r):
            return None
        for s in slots:
            if any(s in self.person_slots[p] for p in r.people):
                continue
            table = self.free_table(s, len(r.people))
            if table == -1:
                continue
            self._take(s, table, r.supplier, r.buyers, r.people)
            return Placement(r.id, s, table)
        return None


def candidate_slots(inst: Instance) -> dict[int, list[int]]:
    """Slots where every person of the request is available and not held by a fixed meeting."""
    state = _State(inst)
    table_room: dict[int, int] = {}
    for s in inst.slots:
        if inst.tables is None:
            table_room[s.id] = 10 ** 6
        else:
            table_room[s.id] = max((t.capacity for t in inst.tables if t.id not in state.tables_used[s.id]),
                                   default=0)
    result = {}
    for r in inst.requests:
        people = r.people
        result[r.id] = [s.id for s in inst.slots
                        if table_room[s.id] >= len(people)
                        and not any(s.id in inst.busy.get(p, ()) or s.id in state.person_slots[p] for p in people)]
    return result


def _ordered_slots(inst: Instance, r: Request, cands: list[int]) -> list[int]:
    return sorted(cands, key=lambda s: (s not in r.preferred, cands.index(s)))


def greedy(inst: Instance, *, first_come: bool = False,
           cands: dict[int, list[int]] | None = None) -> list[Placement]:
    """A quick feasible schedule.

    ``first_come``: requests in arrival order, each in a slot the requester preferred when it is
    free, else in the earliest free one (what a desk does by hand, and what request-and-accept
    tools end up with; the benchmark's baseline). Otherwise heaviest first and, among equals, the
    request with the fewest options first: the warm start for the solver.
    """
    cands = cands if cands is not None else candidate_slots(inst)
    state = _State(inst)
    if first_come:
        order = sorted(inst.requests, key=lambda r: (r.order, r.id))
    else:
        order = sorted(inst.requests, key=lambda r: (-r.weight, len(cands[r.id]), r.order, r.id))
    placements = []
    for r in order:
        slots = _ordered_slots(inst, r, cands[r.id])
        placement = state.try_place(r, slots)
        if placement is not None:
            placements.append(placement)
    return placements


def _seat(inst: Instance, chosen: dict[int, int]) -> list[Placement]:
    """Give each placed meeting a table: per slot, the largest meetings take the largest tables."""
    by_id = {r.id: r for r in inst.requests}
    if inst.tables is None:
        return [Placement(rid, s, None) for rid, s in sorted(chosen.items())]
    state = _State(inst)
    per_slot: dict[int, list[Request]] = defaultdict(list)
    for rid, s in chosen.items():
        per_slot[s].append(by_id[rid])
    placements = []
    for s, reqs in per_slot.items():
        free = sorted((t for t in inst.tables if t.id not in state.tables_used[s]),
                      key=lambda t: (-t.capacity, t.id))
        for r, t in zip(sorted(reqs, key=lambda r: (-len(r.people), r.id)), free, strict=False):
            placements.append(Placement(r.id, s, t.id))
    return sorted(placements, key=lambda p: p.request)


def idle_slots(inst: Instance, placements: list[Placement]) -> int:
    """Idle slots between a person's first and last meeting in each block."""
    slot_by_id = {s.id: s for s in inst.slots}
    by_id = {r.id: r for r in inst.requests}
    held: dict[tuple[int, int], list[int]] = defaultdict(list)
    for f in inst.fixed:
        for p in f.buyers + f.suppliers:
            held[(p, slot_by_id[f.slot].block)].append(slot_by_id[f.slot].index)
    for pl in placements:
        s = slot_by_id[pl.slot]
        for p in by_id[pl.request].people:
            held[(p, s.block)].append(s.index)
    return sum(max(idx) - min(idx) + 1 - len(idx) for idx in held.values())


def explain(inst: Instance, placements: list[Placement], cands: dict[int, list[int]]) -> dict[int, str]:
    """Why each request that is not placed could not be: checked against the final schedule."""
    state = _State(inst)
    by_id = {r.id: r for r in inst.requests}
    for pl in placements:
        r = by_id[pl.request]
        state._take(pl.slot, pl.table, r.supplier, r.buyers, r.people)
    placed = {pl.request for pl in placements}
    reasons = {}
    for r in inst.requests:
        if r.id in placed:
            continue
        if not cands[r.id]:
            reasons[r.id] = REASON_NO_COMMON_SLOT
        elif inst.cap_supplier is not None and state.supplier_count[r.supplier] >= inst.cap_supplier:
            reasons[r.id] = REASON_SUPPLIER_CAP
        elif inst.cap_buyer is not None and any(state.buyer_count[b] >= inst.cap_buyer for b in r.buyers):
            reasons[r.id] = REASON_BUYER_CAP
        else:
            open_slots = [s for s in cands[r.id] if not any(s in state.person_slots[p] for p in r.people)]
            if not open_slots:
                reasons[r.id] = REASON_SLOTS_TAKEN
            elif all(state.free_table(s, len(r.people)) == -1 for s in open_slots):
                reasons[r.id] = REASON_NO_TABLE
            else:
                reasons[r.id] = REASON_LOWER_PRIORITY
    return reasons


def _objective(inst: Instance, placements: list[Placement]) -> int:
    by_id = {r.id: r for r in inst.requests}
    return sum(by_id[p.request].weight * WEIGHT_SCALE + (PREFERRED_BONUS if p.slot in by_id[p.request].preferred
                                                        else 0) for p in placements)


# The model is built in one pass so each constraint sits beside the variables it binds; the pure solver
# stays whole (its parts share a dozen local structures), hence the complexity allowance.
def solve(inst: Instance, time_limit: float = 30.0, *, workers: int = 0,  # noqa: C901
          progress: Callable[[float, Deferred], None] | None = None, gap_phase: bool = True) -> Result:
    """Schedule with CP-SAT within ``time_limit`` seconds (both phases together)."""
    from ortools.sat.python import cp_model

    started = time.monotonic()
    report = progress or (lambda fraction, message: None)
    cands = candidate_slots(inst)
    hint = greedy(inst, cands=cands)
    greedy_count = len(hint)
    report(0.02, ndeferred("greedy start: %(num)d meeting", "greedy start: %(num)d meetings", greedy_count))
    by_id = {r.id: r for r in inst.requests}
    requests = [r for r in inst.requests if cands[r.id]]
    if not requests:
        placements = []
        return Result(placements, explain(inst, placements, cands), 0, 0, 0.0, 0.0,
                      idle_slots(inst, placements), "OPTIMAL", greedy_count, time.monotonic() - started)

    model = cp_model.CpModel()
    x: dict[tuple[int, int], object] = {}
    per_person_slot: dict[tuple[int, int], list] = defaultdict(list)
    per_slot: dict[int, list[tuple[int, object]]] = defaultdict(list)
    placed_expr: dict[int, list] = {}
    for r in requests:
        vars_r = []
        for s in cands[r.id]:
            var = model.NewBoolVar(f"x_{r.id}_{s}")
            x[(r.id, s)] = var
            vars_r.append(var)
            for p in r.people:
                per_person_slot[(p, s)].append(var)
            per_slot[s].append((len(r.people), var))
        model.AddAtMostOne(vars_r)
        placed_expr[r.id] = vars_r
    for vars_ps in per_person_slot.values():
        if len(vars_ps) > 1:
            model.AddAtMostOne(vars_ps)

    state = _State(inst)
    if inst.cap_supplier is not None:
        by_supplier: dict[int, list] = defaultdict(list)
        for r in requests:
            by_supplier[r.supplier].extend(placed_expr[r.id])
        for org, vars_o in by_supplier.items():
            room = max(inst.cap_supplier - state.supplier_count[org], 0)
            if room < len({v.Index() for v in vars_o}):
                model.Add(sum(vars_o) <= room)
    if inst.cap_buyer is not None:
        by_buyer: dict[int, list] = defaultdict(list)
        for r in requests:
            for b in r.buyers:
                by_buyer[b].extend(placed_expr[r.id])
        for b, vars_b in by_buyer.items():
            room = max(inst.cap_buyer - state.buyer_count[b], 0)
            model.Add(sum(vars_b) <= room)
    if inst.tables is not None:
        for s, entries in per_slot.items():
            free = [t.capacity for t in inst.tables if t.id not in state.tables_used[s]]
            for k in sorted({size for size, _ in entries}):
                fitting = sum(1 for c in free if c >= k)
                vars_k = [v for size, v in entries if size >= k]
                if len(vars_k) > fitting:
                    model.Add(sum(vars_k) <= fitting)

    weight_terms = []
    for (rid, s), var in x.items():
        r = by_id[rid]
        weight_terms.append((r.weight * WEIGHT_SCALE + (PREFERRED_BONUS if s in r.preferred else 0), var))
    objective = sum(w * v for w, v in weight_terms)
    model.Maximize(objective)
    hinted = {(p.request, p.slot) for p in hint}
    for key, var in x.items():
        model.AddHint(var, 1 if key in hinted else 0)

    phase1_share = 0.7 if gap_phase else 1.0
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit * phase1_share, 0.5)
    solver.parameters.num_workers = workers or 8
    solver.parameters.relative_gap_limit = 0.0

    class Progress(cp_model.CpSolverSolutionCallback):
        def __init__(self, phase_start: float, span: float, share: float, offset: float):
            super().__init__()
            self.phase_start, self.span, self.share, self.offset = phase_start, span, share, offset

        def on_solution_callback(self):
            elapsed = time.monotonic() - self.phase_start
            fraction = self.offset + self.share * min(elapsed / self.span, 1.0)
            report(fraction, deferred("placing meetings: objective %(objective)d, bound %(bound)d",
                                      objective=int(self.ObjectiveValue()), bound=int(self.BestObjectiveBound())))

    t0 = time.monotonic()
    status = solver.Solve(model, Progress(t0, solver.parameters.max_time_in_seconds, phase1_share * 0.95, 0.03))
    status_name = solver.StatusName(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        placements = _seat(inst, {p.request: p.slot for p in hint})
        bound = float(solver.BestObjectiveBound()) if status != cp_model.UNKNOWN else float(
            sum(r.weight * WEIGHT_SCALE + PREFERRED_BONUS for r in requests))
        obj = _objective(inst, placements)
        return Result(placements, explain(inst, placements, cands), len(placements), obj, bound,
                      (bound - obj) / bound if bound else 0.0, idle_slots(inst, placements), status_name,
                      greedy_count, time.monotonic() - started)
    best_obj = int(round(solver.ObjectiveValue()))
    bound = float(solver.BestObjectiveBound())
    chosen = {rid: s for (rid, s), var in x.items() if solver.Value(var)}
    report(0.7 if gap_phase else 0.98, ndeferred("placed %(num)d meeting; closing idle gaps",
                                                 "placed %(num)d meetings; closing idle gaps", len(chosen)))

    remaining = time_limit - (time.monotonic() - started)
    if gap_phase and remaining > 0.5:
        improved = _close_gaps(inst, model, x, objective, best_obj, chosen, remaining, workers, report)
        if improved is not None:
            chosen = improved
    placements = _seat(inst, chosen)
    report(1.0, ndeferred("done: %(num)d meeting placed", "done: %(num)d meetings placed", len(placements)))
    obj = _objective(inst, placements)
    return Result(placements, explain(inst, placements, cands), len(placements), obj, bound,
                  (bound - obj) / bound if bound else 0.0, idle_slots(inst, placements), status_name,
                  greedy_count, time.monotonic() - started)


def _close_gaps(inst, model, x, objective, best_obj, chosen, time_limit, workers, report):
    """Phase 2: keep the placed weight, minimise idle slots between a person's meetings."""
    from ortools.sat.python import cp_model

    slot_by_id = {s.id: s for s in inst.slots}
    by_id = {r.id: r for r in inst.requests}
    model.Add(objective >= best_obj)
    # Fixed meetings count as held slots for the person.
    fixed_held: dict[tuple[int, int], list[int]] = defaultdict(list)
    for f in inst.fixed:
        s = slot_by_id[f.slot]
        for p in f.buyers + f.suppliers:
            fixed_held[(p, s.block)].append(s.index)
    presence: dict[tuple[int, int], dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for (rid, sid), var in x.items():
        s = slot_by_id[sid]
        for p in by_id[rid].people:
            presence[(p, s.block)][s.index].append(var)
    gaps = []
    for (p, block), by_index in presence.items():
        options = len(by_index) + len(fixed_held.get((p, block), ()))
        if options < 2:
            continue
        size = max(s.index for s in inst.slots if s.block == block) + 1
        first = model.NewIntVar(0, size - 1, "")
        last = model.NewIntVar(0, size - 1, "")
        count_terms = []
        for index, vars_i in by_index.items():
            y = model.NewBoolVar("")
            model.Add(sum(vars_i) == y)
            model.Add(first <= index).OnlyEnforceIf(y)
            model.Add(last >= index).OnlyEnforceIf(y)
            count_terms.append(y)
        fixed_idx = fixed_held.get((p, block), [])
        for index in fixed_idx:
            model.Add(first <= index)
            model.Add(last >= index)
        gap = model.NewIntVar(0, size, "")
        model.Add(gap >= last - first + 1 - sum(count_terms) - len(fixed_idx))
        gaps.append(gap)
    if not gaps:
        return None
    model.ClearObjective()
    model.Minimize(sum(gaps))
    model.ClearHints()
    for (rid, sid), var in x.items():
        model.AddHint(var, 1 if chosen.get(rid) == sid else 0)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers or 8
    t0 = time.monotonic()

    class Progress(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self):
            fraction = 0.7 + 0.28 * min((time.monotonic() - t0) / time_limit, 1.0)
            report(fraction, ndeferred("closing idle gaps: %(num)d idle slot left",
                                       "closing idle gaps: %(num)d idle slots left", int(self.ObjectiveValue())))

    status = solver.Solve(model, Progress())
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return {rid: sid for (rid, sid), var in x.items() if solver.Value(var)}
