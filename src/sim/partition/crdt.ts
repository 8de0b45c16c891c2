import { expectArg } from '../errors.ts'

/**
 * State-based CRDTs (Shapiro et al., 2011): pure functions over plain JSON states, so a state can
 * travel in a message, sit in a snapshot and be compared with toEqual. Every `merge` is a join:
 * commutative, associative and idempotent, so replicas that have seen the same updates hold the
 * same state whatever order, grouping or repetition the network delivered them in.
 *
 * States are kept canonical (arrays sorted and deduplicated), so equal states are equal as JSON.
 * `apply(state, replica, op)` is a local update made *at* `replica`: each replica applies only its
 * own operations to its own state and learns the others' by merging.
 */
export interface Crdt<S, Op, V> {
  readonly name: string
  empty(): S
  apply(state: S, replica: string, op: Op): S
  merge(a: S, b: S): S
  value(state: S): V
}

// ---------- G-Counter: a grow-only counter, one slot per replica ----------

export type GCounterState = Readonly<Record<string, number>>

const maxPointwise = (a: GCounterState, b: GCounterState): GCounterState => {
  const out: Record<string, number> = { ...a }
  for (const [k, v] of Object.entries(b)) out[k] = Math.max(out[k] ?? 0, v)
  return out
}

export const GCounter: Crdt<GCounterState, number, number> = {
  name: 'G-Counter',
  empty: () => ({}),
  apply(state, replica, n) {
    expectArg(Number.isInteger(n) && n >= 0, 'G-Counter increment', n, 'an integer ≥ 0 (a G-Counter only grows)')
    return { ...state, [replica]: (state[replica] ?? 0) + n }
  },
  merge: maxPointwise,
  value: (state) => Object.values(state).reduce((a, b) => a + b, 0),
}

// ---------- PN-Counter: two G-Counters, increments and decrements ----------

export interface PNCounterState {
  readonly p: GCounterState
  readonly n: GCounterState
}

export const PNCounter: Crdt<PNCounterState, number, number> = {
  name: 'PN-Counter',
  empty: () => ({ p: {}, n: {} }),
  apply(state, replica, delta) {
    expectArg(Number.isInteger(delta), 'PN-Counter delta', delta, 'an integer')
    return delta >= 0 ? { p: GCounter.apply(state.p, replica, delta), n: state.n } : { p: state.p, n: GCounter.apply(state.n, replica, -delta) }
  },
  merge: (a, b) => ({ p: maxPointwise(a.p, b.p), n: maxPointwise(a.n, b.n) }),
  value: (state) => GCounter.value(state.p) - GCounter.value(state.n),
}

// ---------- OR-Set: observed-remove set, add wins over a concurrent remove ----------

export interface ORSetState {
  /** [element, unique tag] for every add ever made, sorted. */
  readonly adds: readonly (readonly [string, string])[]
  /** Tags whose add has been removed (tombstones), sorted. */
  readonly removed: readonly string[]
  /** Per replica, how many tags it has minted (so tags stay unique). */
  readonly minted: GCounterState
}

export type ORSetOp = { readonly add: string } | { readonly remove: string }

const sortedUnion = <T>(a: readonly T[], b: readonly T[], key: (x: T) => string): T[] => {
  const m = new Map<string, T>()
  for (const x of [...a, ...b]) m.set(key(x), x)
  return [...m.keys()].sort().map((k) => m.get(k)!)
}
const pairKey = (p: readonly [string, string]): string => `${p[1]}\u0000${p[0]}`

export const ORSet: Crdt<ORSetState, ORSetOp, string[]> = {
  name: 'OR-Set',
  empty: () => ({ adds: [], removed: [], minted: {} }),
  apply(state, replica, op) {
    if ('add' in op) {
      const n = (state.minted[replica] ?? 0) + 1
      const tag = `${replica}#${n}`
      return { adds: sortedUnion(state.adds, [[op.add, tag] as const], pairKey), removed: state.removed, minted: { ...state.minted, [replica]: n } }
    }
    // Remove only the adds this replica has observed: a concurrent add elsewhere survives.
    const dead = new Set(state.removed)
    const tags = state.adds.filter(([e, t]) => e === op.remove && !dead.has(t)).map(([, t]) => t)
    return { adds: state.adds, removed: sortedUnion(state.removed, tags, (t) => t), minted: state.minted }
  },
  merge: (a, b) => ({ adds: sortedUnion(a.adds, b.adds, pairKey), removed: sortedUnion(a.removed, b.removed, (t) => t), minted: maxPointwise(a.minted, b.minted) }),
  value(state) {
    const dead = new Set(state.removed)
    return [...new Set(state.adds.filter(([, t]) => !dead.has(t)).map(([e]) => e))].sort()
  },
}

// ---------- LWW-Register: the write with the highest (timestamp, replica) wins ----------

export interface LWWRegisterState<T> {
  readonly value: T | null
  readonly ts: number
  /** '' only in the empty register. */
  readonly replica: string
}

export interface LWWSet<T> {
  readonly value: T
  readonly ts: number
}

/** Total order on writes: timestamp, then replica id, then the value's JSON (so merge stays commutative even for equal stamps). */
function lwwCompare<T>(a: LWWRegisterState<T>, b: LWWRegisterState<T>): number {
  if (a.ts !== b.ts) return a.ts - b.ts
  if (a.replica !== b.replica) return a.replica < b.replica ? -1 : 1
  const [x, y] = [JSON.stringify(a.value), JSON.stringify(b.value)]
  return x === y ? 0 : x < y ? -1 : 1
}

export function lwwRegister<T>(): Crdt<LWWRegisterState<T>, LWWSet<T>, T | null> {
  return {
    name: 'LWW-Register',
    empty: () => ({ value: null, ts: 0, replica: '' }),
    apply(state, replica, op) {
      expectArg(Number.isFinite(op.ts), 'LWW-Register timestamp', op.ts, 'a finite number')
      const next: LWWRegisterState<T> = { value: op.value, ts: op.ts, replica }
      return lwwCompare(next, state) > 0 ? next : state
    },
    merge: (a, b) => (lwwCompare(a, b) >= 0 ? a : b),
    value: (state) => state.value,
  }
}

export const LWWRegister = lwwRegister<unknown>()
