import { describe, expect, it } from 'vitest'
import type { ScenarioFactory } from '../scenario.ts'
import type { TraceEvent } from '../trace.ts'
import { checkScenarioContract } from './scenario-contract.ts'
import { createMesh, meshScenarios, type Jitter, type Mesh, type MeshScenarioSnapshot } from './index.ts'

const PAIR = [{ name: 'frontend', service: 'frontend' }, { name: 'payments', service: 'payments' }]
const CANARY = [
  { name: 'frontend', service: 'frontend' },
  { name: 'reviews-v1', service: 'reviews', version: 'v1' },
  { name: 'reviews-v2', service: 'reviews', version: 'v2' },
]
const sends = (m: Mesh): Extract<TraceEvent, { type: 'send' }>[] => m.trace.all().filter((e): e is Extract<TraceEvent, { type: 'send' }> => e.type === 'send')
const attemptOf = (e: Extract<TraceEvent, { type: 'send' }>): number => (e.payload as { attempt?: number } | undefined)?.attempt ?? -1

describe('sidecars and mTLS', () => {
  it('carries all traffic through sidecars: service → own sidecar → peer sidecar → peer service', () => {
    const m = createMesh({ seed: 1, workloads: CANARY })
    for (let i = 0; i < 20; i++) m.sched.after(i * 20, () => m.call('frontend', 'reviews'))
    m.advance(2000)
    const hops = new Set(sends(m).map((e) => `${e.from}>${e.to}`))
    for (const hop of hops) {
      const [a, b] = hop.split('>') as [string, string]
      const sidecarToSidecar = a.endsWith('.proxy') && b.endsWith('.proxy')
      const appAndOwnSidecar = a === `${b}.proxy` || b === `${a}.proxy`
      expect(sidecarToSidecar || appAndOwnSidecar, hop).toBe(true)
    }
    expect(hops).toContain('frontend>frontend.proxy')
    expect(hops).toContain('frontend.proxy>reviews-v1.proxy')
    expect(hops).toContain('reviews-v1.proxy>reviews-v1')
    expect(m.counters('reviews')).toMatchObject({ requests: 20, succeeded: 20 })
  })
  it('handshakes once per connection and rotates certificates before they expire, without a failed call', () => {
    const m = createMesh({ seed: 2, workloads: PAIR, certTtlMs: 1000 })
    for (let i = 0; i < 200; i++) m.sched.after(i * 50, () => m.call('frontend', 'payments'))
    const serials: number[] = []
    for (let t = 0; t < 10_000; t += 25) {
      m.advance(25)
      for (const w of m.workloads()) expect(w.cert?.valid, `${w.name} at ${m.now}`).toBe(true)
      serials.push(m.workloads()[0]!.cert!.serial)
    }
    m.advance(500)
    expect(new Set(serials).size).toBeGreaterThanOrEqual(19) // renewed every 500 ms
    expect(m.counters('payments')).toMatchObject({ requests: 200, succeeded: 200, refused: 0 })
    expect(m.snapshot().handshakes.accepted).toBeGreaterThanOrEqual(19) // one per rotation, not per call
    expect(m.snapshot().handshakes.accepted).toBeLessThan(40)
  })
  it('refuses a workload whose certificate expired, and the refusal is in the trace', () => {
    const m = createMesh({ seed: 3, workloads: PAIR, certTtlMs: 1000 })
    m.setRotation('frontend', false)
    m.advance(1200)
    expect(m.workloads().find((w) => w.name === 'frontend')!.cert).toMatchObject({ valid: false, problem: 'expired' })
    const id = m.call('frontend', 'payments')
    m.advance(200)
    expect(m.request(id)).toMatchObject({ status: 'failed', code: 503, reason: 'handshake refused: expired' })
    const drops = m.trace.all().filter((e) => e.type === 'drop' && e.reason === 'refused')
    expect(drops).toHaveLength(1)
    expect(drops[0]).toMatchObject({ from: 'frontend.proxy', to: 'payments.proxy', kind: 'tls-hello' })
    expect(m.trace.all().some((e) => e.type === 'state' && e.field === 'handshake' && e.value === 'refused' && e.node === 'payments.proxy')).toBe(true)
    // Renewing again restores service.
    m.setRotation('frontend', true)
    const again = m.call('frontend', 'payments')
    m.advance(200)
    expect(m.request(again).status).toBe('ok')
  })
  it('refuses an outsider with a self-signed certificate; nothing reaches the service', () => {
    const m = createMesh({ seed: 4, workloads: [...PAIR, { name: 'intruder', service: 'intruder', trusted: false }] })
    const id = m.call('intruder', 'payments')
    m.advance(500)
    expect(m.request(id)).toMatchObject({ status: 'failed', reason: 'handshake refused: untrusted issuer' })
    expect(m.snapshot().handshakes.lastRefusal).toMatchObject({ from: 'payments.proxy', to: 'intruder.proxy', problem: 'untrusted issuer' })
    expect(m.trace.all().some((e) => e.type === 'deliver' && e.to === 'payments')).toBe(false)
    expect(m.counters('payments').refused).toBe(1)
  })
})

describe('retries', () => {
  it('retries failed tries with the backoff policy and succeeds once the upstream recovers', () => {
    const m = createMesh({ seed: 5, workloads: PAIR })
    m.setRetryPolicy('payments', { attempts: 3, backoff: { jitter: 'none', baseMs: 100, capMs: 1000 } })
    m.setErrorRate('payments', 1)
    const id = m.call('frontend', 'payments')
    m.sched.runWhile(() => m.request(id).backoffs.length === 2, 5000)
    m.setErrorRate('payments', 0)
    m.advance(1000)
    expect(m.request(id)).toMatchObject({ status: 'ok', code: 200, attempt: 2, backoffs: [100, 200] })
    expect(m.request(id).tries.map((t) => t.status)).toEqual([503, 503, 200])
    const retrySends = sends(m).filter((e) => e.kind === 'request' && e.from === 'frontend.proxy').map((e) => e.at)
    expect(retrySends[1]! - retrySends[0]!).toBeGreaterThanOrEqual(100)
    expect(retrySends[2]! - retrySends[1]!).toBeGreaterThanOrEqual(200)
  })
  it('gives up after the last attempt, and the application sees a single failure', () => {
    const m = createMesh({ seed: 6, workloads: PAIR })
    m.setRetryPolicy('payments', { attempts: 2, backoff: { jitter: 'full', baseMs: 10, capMs: 100 } })
    m.setErrorRate('payments', 1)
    const id = m.call('frontend', 'payments')
    m.advance(2000)
    expect(m.request(id)).toMatchObject({ status: 'failed', code: 503, attempt: 2, reason: 'retries exhausted' })
    expect(m.trace.all().filter((e) => e.type === 'deliver' && e.to === 'frontend' && e.kind === 'response')).toHaveLength(1)
  })
  it('keeps retries within the budget (≤ 20% of requests) when the upstream fails hard', () => {
    const m = createMesh({ seed: 7, workloads: PAIR })
    m.setRetryPolicy('payments', { attempts: 3, backoff: { jitter: 'full', baseMs: 10, capMs: 100 }, budget: { ratio: 0.2, minRetriesPerSecond: 0, ttlMs: 10_000 } })
    m.setErrorRate('payments', 1)
    for (let i = 0; i < 500; i++) m.sched.after(i * 10, () => m.call('frontend', 'payments'))
    m.advance(6000)
    const c = m.counters('payments')
    expect(c.requests).toBe(500)
    expect(c.retries).toBeLessThanOrEqual(0.2 * c.requests)
    expect(c.retries).toBeGreaterThan(0.15 * c.requests)
    expect(c.retriesDenied).toBeGreaterThan(300)
    // Without a budget the same outage triples the load.
    const n = createMesh({ seed: 7, workloads: PAIR })
    n.setRetryPolicy('payments', { attempts: 3, backoff: { jitter: 'full', baseMs: 10, capMs: 100 }, budget: null })
    n.setErrorRate('payments', 1)
    for (let i = 0; i < 500; i++) n.sched.after(i * 10, () => n.call('frontend', 'payments'))
    n.advance(6000)
    expect(n.counters('payments').retries).toBe(1500)
  })
  it('jittered retries spread load: fewer simultaneous retries than without jitter', () => {
    // 100 calls fail together (a blip), so every client's retries start in step.
    const peak = (jitter: Jitter): number => {
      const m = createMesh({ seed: 8, workloads: PAIR })
      m.setRetryPolicy('payments', { attempts: 3, backoff: { jitter, baseMs: 100, capMs: 2000 }, budget: null })
      m.setErrorRate('payments', 1)
      for (let i = 0; i < 100; i++) m.call('frontend', 'payments')
      m.advance(5000)
      const perWindow = new Map<number, number>()
      for (const e of sends(m)) {
        if (e.kind !== 'request' || e.from !== 'frontend.proxy' || attemptOf(e) < 1) continue
        const bucket = Math.floor(e.at / 20)
        perWindow.set(bucket, (perWindow.get(bucket) ?? 0) + 1)
      }
      expect([...perWindow.values()].reduce((a, x) => a + x, 0)).toBe(300)
      return Math.max(...perWindow.values())
    }
    const none = peak('none')
    const full = peak('full')
    const decorrelated = peak('decorrelated')
    expect(none).toBeGreaterThanOrEqual(90) // the herd retries inside one 20 ms window
    expect(full).toBeLessThan(none / 3)
    expect(decorrelated).toBeLessThan(none / 3)
  })
})

describe('circuit breaking in the sidecar', () => {
  it('opens on failures, fails fast without touching the upstream, and closes after good trials', () => {
    const m = createMesh({ seed: 9, workloads: PAIR })
    m.setRetryPolicy('payments', { attempts: 0 })
    m.setCircuitBreaker('payments', { slidingWindowSize: 10, minimumNumberOfCalls: 10, waitDurationInOpenStateMs: 1000, permittedNumberOfCallsInHalfOpenState: 3 })
    m.setErrorRate('payments', 1)
    for (let i = 0; i < 60; i++) m.sched.after(i * 50, () => m.call('frontend', 'payments'))
    m.sched.runWhile(() => m.breaker('frontend', 'payments')?.state === 'open', 5000)
    const reachedWhenOpened = m.trace.all().filter((e) => e.type === 'deliver' && e.to === 'payments').length
    expect(reachedWhenOpened).toBe(10)
    m.setErrorRate('payments', 0)
    m.advance(900)
    expect(m.trace.all().filter((e) => e.type === 'deliver' && e.to === 'payments').length).toBe(reachedWhenOpened)
    expect(m.counters('payments').shortCircuited).toBeGreaterThanOrEqual(15)
    m.advance(600)
    expect(m.breaker('frontend', 'payments')?.state).toBe('closed')
    const changes = m.trace.all().filter((e) => e.type === 'state' && e.field === 'breaker').map((e) => e.type === 'state' && e.value)
    expect(changes).toEqual(['open', 'half-open', 'closed'])
  })
})

describe('traffic control', () => {
  it('a 90/10 canary measures within 2 points of 90/10 over 10 000 requests', () => {
    const m = createMesh({ seed: 10, workloads: CANARY })
    m.setRoutes('reviews', { routes: [{ route: [{ subset: 'v1', weight: 90 }, { subset: 'v2', weight: 10 }] }] })
    for (let i = 0; i < 10_000; i++) m.sched.after(i * 2, () => m.call('frontend', 'reviews'))
    m.advance(21_000)
    const c = m.counters('reviews')
    expect(c.succeeded).toBe(10_000)
    expect(Math.abs(c.bySubset.v1! / 10_000 - 0.9)).toBeLessThan(0.02)
    expect(Math.abs(c.bySubset.v2! / 10_000 - 0.1)).toBeLessThan(0.02)
    // And the served requests really went to those workloads.
    const served = m.trace.all().filter((e) => e.type === 'deliver' && e.kind === 'request' && (e.to === 'reviews-v1' || e.to === 'reviews-v2'))
    expect(served.filter((e) => e.type === 'deliver' && e.to === 'reviews-v2').length).toBe(c.bySubset.v2)
  })
  it('routes by header: testers reach v2 whatever the weights', () => {
    const m = createMesh({ seed: 11, workloads: CANARY })
    m.setRoutes('reviews', { routes: [{ match: { headers: { 'x-user': 'tester' } }, route: [{ subset: 'v2', weight: 1 }] }, { route: [{ subset: 'v1', weight: 1 }] }] })
    const ids = Array.from({ length: 20 }, (_, i) => m.call('frontend', 'reviews', i % 2 === 0 ? { headers: { 'X-User': 'tester' } } : {}))
    m.advance(1000)
    ids.forEach((id, i) => expect(m.request(id)).toMatchObject({ status: 'ok', subset: i % 2 === 0 ? 'v2' : 'v1', target: i % 2 === 0 ? 'reviews-v2' : 'reviews-v1' }))
  })
  it('injects delays and aborts: delayed requests take longer, aborted ones never reach the service', () => {
    const m = createMesh({ seed: 12, workloads: CANARY })
    m.setRoutes('reviews', { routes: [{ route: [{ subset: 'v1', weight: 1 }], fault: { delay: { percent: 25, ms: 300 }, abort: { percent: 10, status: 503 } } }] })
    const ids = Array.from({ length: 2000 }, (_, i) => i).map((i) => (m.sched.after(i, () => m.call('frontend', 'reviews')), i + 1))
    m.advance(5000)
    const c = m.counters('reviews')
    expect(Math.abs(c.delayed / 2000 - 0.25)).toBeLessThan(0.03)
    expect(Math.abs(c.aborted / 2000 - 0.1)).toBeLessThan(0.02)
    const reqs = ids.map((id) => m.request(id))
    expect(reqs.filter((r) => r.reason === 'fault injected: abort').length).toBe(c.aborted)
    const slow = reqs.filter((r) => r.endedAt! - r.startedAt >= 300).length
    expect(Math.abs(slow - c.delayed)).toBe(0)
    const reached = m.trace.all().filter((e) => e.type === 'deliver' && e.to === 'reviews-v1').length
    expect(reached).toBe(2000 - c.aborted)
  })
  it('names bad arguments', () => {
    const m = createMesh({ seed: 1, workloads: CANARY })
    expect(() => m.call('nobody', 'reviews')).toThrow(/workload: got "nobody", expected one of frontend, reviews-v1, reviews-v2/)
    expect(() => m.call('frontend', 'ratings')).toThrow(/service: got "ratings", expected one of frontend, reviews/)
    expect(() => m.setRoutes('reviews', { routes: [{ route: [{ subset: 'v3', weight: 1 }] }] })).toThrow(/routes\[0\] subset: got "v3", expected one of the service's subsets \(v1, v2\)/)
    expect(() => m.setRoutes('reviews', { routes: [{ route: [{ subset: 'v1', weight: 0 }] }] })).toThrow(/routes\[0\] weights: got \[0\], expected at least one weight > 0/)
    expect(() => m.setRoutes('reviews', { routes: [{ route: [{ subset: 'v1', weight: 1 }], fault: { abort: { percent: 150, status: 503 } } }] })).toThrow(/fault.abort.percent: got 150/)
    expect(() => m.setErrorRate('frontend', 2)).toThrow(/errorRate: got 2, expected a probability in \[0, 1\]/)
    expect(() => m.setRetryPolicy('reviews', { attempts: -1 })).toThrow(/retry attempts: got -1/)
    expect(() => m.addWorkload({ name: 'frontend', service: 'x' })).toThrow(/workload name: got "frontend", expected a name not already in the mesh/)
    expect(() => createMesh({ seed: 1, workloads: [] })).toThrow(/workloads: got \[\], expected a non-empty list/)
    expect(() => createMesh({ seed: 1, workloads: PAIR, renewAtFraction: 1 })).toThrow(/renewAtFraction: got 1, expected a fraction in \(0, 1\)/)
    expect(() => m.request(99)).toThrow(/request\(id\): got 99/)
  })
})

const states = (name: string, seed = 7): Record<string, MeshScenarioSnapshot> => {
  const sc = meshScenarios.find((s) => s.name === name)!.create(seed)
  return Object.fromEntries(sc.checkpoints.map((c) => [c, sc.stateAt(c)]))
}

describe('mesh scenarios', () => {
  it('have exactly the checkpoints the slides use', () => {
    // They fit the deck's catalog as plain ScenarioFactory values (checked by tsc).
    const asCatalog: readonly ScenarioFactory[] = meshScenarios
    expect(asCatalog).toHaveLength(meshScenarios.length)
    expect(Object.fromEntries(meshScenarios.map((s) => [s.name, s.checkpoints]))).toEqual({
      mtls: ['start', 'handshake', 'rotate', 'intruder'],
      retries: ['start', 'failure', 'retry-1', 'retry-2', 'recovered'],
      'circuit-breaker': ['start', 'failing', 'open', 'half-open', 'closed'],
      canary: ['start', 'split', 'counters', 'shift'],
    })
    for (const s of meshScenarios) expect(s.kind).toBe('mesh')
  })
  it('keep the scenario contract: deterministic, seekable both ways, JSON, distinct narration', () => {
    for (const f of meshScenarios) expect(checkScenarioContract(f)).toEqual([])
  })
  it('mtls: a handshake, then rotated certificates and a new handshake, then a refused intruder', () => {
    const s = states('mtls')
    expect(s.start!.connections).toEqual([])
    expect(s.handshake!.connections).toEqual([expect.objectContaining({ from: 'frontend.proxy', to: 'payments.proxy', state: 'established', serials: [1, 2] })])
    expect(s.handshake!.inFlight.some((f) => f.kind === 'request' && f.to === 'payments.proxy')).toBe(true)
    const serials = s.rotate!.workloads.map((w) => w.cert!.serial)
    expect(Math.min(...serials)).toBeGreaterThan(2)
    expect(s.rotate!.connections[0]!.serials).toEqual(serials)
    expect(s.rotate!.workloads.every((w) => w.cert!.valid && w.identity.startsWith('spiffe://cluster.local/ns/default/sa/'))).toBe(true)
    expect(s.rotate!.handshakes).toMatchObject({ accepted: 2, refused: 0 })
    expect(s.intruder!.handshakes).toMatchObject({ refused: 1, lastRefusal: { from: 'payments.proxy', to: 'intruder.proxy', problem: 'untrusted issuer' } })
    expect(s.intruder!.workloads.find((w) => w.name === 'intruder')).toMatchObject({ trusted: false, cert: { valid: false } })
    expect(s.intruder!.inFlight.some((f) => f.kind === 'tls-alert')).toBe(true)
  })
  it('retries: a failed try, retry 1 and retry 2 on the wire after growing backoffs, then success', () => {
    const s = states('retries')
    const req = (k: string) => s[k]!.requests[0]!
    expect(req('failure')).toMatchObject({ status: 'pending', attempt: 0, backoffs: [100] })
    expect(req('failure').tries[0]!.status).toBe(503)
    expect(req('retry-1')).toMatchObject({ attempt: 1, backoffs: [100] })
    expect(s['retry-1']!.inFlight.some((f) => f.kind === 'request' && (f.payload as { attempt: number }).attempt === 1)).toBe(true)
    expect(req('retry-2')).toMatchObject({ attempt: 2, backoffs: [100, 200] })
    expect(s['retry-2']!.inFlight.some((f) => (f.payload as { attempt: number }).attempt === 2)).toBe(true)
    expect(s['retry-2']!.workloads.find((w) => w.name === 'payments')!.errorRate).toBe(0)
    expect(req('recovered')).toMatchObject({ status: 'ok', code: 200, attempt: 2 })
    expect(s.recovered!.services.find((x) => x.name === 'payments')!.counters).toMatchObject({ requests: 1, succeeded: 1, retries: 2 })
  })
  it('circuit-breaker: failing while closed, open and failing fast, half-open trials, closed again', () => {
    const s = states('circuit-breaker')
    const b = (k: string) => s[k]!.breakers[0]!
    expect(s.start!.breakers).toEqual([])
    expect(b('failing')).toMatchObject({ state: 'closed', config: { slidingWindowSize: 10, minimumNumberOfCalls: 10, waitDurationInOpenStateMs: 2000, permittedNumberOfCallsInHalfOpenState: 3 } })
    expect(b('failing').failures).toBeGreaterThanOrEqual(4)
    expect(b('open').state).toBe('open')
    expect(s.open!.services.find((x) => x.name === 'payments')!.counters.shortCircuited).toBeGreaterThanOrEqual(3)
    expect(b('half-open')).toMatchObject({ state: 'half-open' })
    expect(b('half-open').trialsStarted).toBeGreaterThanOrEqual(2)
    expect(s['half-open']!.now - b('half-open').openedAt!).toBeGreaterThanOrEqual(2000)
    expect(b('closed').state).toBe('closed')
  })
  it('canary: 90/10 split configured, counters near 90/10, then shifted to 50/50', () => {
    const s = states('canary')
    const reviews = (k: string) => s[k]!.services.find((x) => x.name === 'reviews')!.counters
    expect(s.split!.policies.reviews!.routes!.routes[1]!.route).toEqual([{ subset: 'v1', weight: 90 }, { subset: 'v2', weight: 10 }])
    expect(reviews('split').requests).toBe(20)
    const c = reviews('counters')
    expect(Math.abs(c.bySubset.v1! / 600 - 0.9)).toBeLessThan(0.03)
    expect(s.shift!.policies.reviews!.routes!.routes[1]!.route).toEqual([{ subset: 'v1', weight: 50 }, { subset: 'v2', weight: 50 }])
    expect(Math.abs(reviews('shift').recentSplit.v2! - 0.5)).toBeLessThan(0.08)
  })
})
