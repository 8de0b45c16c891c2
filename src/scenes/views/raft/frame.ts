/**
 * What the Raft scene draws at one instant: the cluster's state and the messages on the wire.
 * At a checkpoint that is the scenario's snapshot as it is. Between two checkpoints the trace is
 * replayed onto the earlier snapshot up to a simulated time: roles, terms, logs, commit and apply
 * indices, votes, the leader's nextIndex/matchIndex and the election timers change exactly when
 * the simulation changed them, and the real messages fly. Pure functions: no three.js here.
 */
import type { RaftInFlight, RaftNodeSnapshot, RaftPayload, RaftRole, RaftSnapshot } from '../../../sim/raft/types.ts'
import type { TraceEvent } from '../../../sim/trace.ts'
import { flights, inFlightAt, stateAt, type Flight } from '../../flight.ts'
import { timeWarp } from '../../primitives/time-warp.ts'

export interface WireItem {
  flight: Flight
  /** How far along, 0..1. */
  f: number
}

export interface RaftFrame {
  snap: RaftSnapshot
  wire: WireItem[]
}

/** The client is not a Raft node: its messages use this id. */
export const CLIENT = 'client'
/** Simulated ms a client request or reply takes (the model has no client; the scene draws one). */
export const CLIENT_LATENCY = 4
/**
 * Idle stretches of a transition are squeezed to this many simulated ms (see timeWarp): a step
 * that waits 40 ms for the next heartbeat after 5 ms of messages still shows the messages fly.
 */
const MAX_GAP_MS = 7

/**
 * The client's writes, read from the whole trace: a request lands when a leader appends a
 * 'client write' to its log; the reply leaves when that node, still leading, applies that index.
 */
export function clientFlights(trace: readonly TraceEvent[]): Flight[] {
  const out: Flight[] = []
  const roles = new Map<number, RaftRole>()
  const pending: { node: number; index: number }[] = []
  for (const e of trace) {
    if (e.type !== 'state') continue
    const node = Number(e.node)
    if (e.field === 'role') roles.set(node, e.value as RaftRole)
    if (e.field === 'log' && e.label === 'client write' && roles.get(node) === 'leader') {
      const index = Number(e.value)
      pending.push({ node, index })
      out.push(clientFlight(-e.id, CLIENT, node, 'ClientRequest', e.at - CLIENT_LATENCY, e.at, { index, anchor: e.id }))
    }
    if (e.field === 'lastApplied' && roles.get(node) === 'leader') {
      for (let k = pending.length - 1; k >= 0; k--) {
        const w = pending[k]!
        if (w.node !== node || Number(e.value) < w.index) continue
        pending.splice(k, 1)
        out.push(clientFlight(-e.id - 0.5, node, CLIENT, 'ClientReply', e.at, e.at + CLIENT_LATENCY, { index: w.index, anchor: e.id }))
      }
    }
  }
  return out
}

/**
 * What a client flight's payload holds: the index written, and the id of the trace event it hangs
 * on (the leader's append for a request, which lands then; its apply for a reply, which leaves
 * then). A flight belongs to a checkpoint's past when that event is in the trace up to it.
 */
export interface ClientPayload {
  index: number
  anchor: number
}

function clientFlight(msg: number, from: number | string, to: number | string, kind: string, sentAt: number, endAt: number, payload: ClientPayload): Flight {
  return { msg, from, to, kind, sentAt, endAt, dropped: false, payload }
}

/** A checkpoint (or a live snapshot) as it is; `client`: the client's flights up to it. */
export function frameOf(snap: RaftSnapshot, client: readonly Flight[] = []): RaftFrame {
  const wire = snap.inFlight.map((m) => ({ flight: toFlight(m), f: progressOf(m.sentAt, m.deliverAt, snap.time) }))
  return { snap, wire: [...wire, ...inFlightAt(client, snap.time)] }
}

/**
 * The transition from checkpoint snapshot `start` to `end` at t ∈ [0, 1), given the trace events
 * between them. Simulated time runs through a warp that squeezes idle stretches; it starts early
 * enough to show a client's request travelling to the leader when the step begins with a write.
 * `client`: the client's flights up to checkpoint `end`; `known`: every message's payload (see
 * payloadsOf), else those already on the wire at `start` are rebuilt from the snapshot without
 * the fields it lacks (an acknowledgement's matchIndex).
 */
export function frameBetween(start: RaftSnapshot, end: RaftSnapshot, events: readonly TraceEvent[], t: number, client: readonly Flight[] = [], known?: ReadonlyMap<number, RaftPayload>): RaftFrame {
  const ids = new Set(events.map((e) => e.id))
  // The client's flights of this step, and any still travelling from the previous one.
  const mine = client.filter((f) => ids.has((f.payload as ClientPayload).anchor) || (f.sentAt < start.time && f.endAt > start.time))
  const begin = Math.min(start.time, ...mine.map((f) => f.sentAt))
  const keys = [...events.map((e) => e.at), ...mine.flatMap((f) => [f.sentAt, f.endAt])]
  const time = timeWarp(keys, begin, end.time, MAX_GAP_MS)(t)
  const onWire = start.inFlight.map((m) => ({ msg: m.msg, from: m.from, to: m.to, kind: m.kind, sentAt: m.sentAt, deliverAt: m.deliverAt }))
  const all = flights(events, onWire)
  const payloads = known ?? payloadMap(start, events)
  for (const f of all) f.payload ??= payloads.get(f.msg)
  // As in interpolate(), what the script did at `time` itself has not happened yet: t = 0 is the
  // earlier checkpoint exactly, even when the step begins at the same instant (a write, a crash).
  const onWireAtStart = new Set(start.inFlight.map((m) => m.msg))
  const wire = all
    .filter((f) => (onWireAtStart.has(f.msg) || f.sentAt < time) && time < f.endAt)
    .map((flight) => ({ flight, f: progressOf(flight.sentAt, flight.endAt, time) }))
  return { snap: interpolate(start, end, events, time, payloads), wire: [...wire, ...inFlightAt(mine, time)] }
}

export function progressOf(sentAt: number, endAt: number, time: number): number {
  const span = endAt - sentAt
  return span > 0 ? Math.min(1, Math.max(0, (time - sentAt) / span)) : 1
}

/** Every message's payload in a trace (the trace keeps them on 'send' events only). */
export function payloadsOf(trace: readonly TraceEvent[]): Map<number, RaftPayload> {
  const map = new Map<number, RaftPayload>()
  for (const e of trace) if (e.type === 'send' && e.payload) map.set(e.msg, e.payload as RaftPayload)
  return map
}

/** Payloads of the messages in the window, and of those on the wire at its start as the snapshot has them. */
function payloadMap(start: RaftSnapshot, events: readonly TraceEvent[]): Map<number, RaftPayload> {
  const map = new Map<number, RaftPayload>()
  for (const m of start.inFlight) map.set(m.msg, payloadOf(m))
  for (const e of events) if (e.type === 'send' && e.payload) map.set(e.msg, e.payload as RaftPayload)
  return map
}

/** A payload rebuilt from a snapshot's message on the wire (fields the scene does not read are 0). */
export function payloadOf(m: RaftInFlight): RaftPayload {
  switch (m.kind) {
    case 'RequestVote': return { kind: 'RequestVote', term: m.term, lastLogIndex: 0, lastLogTerm: 0 }
    case 'RequestVoteReply': return { kind: 'RequestVoteReply', term: m.term, granted: m.granted ?? false }
    case 'AppendEntries': return { kind: 'AppendEntries', term: m.term, prevLogIndex: m.prevLogIndex ?? 0, prevLogTerm: 0, entries: m.entries ?? 0, leaderCommit: 0 }
    case 'AppendEntriesReply': return { kind: 'AppendEntriesReply', term: m.term, success: m.success ?? false, matchIndex: 0, conflictIndex: 0, conflictTerm: null }
  }
}

function toFlight(m: RaftInFlight): Flight {
  return { msg: m.msg, from: m.from, to: m.to, kind: m.kind, sentAt: m.sentAt, endAt: m.deliverAt, dropped: false, payload: payloadOf(m) }
}

/**
 * The cluster at `time` between two checkpoints: the start snapshot with the events before `time`
 * replayed onto it. Strictly before: the start snapshot was taken at its instant after some of
 * that instant's events, and the rest (the step's first events) belong to the step.
 */
export function interpolate(start: RaftSnapshot, end: RaftSnapshot, events: readonly TraceEvent[], time: number, payloads: ReadonlyMap<number, RaftPayload>): RaftSnapshot {
  let cut = 0
  while (cut < events.length && events[cut]!.at < time) cut++
  const past = events.slice(0, cut)
  const nodes = start.nodes.map((s, i) => nodeAt(i, s, end.nodes[i] ?? s, past, events, payloads, start.nodes.length))
  let partition = start.partition
  let unreliable = start.unreliable
  for (const ev of past) {
    if (ev.type !== 'fault') continue
    if (ev.action === 'partition') partition = (ev.groups ?? []).map((g) => g.map(Number))
    if (ev.action === 'heal') partition = null
    if (ev.action === 'unreliable') unreliable = true
    if (ev.action === 'reliable') unreliable = false
  }
  // RaftCluster.leader(): the alive, connected leader of the highest term.
  let leader: number | null = null
  for (const n of nodes) if (n.alive && n.connected && n.role === 'leader' && (leader === null || n.term > nodes[leader]!.term)) leader = n.id
  const term = leader !== null ? nodes[leader]!.term : Math.max(0, ...nodes.filter((n) => n.alive).map((n) => n.term))
  return { time, nodes, leader, term, inFlight: [], partition, unreliable }
}

/** Node `i` after the events `past` (a prefix of the step's `events`). */
function nodeAt(i: number, s: RaftNodeSnapshot, e: RaftNodeSnapshot, past: readonly TraceEvent[], events: readonly TraceEvent[], payloads: ReadonlyMap<number, RaftPayload>, n: number): RaftNodeSnapshot {
  let role = s.role
  let alive = s.alive
  let connected = s.connected
  let lastApplied = s.lastApplied
  let logLength = s.log.length
  let logTouched = false
  let votes = [...s.votes]
  let next = [...s.nextIndex]
  let match = [...s.matchIndex]
  for (const ev of past) {
    if (ev.type === 'state' && ev.node === i) {
      if (ev.field === 'log') {
        logLength = Number(ev.value)
        logTouched = true
      } else if (ev.field === 'lastApplied') {
        lastApplied = Number(ev.value)
      } else if (ev.field === 'role') {
        role = ev.value as RaftRole
        // Figure 2: a candidate votes for itself; a new leader assumes every log matches its own.
        votes = role === 'candidate' ? [i] : []
        next = role === 'leader' ? new Array<number>(n).fill(logLength + 1) : []
        match = role === 'leader' ? new Array<number>(n).fill(0) : []
      }
    } else if (ev.type === 'fault' && ev.nodes.includes(i)) {
      if (ev.action === 'crash' || ev.action === 'restart') lastApplied = 0
      if (ev.action === 'crash') alive = false
      if (ev.action === 'restart') alive = true
      if (ev.action === 'disconnect') connected = false
      if (ev.action === 'connect') connected = true
    } else if (ev.type === 'deliver' && ev.to === i) {
      const p = payloads.get(ev.msg)
      const from = Number(ev.from)
      if (role === 'candidate' && p?.kind === 'RequestVoteReply' && p.granted && !votes.includes(from)) votes.push(from)
      if (role === 'leader' && p?.kind === 'AppendEntriesReply' && p.success && from < match.length) {
        match[from] = Math.max(match[from]!, p.matchIndex)
        next[from] = Math.max(next[from]!, p.matchIndex + 1)
      }
    } else if (ev.type === 'send' && ev.from === i && role === 'leader') {
      // What a leader sends says where it stands: AppendEntries start at nextIndex.
      const p = payloads.get(ev.msg)
      const to = Number(ev.to)
      if (p?.kind === 'AppendEntries' && to < next.length) next[to] = p.prevLogIndex + 1
    }
  }
  // A leader's own slots hold its last index (and the one after it).
  if (role === 'leader' && i < match.length) {
    match[i] = logLength
    next[i] = logLength + 1
  }
  // Entries only come from the two snapshots: before this node's log changes it is the start's;
  // after, each index holds the later snapshot's entry where it has one (a follower's conflicting
  // suffix is replaced by the leader's, which the later snapshot holds).
  const log = logTouched
    ? Array.from({ length: logLength }, (_, k) => e.log[k] ?? s.log[k]).filter((x) => x !== undefined)
    : s.log
  return {
    ...s,
    role,
    alive,
    connected,
    term: Number(stateAt(past, i, 'term', Infinity, s.term)),
    votedFor: stateAt(past, i, 'votedFor', Infinity, s.votedFor) as number | null,
    commitIndex: Number(stateAt(past, i, 'commitIndex', Infinity, s.commitIndex)),
    lastApplied,
    log,
    votes,
    nextIndex: next,
    matchIndex: match,
    electionDeadline: alive && role !== 'leader' ? deadlineAt(i, s, e, past.length, events, payloads) : null,
  }
}

/**
 * A follower's or candidate's election deadline once the first `happened` of the step's `events`
 * have happened. The trace records when a timer is
 * re-armed (a heartbeat accepted, a vote granted, a new candidacy, a reboot) but not the random
 * draw; the later snapshot holds the last draw, so earlier re-arms are drawn with its length.
 */
function deadlineAt(i: number, s: RaftNodeSnapshot, e: RaftNodeSnapshot, happened: number, events: readonly TraceEvent[], payloads: ReadonlyMap<number, RaftPayload>): number | null {
  const rearms: { at: number; k: number }[] = []
  for (const [k, ev] of events.entries()) {
    const p = ev.type === 'send' || ev.type === 'deliver' ? payloads.get(ev.msg) : undefined
    const rearm =
      (ev.type === 'deliver' && ev.to === i && p?.kind === 'AppendEntries') ||
      (ev.type === 'send' && ev.from === i && p?.kind === 'RequestVoteReply' && p.granted) ||
      (ev.type === 'state' && ev.node === i && ev.field === 'role' && ev.value !== 'leader') ||
      (ev.type === 'fault' && ev.action === 'restart' && ev.nodes.includes(i))
    if (rearm) rearms.push({ at: ev.at, k })
  }
  const last = rearms[rearms.length - 1]
  let latest: number | undefined
  for (const r of rearms) if (r.k < happened) latest = r.at
  if (latest === undefined || last === undefined) return s.electionDeadline
  const length = e.electionDeadline !== null ? e.electionDeadline - last.at : 225
  return latest + length
}
