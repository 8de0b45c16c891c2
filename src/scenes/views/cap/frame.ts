/**
 * What the CAP scene draws at one instant, as plain data (no three.js): computed from a
 * checkpoint's snapshot, from a live snapshot (what-if), or, between two checkpoints, by replaying
 * the trace onto the earlier snapshot. The view only maps a frame onto objects, so everything a
 * person sees is a function of (step, t) or of the live snapshot.
 */
import type { CapSnapshot, CapRequestView } from '../../../sim/cap/snapshot.ts'
import type { CapMode, CapValue, Reconciliation } from '../../../sim/cap/store.ts'
import type { Scenario } from '../../../sim/scenario.ts'
import type { TraceEvent } from '../../../sim/trace.ts'
import { flights, stateAt, type Flight } from '../../flight.ts'
import { timeWarp } from '../../primitives/time-warp.ts'

/** Simulated ms a client's request or reply takes on screen (clients sit beside their replica). */
export const CLIENT_HOP_MS = 4
/** A dropped message stays drawn at the fault line this long (the snapshot's own window). */
export const DROP_WINDOW_MS = 100
/** Transitions squeeze idle gaps to this many simulated ms (see timeWarp). */
const MAX_GAP_MS = 6

export interface NodeFrame {
  readonly id: number
  readonly value: CapValue | undefined
  readonly ts: string | null
  /** The value this replica held before LWW overwrote it during this step, if it did. */
  readonly lost: CapValue | undefined
}

export interface ClientOp {
  readonly id: number
  readonly node: number
  readonly op: 'read' | 'write'
  /** The value written, or (once answered) the value read. */
  readonly value: CapValue
  readonly status: 'pending' | 'ok' | 'refused'
  readonly error: string | null
}

export interface WireMessage {
  readonly from: number
  readonly to: number
  readonly kind: string
  /** How far along its link, 0..1 (a dropped one stops at the fault line). */
  readonly f: number
  readonly dropped: boolean
}

export interface ClientFlight {
  readonly node: number
  /** 'request': client → replica; 'reply': replica → client. */
  readonly phase: 'request' | 'reply'
  readonly f: number
  readonly ok: boolean
}

export interface CapFrame {
  readonly mode: CapMode
  readonly time: number
  readonly partition: readonly (readonly number[])[] | null
  readonly key: string
  readonly nodes: readonly NodeFrame[]
  /** Replica-to-replica messages on the wire. */
  readonly wire: readonly WireMessage[]
  /** Messages dropped at the partition recently: drawn stuck at the fault line. */
  readonly drops: readonly { readonly msg: number; readonly from: number; readonly to: number }[]
  /** This step's client requests, as far as they have got. */
  readonly ops: readonly ClientOp[]
  readonly clientFlights: readonly ClientFlight[]
  /** LWW's choice, when a heal happened in this step. */
  readonly reconciliation: Pick<Reconciliation, 'key' | 'kept' | 'overwritten'> | null
}

type CapScenario = Scenario<CapSnapshot, unknown>

const DEFAULT_KEY = 'balance'

/** The key the scene shows: the first one any replica holds (the scenario has one). */
function keyOf(...snaps: CapSnapshot[]): string {
  for (const s of snaps) for (const n of s.nodes) if (n.store[0]) return n.store[0].key
  return DEFAULT_KEY
}

function entry(s: CapSnapshot, node: number, key: string): { value: CapValue; ts: string } | undefined {
  return s.nodes[node]?.store.find((e) => e.key === key)
}

function opAt(r: CapRequestView, time: number): ClientOp {
  const done = r.completedAt !== null && r.completedAt <= time
  const status = done ? (r.status === 'refused' ? 'refused' : 'ok') : 'pending'
  return { id: r.id, node: r.node, op: r.op, value: r.op === 'write' || done ? r.value : null, status, error: done ? r.error : null }
}

/** The checkpoint before `name` (the start of its step), or `name` itself for the first. */
export function previousCheckpoint(sc: { checkpoints: readonly string[] }, name: string): string {
  const i = sc.checkpoints.indexOf(name)
  return sc.checkpoints[Math.max(0, i - 1)] ?? name
}

/** Replicas whose value LWW replaced during the step: what they held at its start. */
function lostValues(before: CapSnapshot | null, nodes: readonly { id: number; value: CapValue | undefined }[], key: string, rec: CapFrame['reconciliation']): (CapValue | undefined)[] {
  return nodes.map((n) => {
    const was = before ? entry(before, n.id, key) : undefined
    if (!rec || !was || was.value === n.value) return undefined
    return rec.overwritten.some((o) => o.value === was.value) ? was.value : undefined
  })
}

/**
 * A snapshot as it stands. `since`: requests invoked from then on are this step's (drawn as
 * bubbles, the latest per client); `before`: the snapshot at `since`, to say which values LWW
 * overwrote (null: say nothing).
 */
export function frameOfSnapshot(s: CapSnapshot, since: number, before: CapSnapshot | null): CapFrame {
  const key = keyOf(s)
  const fresh = (r: CapRequestView) => r.invokedAt >= since || r.status === 'pending'
  const rec = s.reconciliation && s.reconciliation.at >= since && !s.partition ? { key: s.reconciliation.key, kept: s.reconciliation.kept, overwritten: s.reconciliation.overwritten } : null
  const base = s.nodes.map((n) => {
    const e = n.store.find((x) => x.key === key)
    return { id: n.id, value: e?.value, ts: e?.ts ?? null }
  })
  const lost = lostValues(before, base, key, rec)
  return {
    mode: s.mode,
    time: s.now,
    partition: s.partition,
    key,
    nodes: base.map((n, i) => ({ ...n, lost: lost[i] })),
    // A message crossing a partition in force will be dropped on arrival: draw it stopping at the wall.
    wire: s.inFlight.map((m) => ({ from: Number(m.from), to: Number(m.to), kind: m.kind, f: progress(s.now, m.sentAt, m.deliverAt), dropped: split(s.partition, Number(m.from), Number(m.to)) })),
    drops: s.drops.map((d) => ({ msg: d.msg, from: Number(d.from), to: Number(d.to) })),
    ops: s.requests.filter(fresh).map((r) => opAt(r, s.now)),
    clientFlights: [],
    reconciliation: rec,
  }
}

/** A checkpoint exactly as scripted. */
export function frameAt(sc: CapScenario, name: string): CapFrame {
  const prev = previousCheckpoint(sc, name)
  return frameOfSnapshot(sc.stateAt(name), sc.timeOf(prev), prev === name ? null : sc.stateAt(prev))
}

/** Whether two replicas are on different sides of a partition. */
function split(groups: CapSnapshot['partition'], a: number, b: number): boolean {
  return !!groups && groups.findIndex((g) => g.includes(a)) !== groups.findIndex((g) => g.includes(b))
}

function progress(time: number, a: number, b: number): number {
  return b > a ? Math.min(1, Math.max(0, (time - a) / (b - a))) : 1
}

/**
 * The transition from checkpoint `from` to `to` at t ∈ [0, 1): the earlier snapshot with the
 * trace replayed onto it up to a warped time. Clients' requests fly in just before they are
 * invoked and replies fly back just after they complete.
 */
export function frameBetween(sc: CapScenario, from: string, to: string, t: number): CapFrame {
  const start = sc.stateAt(from)
  const end = sc.stateAt(to)
  const events = sc.eventsBetween(from, to)
  const since = sc.timeOf(previousCheckpoint(sc, to))
  const key = keyOf(end, start)
  const requests = end.requests.filter((r) => r.invokedAt >= since)
  const all = flights(events, start.inFlight)
  const keys: number[] = events.map((e) => e.at)
  for (const f of all) keys.push(f.sentAt, f.endAt)
  // A short pre-roll: a transition opens on the earlier picture even when the step's first event
  // (a heal, a partition) happens at the very instant of the earlier checkpoint.
  let begin = start.now - CLIENT_HOP_MS
  let finish = end.now
  for (const r of requests) {
    keys.push(r.invokedAt - CLIENT_HOP_MS, r.invokedAt)
    begin = Math.min(begin, r.invokedAt - CLIENT_HOP_MS)
    if (r.completedAt !== null) {
      keys.push(r.completedAt, r.completedAt + CLIENT_HOP_MS)
      finish = Math.max(finish, r.completedAt + CLIENT_HOP_MS)
    }
  }
  const time = timeWarp(keys, begin, finish, MAX_GAP_MS)(t)

  let mode = start.mode
  let partition: readonly (readonly number[])[] | null = start.partition
  let rec: CapFrame['reconciliation'] = null
  for (const e of events) {
    if (e.at > time) break
    if (e.type === 'state' && e.node === 'cluster' && e.field === 'mode') mode = e.value as CapMode
    if (e.type === 'fault' && e.action === 'partition') partition = (e.groups ?? []).map((g) => g.map(Number))
    if (e.type === 'fault' && e.action === 'heal') partition = null
    if (e.type === 'note' && isReconciliation(e)) rec = { key: e.data.key, kept: e.data.kept, overwritten: e.data.overwritten }
  }

  const base = start.nodes.map((n) => {
    const was = entry(start, n.id, key)
    const now = stateAt(events, n.id, `store.${key}`, time, was ?? null) as { value: CapValue; ts: string } | null
    return { id: n.id, value: now?.value, ts: now?.ts ?? null }
  })
  const lost = lostValues(start, base, key, rec)

  const wire: WireMessage[] = []
  const drops: { msg: number; from: number; to: number }[] = []
  for (const f of all) wireOrDrop(f, time, partition !== null, wire, drops)
  // Drops from before the step, still inside the window (as the earlier snapshot drew them).
  if (partition) for (const d of start.drops) if (time - d.at <= DROP_WINDOW_MS && !drops.some((x) => x.msg === d.msg)) drops.push({ msg: d.msg, from: Number(d.from), to: Number(d.to) })

  const clientFlights: ClientFlight[] = []
  for (const r of requests) {
    if (time >= r.invokedAt - CLIENT_HOP_MS && time < r.invokedAt) {
      clientFlights.push({ node: r.node, phase: 'request', f: progress(time, r.invokedAt - CLIENT_HOP_MS, r.invokedAt), ok: true })
    }
    if (r.completedAt !== null && time >= r.completedAt && time < r.completedAt + CLIENT_HOP_MS) {
      clientFlights.push({ node: r.node, phase: 'reply', f: progress(time, r.completedAt, r.completedAt + CLIENT_HOP_MS), ok: r.status === 'ok' })
    }
  }

  return {
    mode,
    time,
    partition,
    key,
    nodes: base.map((n, i) => ({ ...n, lost: lost[i] })),
    wire,
    drops,
    ops: requests.filter((r) => r.invokedAt <= time).map((r) => opAt(r, time)),
    clientFlights,
    reconciliation: rec,
  }
}

/** A message still flying goes on the wire; one dropped recently stays at the fault line. */
function wireOrDrop(f: Flight, time: number, partitioned: boolean, wire: WireMessage[], drops: { msg: number; from: number; to: number }[]): void {
  if (f.sentAt > time) return
  const from = Number(f.from)
  const to = Number(f.to)
  if (time < f.endAt) {
    wire.push({ from, to, kind: f.kind, f: progress(time, f.sentAt, f.endAt), dropped: f.dropped })
  } else if (f.dropped && partitioned && time - f.endAt <= DROP_WINDOW_MS) {
    drops.push({ msg: f.msg, from, to })
  }
}

function isReconciliation(e: TraceEvent & { type: 'note' }): e is TraceEvent & { type: 'note'; data: Reconciliation } {
  const d = e.data as Partial<Reconciliation> | undefined
  return !!d && typeof d.key === 'string' && !!d.kept && Array.isArray(d.overwritten)
}
