/**
 * What the streaming scene draws at one instant, as plain data (no three.js): the broker's logs,
 * the producers', groups' and queue's state, and the messages on the wire. At a checkpoint that is
 * the scenario's snapshot as it is. Between two checkpoints the trace is replayed onto the earlier
 * snapshot up to a simulated time, so records are appended, offsets committed, members crash,
 * assignments move and tasks are acknowledged exactly when the simulation did it:
 *
 * - appends: state `append` on "<topic>-<partition>" (value: the offset);
 * - groups: `assignment` and `committed` on the group, `processed` and `position` (a seek) on a
 *   member, `member` (left / expired), crash and restart faults, and the `assign` messages a
 *   member receives (its generation and fetch positions follow them, as the consumer's do);
 * - sessions: each heartbeat or join the coordinator receives pushes the member's deadline on;
 * - queues: `enqueued` / `redelivered` on the queue, `message` sends (a task handed out) and
 *   `ack-message` deliveries (a task deleted).
 *
 * What the trace does not say (records older than both snapshots show, who lost which record
 * when) comes from the two snapshots: a group's lost records appear at the crash that lost them.
 */
import type { GroupView, MemberView, StreamingScenarioSnapshot } from '../../../sim/streaming/index.ts'
import type { LogRecord } from '../../../sim/streaming/log.ts'
import type { QueueMessage } from '../../../sim/streaming/queue.ts'
import type { TraceEvent } from '../../../sim/trace.ts'
import { flights, inFlightAt, type Flight } from '../../flight.ts'
import { timeWarp } from '../../primitives/time-warp.ts'

export interface WireItem {
  readonly flight: Flight
  /** How far along, 0..1. */
  readonly f: number
}

export interface StreamFrame {
  readonly snap: StreamingScenarioSnapshot
  readonly wire: readonly WireItem[]
}

/** What senders attach to their messages for the picture (streaming.ts). */
export interface StreamPayload {
  readonly id?: string | null
  readonly topic?: string
  readonly partition?: number
  readonly key?: string | null
  readonly try?: number
  readonly offset?: number
  readonly records?: number
  readonly ok?: boolean
  readonly generation?: number
  readonly partitions?: readonly string[]
}

/** Idle stretches of a transition are squeezed to this many simulated ms (see timeWarp). */
const MAX_GAP_MS = 12
/** Records a frame keeps per partition (as the model's snapshot does). */
const RECORDS_SHOWN = 24

export const payloadOf = (p: unknown): StreamPayload => (p && typeof p === 'object' ? (p as StreamPayload) : {})

const progress = (sentAt: number, endAt: number, time: number): number => {
  const span = endAt - sentAt
  return span > 0 ? Math.min(1, Math.max(0, (time - sentAt) / span)) : 1
}

/** A checkpoint (or a live snapshot) as it is. */
export function frameOf(snap: StreamingScenarioSnapshot): StreamFrame {
  const wire = snap.inFlight.map((m) => ({
    flight: { msg: m.id, from: m.from, to: m.to, kind: m.kind, sentAt: m.sentAt, endAt: m.deliverAt, dropped: false, payload: m.payload },
    f: progress(m.sentAt, m.deliverAt, snap.now),
  }))
  return { snap, wire }
}

/** The frames between two checkpoints: built once per transition, sampled every animation frame. */
export class Transition {
  private readonly all: Flight[]
  private readonly payloads = new Map<number, StreamPayload>()
  private readonly warp: (t: number) => number

  constructor(
    private readonly start: StreamingScenarioSnapshot,
    private readonly end: StreamingScenarioSnapshot,
    private readonly events: readonly TraceEvent[],
  ) {
    for (const m of start.inFlight) this.payloads.set(m.id, payloadOf(m.payload))
    for (const e of events) if (e.type === 'send') this.payloads.set(e.msg, payloadOf(e.payload))
    const onWire = start.inFlight.map((m) => ({ msg: m.id, from: m.from, to: m.to, kind: m.kind, sentAt: m.sentAt, deliverAt: m.deliverAt }))
    this.all = flights(events, onWire)
    for (const f of this.all) f.payload ??= this.payloads.get(f.msg)
    this.warp = timeWarp(events.map((e) => e.at), start.now, end.now, MAX_GAP_MS)
  }

  /** Simulated time at transition fraction t. */
  timeAt(t: number): number {
    return this.warp(t)
  }

  at(time: number): StreamFrame {
    return { snap: stateAt(this.start, this.end, this.events, time, this.payloads), wire: inFlightAt(this.all, time) }
  }
}

interface MemberState {
  id: string
  alive: boolean
  generation: number
  positions: Map<string, number>
  processed: number
  sessionExpiresAt: number | null
  /** Ids processed inside a transaction not yet committed (exactly once). */
  inTxn: string[]
}

interface GroupState {
  view: GroupView
  generation: number
  assignment: Record<string, readonly string[]> | null
  committed: Record<string, number>
  members: Map<string, MemberState>
  times: Map<string, number>
  crashed: boolean
}

interface QueueState {
  ready: QueueMessage[]
  unacked: (QueueMessage & { consumer: string })[]
  counters: { enqueued: number; delivered: number; acked: number; redelivered: number }
}

const emptyStats = { produced: 0, processed: 0, distinct: 0, lost: 0, duplicated: 0, pending: 0 }

/** The state at `time` between snapshot `start` and snapshot `end` (pure; `events` lie between them). */
export function stateAt(
  start: StreamingScenarioSnapshot,
  end: StreamingScenarioSnapshot,
  events: readonly TraceEvent[],
  time: number,
  payloads: ReadonlyMap<number, StreamPayload>,
): StreamingScenarioSnapshot {
  // --- logs: appended offsets and retention --------------------------------------------------
  const logEnd = new Map<string, number>()
  const logStart = new Map<string, number>()
  for (const t of start.topics) {
    for (const p of t.partitions) {
      logEnd.set(`${t.name}-${p.partition}`, p.logEndOffset)
      logStart.set(`${t.name}-${p.partition}`, p.logStartOffset)
    }
  }
  // --- groups ---------------------------------------------------------------------------------
  const groups = new Map<string, GroupState>()
  const memberGroup = new Map<string, GroupState>()
  for (const eg of end.groups) {
    const sg = start.groups.find((g) => g.name === eg.name)
    const view = sg ?? { ...eg, generation: 0, members: [], committed: Object.fromEntries(Object.keys(eg.committed).map((k) => [k, 0])), stats: emptyStats, processedTimes: {}, lostIds: [] }
    const gs: GroupState = {
      view,
      generation: view.generation,
      assignment: null,
      committed: { ...view.committed },
      members: new Map(),
      times: new Map(Object.entries(view.processedTimes)),
      crashed: false,
    }
    for (const m of view.members) gs.members.set(m.id, memberState(m))
    groups.set(eg.name, gs)
    for (const m of eg.members) memberGroup.set(m.id, gs)
  }
  // --- producers and queues -------------------------------------------------------------------
  const producers = start.producers.map((p) => ({ ...p }))
  // Records awaiting the broker's acknowledgement (queue sends get none: they do not count).
  const pending = new Map(start.producers.map((p) => [p.id, p.pending]))
  const queues = new Map<string, QueueState>()
  for (const q of end.queues) {
    const sq = start.queues.find((x) => x.name === q.name)
    queues.set(q.name, { ready: [...(sq?.ready ?? [])], unacked: [...(sq?.unacked ?? [])], counters: { ...(sq?.counters ?? { enqueued: 0, delivered: 0, acked: 0, redelivered: 0 }) } })
  }
  const workers = new Map(start.queueConsumers.map((c) => [c.id, { ...c }]))
  for (const c of end.queueConsumers) if (!workers.has(c.id)) workers.set(c.id, { ...c, working: null, processed: 0 })
  const values = new Map<string, string>()
  for (const s of [start, end]) for (const q of s.queues) for (const m of [...q.ready, ...q.unacked]) values.set(m.id, m.value)

  for (const e of events) {
    if (e.at > time) break
    if (e.type === 'state') {
      const node = String(e.node)
      if (e.field === 'append') logEnd.set(node, Math.max(logEnd.get(node) ?? 0, Number(e.value) + 1))
      else if (e.field === 'logStartOffset') logStart.set(node, Number(e.value))
      else if (e.field === 'assignment') {
        const g = groups.get(node)
        if (g) {
          g.assignment = e.value as Record<string, readonly string[]>
          g.generation = Number(/^generation (\d+)/.exec(e.label ?? '')?.[1] ?? g.generation + 1)
        }
      } else if (e.field === 'committed') {
        const g = groups.get(node)
        if (g) {
          Object.assign(g.committed, e.value as Record<string, number>)
          // A transaction's results count once it commits.
          const who = /^(\S+) committed a transaction/.exec(e.label ?? '')?.[1]
          const m = who ? g.members.get(who) : undefined
          if (m) {
            for (const id of m.inTxn) g.times.set(id, (g.times.get(id) ?? 0) + 1)
            m.inTxn = []
          }
        }
      } else if (e.field === 'txn-aborted') {
        const who = /^(\S+)'s transaction aborted/.exec(e.label ?? '')?.[1]
        const m = who ? groups.get(node)?.members.get(who) : undefined
        if (m) m.inTxn = []
      } else if (e.field === 'processed') {
        const g = memberGroup.get(node)
        const m = g ? member(g, node) : undefined
        const at = /^(.+)@(\d+)( \(in transaction\))?$/.exec(e.label ?? '')
        if (g && m && at) {
          m.processed++
          const tp = at[1]!
          if (m.positions.has(tp)) m.positions.set(tp, Math.max(m.positions.get(tp)!, Number(at[2]) + 1))
          if (at[3]) m.inTxn.push(String(e.value))
          else g.times.set(String(e.value), (g.times.get(String(e.value)) ?? 0) + 1)
        }
      } else if (e.field === 'position') {
        const g = memberGroup.get(node)
        const m = g ? member(g, node) : undefined
        const tp = /^(\S+) rewound to/.exec(e.label ?? '')?.[1]
        if (m && tp) m.positions.set(tp, Number(e.value))
      } else if (e.field === 'member') {
        const g = memberGroup.get(node)
        const m = g ? member(g, node) : undefined
        if (m) m.sessionExpiresAt = null
      } else if (e.field === 'enqueued') {
        const q = queues.get(node)
        if (q) {
          const id = String(e.value)
          if (e.label !== undefined) values.set(id, e.label)
          q.ready.push({ id, value: values.get(id) ?? id, enqueuedAt: e.at })
          q.counters.enqueued++
        }
      } else if (e.field === 'redelivered') {
        const q = queues.get(node)
        const i = q ? q.unacked.findIndex((m) => m.id === String(e.value)) : -1
        if (q && i >= 0) {
          const [back] = q.unacked.splice(i, 1)
          q.ready.unshift({ id: back!.id, value: back!.value, enqueuedAt: back!.enqueuedAt })
          q.counters.redelivered++
        }
      }
    } else if (e.type === 'fault') {
      for (const id of e.nodes.map(String)) {
        const g = memberGroup.get(id)
        const m = g ? member(g, id) : undefined
        if (!g || !m) continue
        if (e.action === 'crash') {
          m.alive = false
          m.inTxn = []
          g.crashed = true
        } else if (e.action === 'restart') {
          Object.assign(m, { alive: true, generation: 0, positions: new Map(), inTxn: [] })
        }
      }
    } else if (e.type === 'send') {
      const p = payloads.get(e.msg) ?? {}
      const from = String(e.from)
      const producer = producers.find((x) => x.id === from)
      if (producer && ((e.kind === 'produce' && (p.try ?? 1) === 1) || e.kind === 'enqueue')) producer.sent++
      if (producer && e.kind === 'produce' && (p.try ?? 1) === 1) pending.set(from, (pending.get(from) ?? 0) + 1)
      // A member is in the picture once it has said hello.
      const g = memberGroup.get(from)
      if (g) member(g, from)
      if (e.kind === 'message' && typeof p.id === 'string') {
        for (const q of queues.values()) {
          const i = q.ready.findIndex((m) => m.id === p.id)
          if (i < 0) continue
          const [msg] = q.ready.splice(i, 1)
          q.unacked.push({ ...msg!, consumer: String(e.to) })
          q.counters.delivered++
        }
      } else if (e.kind === 'ack-message') {
        const w = workers.get(from)
        if (w) {
          w.working = null
          w.processed++
        }
      }
    } else if (e.type === 'deliver') {
      const p = payloads.get(e.msg) ?? {}
      const to = String(e.to)
      const from = String(e.from)
      if (e.kind === 'ack') {
        const producer = producers.find((x) => x.id === to)
        if (producer) {
          producer.acked = Math.min(producer.sent, producer.acked + 1)
          pending.set(to, Math.max(0, (pending.get(to) ?? 0) - 1))
        }
      } else if (e.kind === 'heartbeat' || e.kind === 'join') {
        const g = memberGroup.get(from)
        const m = g ? member(g, from) : undefined
        if (g && m && (e.kind === 'join' || m.sessionExpiresAt !== null)) m.sessionExpiresAt = e.at + g.view.config.sessionTimeoutMs
      } else if (e.kind === 'assign') {
        const g = memberGroup.get(to)
        const m = g ? member(g, to) : undefined
        if (g && m && m.alive && (p.generation ?? 0) > m.generation) {
          m.generation = p.generation ?? m.generation
          const positions = new Map<string, number>()
          for (const tp of p.partitions ?? []) positions.set(tp, Math.max(m.positions.get(tp) ?? 0, g.committed[tp] ?? 0))
          m.positions = positions
        }
      } else if (e.kind === 'message' && typeof p.id === 'string') {
        const w = workers.get(to)
        if (w) w.working = p.id
      } else if (e.kind === 'ack-message' && typeof p.id === 'string') {
        for (const q of queues.values()) {
          const i = q.unacked.findIndex((m) => m.id === p.id)
          if (i < 0) continue
          q.unacked.splice(i, 1)
          q.counters.acked++
        }
      }
    }
  }

  // --- assemble the snapshot ---------------------------------------------------------------------
  const topics = end.topics.map((et) => {
    const st = start.topics.find((t) => t.name === et.name)
    return {
      name: et.name,
      retentionMs: et.retentionMs,
      partitions: et.partitions.map((ep) => {
        const sp = st?.partitions.find((p) => p.partition === ep.partition)
        const key = `${et.name}-${ep.partition}`
        const lo = logStart.get(key) ?? 0
        const hi = logEnd.get(key) ?? 0
        const byOffset = new Map<number, LogRecord>()
        for (const r of [...(sp?.records ?? []), ...ep.records]) byOffset.set(r.offset, r)
        const records: LogRecord[] = []
        for (let o = Math.max(lo, hi - RECORDS_SHOWN); o < hi; o++) records.push(byOffset.get(o) ?? { offset: o, key: null, value: '', id: `${key}@${o}`, appendedAt: time })
        return { partition: ep.partition, logStartOffset: lo, logEndOffset: hi, records }
      }),
    }
  })
  const ends = new Map<string, number>(topics.flatMap((t) => t.partitions.map((p) => [`${t.name}-${p.partition}`, p.logEndOffset] as const)))

  const shown = topics.flatMap((t) => t.partitions.flatMap((p) => p.records.map((r) => r.id)))
  const groupViews: GroupView[] = []
  for (const eg of end.groups) {
    const g = groups.get(eg.name)!
    // A group the script has not created yet (no member has spoken) is not there.
    if (!start.groups.some((x) => x.name === eg.name) && g.members.size === 0) continue
    const members: MemberView[] = []
    for (const em of eg.members) {
      const m = g.members.get(em.id)
      if (!m) continue
      const partitions = g.assignment ? [...(g.assignment[m.id] ?? [])] : (g.view.members.find((x) => x.id === m.id)?.partitions ?? [])
      members.push({
        id: m.id, alive: m.alive, partitions, positions: Object.fromEntries(m.positions),
        processing: m.alive ? processingAt(events, m.id, time, eg.config.processMs) : null,
        processed: m.processed, generation: m.generation, sessionExpiresAt: m.sessionExpiresAt,
      })
    }
    const lag: Record<string, number> = {}
    for (const [tp, c] of Object.entries(g.committed)) lag[tp] = Math.max(0, (ends.get(tp) ?? 0) - c)
    // Lost records: those lost at the start, and the end's from the crash that lost them on.
    const lostIds = [...new Set([...g.view.lostIds, ...(g.crashed ? eg.lostIds : [])])]
    // Counted over every message, shown (as the model does) for the records the frame holds.
    const processedTimes: Record<string, number> = {}
    for (const id of shown) if (g.times.has(id)) processedTimes[id] = g.times.get(id)!
    const counts = [...g.times.values()]
    const processed = counts.reduce((a, x) => a + x, 0)
    groupViews.push({
      ...eg,
      generation: g.generation,
      members,
      committed: g.committed,
      lag,
      processedTimes,
      lostIds,
      stats: { produced: eg.stats.produced, processed, distinct: counts.length, lost: lostIds.length, duplicated: processed - counts.length, pending: 0 },
    })
  }

  return {
    now: time,
    focus: end.focus,
    topics,
    producers: producers.map((p) => ({ ...p, pending: pending.get(p.id) ?? 0 })),
    groups: groupViews,
    queues: end.queues.map((q) => ({ name: q.name, ...queues.get(q.name)! })),
    queueConsumers: [...workers.values()],
    inFlight: [],
  }
}

function memberState(m: MemberView): MemberState {
  return {
    id: m.id, alive: m.alive, generation: m.generation, positions: new Map(Object.entries(m.positions)),
    processed: m.processed, sessionExpiresAt: m.sessionExpiresAt, inTxn: [],
  }
}

/** A member of the group at the current point of the replay (created, alive, when first seen). */
function member(g: GroupState, id: string): MemberState {
  let m = g.members.get(id)
  if (!m) {
    m = { id, alive: true, generation: 0, positions: new Map(), processed: 0, sessionExpiresAt: null, inTxn: [] }
    g.members.set(id, m)
  }
  return m
}

/** The record a member is working on at `time`: the next one it finishes, if it started already. */
function processingAt(events: readonly TraceEvent[], id: string, time: number, processMs: number): MemberView['processing'] {
  for (const e of events) {
    if (e.at <= time) continue
    if (e.at > time + processMs) break
    if (e.type === 'fault' && e.nodes.map(String).includes(id)) return null
    if (e.type !== 'state' || String(e.node) !== id || e.field !== 'processed') continue
    const at = /^(.+)@(\d+)/.exec(e.label ?? '')
    return at ? { tp: at[1]!, offset: Number(at[2]), id: String(e.value) } : null
  }
  return null
}
