/**
 * What the load-balancing view draws at one instant, as plain data: a snapshot's state, or
 * (between two checkpoints) the earlier snapshot with the trace replayed onto it up to a time.
 * Keeping this apart from three.js makes the view a straight mapping from an LbFrame to objects,
 * and lets the replay be tested on its own.
 *
 * The replay uses only what the model records: the balancer's forwards (lb → backend requests:
 * a pick, one more open connection), its answers to clients (lb → client responses: a request
 * served or failed, one fewer open), health and weight changes (state events), crashes and
 * restarts (fault events), and probes with their replies. A probe that gets no reply counts as
 * failed when its timeout fires, which the trace does not record: it is sent-at + timeout.
 */
import type { ActiveCheckConfig } from '../../../sim/load-balancing/health.ts'
import type { LoadBalancingSnapshot } from '../../../sim/load-balancing/balancer.ts'
import { createPicker, type AlgorithmName } from '../../../sim/load-balancing/algorithms.ts'
import { Random } from '../../../sim/random.ts'
import type { TraceEvent } from '../../../sim/trace.ts'
import { flights as traceFlights, inFlightAt, type Flight } from '../../flight.ts'

export const BALANCER = 'lb'
/** How many picks a frame keeps (the snapshot's own length). */
const PICKS_KEPT = 24
const HISTORY = 12

export interface BackendFrame {
  readonly name: string
  readonly weight: number
  readonly up: boolean
  readonly health: 'healthy' | 'ejected'
  readonly failStreak: number
  readonly okStreak: number
  readonly requests: number
  readonly served: number
  readonly errors: number
  readonly active: number
  readonly ejections: number
  /** Smooth weighted round robin's running score (nginx's current_weight); null for other algorithms. */
  readonly score: number | null
}

export interface ClientFrame {
  readonly id: string
  readonly ip: string
  readonly requests: number
  /** Backends its requests reached, oldest first (last 12). */
  readonly history: readonly string[]
  /** IP hash only: the backend hash(ip) picks right now, among the healthy ones. */
  readonly sticky: string | null
}

/** What a sender attached to a message: a request id, a status, a probe id and verdict. */
export interface LbPayload {
  readonly req?: number
  readonly status?: number
  readonly probe?: number
  readonly ok?: boolean
}

export interface FlightFrame {
  readonly id: number
  readonly from: string
  readonly to: string
  readonly kind: string
  /** How far along, 0..1. */
  readonly f: number
  /** Lost on the way (sent to a crashed backend). */
  readonly dropped: boolean
  readonly payload: LbPayload
}

export interface LbFrame {
  readonly time: number
  readonly algorithm: AlgorithmName
  readonly checks: ActiveCheckConfig | null
  readonly backends: readonly BackendFrame[]
  readonly clients: readonly ClientFrame[]
  /** The last picks, oldest first. */
  readonly picks: readonly string[]
  /** Round robin only: the backend the next request goes to. */
  readonly next: string | null
  readonly flights: readonly FlightFrame[]
}

const payloadOf = (p: unknown): LbPayload => (p && typeof p === 'object' ? (p as LbPayload) : {})

/** hash(ip) over the pool as the model's own IP-hash picker does it (it ignores its random source). */
const ipHash = createPicker('ip-hash', new Random(0))

function withDerived(time: number, algorithm: AlgorithmName, checks: ActiveCheckConfig | null, backends: BackendFrame[], clients: Omit<ClientFrame, 'sticky'>[], picks: string[], flights: FlightFrame[]): LbFrame {
  const pool = backends.map((b) => ({ name: b.name, weight: b.weight, active: b.active, healthy: b.health === 'healthy' }))
  const healthy = pool.filter((c) => c.healthy)
  // Round robin's counter is the number of picks it has made (one pool, never reset in these scenes).
  const made = backends.reduce((n, b) => n + b.requests, 0)
  const next = algorithm === 'round-robin' && healthy.length > 0 ? healthy[made % healthy.length]!.name : null
  return {
    time, algorithm, checks, backends, picks: picks.slice(-PICKS_KEPT), next, flights,
    clients: clients.map((c) => ({ ...c, sticky: algorithm === 'ip-hash' ? ipHash.pick(pool, { ip: c.ip }) : null })),
  }
}

/** A snapshot as it is (a checkpoint, or a live model). */
export function frameOf(s: LoadBalancingSnapshot): LbFrame {
  const weights = s.balancer.currentWeights
  const backends: BackendFrame[] = s.backends.map((b) => ({
    name: b.name, weight: b.weight, up: b.up, health: b.health, failStreak: b.failStreak, okStreak: b.okStreak,
    requests: b.requests, served: b.served, errors: b.errors, active: b.active, ejections: b.ejections,
    score: weights ? (weights[b.name] ?? 0) : null,
  }))
  const flights: FlightFrame[] = s.inFlight.map((f) => {
    const span = f.deliverAt - f.sentAt
    const along = span > 0 ? (s.now - f.sentAt) / span : 1
    return { id: f.id, from: String(f.from), to: String(f.to), kind: f.kind, f: Math.min(1, Math.max(0, along)), dropped: false, payload: payloadOf(f.payload) }
  })
  const clients = s.clients.map((c) => ({ id: c.id, ip: c.ip, requests: c.requests, history: [...c.history] }))
  return withDerived(s.now, s.algorithm, s.balancer.activeChecks, backends, clients, [...s.balancer.picks], flights)
}

/** A probe's verdict: when the balancer learnt it, and whether it passed. */
interface ProbeOutcome {
  readonly backend: string
  readonly at: number
  readonly ok: boolean
}

/** Facts about the whole script that a replay between two checkpoints needs. */
export interface ScriptIndex {
  /** Request id → the backend the balancer forwarded it to. */
  readonly backendOf: ReadonlyMap<number, string>
  /** Request id → the client that sent it. */
  readonly clientOf: ReadonlyMap<number, string>
  readonly probes: readonly ProbeOutcome[]
}

/** Read the script's whole trace once (a request answered after a checkpoint may have been forwarded before it). */
export function indexScript(trace: readonly TraceEvent[], checks: ActiveCheckConfig | null): ScriptIndex {
  const backendOf = new Map<number, string>()
  const clientOf = new Map<number, string>()
  const probeSent = new Map<number, { backend: string; at: number }>()
  const replyMsg = new Map<number, { probe: number; ok: boolean }>()
  const verdicts = new Map<number, ProbeOutcome>()
  for (const e of trace) {
    if (e.type === 'send') {
      const p = payloadOf(e.payload)
      if (e.kind === 'request' && p.req !== undefined) {
        if (e.from === BALANCER) backendOf.set(p.req, String(e.to))
        else clientOf.set(p.req, String(e.from))
      } else if (e.kind === 'probe' && p.probe !== undefined) probeSent.set(p.probe, { backend: String(e.to), at: e.at })
      else if (e.kind === 'probe-reply' && p.probe !== undefined) replyMsg.set(e.msg, { probe: p.probe, ok: p.ok === true })
    } else if (e.type === 'deliver' && e.kind === 'probe-reply') {
      const r = replyMsg.get(e.msg)
      const sent = r ? probeSent.get(r.probe) : undefined
      // A reply after the timeout is ignored by the balancer: the timeout already failed it.
      if (r && sent && (!checks || e.at <= sent.at + checks.timeoutMs) && !verdicts.has(r.probe)) verdicts.set(r.probe, { backend: sent.backend, at: e.at, ok: r.ok })
    }
  }
  const end = trace.length ? trace[trace.length - 1]!.at : 0
  if (checks) {
    for (const [probe, sent] of probeSent) {
      const due = sent.at + checks.timeoutMs
      if (!verdicts.has(probe) && due <= end) verdicts.set(probe, { backend: sent.backend, at: due, ok: false })
    }
  }
  const probes = [...verdicts.values()].sort((a, b) => a.at - b.at)
  return { backendOf, clientOf, probes }
}

/**
 * The frames between two checkpoints: `start` with the events towards `target` replayed up to a
 * time. Built once per transition; `at(time)` is a pure function of the time.
 */
export class Replay {
  private readonly wire: Flight[]
  private readonly payloads = new Map<number, LbPayload>()

  constructor(
    private readonly start: LoadBalancingSnapshot,
    private readonly events: readonly TraceEvent[],
    private readonly script: ScriptIndex,
  ) {
    const onWire = start.inFlight.map((f) => ({ msg: f.id, from: f.from, to: f.to, kind: f.kind, sentAt: f.sentAt, deliverAt: f.deliverAt }))
    for (const f of start.inFlight) this.payloads.set(f.id, payloadOf(f.payload))
    for (const e of events) if (e.type === 'send') this.payloads.set(e.msg, payloadOf(e.payload))
    this.wire = traceFlights(events, onWire)
  }

  get begin(): number {
    return this.start.now
  }

  at(time: number): LbFrame {
    const s = this.start
    let algorithm = s.algorithm
    const backends = s.backends.map((b) => ({
      name: b.name, weight: b.weight, up: b.up, health: b.health, failStreak: b.failStreak, okStreak: b.okStreak,
      requests: b.requests, served: b.served, errors: b.errors, active: b.active, ejections: b.ejections,
      score: s.balancer.currentWeights ? (s.balancer.currentWeights[b.name] ?? 0) : (null as number | null),
    }))
    const clients = s.clients.map((c) => ({ id: c.id, ip: c.ip, requests: c.requests, history: [...c.history] }))
    const picks = [...s.balancer.picks]
    const byName = new Map(backends.map((b) => [b.name, b]))
    const resetScores = (): void => {
      for (const b of backends) b.score = algorithm === 'weighted' ? 0 : null
    }
    // Probe verdicts and events interleave by time; verdicts at the start's own instant are in it already.
    const probes = this.script.probes.filter((p) => p.at > s.now && p.at <= time)
    let k = 0
    const applyProbesUpTo = (t: number): void => {
      for (; k < probes.length && probes[k]!.at <= t; k++) {
        const b = byName.get(probes[k]!.backend)
        if (!b) continue
        if (probes[k]!.ok) {
          b.okStreak++
          b.failStreak = 0
        } else {
          b.failStreak++
          b.okStreak = 0
        }
      }
    }
    for (const e of this.events) {
      if (e.at > time) break
      applyProbesUpTo(e.at)
      if (e.type === 'send') {
        const p = payloadOf(e.payload)
        if (e.kind === 'request' && e.from === BALANCER) {
          const b = byName.get(String(e.to))
          if (!b) continue
          if (b.score !== null) this.smoothPick(backends, b)
          b.requests++
          b.active++
          picks.push(b.name)
          const client = clients.find((c) => c.id === this.script.clientOf.get(p.req ?? -1))
          if (client) {
            client.history.push(b.name)
            if (client.history.length > HISTORY) client.history.shift()
          }
        } else if (e.kind === 'request' && e.to === BALANCER) {
          const client = clients.find((c) => c.id === String(e.from))
          if (client) client.requests++
        } else if (e.kind === 'response' && e.from === BALANCER) {
          const b = byName.get(this.script.backendOf.get(p.req ?? -1) ?? '')
          // A 503 (no healthy backend) was never forwarded: no backend to count it against.
          if (!b) continue
          b.active--
          if ((p.status ?? 200) >= 500) b.errors++
          else b.served++
        }
      } else if (e.type === 'state') {
        const b = byName.get(String(e.node))
        if (e.field === 'health' && b) {
          b.health = e.value === 'ejected' ? 'ejected' : 'healthy'
          if (b.health === 'ejected') b.ejections++
        } else if (e.field === 'weight' && b) {
          b.weight = Number(e.value)
          resetScores()
        } else if (e.field === 'algorithm') {
          algorithm = e.value as AlgorithmName
          resetScores()
        }
      } else if (e.type === 'fault' && (e.action === 'crash' || e.action === 'restart')) {
        for (const n of e.nodes) {
          const b = byName.get(String(n))
          if (b) b.up = e.action === 'restart'
        }
      }
    }
    applyProbesUpTo(time)
    const flights: FlightFrame[] = inFlightAt(this.wire, time).map(({ flight, f }) => ({
      id: flight.msg, from: String(flight.from), to: String(flight.to), kind: flight.kind, f, dropped: flight.dropped, payload: this.payloads.get(flight.msg) ?? {},
    }))
    return withDerived(time, algorithm, s.balancer.activeChecks, backends, clients, picks, flights)
  }

  /** nginx's smooth weighted step, replayed: every healthy backend gains its weight, the winner pays the total. */
  private smoothPick(backends: { weight: number; health: string; score: number | null }[], chosen: { score: number | null }): void {
    let total = 0
    for (const b of backends) {
      if (b.health !== 'healthy' || b.score === null) continue
      b.score += b.weight
      total += b.weight
    }
    chosen.score = (chosen.score ?? 0) - total
  }
}
