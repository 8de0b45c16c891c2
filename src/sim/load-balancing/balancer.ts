import { SimArgumentError, describeValue, expectArg, expectInteger, expectNonNegative } from '../errors.ts'
import { Network, RELIABLE_LINK, type LinkModel } from '../network.ts'
import { Random } from '../random.ts'
import { Scheduler, type TimerHandle } from '../scheduler.ts'
import { Trace } from '../trace.ts'
import { FlightLog, type Flight } from '../mesh/in-flight.ts'
import { createPicker, expectAlgorithm, type AlgorithmName, type Picker } from './algorithms.ts'
import { BackendHealth, activeConfig, passiveConfig, type ActiveCheckConfig, type Health, type PassiveCheckConfig } from './health.ts'

export type Layer = 'l4' | 'l7'

export interface BackendSpec {
  readonly name: string
  /** For the weighted algorithm; default 1. */
  readonly weight?: number
}

/**
 * A routing rule: requests it matches go to `pool` (backend names); first match wins, and a
 * request no rule matches may go to any backend. An L4 balancer sees only addresses and ports,
 * so its rules may match `port` alone; `pathPrefix` and `header` need L7.
 */
export interface RouteRule {
  readonly pool: readonly string[]
  readonly port?: number
  readonly pathPrefix?: string
  readonly header?: { readonly name: string; readonly value: string }
}

export interface LoadBalancerOptions {
  readonly seed: number
  readonly algorithm: AlgorithmName
  readonly backends: readonly (string | BackendSpec)[]
  /** How many clients (client-1 at 10.0.0.1, ...); default 3. */
  readonly clients?: number
  /** Default 'l7'. */
  readonly layer?: Layer
  readonly rules?: readonly RouteRule[]
  /** Off unless given (probes are traffic, and most pictures are clearer without them). */
  readonly activeChecks?: Partial<ActiveCheckConfig>
  readonly passiveChecks?: Partial<PassiveCheckConfig>
  /** How long the balancer waits for a backend beyond the request's own hold time; default 1000 ms. */
  readonly requestTimeoutMs?: number
  readonly link?: LinkModel
}

export interface RequestOptions {
  readonly path?: string
  readonly headers?: Readonly<Record<string, string>>
  /** Destination port; default 80. */
  readonly port?: number
  /** How long the backend holds the connection before answering (long-lived: seconds); default 20 ms. */
  readonly holdMs?: number
}

/** What the balancer can see of a request: L4 only the connection's addresses, L7 the HTTP request too. */
export interface SeenRequest {
  readonly srcIp: string
  readonly srcPort: number
  readonly dstPort: number
  readonly path?: string
  readonly headers?: Readonly<Record<string, string>>
}

export interface BackendState {
  readonly name: string
  readonly weight: number
  /** Whether the process is running (crashed backends drop what they are sent). */
  readonly up: boolean
  readonly health: Health
  readonly ejectedBy: 'active' | 'passive' | null
  readonly failStreak: number
  readonly okStreak: number
  /** Requests forwarded to it, answers it gave, errors seen for it (5xx or timeout). */
  readonly requests: number
  readonly served: number
  readonly errors: number
  /** Open connections right now. */
  readonly active: number
  readonly errorRate: number
  /** How many times it has been ejected so far. */
  readonly ejections: number
}

export interface ClientState {
  readonly id: string
  readonly ip: string
  readonly requests: number
  readonly lastBackend: string | null
  /** Backends this client's requests reached, oldest first (last 12). */
  readonly history: readonly string[]
}

/**
 * LoadBalancingSnapshot (plain JSON):
 * {
 *   now, algorithm, layer,
 *   clients:  [{ id, ip, requests, lastBackend, history }],
 *   balancer: { id: 'lb', algorithm, layer, picks: last 24 backend names chosen, currentWeights (weighted only),
 *               activeChecks, passiveChecks (their configuration, or null when off) },
 *   backends: [{ name, weight, up, health: 'healthy' | 'ejected', ejectedBy, failStreak, okStreak,
 *                requests, served, errors, active (open connections), errorRate, ejections }],
 *   inFlight: [{ id, from, to, kind, sentAt, deliverAt, payload: { req } | { probe } }]  kinds: request, response, probe, probe-reply
 *   counters: { requests, responses, errors, rejected, probes, probeFailures }
 * }
 */
export interface LoadBalancingSnapshot {
  readonly now: number
  readonly algorithm: AlgorithmName
  readonly layer: Layer
  readonly clients: readonly ClientState[]
  readonly balancer: {
    readonly id: string
    readonly algorithm: AlgorithmName
    readonly layer: Layer
    readonly picks: readonly string[]
    readonly currentWeights: Readonly<Record<string, number>> | null
    readonly activeChecks: ActiveCheckConfig | null
    readonly passiveChecks: PassiveCheckConfig | null
  }
  readonly backends: readonly BackendState[]
  readonly inFlight: readonly Flight[]
  readonly counters: Counters
}

export interface Counters {
  readonly requests: number
  readonly responses: number
  readonly errors: number
  /** Requests answered 503 because no healthy backend was left in their pool. */
  readonly rejected: number
  readonly probes: number
  readonly probeFailures: number
}

type Body =
  | { t: 'request'; req: number; view: SeenRequest; holdMs: number }
  | { t: 'response'; req: number; status: number }
  | { t: 'probe'; probe: number }
  | { t: 'probe-reply'; probe: number; ok: boolean }

interface Backend {
  readonly name: string
  weight: number
  up: boolean
  errorRate: number
  health: BackendHealth
  requests: number
  served: number
  errors: number
  active: number
  ejections: number
}

interface Pending {
  readonly client: string
  readonly backend: string
  readonly timer: TimerHandle
}

export const BALANCER_ID = 'lb'
const HISTORY = 12
const PICKS = 24

export class LoadBalancer {
  readonly sched = new Scheduler()
  readonly trace = new Trace()
  readonly layer: Layer
  private readonly net: Network<Body>
  private readonly flights: FlightLog
  private readonly rngPick: Random
  private readonly rngFaults: Random
  private algo: AlgorithmName
  /** One picker per pool, as nginx keeps round-robin state per upstream: pools do not share turns. */
  private pickers = new Map<string, Picker>()
  private readonly backendList: Backend[]
  private readonly clientList: { id: string; ip: string; requests: number; nextPort: number; history: string[] }[]
  private readonly rules: readonly RouteRule[]
  private readonly active: ActiveCheckConfig | null
  private readonly passive: PassiveCheckConfig | null
  private readonly timeoutMs: number
  private readonly pending = new Map<number, Pending>()
  private readonly probes = new Map<number, { backend: string; timer: TimerHandle }>()
  private readonly pickLog: string[] = []
  private nextReq = 1
  private nextProbe = 1
  private counters = { requests: 0, responses: 0, errors: 0, rejected: 0, probes: 0, probeFailures: 0 }

  constructor(opts: LoadBalancerOptions) {
    expectArg(typeof opts === 'object' && opts !== null, 'createLoadBalancer(opts)', opts, 'an options object')
    expectAlgorithm(opts.algorithm)
    this.layer = opts.layer ?? 'l7'
    expectArg(this.layer === 'l4' || this.layer === 'l7', 'layer', this.layer, "'l4' or 'l7'")
    const root = new Random(opts.seed)
    // One stream per purpose, so e.g. a backend's error draws never shift the random algorithms' choices.
    const rngNet = root.fork()
    this.rngPick = root.fork()
    this.rngFaults = root.fork()
    this.net = new Network<Body>(this.sched, rngNet, this.trace, opts.link ?? RELIABLE_LINK)
    this.flights = new FlightLog(this.trace)
    this.algo = opts.algorithm

    expectArg(Array.isArray(opts.backends) && opts.backends.length > 0, 'backends', opts.backends, 'a non-empty list of backend names or { name, weight }')
    const clients = opts.clients ?? 3
    expectInteger('clients', clients, 1, 254)
    this.clientList = Array.from({ length: clients }, (_, i) => ({ id: `client-${i + 1}`, ip: `10.0.0.${i + 1}`, requests: 0, nextPort: 49152, history: [] }))
    const taken = new Set<string>([BALANCER_ID, ...this.clientList.map((c) => c.id)])
    this.backendList = opts.backends.map((b) => {
      const spec = typeof b === 'string' ? { name: b } : b
      expectArg(typeof spec.name === 'string' && spec.name !== '' && !taken.has(spec.name), 'backend name', spec.name, `a non-empty name not already used (${[...taken].join(', ')})`)
      taken.add(spec.name)
      const weight = spec.weight ?? 1
      expectInteger(`weight of ${spec.name}`, weight, 1, 1000)
      return { name: spec.name, weight, up: true, errorRate: 0, health: new BackendHealth(), requests: 0, served: 0, errors: 0, active: 0, ejections: 0 }
    })
    this.rules = (opts.rules ?? []).map((r, i) => this.checkRule(r, i))
    this.active = opts.activeChecks ? activeConfig(opts.activeChecks) : null
    this.passive = opts.passiveChecks ? passiveConfig(opts.passiveChecks) : null
    this.timeoutMs = opts.requestTimeoutMs ?? 1000
    expectArg(Number.isFinite(this.timeoutMs) && this.timeoutMs > 0, 'requestTimeoutMs', this.timeoutMs, 'a number of ms > 0')

    // Clients only send: what they got back is read off the balancer's counters and the trace.
    for (const c of this.clientList) this.net.add(c.id)
    this.net.add(BALANCER_ID, (e) => this.atBalancer(e.from, e.body))
    for (const b of this.backendList) this.net.add(b.name, (e) => this.atBackend(b, e.body))
    if (this.active) for (const b of this.backendList) this.scheduleProbe(b, this.active.intervalMs)
  }

  get now(): number {
    return this.sched.now
  }

  get algorithm(): AlgorithmName {
    return this.algo
  }

  advance(ms: number): void {
    this.sched.advance(ms)
  }

  /** Switch algorithm (its state starts afresh; open connections stay where they are). */
  setAlgorithm(name: AlgorithmName): void {
    expectAlgorithm(name)
    this.algo = name
    this.pickers = new Map()
    this.trace.record({ at: this.now, type: 'state', node: BALANCER_ID, field: 'algorithm', value: name })
  }

  /** A client opens a connection and sends one request; returns the request id. */
  request(client: string, opts: RequestOptions = {}): number {
    const c = this.clientList.find((x) => x.id === client)
    if (!c) throw new SimArgumentError(`request(client): got ${describeValue(client)}, expected one of ${this.clientList.map((x) => x.id).join(', ')}`)
    const holdMs = opts.holdMs ?? 20
    expectNonNegative('holdMs', holdMs)
    const port = opts.port ?? 80
    expectInteger('port', port, 1, 65535)
    const req = this.nextReq++
    c.requests++
    this.counters.requests++
    // The client's own view of what it sends; the balancer strips it down to its layer on arrival.
    // HTTP header names are case-insensitive: keep them lower-cased.
    const headers = Object.fromEntries(Object.entries(opts.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]))
    const view: SeenRequest = { srcIp: c.ip, srcPort: c.nextPort++, dstPort: port, path: opts.path ?? '/', headers }
    this.net.send(c.id, BALANCER_ID, 'request', { t: 'request', req, view, holdMs }, { req })
    return req
  }

  /** Crash (`up: false`) or restart a backend, or make it answer 5xx with some probability. */
  setBackend(name: string, change: { up?: boolean; errorRate?: number }): void {
    const b = this.backend(name)
    if (change.errorRate !== undefined) {
      expectArg(change.errorRate >= 0 && change.errorRate <= 1, 'errorRate', change.errorRate, 'a probability in [0, 1]')
      b.errorRate = change.errorRate
    }
    if (change.up !== undefined && change.up !== b.up) {
      b.up = change.up
      this.net.setUp(name, change.up)
      this.trace.record({ at: this.now, type: 'fault', action: change.up ? 'restart' : 'crash', nodes: [name] })
    }
  }

  /**
   * Change a backend's weight (a configuration reload). The algorithms' running state starts
   * afresh, as setAlgorithm does, so smooth weighted round robin begins a clean cycle of the new
   * weights instead of paying off scores earned under the old ones.
   */
  setWeight(name: string, weight: number): void {
    const b = this.backend(name)
    expectInteger(`weight of ${name}`, weight, 1, 1000)
    if (b.weight === weight) return
    b.weight = weight
    this.pickers = new Map()
    this.trace.record({ at: this.now, type: 'state', node: name, field: 'weight', value: weight })
  }

  /** What the balancer sees of a request at its layer: L4 drops the path and headers. */
  seenBy(view: SeenRequest): SeenRequest {
    return this.layer === 'l4' ? { srcIp: view.srcIp, srcPort: view.srcPort, dstPort: view.dstPort } : view
  }

  /** The pool a request may go to, by the first rule that matches what the balancer sees. */
  poolFor(view: SeenRequest): string[] {
    const seen = this.seenBy(view)
    const rule = this.rules.find((r) => matches(r, seen))
    return rule ? [...rule.pool] : this.backendList.map((b) => b.name)
  }

  /** How many messages are on the wire right now (0: the network is quiet). */
  onWire(): number {
    return this.flights.current().length
  }

  /** Backend names chosen so far, in order. */
  picks(): string[] {
    return [...this.pickLog]
  }

  backends(): BackendState[] {
    return this.backendList.map((b) => ({
      name: b.name, weight: b.weight, up: b.up, health: b.health.health, ejectedBy: b.health.ejectedBy,
      failStreak: b.health.failStreak, okStreak: b.health.okStreak,
      requests: b.requests, served: b.served, errors: b.errors, active: b.active, errorRate: b.health.errorRate, ejections: b.ejections,
    }))
  }

  clients(): ClientState[] {
    return this.clientList.map((c) => ({ id: c.id, ip: c.ip, requests: c.requests, lastBackend: c.history[c.history.length - 1] ?? null, history: [...c.history] }))
  }

  snapshot(): LoadBalancingSnapshot {
    return {
      now: this.now,
      algorithm: this.algorithm,
      layer: this.layer,
      clients: this.clients(),
      balancer: {
        id: BALANCER_ID, algorithm: this.algorithm, layer: this.layer, picks: this.pickLog.slice(-PICKS), currentWeights: this.currentWeights(),
        activeChecks: this.active, passiveChecks: this.passive,
      },
      backends: this.backends(),
      inFlight: this.flights.current(),
      counters: { ...this.counters },
    }
  }

  /** Smooth-weighted state of every pool (merged; pools rarely share backends), or null. */
  private currentWeights(): Record<string, number> | null {
    if (this.algo !== 'weighted') return null
    const out: Record<string, number> = {}
    for (const p of this.pickers.values()) Object.assign(out, p.currentWeights())
    return out
  }

  private checkRule(r: RouteRule, i: number): RouteRule {
    const what = `rules[${i}]`
    expectArg(Array.isArray(r.pool) && r.pool.length > 0, `${what}.pool`, r.pool, 'a non-empty list of backend names')
    for (const name of r.pool) this.backend(name)
    if (this.layer === 'l4') {
      expectArg(r.pathPrefix === undefined, `${what}.pathPrefix`, r.pathPrefix, 'no path match: an L4 balancer only sees addresses and ports')
      expectArg(r.header === undefined, `${what}.header`, r.header, 'no header match: an L4 balancer only sees addresses and ports')
    }
    if (r.port !== undefined) expectInteger(`${what}.port`, r.port, 1, 65535)
    return r
  }

  private backend(name: string): Backend {
    const b = this.backendList.find((x) => x.name === name)
    if (!b) throw new SimArgumentError(`backend: got ${describeValue(name)}, expected one of ${this.backendList.map((x) => x.name).join(', ')}`)
    return b
  }

  private atBalancer(from: string | number, body: Body): void {
    if (body.t === 'request') this.route(String(from), body)
    else if (body.t === 'response') this.answered(body.req, body.status)
    else if (body.t === 'probe-reply') this.probeDone(body.probe, body.ok)
  }

  private route(client: string, body: Extract<Body, { t: 'request' }>): void {
    const pool = this.poolFor(body.view)
    const candidates = this.backendList
      .filter((b) => pool.includes(b.name))
      .map((b) => ({ name: b.name, weight: b.weight, active: b.active, healthy: b.health.health === 'healthy' }))
    const key = candidates.map((c) => c.name).join('\u0000')
    let picker = this.pickers.get(key)
    if (!picker) this.pickers.set(key, (picker = createPicker(this.algo, this.rngPick)))
    const chosen = picker.pick(candidates, { ip: body.view.srcIp })
    if (chosen === null) {
      this.counters.rejected++
      this.net.send(BALANCER_ID, client, 'response', { t: 'response', req: body.req, status: 503 }, { req: body.req, status: 503 })
      return
    }
    const b = this.backend(chosen)
    b.requests++
    b.active++
    this.pickLog.push(chosen)
    const c = this.clientList.find((x) => x.id === client)!
    c.history.push(chosen)
    if (c.history.length > HISTORY) c.history.shift()
    const timer = this.sched.after(body.holdMs + this.timeoutMs, () => this.timedOut(body.req))
    this.pending.set(body.req, { client, backend: chosen, timer })
    this.net.send(BALANCER_ID, chosen, 'request', { ...body, view: this.seenBy(body.view) }, { req: body.req })
  }

  private atBackend(b: Backend, body: Body): void {
    if (body.t === 'probe') {
      // A backend that is up answers its health endpoint; one failing requests fails it too.
      const ok = b.errorRate < 1
      this.net.send(b.name, BALANCER_ID, 'probe-reply', { t: 'probe-reply', probe: body.probe, ok }, { probe: body.probe, ok })
      return
    }
    if (body.t !== 'request') return
    const status = this.rngFaults.chance(b.errorRate) ? 500 : 200
    this.sched.after(body.holdMs, () => {
      if (b.up) this.net.send(b.name, BALANCER_ID, 'response', { t: 'response', req: body.req, status }, { req: body.req, status })
    })
  }

  private answered(req: number, status: number): void {
    const p = this.pending.get(req)
    if (!p) return // already timed out
    this.sched.cancel(p.timer)
    this.finish(req, p, status)
  }

  private timedOut(req: number): void {
    const p = this.pending.get(req)
    if (p) this.finish(req, p, 504)
  }

  private finish(req: number, p: Pending, status: number): void {
    this.pending.delete(req)
    const b = this.backend(p.backend)
    b.active--
    const error = status >= 500
    if (error) {
      b.errors++
      this.counters.errors++
    } else b.served++
    const before = b.health.health
    if (this.passive && b.health.response(error, this.now, this.passive)) {
      this.healthChanged(b, before, `ejected: ${Math.round(b.health.errorRate * 100)}% of recent answers failed`)
      this.sched.after(this.passive.ejectionMs, () => {
        const was = b.health.health
        b.health.readmit()
        this.healthChanged(b, was, 'ejection time over')
      })
    }
    this.counters.responses++
    this.net.send(BALANCER_ID, p.client, 'response', { t: 'response', req, status }, { req, status })
  }

  private scheduleProbe(b: Backend, delay: number): void {
    this.sched.after(delay, () => {
      const probe = this.nextProbe++
      this.counters.probes++
      const timer = this.sched.after(this.active!.timeoutMs, () => this.probeDone(probe, false))
      this.probes.set(probe, { backend: b.name, timer })
      this.net.send(BALANCER_ID, b.name, 'probe', { t: 'probe', probe }, { probe })
      this.scheduleProbe(b, this.active!.intervalMs)
    })
  }

  private probeDone(probe: number, ok: boolean): void {
    const p = this.probes.get(probe)
    if (!p) return
    this.probes.delete(probe)
    this.sched.cancel(p.timer)
    const b = this.backend(p.backend)
    if (!ok) this.counters.probeFailures++
    const before = b.health.health
    const change = b.health.probe(ok, this.active!)
    if (change) this.healthChanged(b, before, change === 'down' ? `ejected after ${b.health.failStreak} failed probes` : `restored after ${b.health.okStreak} good probes`)
  }

  /** Health changes go into the trace (field 'health'), so a scene and a test can replay them. */
  private healthChanged(b: Backend, before: Health, label: string): void {
    if (b.health.health === before) return
    if (b.health.health === 'ejected') b.ejections++
    this.trace.record({ at: this.now, type: 'state', node: b.name, field: 'health', value: b.health.health, label })
  }
}

function matches(rule: RouteRule, seen: SeenRequest): boolean {
  if (rule.port !== undefined && rule.port !== seen.dstPort) return false
  if (rule.pathPrefix !== undefined && !(seen.path ?? '').startsWith(rule.pathPrefix)) return false
  if (rule.header !== undefined && seen.headers?.[rule.header.name.toLowerCase()] !== rule.header.value) return false
  return true
}

export function createLoadBalancer(opts: LoadBalancerOptions): LoadBalancer {
  return new LoadBalancer(opts)
}
