/**
 * What the mesh view draws at one instant, as plain data: a snapshot's state, or (between two
 * checkpoints) the earlier snapshot with the trace replayed onto it up to a time. Keeping this
 * separate from three.js makes the view a straight mapping from a MeshFrame to objects, and lets
 * the replay be read and tested on its own.
 *
 * The replay uses only what the model records: sends, deliveries and drops (messages, refused
 * handshakes), and state events (errorRate, cert, connection, breaker). What the trace does not
 * record (a request's tries, the routing counters) is taken from the later snapshot and clipped to
 * the time, or counted from the messages the sidecars sent.
 */
import type { MeshSnapshot, RequestView, Refusal, RetryPolicy } from '../../../sim/mesh/types.ts'
import type { BreakerState, CircuitBreakerConfig } from '../../../sim/mesh/circuit-breaker.ts'
import type { TraceEvent } from '../../../sim/trace.ts'
import { flights as traceFlights, inFlightAt, stateAt } from '../../flight.ts'

/** The client every mesh scenario calls from. */
export const CLIENT = 'frontend'
/** How many finished calls the breaker strip shows. */
export const OUTCOMES_SHOWN = 12
const RECENT = 200

export interface WorkloadFrame {
  readonly name: string
  readonly service: string
  readonly version: string
  readonly trusted: boolean
  readonly errorRate: number
  readonly cert: { readonly serial: number; readonly notBefore: number; readonly notAfter: number; readonly issuer: string } | null
  /** Trusted, within its validity window. */
  readonly certValid: boolean
}

export interface ConnFrame {
  readonly from: string
  readonly to: string
  readonly state: 'handshaking' | 'established'
  readonly serials: readonly [number, number | null]
}

/** What a sender attached to a message for the picture. */
export interface MeshPayload {
  readonly req?: number
  readonly attempt?: number
  readonly status?: number
  readonly serial?: number | null
  readonly problem?: string
}

export interface FlightFrame {
  readonly id: number
  readonly from: string
  readonly to: string
  readonly kind: string
  /** How far along, 0..1. */
  readonly f: number
  /** Refused at the receiver (a handshake from an untrusted peer). */
  readonly dropped: boolean
  readonly payload: MeshPayload
}

/** A finished call from the client, as the breaker strip shows it. */
export interface Outcome {
  readonly id: number
  readonly ok: boolean
  /** Refused by the open circuit at the client's own sidecar: it never left. */
  readonly fast: boolean
  readonly at: number
}

export interface BreakerFrame {
  readonly state: BreakerState
  readonly calls: number
  readonly failures: number
  readonly trialsStarted: number
  readonly trialsDone: number
  /** When it last opened (half-open may follow from openedAt + the wait). */
  readonly openedAt: number | null
  readonly config: CircuitBreakerConfig
  readonly shortCircuited: number
}

export interface MeshFrame {
  readonly time: number
  readonly workloads: readonly WorkloadFrame[]
  readonly connections: readonly ConnFrame[]
  readonly refusal: Refusal | null
  readonly handshakes: { readonly accepted: number; readonly refused: number }
  /** The client's latest request, as far as it had got at `time`. */
  readonly request: RequestView | null
  readonly outcomes: readonly Outcome[]
  readonly breaker: BreakerFrame | null
  /** Requests routed to each subset since the start, and the share among the last 200. */
  readonly counts: Readonly<Record<string, number>>
  readonly recent: Readonly<Record<string, number>>
  /** The default route's weights (the last route, without a header match), or null. */
  readonly weights: readonly { readonly subset: string; readonly weight: number }[] | null
  readonly retry: RetryPolicy | null
  readonly flights: readonly FlightFrame[]
}

const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x)
const payloadOf = (p: unknown): MeshPayload => (p && typeof p === 'object' ? (p as MeshPayload) : {})

function workloadsOf(s: MeshSnapshot, time: number): WorkloadFrame[] {
  return s.workloads.map((w) => ({
    name: w.name, service: w.service, version: w.version, trusted: w.trusted, errorRate: w.errorRate,
    cert: w.cert ? { serial: w.cert.serial, notBefore: w.cert.notBefore, notAfter: w.cert.notAfter, issuer: w.cert.issuer } : null,
    certValid: w.trusted && !!w.cert && time >= w.cert.notBefore && time < w.cert.notAfter,
  }))
}

function latestRequest(s: MeshSnapshot): RequestView | null {
  for (let i = s.requests.length - 1; i >= 0; i--) if (s.requests[i]!.from === CLIENT) return s.requests[i]!
  return null
}

function outcomesOf(s: MeshSnapshot): Outcome[] {
  return s.requests
    .filter((r) => r.from === CLIENT && r.status !== 'pending' && r.endedAt !== null)
    .map((r) => ({ id: r.id, ok: r.status === 'ok', fast: r.reason === 'circuit open', at: r.endedAt! }))
    .sort((a, b) => a.at - b.at || a.id - b.id)
    .slice(-OUTCOMES_SHOWN)
}

function breakerOf(s: MeshSnapshot, service: string): BreakerFrame | null {
  const config = s.policies[service]?.breaker
  if (!config) return null
  const b = s.breakers.find((x) => x.cluster === service || x.cluster.startsWith(`${service}/`))
  const shortCircuited = s.services.find((x) => x.name === service)?.counters.shortCircuited ?? 0
  if (!b) return { state: 'closed', calls: 0, failures: 0, trialsStarted: 0, trialsDone: 0, openedAt: null, config, shortCircuited }
  return { state: b.state, calls: b.calls, failures: b.failures, trialsStarted: b.trialsStarted, trialsDone: b.trialsDone, openedAt: b.openedAt, config, shortCircuited }
}

function weightsOf(s: MeshSnapshot, service: string): MeshFrame['weights'] {
  const routes = s.policies[service]?.routes?.routes
  if (!routes || routes.length === 0) return null
  const last = routes[routes.length - 1]!
  return last.route.map((d) => ({ subset: d.subset, weight: d.weight }))
}

/** A snapshot as it is (a checkpoint, or a live model's state). */
export function frameOf(s: MeshSnapshot, service: string): MeshFrame {
  const time = s.now
  const counters = s.services.find((x) => x.name === service)?.counters
  return {
    time,
    workloads: workloadsOf(s, time),
    connections: s.connections.map((c) => ({ from: c.from, to: c.to, state: c.state, serials: c.serials })),
    refusal: s.handshakes.lastRefusal,
    handshakes: { accepted: s.handshakes.accepted, refused: s.handshakes.refused },
    request: latestRequest(s),
    outcomes: outcomesOf(s),
    breaker: breakerOf(s, service),
    counts: { ...(counters?.bySubset ?? {}) },
    recent: { ...(counters?.recentSplit ?? {}) },
    weights: weightsOf(s, service),
    retry: s.policies[service]?.retry ?? null,
    flights: s.inFlight.map((m) => ({
      id: m.id, from: String(m.from), to: String(m.to), kind: m.kind,
      f: m.deliverAt > m.sentAt ? clamp01((time - m.sentAt) / (m.deliverAt - m.sentAt)) : 1,
      dropped: false, payload: payloadOf(m.payload),
    })),
  }
}

/** A request as it stood at `time`: later tries hidden, outcomes not yet known left pending. */
export function clipRequest(r: RequestView, time: number): RequestView {
  // When each try's answer came back: the failure that started backoff k is the next try's
  // departure minus that backoff; the last try ends with the request.
  const endOf = (k: number): number | null => {
    if (k < r.backoffs.length) return (r.tries[k + 1]?.sentAt ?? r.nextRetryAt ?? Infinity) - r.backoffs[k]!
    return r.tries[k]?.status !== null && r.tries[k]?.status !== undefined ? r.endedAt : null
  }
  const tries = r.tries.filter((t) => t.sentAt <= time).map((t, k) => {
    const end = endOf(k)
    return end !== null && end <= time ? t : { ...t, status: null }
  })
  const backoffs = r.backoffs.filter((_, k) => (endOf(k) ?? Infinity) <= time)
  const ended = r.endedAt !== null && r.endedAt <= time
  const waiting = backoffs.length > 0 && backoffs.length === tries.length && !ended
  const lastEnd = backoffs.length > 0 ? endOf(backoffs.length - 1)! : 0
  return {
    ...r,
    attempt: Math.max(0, tries.length - 1),
    tries,
    backoffs,
    status: ended ? r.status : 'pending',
    code: ended ? r.code : null,
    reason: ended ? r.reason : null,
    endedAt: ended ? r.endedAt : null,
    nextRetryAt: waiting ? lastEnd + backoffs[backoffs.length - 1]! : null,
  }
}

type Send = Extract<TraceEvent, { type: 'send' }>

/**
 * The way from checkpoint snapshot `a` to `b` (events `events` between them): precomputes what
 * every frame needs once, then gives the frame at any time in between.
 */
export class Transition {
  private readonly all: ReturnType<typeof traceFlights>
  /** Requests whose try left the client's sidecar for a peer sidecar (not failed fast). */
  private readonly sentOn = new Set<number>()
  /** The client sidecar's final answers to its application: id, ok, when. */
  private readonly answers: { id: number; ok: boolean; at: number }[] = []
  /** First try of each request, by the subset it went to, in order. */
  private readonly routed: { req: number; subset: string; at: number }[] = []
  private readonly maxRoutedBefore: number
  private readonly versions = new Map<string, string>()

  /** Stretches of simulated time with something on the wire, merged, for timeAt(). */
  private readonly busy: [number, number][] = []

  /**
   * `maxQuietShare`: at most this share of the animation goes to stretches with nothing on the
   * wire (1: simulated time plays evenly).
   */
  constructor(
    private readonly a: MeshSnapshot,
    private readonly b: MeshSnapshot,
    private readonly events: readonly TraceEvent[],
    private readonly service: string,
    private readonly maxQuietShare = 1,
  ) {
    this.all = traceFlights(events, a.inFlight.map((m) => ({ msg: m.id, from: m.from, to: m.to, kind: m.kind, sentAt: m.sentAt, deliverAt: m.deliverAt })))
    for (const f of this.all) if (f.payload === undefined) f.payload = a.inFlight.find((m) => m.id === f.msg)?.payload
    // Subsets are counted only where traffic rules pick them (without rules a request has none).
    const rules = !!(a.policies[service]?.routes ?? b.policies[service]?.routes)
    for (const w of b.workloads) this.versions.set(`${w.name}.proxy`, rules && w.service === service ? w.version : '')
    this.maxRoutedBefore = Math.max(0, ...a.requests.filter((r) => r.subset !== null).map((r) => r.id))
    const seen = new Set<number>()
    for (const e of events) {
      if (e.type !== 'send') continue
      const p = payloadOf((e as Send).payload)
      if (e.kind === 'request' && e.from === `${CLIENT}.proxy` && p.req !== undefined) {
        this.sentOn.add(p.req)
        const subset = this.versions.get(String(e.to))
        if (subset && p.attempt === 0 && p.req > this.maxRoutedBefore && !seen.has(p.req)) {
          seen.add(p.req)
          this.routed.push({ req: p.req, subset, at: e.at })
        }
      }
      if (e.kind === 'response' && e.from === `${CLIENT}.proxy` && e.to === CLIENT && p.req !== undefined) {
        this.answers.push({ id: p.req, ok: (p.status ?? 500) < 400, at: e.at })
      }
    }
    const spans = this.all.map((f) => [Math.max(a.now, f.sentAt), Math.min(b.now, f.endAt)] as [number, number]).filter(([x, y]) => y > x).sort((x, y) => x[0] - y[0])
    for (const [x, y] of spans) {
      const last = this.busy[this.busy.length - 1]
      if (last && x <= last[1]) last[1] = Math.max(last[1], y)
      else this.busy.push([x, y])
    }
  }

  /**
   * The simulated time to show at animation progress t ∈ [0, 1]. Quiet stretches (waiting for a
   * certificate's half-life, the gap before a call) play faster, so that they take at most
   * maxQuietShare of the animation and the rest goes to the messages. Same events, same order;
   * only the pace differs.
   */
  timeAt(t: number): number {
    const { a, b, maxQuietShare: share } = this
    const span = b.now - a.now
    const busyLength = this.busy.reduce((acc, [x, y]) => acc + (y - x), 0)
    const quietLength = span - busyLength
    if (span <= 0 || busyLength <= 0 || quietLength / span <= share) return a.now + span * t
    // Quiet time runs q times as fast as busy time: q·quiet / (busy + q·quiet) = share.
    const q = (share * busyLength) / ((1 - share) * quietLength)
    let left = t * (busyLength + q * quietLength)
    let at = a.now
    for (const [x, y] of [...this.busy, [b.now, b.now] as [number, number]]) {
      const quiet = (x - at) * q
      if (left <= quiet) return at + left / q
      left -= quiet
      if (left <= y - x) return x + left
      left -= y - x
      at = y
    }
    return b.now
  }

  at(time: number): MeshFrame {
    const { a, b, events } = this
    const base = frameOf(b, this.service)
    return {
      ...base,
      time,
      workloads: this.workloadsAt(time),
      connections: this.connectionsAt(time),
      refusal: b.handshakes.lastRefusal && b.handshakes.lastRefusal.at <= time ? b.handshakes.lastRefusal : a.handshakes.lastRefusal,
      handshakes: {
        accepted: a.handshakes.accepted + events.filter((e) => e.at <= time && e.type === 'state' && e.field === 'connection' && e.value === 'established').length,
        refused: a.handshakes.refused + events.filter((e) => e.at <= time && e.type === 'drop' && e.reason === 'refused').length,
      },
      request: this.requestAt(time),
      outcomes: this.outcomesAt(time),
      breaker: this.breakerAt(time),
      ...this.countsAt(time),
      flights: inFlightAt(this.all, time).map(({ flight, f }) => ({
        id: flight.msg, from: String(flight.from), to: String(flight.to), kind: flight.kind, f, dropped: flight.dropped, payload: payloadOf(flight.payload),
      })),
    }
  }

  private workloadsAt(time: number): WorkloadFrame[] {
    const before = workloadsOf(this.a, time)
    return workloadsOf(this.b, time).map((w) => {
      const old = before.find((x) => x.name === w.name)
      const errorRate = Number(stateAt(this.events, w.name, 'errorRate', time, old?.errorRate ?? w.errorRate))
      // The cert in force: the one whose serial the latest 'cert' event names.
      const serial = stateAt(this.events, w.name, 'cert', time, old?.cert?.serial ?? w.cert?.serial ?? null)
      const cert = typeof serial === 'number' ? ([old?.cert, w.cert].find((c) => c?.serial === serial) ?? old?.cert ?? w.cert) : (old?.cert ?? w.cert)
      const certValid = w.trusted && !!cert && serial !== 'expired' && time >= cert.notBefore && time < cert.notAfter
      return { ...w, errorRate, cert: cert ?? null, certValid }
    })
  }

  /**
   * A connection is up at `time` if the later snapshot has it and it was (re)established by
   * then; otherwise as the earlier snapshot had it, unless a close came in between; otherwise
   * handshaking once its hello left.
   */
  private connectionsAt(time: number): ConnFrame[] {
    const keys = new Map<string, { from: string; to: string }>()
    for (const c of [...this.a.connections, ...this.b.connections]) keys.set(`${c.from}>${c.to}`, { from: c.from, to: c.to })
    const out: ConnFrame[] = []
    for (const [key, { from, to }] of keys) {
      const later = this.b.connections.find((c) => `${c.from}>${c.to}` === key)
      const earlier = this.a.connections.find((c) => `${c.from}>${c.to}` === key)
      if (later?.state === 'established' && later.since <= time) {
        out.push({ from, to, state: 'established', serials: later.serials })
        continue
      }
      const closed = this.events.some((e) => e.at <= time && e.type === 'state' && e.field === 'connection' && e.value === 'closed' && typeof e.label === 'string' && e.label.startsWith(`${from} → ${to}:`))
      if (earlier?.state === 'established' && !closed) {
        out.push({ from, to, state: 'established', serials: earlier.serials })
        continue
      }
      let hello: TraceEvent | undefined
      for (let i = this.events.length - 1; i >= 0 && !hello; i--) {
        const e = this.events[i]!
        if (e.at <= time && e.type === 'send' && e.kind === 'tls-hello' && e.from === from && e.to === to) hello = e
      }
      const alert = hello && this.events.some((e) => e.at <= time && e.at >= hello.at && e.type === 'deliver' && e.kind === 'tls-alert' && e.to === from && e.from === to)
      if (hello && !alert) out.push({ from, to, state: 'handshaking', serials: [payloadOf((hello as Send).payload).serial ?? 0, null] })
      else if (!hello && earlier?.state === 'handshaking') out.push({ from, to, state: 'handshaking', serials: earlier.serials })
    }
    return out
  }

  private requestAt(time: number): RequestView | null {
    const mine = this.b.requests.filter((r) => r.from === CLIENT && r.startedAt <= time)
    const r = mine[mine.length - 1] ?? latestRequest(this.a)
    return r ? clipRequest(r, time) : null
  }

  private outcomesAt(time: number): Outcome[] {
    const known = new Map<number, Outcome>()
    for (const o of outcomesOf(this.a)) known.set(o.id, o)
    const reasons = new Map<number, string | null>()
    for (const r of [...this.a.requests, ...this.b.requests]) reasons.set(r.id, r.reason)
    for (const ans of this.answers) {
      if (ans.at > time) break
      const reason = reasons.get(ans.id)
      const fast = reason !== undefined ? reason === 'circuit open' : !ans.ok && !this.sentOn.has(ans.id)
      known.set(ans.id, { id: ans.id, ok: ans.ok, fast, at: ans.at })
    }
    return [...known.values()].sort((x, y) => x.at - y.at || x.id - y.id).slice(-OUTCOMES_SHOWN)
  }

  private breakerAt(time: number): BreakerFrame | null {
    const later = breakerOf(this.b, this.service)
    if (!later) return null
    if (time >= this.b.now) return later
    const before = breakerOf(this.a, this.service) ?? later
    const sidecar = `${CLIENT}.proxy`
    let since = -Infinity
    let state = before.state
    for (const e of this.events) {
      if (e.at > time) break
      if (e.type === 'state' && e.node === sidecar && e.field === 'breaker') {
        state = e.value as BreakerState
        since = e.at
      }
    }
    const counted = this.answers.filter((x) => x.at <= time && x.at > Math.max(since, this.a.now) && this.sentOn.has(x.id))
    const fromStart = since === -Infinity
    const calls = (fromStart ? before.calls : 0) + counted.length
    const failures = (fromStart ? before.failures : 0) + counted.filter((x) => !x.ok).length
    const trialSends = this.events.filter((e) => e.at <= time && e.at > since && e.type === 'send' && e.kind === 'request' && e.from === sidecar && String(e.to).endsWith('.proxy')).length
    const shortCircuited = before.shortCircuited + this.answers.filter((x) => x.at <= time && !x.ok && !this.sentOn.has(x.id)).length
    return {
      ...later,
      state,
      calls: Math.min(calls, later.config.slidingWindowSize),
      failures: Math.min(failures, later.config.slidingWindowSize),
      trialsDone: state === 'half-open' ? calls : 0,
      trialsStarted: state === 'half-open' ? Math.max(calls, (fromStart ? before.trialsStarted : 0) + trialSends) : 0,
      openedAt: state === 'open' && !fromStart ? since : before.openedAt,
      shortCircuited,
    }
  }

  private countsAt(time: number): { counts: Record<string, number>; recent: Record<string, number> } {
    const counts: Record<string, number> = {}
    for (const [k, v] of Object.entries(this.a.services.find((x) => x.name === this.service)?.counters.bySubset ?? {})) counts[k] = v
    const fresh: Record<string, number> = {}
    let n = 0
    for (const r of this.routed) {
      if (r.at > time) break
      counts[r.subset] = (counts[r.subset] ?? 0) + 1
      n++
    }
    // The last 200 routed: the newest min(n, 200) from the trace, the rest mixed as before.
    for (const r of this.routed.slice(Math.max(0, n - RECENT), n)) fresh[r.subset] = (fresh[r.subset] ?? 0) + 1
    const before = this.a.services.find((x) => x.name === this.service)?.counters
    const old = before?.recentSplit ?? {}
    const routedBefore = Object.values(before?.bySubset ?? {}).reduce((x, y) => x + y, 0)
    const keep = Math.max(0, Math.min(routedBefore, RECENT - n))
    const recent: Record<string, number> = {}
    for (const k of new Set([...Object.keys(old), ...Object.keys(fresh)])) recent[k] = ((old[k] ?? 0) * keep + (fresh[k] ?? 0)) / Math.max(1, keep + Math.min(n, RECENT))
    return { counts, recent }
  }
}
