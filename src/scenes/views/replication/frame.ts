/**
 * What the replication view draws at one instant: a checkpoint's snapshot as it is, or the
 * cluster between two checkpoints rebuilt from the trace (logs grow as entries land, acks count
 * up as they arrive, the primary crashes and another is promoted when they did).
 */
import type { ReplicationSnapshot } from '../../../sim/replication/snapshot.ts'
import type { FailoverRecord, ReplicationMode, WriteStatus } from '../../../sim/replication/cluster.ts'
import type { NodeId, TraceEvent } from '../../../sim/trace.ts'
import { stateAt, type Flight } from '../../flight.ts'

export interface FrameNode {
  readonly id: number
  readonly role: 'primary' | 'replica'
  readonly alive: boolean
  /** Write ids of its log, in lsn order. */
  readonly log: readonly number[]
  /** Highest lsn it acknowledged to the primary (null: not in the replica set). */
  readonly acked: number | null
  /** Entries queued for it at the primary, not yet on the wire. */
  readonly backlog: number
  readonly linkLagMs: number
  /** Age of the oldest entry it lacks, ms (known at checkpoints only). */
  readonly lagMs: number | null
}

export interface FrameWrite {
  readonly id: number
  readonly status: WriteStatus
  readonly invokedAt: number
  readonly ackedAt: number | null
}

export interface Frame {
  readonly time: number
  readonly mode: ReplicationMode
  readonly primary: number
  readonly semiSync: ReplicationSnapshot['semiSync']
  readonly partition: readonly (readonly NodeId[])[] | null
  readonly nodes: readonly FrameNode[]
  readonly writes: readonly FrameWrite[]
  readonly failover: FailoverRecord | null
  readonly wire: readonly { flight: Flight; f: number }[]
}

export function frameOf(s: ReplicationSnapshot, wire: readonly { flight: Flight; f: number }[]): Frame {
  return {
    time: s.now,
    mode: s.mode,
    primary: s.primary,
    semiSync: s.semiSync,
    partition: s.partition,
    nodes: s.nodes.map((n) => ({ id: n.id, role: n.role, alive: n.alive, log: n.log, acked: n.acked, backlog: n.backlog, linkLagMs: n.linkLagMs, lagMs: n.lag.entries > 0 ? n.lag.ms : 0 })),
    writes: s.writes.map((w) => ({ id: w.id, status: w.status, invokedAt: w.invokedAt, ackedAt: w.latencyMs === null ? null : w.invokedAt + w.latencyMs })),
    failover: s.failover,
    wire,
  }
}

/** The flights of a snapshot's messages on the wire, with how far along each is at its time. */
export function wireOf(s: ReplicationSnapshot): { flight: Flight; f: number }[] {
  return s.inFlight.map((m) => {
    const span = m.deliverAt - m.sentAt
    const f = span > 0 ? Math.min(1, Math.max(0, (s.now - m.sentAt) / span)) : 1
    return { flight: { msg: m.msg, from: m.from, to: m.to, kind: m.kind, sentAt: m.sentAt, endAt: m.deliverAt, dropped: false, payload: undefined }, f }
  })
}

/** When the trace changed write `id` to `status` (Infinity: not between these checkpoints). */
function statusChangedAt(events: readonly TraceEvent[], id: number, status: WriteStatus): number {
  for (const e of events) {
    if (status === 'acked' && e.type === 'state' && e.node === 'client' && e.field === `write.${id}`) return e.at
    if (status === 'lost' && e.type === 'note' && e.node === 'client' && Array.isArray((e.data as { lost?: unknown } | undefined)?.lost) && (e.data as { lost: number[] }).lost.includes(id)) return e.at
    // Pending writes fail at the failover (the promoted node's role event).
    if (status === 'failed' && e.type === 'state' && e.field === 'role' && e.value === 'primary') return e.at
  }
  return Infinity
}

/**
 * The cluster at `time` between checkpoint snapshots `a` and `b`: the trace `events` between them
 * replayed onto `a`. Log contents come from `b` (a log only grows, or is cut back at a failover,
 * which `b` shows), their length from the traced lsn changes.
 */
export function interpolate(a: ReplicationSnapshot, b: ReplicationSnapshot, events: readonly TraceEvent[], all: readonly Flight[], time: number, wire: readonly { flight: Flight; f: number }[]): Frame {
  let primary = a.primary
  let semiActive = a.semiSync?.active ?? false
  let partition: readonly (readonly NodeId[])[] | null = a.partition
  let failedOver = false
  const alive = a.nodes.map((n) => n.alive)
  for (const e of events) {
    if (e.at > time) break
    if (e.type === 'state' && e.field === 'role' && e.value === 'primary') {
      primary = Number(e.node)
      failedOver = true
    }
    if (e.type === 'state' && e.field === 'semiSync') semiActive = e.value === 'on'
    if (e.type === 'fault' && e.action === 'partition') partition = e.groups ?? null
    if (e.type === 'fault' && e.action === 'heal') partition = null
    if (e.type === 'fault' && (e.action === 'crash' || e.action === 'restart')) for (const id of e.nodes) alive[Number(id)] = e.action === 'restart'
  }

  const logs = a.nodes.map((n, i) => {
    const end = b.nodes[i]?.log ?? n.log
    const len = Number(stateAt(events, i, 'lsn', time, n.log.length))
    return len <= end.length ? end.slice(0, len) : n.log.slice(0, len)
  })

  // Acks counted as they arrive at the primary; one still on the wire at `a` carries the
  // replica's log length (acks are cumulative).
  const acked = a.nodes.map((n) => n.acked)
  for (const fl of all) {
    if (fl.kind !== 'ack' || fl.dropped || fl.endAt > time || Number(fl.to) !== primary) continue
    const from = Number(fl.from)
    const lsn = (fl.payload as { lsn?: number } | undefined)?.lsn ?? logs[from]?.length ?? 0
    acked[from] = Math.max(acked[from] ?? 0, lsn)
  }

  // The primary's outbound queues: +1 per entry it commits, -1 per entry it puts on the wire.
  const backlog = a.nodes.map((n) => n.backlog)
  for (const e of events) {
    if (e.at > time) break
    if (e.type === 'state' && e.field === 'lsn' && Number(e.node) === primary && alive[primary]) {
      for (const n of a.nodes) if (n.id !== primary && n.acked !== null) backlog[n.id] = (backlog[n.id] ?? 0) + 1
    }
    if (e.type === 'send' && e.kind === 'replicate') backlog[Number(e.to)] = Math.max(0, (backlog[Number(e.to)] ?? 0) - 1)
    if (e.type === 'fault' && e.action === 'crash' && e.nodes.includes(primary)) backlog.fill(0)
  }

  const writes: FrameWrite[] = []
  for (const w of b.writes) {
    const before = a.writes.find((x) => x.id === w.id)
    if (!before && w.invokedAt > time) continue
    let status: WriteStatus = before?.status ?? 'pending'
    if (status !== w.status && statusChangedAt(events, w.id, w.status) <= time) status = w.status
    const ackedAt = w.latencyMs === null || status === 'pending' ? null : w.invokedAt + w.latencyMs
    writes.push({ id: w.id, status, invokedAt: w.invokedAt, ackedAt })
  }

  return {
    time,
    mode: a.mode,
    primary,
    semiSync: a.semiSync ? { ...a.semiSync, active: semiActive } : null,
    partition,
    nodes: a.nodes.map((n, i) => ({
      id: n.id,
      role: i === primary ? 'primary' : 'replica',
      alive: alive[i] ?? n.alive,
      log: logs[i] ?? n.log,
      acked: failedOver ? (b.nodes[i]?.acked ?? null) : (acked[i] ?? null),
      backlog: failedOver ? (b.nodes[i]?.backlog ?? 0) : (backlog[i] ?? 0),
      linkLagMs: b.nodes[i]?.linkLagMs ?? n.linkLagMs,
      lagMs: null,
    })),
    writes,
    failover: failedOver ? b.failover : a.failover,
    wire,
  }
}
