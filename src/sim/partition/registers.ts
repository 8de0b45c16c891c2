import { ORSet, PNCounter, type ORSetOp, type ORSetState, type PNCounterState } from './crdt.ts'
import { compareClocks, mergeClocks, tick, type VectorClock } from './vclock.ts'

/**
 * How a key's value is kept on each node, and merged when replicas meet again after a partition:
 *
 * - `lww`: one version per key; the higher (wall-clock timestamp, node, write id) wins, as in
 *   Cassandra. Simple and silent: the loser is discarded. We report every discarded write that
 *   was not already superseded by the winner in causal order (a concurrent write, or a causally
 *   *later* one beaten by clock skew): that is real data loss.
 * - `vector-clock`: versions carry vector clocks; a version that happened before another is
 *   replaced, concurrent ones are kept side by side as siblings for the application to merge.
 * - `crdt`: the key holds a CRDT (PN-Counter or OR-Set) and replicas merge states: no conflicts.
 */
export type Resolution = 'lww' | 'vector-clock' | 'crdt'

export interface Version {
  readonly write: number
  readonly value: string
  readonly node: number
  /** The writer's wall clock (skewed per node), ms. */
  readonly at: number
  readonly clock: VectorClock
}

export type CrdtValue =
  | { readonly type: 'pn-counter'; readonly state: PNCounterState }
  | { readonly type: 'or-set'; readonly state: ORSetState }

export type CrdtOp = { readonly type: 'pn-counter'; readonly delta: number } | ({ readonly type: 'or-set' } & ORSetOp)

export type KeyState = { readonly kind: 'versions'; readonly versions: readonly Version[] } | { readonly kind: 'crdt'; readonly crdt: CrdtValue }

const newer = (a: Version, b: Version): number => a.at - b.at || a.node - b.node || a.write - b.write

/** A new local write on top of what the node holds: its clock has seen every version it replaces. */
export function nextVersion(current: readonly Version[], write: number, value: string, node: number, at: number): Version {
  const seen = current.reduce<VectorClock>((c, v) => mergeClocks(c, v.clock), {})
  return { write, value, node, at, clock: tick(seen, `n${node}`) }
}

/** Merge two nodes' versions of a key; returns what to keep and what LWW threw away. */
export function mergeVersions(mode: 'lww' | 'vector-clock', local: readonly Version[], incoming: readonly Version[]): { versions: Version[]; discarded: Version[] } {
  const all = new Map<number, Version>()
  for (const v of [...local, ...incoming]) all.set(v.write, v)
  const versions = [...all.values()]
  if (mode === 'lww') {
    const winner = versions.reduce((a, b) => (newer(b, a) > 0 ? b : a))
    const discarded = versions.filter((v) => v !== winner && compareClocks(v.clock, winner.clock) !== 'before')
    return { versions: [winner], discarded }
  }
  const alive = versions.filter((v) => !versions.some((w) => compareClocks(v.clock, w.clock) === 'before'))
  return { versions: alive.sort((a, b) => a.write - b.write), discarded: [] }
}

export function emptyCrdt(type: CrdtValue['type']): CrdtValue {
  return type === 'pn-counter' ? { type, state: PNCounter.empty() } : { type, state: ORSet.empty() }
}

export function applyCrdt(value: CrdtValue, replica: string, op: CrdtOp): CrdtValue {
  if (value.type === 'pn-counter' && op.type === 'pn-counter') return { type: 'pn-counter', state: PNCounter.apply(value.state, replica, op.delta) }
  if (value.type === 'or-set' && op.type === 'or-set') return { type: 'or-set', state: ORSet.apply(value.state, replica, 'add' in op ? { add: op.add } : { remove: op.remove }) }
  throw new TypeError(`CRDT op ${op.type} does not fit a ${value.type}`)
}

export function mergeCrdt(a: CrdtValue, b: CrdtValue): CrdtValue {
  if (a.type === 'pn-counter' && b.type === 'pn-counter') return { type: 'pn-counter', state: PNCounter.merge(a.state, b.state) }
  if (a.type === 'or-set' && b.type === 'or-set') return { type: 'or-set', state: ORSet.merge(a.state, b.state) }
  throw new TypeError(`cannot merge a ${a.type} with a ${b.type}`)
}

export function crdtValue(v: CrdtValue): number | string[] {
  return v.type === 'pn-counter' ? PNCounter.value(v.state) : ORSet.value(v.state)
}
