import { SimArgumentError, describeValue, expectArg, expectInteger, expectNonNegative } from '../errors.ts'
import { Network, RELIABLE_LINK } from '../network.ts'
import { Random } from '../random.ts'
import { Scheduler, type TimerHandle } from '../scheduler.ts'
import { Trace } from '../trace.ts'
import { Backoff, checkBackoff } from './backoff.ts'
import { CircuitBreaker, checkBreaker, type BreakerView, type CircuitBreakerConfig } from './circuit-breaker.ts'
import { FlightLog } from './in-flight.ts'
import { CertificateAuthority, spiffeId, verifyCertificate, type Certificate, type CertProblem } from './identity.ts'
import { RetryBudget, checkRetryBudget } from './retry-budget.ts'
import { checkPolicy, decideRoute, type RouteDecision, type TrafficPolicy } from './traffic.ts'
import {
  DEFAULT_RETRY_POLICY, RECENT_ROUTES,
  type MeshOptions, type MeshSnapshot, type Refusal, type RequestStatus, type RequestView, type RetryPolicy, type ServiceCounters, type WorkloadSpec, type WorkloadView,
} from './types.ts'

type Body =
  | { t: 'request'; req: number; attempt: number; replyTo: string }
  | { t: 'response'; req: number; attempt: number; status: number; replyTo: string }
  | { t: 'tls-hello'; cert: Certificate | null }
  | { t: 'tls-accept'; cert: Certificate | null }
  | { t: 'tls-alert'; problem: CertProblem }

interface Workload {
  readonly name: string
  readonly service: string
  readonly version: string
  readonly serviceMs: number
  readonly trusted: boolean
  readonly identity: string
  readonly sidecar: string
  cert: Certificate | null
  rotating: boolean
  renewTimer: TimerHandle | null
  expiryTimer: TimerHandle | null
  errorRate: number
}

interface Conn {
  readonly client: Workload
  readonly server: Workload
  state: 'handshaking' | 'established'
  since: number
  serials: [number, number | null]
  waiting: ((problem: CertProblem | null) => void)[]
}

interface Req {
  readonly id: number
  readonly from: Workload
  readonly service: string
  readonly headers: Readonly<Record<string, string>>
  readonly backoff: Backoff
  readonly startedAt: number
  subset: string | null
  attempt: number
  status: RequestStatus
  code: number | null
  reason: string | null
  target: Workload | null
  tries: { attempt: number; target: string; sentAt: number; status: number | null }[]
  backoffs: number[]
  nextRetryAt: number | null
  endedAt: number | null
  timer: TimerHandle | null
  /** True while a try is out to the upstream (its answer is awaited). */
  awaiting: boolean
}

type MutableCounters = { -readonly [K in keyof ServiceCounters]: K extends 'bySubset' | 'recentSplit' ? Record<string, number> : number }

const PROXY = '.proxy'
const FINISHED_SHOWN = 12

/**
 * A service mesh on the simulated network. Each workload is an application node `<name>` and a
 * sidecar proxy node `<name>.proxy`; applications only ever talk to their own sidecar, and
 * sidecars talk to each other over mTLS connections. Everything the mesh adds (routing, faults,
 * retries, retry budgets, circuit breaking, identity) lives in the client's or server's sidecar,
 * none of it in the application.
 */
export class Mesh {
  readonly sched = new Scheduler()
  readonly trace = new Trace()
  private readonly net: Network<Body>
  private readonly flights: FlightLog
  private readonly rngRoute: Random
  private readonly rngBackoff: Random
  private readonly rngApp: Random
  private readonly ca: CertificateAuthority
  private readonly trustDomain: string
  private readonly renewAt: number
  private readonly workloadMap = new Map<string, Workload>()
  private readonly conns = new Map<string, Conn>()
  private readonly reqs: Req[] = []
  private readonly routes = new Map<string, TrafficPolicy>()
  private readonly retry = new Map<string, RetryPolicy>()
  private readonly breakerConfig = new Map<string, CircuitBreakerConfig>()
  private readonly breakers = new Map<string, { sidecar: string; cluster: string; cb: CircuitBreaker }>()
  private readonly budgets = new Map<string, { sidecar: string; service: string; budget: RetryBudget }>()
  private readonly counterMap = new Map<string, MutableCounters>()
  private readonly recent = new Map<string, string[]>()
  private readonly rr = new Map<string, number>()
  private handshakes = { accepted: 0, refused: 0, lastRefusal: null as Refusal | null }

  constructor(opts: MeshOptions) {
    expectArg(typeof opts === 'object' && opts !== null, 'createMesh(opts)', opts, 'an options object')
    const root = new Random(opts.seed)
    // One stream per purpose (latency, routing, backoff, failures), each its own reproducible sequence.
    this.net = new Network<Body>(this.sched, root.fork(), this.trace, opts.link ?? RELIABLE_LINK)
    this.rngRoute = root.fork()
    this.rngBackoff = root.fork()
    this.rngApp = root.fork()
    this.flights = new FlightLog(this.trace)
    this.trustDomain = opts.trustDomain ?? 'cluster.local'
    this.ca = new CertificateAuthority(`mesh-ca.${this.trustDomain}`, opts.certTtlMs ?? 24 * 3600_000)
    this.renewAt = opts.renewAtFraction ?? 0.5
    expectArg(this.renewAt > 0 && this.renewAt < 1, 'renewAtFraction', this.renewAt, 'a fraction in (0, 1): renew before expiry')
    expectArg(Array.isArray(opts.workloads) && opts.workloads.length > 0, 'workloads', opts.workloads, 'a non-empty list of { name, service }')
    for (const w of opts.workloads) this.addWorkload(w)
  }

  get now(): number {
    return this.sched.now
  }

  advance(ms: number): void {
    this.sched.advance(ms)
  }

  /** Whether any message is on the wire now (what-if mode plays quiet stretches faster). */
  busy(): boolean {
    return this.flights.current().length > 0
  }

  /** Add a workload (application + sidecar). Trusted ones get a certificate from the mesh CA at once. */
  addWorkload(spec: WorkloadSpec): void {
    expectArg(typeof spec.name === 'string' && /^[a-z0-9][a-z0-9-]*$/.test(spec.name), 'workload name', spec.name, 'a lower-case name like "payments-v1"')
    expectArg(!this.workloadMap.has(spec.name), 'workload name', spec.name, 'a name not already in the mesh')
    expectArg(typeof spec.service === 'string' && spec.service !== '', 'service', spec.service, 'a non-empty service name')
    const serviceMs = spec.serviceMs ?? 10
    expectNonNegative('serviceMs', serviceMs)
    const trusted = spec.trusted ?? true
    const w: Workload = {
      name: spec.name, service: spec.service, version: spec.version ?? 'v1', serviceMs, trusted,
      identity: spiffeId(this.trustDomain, spec.namespace ?? 'default', spec.service),
      sidecar: spec.name + PROXY, cert: null, rotating: trusted, renewTimer: null, expiryTimer: null, errorRate: 0,
    }
    this.workloadMap.set(w.name, w)
    this.net.add(w.name, (e) => this.atApp(w, e.body))
    this.net.add(w.sidecar, (e) => this.atSidecar(w, String(e.from), e.msg, e.body))
    if (trusted) this.issue(w)
    else {
      // An outsider signs its own certificate: well-formed, but no sidecar in the mesh trusts it.
      w.cert = { serial: 0, spiffeId: w.identity, issuer: `self-signed:${w.name}`, notBefore: this.now, notAfter: this.now + this.ca.ttlMs }
    }
    this.counter(w.service)
  }

  /** Make a workload's application answer 503 with this probability (1 = down hard, 0 = healthy). */
  setErrorRate(workload: string, rate: number): void {
    expectArg(rate >= 0 && rate <= 1, 'errorRate', rate, 'a probability in [0, 1]')
    const w = this.workload(workload)
    w.errorRate = rate
    this.trace.record({ at: this.now, type: 'state', node: w.name, field: 'errorRate', value: rate })
  }

  /** Stop (or resume) renewing a workload's certificate: stopped, it expires and handshakes fail. */
  setRotation(workload: string, on: boolean): void {
    const w = this.workload(workload)
    expectArg(w.trusted, 'setRotation(workload)', workload, 'a workload of the mesh (outsiders have no CA to renew from)')
    w.rotating = on
    this.sched.cancel(w.renewTimer)
    w.renewTimer = null
    if (!on) return
    const problem = verifyCertificate(w.cert, this.now, this.ca.name)
    if (problem) this.issue(w, 'reissued')
    else this.scheduleRenewal(w)
  }

  /** Route requests to `service` (weights, header matches, faults); null removes the rules. */
  setRoutes(service: string, policy: TrafficPolicy | null): void {
    const subsets = [...new Set(this.endpoints(service, null).map((w) => w.version))]
    expectArg(subsets.length > 0, 'setRoutes(service)', service, `a service with workloads (${this.serviceNames().join(', ')})`)
    if (policy === null) this.routes.delete(service)
    else this.routes.set(service, checkPolicy(policy, subsets))
  }

  /** Retries for calls to `service` (fields not given keep their defaults). */
  setRetryPolicy(service: string, policy: Partial<RetryPolicy>): void {
    this.expectService(service)
    const p = { ...DEFAULT_RETRY_POLICY, ...policy }
    expectInteger('retry attempts', p.attempts, 0, 100)
    expectArg(Number.isFinite(p.perTryTimeoutMs) && p.perTryTimeoutMs > 0, 'perTryTimeoutMs', p.perTryTimeoutMs, 'a number of ms > 0')
    checkBackoff(p.backoff)
    if (p.budget) checkRetryBudget(p.budget)
    this.retry.set(service, p)
    for (const [k, b] of this.budgets) if (b.service === service) this.budgets.delete(k)
  }

  /** A circuit breaker (resilience4j semantics) in every client sidecar for calls to `service`; null removes it. */
  setCircuitBreaker(service: string, config: Partial<CircuitBreakerConfig> | null): void {
    this.expectService(service)
    if (config === null) this.breakerConfig.delete(service)
    else this.breakerConfig.set(service, checkBreaker(config))
    for (const [k, b] of this.breakers) if (b.cluster === service || b.cluster.startsWith(`${service}/`)) this.breakers.delete(k)
  }

  /** `from`'s application calls `service`; returns the request id. Headers are matched case-insensitively. */
  call(from: string, service: string, opts: { headers?: Readonly<Record<string, string>> } = {}): number {
    const w = this.workload(from)
    this.expectService(service)
    const headers = Object.fromEntries(Object.entries(opts.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]))
    const policy = this.retryPolicy(service)
    const req: Req = {
      id: this.reqs.length + 1, from: w, service, headers, backoff: new Backoff(policy.backoff, this.rngBackoff), startedAt: this.now,
      subset: null, attempt: 0, status: 'pending', code: null, reason: null, target: null, tries: [], backoffs: [], nextRetryAt: null, endedAt: null, timer: null, awaiting: false,
    }
    this.reqs.push(req)
    this.counter(service).requests++
    // The application only ever talks to its own sidecar (localhost in a real pod).
    this.net.send(w.name, w.sidecar, 'request', { t: 'request', req: req.id, attempt: 0, replyTo: w.name }, { req: req.id, attempt: 0 })
    return req.id
  }

  request(id: number): RequestView {
    const r = this.reqs[id - 1]
    if (!r) throw new SimArgumentError(`request(id): got ${describeValue(id)}, expected a request id in 1..${this.reqs.length}`)
    return view(r)
  }

  requests(): RequestView[] {
    return this.reqs.map(view)
  }

  breaker(from: string, service: string): BreakerView | null {
    const w = this.workload(from)
    const b = [...this.breakers.values()].find((x) => x.sidecar === w.sidecar && (x.cluster === service || x.cluster.startsWith(`${service}/`)))
    return b ? b.cb.view() : null
  }

  counters(service: string): ServiceCounters {
    this.expectService(service)
    return this.countersView(service)
  }

  workloads(): WorkloadView[] {
    return [...this.workloadMap.values()].map((w) => {
      const problem = verifyCertificate(w.cert, this.now, this.ca.name)
      return {
        name: w.name, service: w.service, version: w.version, identity: w.identity, sidecar: w.sidecar, trusted: w.trusted,
        errorRate: w.errorRate, rotating: w.rotating,
        cert: w.cert ? { ...w.cert, valid: problem === null, problem, renewAt: w.renewTimer?.at ?? null } : null,
      }
    })
  }

  snapshot(): MeshSnapshot {
    const pending = this.reqs.filter((r) => r.status === 'pending')
    const done = this.reqs.filter((r) => r.status !== 'pending').slice(-FINISHED_SHOWN)
    const policies: Record<string, MeshSnapshot['policies'][string]> = {}
    for (const s of this.serviceNames()) policies[s] = { routes: this.routes.get(s) ?? null, retry: this.retryPolicy(s), breaker: this.breakerConfig.get(s) ?? null }
    return {
      now: this.now,
      workloads: this.workloads(),
      connections: [...this.conns.values()].map((c) => ({ from: c.client.sidecar, to: c.server.sidecar, state: c.state, since: c.since, serials: [...c.serials] as [number, number | null] })),
      handshakes: { ...this.handshakes },
      requests: [...done, ...pending].sort((a, b) => a.id - b.id).map(view),
      breakers: [...this.breakers.values()].map((b) => ({ sidecar: b.sidecar, cluster: b.cluster, config: b.cb.config, ...b.cb.view() })),
      budgets: [...this.budgets.values()].map((b) => ({ sidecar: b.sidecar, service: b.service, ...b.budget.state(this.now) })),
      policies,
      services: this.serviceNames().map((name) => ({ name, counters: this.countersView(name) })),
      inFlight: this.flights.current(),
    }
  }

  // --- the application --------------------------------------------------------------------

  private atApp(w: Workload, body: Body): void {
    if (body.t === 'response') {
      this.trace.record({ at: this.now, type: 'state', node: w.name, field: 'result', value: body.status, label: `request ${body.req} ${body.status < 500 ? 'succeeded' : 'failed'}` })
      return
    }
    if (body.t !== 'request') return
    // Serving: answer after the service time; errorRate decides 200 or 503.
    this.sched.after(w.serviceMs, () => {
      const status = this.rngApp.chance(w.errorRate) ? 503 : 200
      this.net.send(w.name, w.sidecar, 'response', { t: 'response', req: body.req, attempt: body.attempt, status, replyTo: body.replyTo }, { req: body.req, attempt: body.attempt, status })
    })
  }

  // --- the sidecar ------------------------------------------------------------------------

  private atSidecar(w: Workload, from: string, msg: number, body: Body): void {
    switch (body.t) {
      case 'request':
        if (from === w.name) this.outbound(this.reqs[body.req - 1]!)
        else this.net.send(w.sidecar, w.name, 'request', body, { req: body.req, attempt: body.attempt })
        return
      case 'response':
        if (from === w.name) this.net.send(w.sidecar, body.replyTo, 'response', body, { req: body.req, attempt: body.attempt, status: body.status })
        else this.tryDone(this.reqs[body.req - 1]!, body.attempt, body.status, null)
        return
      case 'tls-hello':
        return this.hello(w, from, msg, body.cert)
      case 'tls-accept':
        return this.accepted(w, from, msg, body.cert)
      case 'tls-alert':
        return this.handshakeFailed(this.connKey(w.sidecar, from), body.problem)
    }
  }

  /** A request left its application: route it, inject faults, then make the first try. */
  private outbound(req: Req): void {
    const policy = this.routes.get(req.service)
    const d: RouteDecision = policy ? decideRoute(policy, req.headers, this.rngRoute) : { route: 0, subset: null, delayMs: 0, abortStatus: null }
    const c = this.counter(req.service)
    if (d.route < 0) return this.finish(req, 404, 'no route matched')
    req.subset = d.subset
    if (d.subset) {
      c.bySubset[d.subset] = (c.bySubset[d.subset] ?? 0) + 1
      const recent = this.recent.get(req.service) ?? []
      recent.push(d.subset)
      if (recent.length > RECENT_ROUTES) recent.shift()
      this.recent.set(req.service, recent)
    }
    this.budget(req)?.recordRequest(this.now)
    if (d.delayMs > 0) c.delayed++
    if (d.abortStatus !== null) c.aborted++
    const go = (): void => (d.abortStatus !== null ? this.finish(req, d.abortStatus, 'fault injected: abort') : this.tryOnce(req))
    if (d.delayMs > 0) this.sched.after(d.delayMs, go)
    else go()
  }

  /** One try: pick an endpoint, ask the breaker, make sure of an mTLS connection, send. */
  private tryOnce(req: Req): void {
    req.nextRetryAt = null
    const endpoints = this.endpoints(req.service, req.subset)
    if (endpoints.length === 0) return this.finish(req, 503, 'no healthy upstream')
    const rrKey = `${req.from.sidecar}>${req.service}/${req.subset ?? '*'}`
    const turn = this.rr.get(rrKey) ?? 0
    this.rr.set(rrKey, turn + 1)
    const target = endpoints[turn % endpoints.length]!
    req.target = target
    const breaker = this.breakerFor(req)
    if (breaker && !breaker.tryAcquire(this.now)) {
      this.counter(req.service).shortCircuited++
      return this.finish(req, 503, 'circuit open')
    }
    req.awaiting = true
    const attempt = req.attempt
    const thisTry = { attempt, target: target.name, sentAt: this.now, status: null as number | null }
    req.tries.push(thisTry)
    req.timer = this.sched.after(this.retryPolicy(req.service).perTryTimeoutMs, () => this.tryDone(req, attempt, 504, 'timeout'))
    this.withConnection(req.from, target, (problem) => {
      if (req.attempt !== attempt || !req.awaiting) return
      if (problem) {
        // A certificate problem is not transient: no retry, and no mark against the upstream.
        req.awaiting = false
        this.sched.cancel(req.timer)
        breaker?.release()
        thisTry.status = 503
        return this.finish(req, 503, `handshake refused: ${problem}`)
      }
      this.net.send(req.from.sidecar, target.sidecar, 'request', { t: 'request', req: req.id, attempt, replyTo: req.from.sidecar }, { req: req.id, attempt })
    })
  }

  /** A try ended (answer or timeout): report it to the breaker, then succeed, retry or give up. */
  private tryDone(req: Req, attempt: number, status: number, reason: string | null): void {
    if (req.attempt !== attempt || !req.awaiting) return // a late answer to an abandoned try
    req.awaiting = false
    this.sched.cancel(req.timer)
    req.tries[req.tries.length - 1]!.status = status
    const ok = status < 500
    this.breakerFor(req)?.onResult(ok, this.now)
    if (status === 504) this.counter(req.service).timeouts++
    if (ok) return this.finish(req, status, null)
    const policy = this.retryPolicy(req.service)
    if (req.attempt >= policy.attempts) return this.finish(req, status, reason ?? (policy.attempts > 0 ? 'retries exhausted' : 'upstream error'))
    if (this.budget(req) && !this.budget(req)!.tryRetry(this.now)) {
      this.counter(req.service).retriesDenied++
      return this.finish(req, status, 'retry budget exhausted')
    }
    const delay = req.backoff.next()
    req.backoffs.push(delay)
    req.nextRetryAt = this.now + delay
    this.counter(req.service).retries++
    this.trace.record({ at: this.now, type: 'state', node: req.from.sidecar, field: 'retry', value: req.attempt + 1, label: `request ${req.id}: retry ${req.attempt + 1} in ${Math.round(delay)} ms` })
    this.sched.after(delay, () => {
      req.attempt++
      this.tryOnce(req)
    })
  }

  private finish(req: Req, code: number, reason: string | null): void {
    req.status = code < 400 ? 'ok' : 'failed'
    req.code = code
    req.reason = reason
    req.endedAt = this.now
    req.nextRetryAt = null
    const c = this.counter(req.service)
    if (req.status === 'ok') c.succeeded++
    else c.failed++
    this.net.send(req.from.sidecar, req.from.name, 'response', { t: 'response', req: req.id, attempt: req.attempt, status: code, replyTo: req.from.name }, { req: req.id, attempt: req.attempt, status: code })
  }

  // --- mTLS -------------------------------------------------------------------------------

  private connKey(clientSidecar: string, serverSidecar: string): string {
    return `${clientSidecar}>${serverSidecar}`
  }

  /** Use the established connection, wait for the handshake in progress, or start one. */
  private withConnection(client: Workload, server: Workload, then: (problem: CertProblem | null) => void): void {
    const key = this.connKey(client.sidecar, server.sidecar)
    const conn = this.conns.get(key)
    if (conn?.state === 'established') return then(null)
    if (conn) {
      conn.waiting.push(then)
      return
    }
    this.conns.set(key, { client, server, state: 'handshaking', since: this.now, serials: [client.cert?.serial ?? 0, null], waiting: [then] })
    this.net.send(client.sidecar, server.sidecar, 'tls-hello', { t: 'tls-hello', cert: client.cert }, { serial: client.cert?.serial ?? null })
  }

  /** Server side: check the client's certificate; refuse (and say so in the trace) or answer with ours. */
  private hello(server: Workload, fromSidecar: string, msg: number, cert: Certificate | null): void {
    const problem = verifyCertificate(cert, this.now, this.ca.name)
    if (problem) {
      this.refuse(server.sidecar, fromSidecar, msg, 'tls-hello', cert?.spiffeId ?? null, problem, server.service)
      this.net.send(server.sidecar, fromSidecar, 'tls-alert', { t: 'tls-alert', problem }, { problem })
      return
    }
    this.net.send(server.sidecar, fromSidecar, 'tls-accept', { t: 'tls-accept', cert: server.cert }, { serial: server.cert?.serial ?? null })
  }

  /** Client side: check the server's certificate names the identity we meant to reach. */
  private accepted(client: Workload, fromSidecar: string, msg: number, cert: Certificate | null): void {
    const key = this.connKey(client.sidecar, fromSidecar)
    const conn = this.conns.get(key)
    if (!conn) return
    const problem = verifyCertificate(cert, this.now, this.ca.name, conn.server.identity)
    if (problem) {
      this.refuse(client.sidecar, fromSidecar, msg, 'tls-accept', cert?.spiffeId ?? null, problem, conn.server.service)
      return this.handshakeFailed(key, problem)
    }
    conn.state = 'established'
    conn.since = this.now
    conn.serials = [conn.serials[0], cert?.serial ?? null]
    this.handshakes.accepted++
    this.trace.record({ at: this.now, type: 'state', node: client.sidecar, field: 'connection', value: 'established', label: `mTLS with ${conn.server.identity}` })
    for (const f of conn.waiting.splice(0)) f(null)
  }

  private refuse(by: string, peer: string, msg: number, kind: string, identity: string | null, problem: CertProblem, service: string): void {
    this.handshakes.refused++
    this.handshakes.lastRefusal = { at: this.now, from: by, to: peer, identity, problem }
    this.counter(service).refused++
    // The refused handshake message is recorded as dropped with reason 'refused', right after it
    // arrived: the scene shows it bouncing off the sidecar.
    this.trace.record({ at: this.now, type: 'drop', msg, from: peer, to: by, kind, reason: 'refused' })
    this.trace.record({ at: this.now, type: 'state', node: by, field: 'handshake', value: 'refused', label: `${identity ?? 'anonymous peer'}: ${problem}` })
  }

  private handshakeFailed(key: string, problem: CertProblem): void {
    const conn = this.conns.get(key)
    if (!conn) return
    this.conns.delete(key)
    for (const f of conn.waiting.splice(0)) f(problem)
  }

  /** Connections using a workload's old certificate close; the next request handshakes anew. */
  private closeConnections(w: Workload, why: string): void {
    for (const [key, c] of this.conns) {
      if (c.state !== 'established' || (c.client !== w && c.server !== w)) continue
      this.conns.delete(key)
      this.trace.record({ at: this.now, type: 'state', node: c.client.sidecar, field: 'connection', value: 'closed', label: `${c.client.sidecar} → ${c.server.sidecar}: ${why}` })
    }
  }

  private issue(w: Workload, why = 'issued'): void {
    const first = w.cert === null
    w.cert = this.ca.issue(w.identity, this.now)
    this.trace.record({ at: this.now, type: 'state', node: w.name, field: 'cert', value: w.cert.serial, label: `certificate ${w.cert.serial} ${first ? 'issued' : why} for ${w.identity}` })
    if (!first) this.closeConnections(w, 'certificate rotated')
    this.sched.cancel(w.expiryTimer)
    const cert = w.cert
    w.expiryTimer = this.sched.at(cert.notAfter, () => {
      if (w.cert !== cert) return
      this.trace.record({ at: this.now, type: 'state', node: w.name, field: 'cert', value: 'expired', label: `certificate ${cert.serial} expired` })
      this.closeConnections(w, 'certificate expired')
    })
    if (w.rotating) this.scheduleRenewal(w)
  }

  private scheduleRenewal(w: Workload): void {
    const cert = w.cert!
    const at = Math.max(this.now, cert.notBefore + this.renewAt * (cert.notAfter - cert.notBefore))
    this.sched.cancel(w.renewTimer)
    w.renewTimer = this.sched.at(at, () => {
      w.renewTimer = null
      if (w.rotating) this.issue(w, 'rotated')
    })
  }

  // --- lookups ----------------------------------------------------------------------------

  private workload(name: string): Workload {
    const w = this.workloadMap.get(name)
    if (!w) throw new SimArgumentError(`workload: got ${describeValue(name)}, expected one of ${[...this.workloadMap.keys()].join(', ')}`)
    return w
  }

  private serviceNames(): string[] {
    return [...new Set([...this.workloadMap.values()].map((w) => w.service))]
  }

  private expectService(service: string): void {
    expectArg(this.serviceNames().includes(service), 'service', service, `one of ${this.serviceNames().join(', ')}`)
  }

  /** Workloads that can serve `service` (in `subset` if given). Outsiders serve nobody. */
  private endpoints(service: string, subset: string | null): Workload[] {
    return [...this.workloadMap.values()].filter((w) => w.trusted && w.service === service && (subset === null || w.version === subset))
  }

  private retryPolicy(service: string): RetryPolicy {
    return this.retry.get(service) ?? DEFAULT_RETRY_POLICY
  }

  private breakerFor(req: Req): CircuitBreaker | null {
    const config = this.breakerConfig.get(req.service)
    if (!config) return null
    const cluster = req.subset ? `${req.service}/${req.subset}` : req.service
    const key = `${req.from.sidecar}>${cluster}`
    let b = this.breakers.get(key)
    if (!b) {
      const sidecar = req.from.sidecar
      const cb = new CircuitBreaker(config, (from, to) =>
        this.trace.record({ at: this.now, type: 'state', node: sidecar, field: 'breaker', value: to, label: `circuit to ${cluster}: ${from} → ${to}` }),
      )
      this.breakers.set(key, (b = { sidecar, cluster, cb }))
    }
    return b.cb
  }

  private budget(req: Req): RetryBudget | null {
    const config = this.retryPolicy(req.service).budget
    if (!config) return null
    const key = `${req.from.sidecar}>${req.service}`
    let b = this.budgets.get(key)
    if (!b) this.budgets.set(key, (b = { sidecar: req.from.sidecar, service: req.service, budget: new RetryBudget(config) }))
    return b.budget
  }

  private counter(service: string): MutableCounters {
    let c = this.counterMap.get(service)
    if (!c) {
      c = { requests: 0, succeeded: 0, failed: 0, retries: 0, retriesDenied: 0, shortCircuited: 0, refused: 0, aborted: 0, delayed: 0, timeouts: 0, bySubset: {}, recentSplit: {} }
      this.counterMap.set(service, c)
    }
    return c
  }

  private countersView(service: string): ServiceCounters {
    const c = this.counter(service)
    const recent = this.recent.get(service) ?? []
    const split: Record<string, number> = {}
    for (const s of recent) split[s] = (split[s] ?? 0) + 1
    for (const s of Object.keys(split)) split[s] = split[s]! / recent.length
    return { ...c, bySubset: { ...c.bySubset }, recentSplit: split }
  }
}

function view(r: Req): RequestView {
  return {
    id: r.id, from: r.from.name, service: r.service, subset: r.subset, attempt: r.attempt, status: r.status, code: r.code, reason: r.reason,
    target: r.target?.name ?? null, tries: r.tries.map((t) => ({ ...t })), backoffs: [...r.backoffs], nextRetryAt: r.nextRetryAt, startedAt: r.startedAt, endedAt: r.endedAt,
  }
}

export function createMesh(opts: MeshOptions): Mesh {
  return new Mesh(opts)
}
