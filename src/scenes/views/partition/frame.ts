/**
 * What the partition view draws at one instant, as data: the cluster (a PartitionSnapshot, real at
 * a checkpoint, replayed from the trace in between), the packets on the wire, the packets that
 * recently died at the fault line (they bounce back), and client writes arriving.
 *
 * Between two checkpoints a message's 2–6 ms flight would last a frame or two of a one-second
 * transition that covers hundreds of simulated ms, so each flight is drawn over at least
 * MIN_FLIGHT of the transition: the picture shows which messages went where, in order.
 */
import type { PartitionSnapshot, PartitionNodeView, StorageView } from '../../../sim/partition/snapshot.ts'
import type { Discard } from '../../../sim/partition/cluster.ts'
import type { NodeId, TraceEvent } from '../../../sim/trace.ts'
import { flights } from '../../flight.ts'

/** How long a dropped packet takes to bounce back from the line and fade, in simulated ms (the snapshot keeps drops this long). */
export const BOUNCE_MS = 100
/** The least share of a transition's simulated span a flight is drawn over. */
const MIN_FLIGHT = 0.18

export interface Packet {
  from: NodeId
  to: NodeId
  kind: string
  /** 0..1 along its path. */
  f: number
  /** It will die at the fault line (or at a powered-off node). */
  doomed: boolean
  /** A disk reply saying no. */
  refused: boolean
}

export interface Bounce {
  from: NodeId
  to: NodeId
  /** 0 just dropped at the line … 1 faded away. */
  age: number
}

export interface ClientWrite {
  node: number
  /** 0 far above the node … 1 arriving. */
  f: number
}

export interface Frame {
  snap: PartitionSnapshot
  packets: Packet[]
  bounces: Bounce[]
  clients: ClientWrite[]
}

const sideOf = (snap: PartitionSnapshot, id: NodeId): number | null => (typeof id === 'number' ? snap.nodes[id]?.side ?? null : null)

/** Whether a packet on the wire now will be dropped on arrival: it crosses the line, or goes to a powered-off node. */
function doomed(snap: PartitionSnapshot, from: NodeId, to: NodeId): boolean {
  const a = sideOf(snap, from)
  const b = sideOf(snap, to)
  if (snap.partitioned && a !== null && b !== null && a !== b) return true
  return typeof to === 'number' && snap.nodes[to]?.role === 'stopped'
}

/** A disk reply to the writer whose write the disk just refused. */
function refusedReply(snap: PartitionSnapshot, kind: string, to: NodeId): boolean {
  const last = snap.storage?.last
  return kind === 'disk-reply' && !!last && !last.accepted && last.by === to
}

/** The picture at a checkpoint (or of a live model): exactly the snapshot. */
export function staticFrame(snap: PartitionSnapshot): Frame {
  const packets = snap.inFlight.map((m) => {
    const span = m.deliverAt - m.sentAt
    const f = span > 0 ? Math.min(1, Math.max(0, (snap.now - m.sentAt) / span)) : 1
    return { from: m.from, to: m.to, kind: m.kind, f, doomed: doomed(snap, m.from, m.to), refused: refusedReply(snap, m.kind, m.to) }
  })
  const bounces = snap.drops.filter((d) => d.reason === 'partition').map((d) => ({ from: d.from, to: d.to, age: Math.min(1, Math.max(0, (snap.now - d.at) / BOUNCE_MS)) }))
  return { snap, packets, bounces, clients: [] }
}

/** The picture at simulated `time` between checkpoint snapshots `start` and `end`, from the trace between them. */
export function transitionFrame(start: PartitionSnapshot, end: PartitionSnapshot, events: readonly TraceEvent[], time: number): Frame {
  const snap = interpolate(start, end, events, time)
  const minFlight = Math.max(0, end.now - start.now) * MIN_FLIGHT
  const packets: Packet[] = []
  const bounces: Bounce[] = []
  // Drops the start snapshot had already seen keep fading.
  for (const d of start.drops) {
    if (d.reason !== 'partition') continue
    const age = (time - d.at) / BOUNCE_MS
    if (age < 1) bounces.push({ from: d.from, to: d.to, age: Math.max(0, age) })
  }
  const dropReason = new Map<number, string>()
  // The disk answers a refused write in the same instant it records the refusal.
  const refusals = new Set<number>()
  for (const e of events) {
    if (e.type === 'drop') dropReason.set(e.msg, e.reason)
    if (e.type === 'state' && e.node === 'disk' && e.field === 'rejected') refusals.add(e.at)
  }
  const all = flights(events, start.inFlight.map((m) => ({ msg: m.msg, from: m.from, to: m.to, kind: m.kind, sentAt: m.sentAt, deliverAt: m.deliverAt })))
  for (const fl of all) {
    const shownUntil = Math.max(fl.endAt, fl.sentAt + minFlight)
    if (time < fl.sentAt) continue
    if (time < shownUntil) {
      const f = (time - fl.sentAt) / (shownUntil - fl.sentAt)
      packets.push({ from: fl.from, to: fl.to, kind: fl.kind, f, doomed: fl.dropped, refused: fl.kind === 'disk-reply' && (refusals.has(fl.sentAt) || (fl.sentAt < start.now && refusedReply(start, fl.kind, fl.to))) })
    } else if (fl.dropped && dropReason.get(fl.msg) === 'partition') {
      const age = (time - shownUntil) / Math.max(BOUNCE_MS, minFlight * 2)
      if (age < 1) bounces.push({ from: fl.from, to: fl.to, age })
    }
  }
  const clients: ClientWrite[] = []
  for (const e of events) {
    if (e.type !== 'note' || typeof e.node !== 'number' || !isWriteNote(e.data)) continue
    const lead = Math.max(4, minFlight)
    if (time >= e.at - lead && time < e.at) clients.push({ node: e.node, f: (time - (e.at - lead)) / lead })
  }
  return { snap, packets, bounces, clients }
}

function isWriteNote(data: unknown): data is { write: number } {
  return typeof data === 'object' && data !== null && 'write' in data && 'status' in data
}

function isDiscard(data: unknown): data is Discard {
  return typeof data === 'object' && data !== null && 'lost' in data && 'kept' in data
}

type DataEntry = PartitionNodeView['data'][number]

/**
 * The cluster at `time` between two checkpoints: roles, data, the partition, the disk and LWW's
 * discards replayed from the trace onto the start snapshot. Version details (stamps, clocks, CRDT
 * slots) are not in the trace's state events, so a value is matched to an entry of either
 * snapshot that holds the same value.
 */
function interpolate(start: PartitionSnapshot, end: PartitionSnapshot, events: readonly TraceEvent[], time: number): PartitionSnapshot {
  let partitioned = start.partitioned
  let dropped = start.counters.droppedByPartition
  const roles = start.nodes.map((n) => n.role)
  const data = start.nodes.map((n) => new Map(n.data.map((d) => [d.key, d] as const)))
  const discarded: Discard[] = [...start.discarded]
  const writeIds = new Set(start.writes.map((w) => w.id))
  const diskAfter = new Map<number, number>()
  let storage: StorageView | null = start.storage ? { ...start.storage, data: [...start.storage.data] } : null
  const noteAt = new Map<number, number>()

  for (const e of events) {
    if (e.type === 'note' && isWriteNote(e.data)) noteAt.set(e.data.write, e.at)
    if (e.at > time) continue
    if (e.type === 'fault' && e.action === 'partition') partitioned = true
    if (e.type === 'fault' && e.action === 'heal') partitioned = false
    if (e.type === 'drop' && e.reason === 'partition') dropped++
    if (e.type === 'note' && isWriteNote(e.data)) writeIds.add(e.data.write)
    const discard = e.type === 'note' && isDiscard(e.data) ? e.data : null
    if (discard && !discarded.some((d) => d.lost.write === discard.lost.write)) discarded.push(discard)
    if (e.type !== 'state') continue
    if (typeof e.node === 'number') {
      if (e.field === 'role') roles[e.node] = e.value as PartitionNodeView['role']
      else if (e.field.startsWith('data.')) {
        const key = e.field.slice(5)
        data[e.node]?.set(key, lookup(start, end, key, e.value))
      }
    } else if (e.node === 'disk' && storage) {
      storage = diskEvent(storage, start, end, e.field, e.value)
      diskAfter.set(e.id, e.at)
    }
  }

  const epochs = start.nodes.map((n, i) => (time >= epochSwitch(events, i, end.now) ? end.nodes[i]!.epoch : n.epoch))
  const nodes = start.nodes.map((n, i) => ({
    ...n,
    role: roles[i]!,
    epoch: epochs[i]!,
    believes: time >= end.now ? end.nodes[i]!.believes : n.believes,
    data: [...data[i]!.values()].sort((a, b) => (a.key < b.key ? -1 : 1)),
  }))
  const diskTimes = [...diskAfter.values()]
  const writes = [...start.writes, ...end.writes.filter((w) => !start.writes.some((s) => s.id === w.id))]
    .filter((w) => writeIds.has(w.id))
    .map((w) => {
      // On a shared disk a write is pending until the disk has answered (a disk event after it).
      const at = noteAt.get(w.id)
      const answered = at === undefined || diskTimes.some((t) => t >= at)
      return start.data === 'shared-disk' && !answered && w.status !== 'refused' ? { ...w, status: 'pending' as const } : w
    })
    .slice(-6)
  return {
    ...start,
    now: time,
    partitioned,
    nodes,
    primaries: nodes.filter((n) => n.role === 'primary').map((n) => n.id),
    storage,
    inFlight: [],
    drops: [],
    conflicts: conflictsOf(nodes, start.resolution),
    discarded,
    writes,
    counters: { ...start.counters, droppedByPartition: dropped },
  }
}

/** When node i shows its end epoch: at its last role change in the interval; else once a new primary exists; else at the end. */
function epochSwitch(events: readonly TraceEvent[], i: number, endTime: number): number {
  let own: number | null = null
  let primary: number | null = null
  for (const e of events) {
    if (e.type !== 'state' || e.field !== 'role') continue
    if (e.node === i) own = e.at
    if (e.value === 'primary' && primary === null) primary = e.at
  }
  return own ?? (primary !== null ? primary + 5 : endTime)
}

function lookup(start: PartitionSnapshot, end: PartitionSnapshot, key: string, value: unknown): DataEntry {
  const want = JSON.stringify(value)
  for (const s of [end, start]) {
    for (const n of s.nodes) {
      const d = n.data.find((x) => x.key === key && JSON.stringify(x.value) === want)
      if (d) return d
    }
  }
  return { key, value: value as DataEntry['value'], versions: null, crdt: null }
}

function diskEvent(s: StorageView, start: PartitionSnapshot, end: PartitionSnapshot, field: string, value: unknown): StorageView {
  if (field === 'token') return { ...s, highestToken: Number(value) }
  if (field === 'rejected') {
    const r = value as { write: number; token: number; highest: number }
    const by = [...end.writes, ...start.writes].find((w) => w.id === r.write)?.node ?? -1
    return { ...s, last: { write: r.write, by, token: r.token, accepted: false, highest: r.highest }, rejected: s.rejected + 1 }
  }
  if (field.startsWith('data.')) {
    const key = field.slice(5)
    const known = [...(end.storage?.data ?? []), ...(start.storage?.data ?? [])].find((d) => d.key === key && d.value === value)
    const entry = { key, value: String(value), token: known?.token ?? s.highestToken, by: known?.by ?? -1 }
    const last = end.storage?.last?.accepted && known ? { ...end.storage.last } : s.last
    return { ...s, data: [...s.data.filter((d) => d.key !== key), entry], highestToken: Math.max(s.highestToken, entry.token), last, accepted: s.accepted + 1 }
  }
  return s
}

/** Keys the running replicas disagree on, or (registers) hold siblings for: as the cluster computes it. */
function conflictsOf(nodes: readonly PartitionNodeView[], resolution: PartitionSnapshot['resolution']): string[] {
  const live = nodes.filter((n) => n.role !== 'stopped')
  const keys = [...new Set(live.flatMap((n) => n.data.map((d) => d.key)))].sort()
  return keys.filter((k) => {
    const views = new Set(live.map((n) => JSON.stringify(n.data.find((d) => d.key === k)?.value ?? null)))
    const siblings = resolution !== 'crdt' && live.some((n) => { const v = n.data.find((d) => d.key === k)?.value; return Array.isArray(v) && v.length > 1 })
    return views.size > 1 || siblings
  })
}
