import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { Random } from '../random.ts'
import { Backoff, CircuitBreaker, RESILIENCE4J_DEFAULTS, RetryBudget, decideRoute, exponential, verifyCertificate, CertificateAuthority, spiffeId, type TrafficPolicy } from './index.ts'

describe('exponential backoff', () => {
  it('no jitter: min(cap, base·2^n)', () => {
    const b = new Backoff({ jitter: 'none', baseMs: 100, capMs: 1000 }, new Random(1))
    expect(Array.from({ length: 6 }, () => b.next())).toEqual([100, 200, 400, 800, 1000, 1000])
    expect(exponential(3, 10, 1e9)).toBe(80)
  })
  it('full jitter: rand(0, min(cap, base·2^n)), averaging half the ceiling', () => {
    const sums = [0, 0, 0, 0, 0]
    for (let k = 0; k < 2000; k++) {
      const b = new Backoff({ jitter: 'full', baseMs: 100, capMs: 1000 }, new Random(k))
      for (let n = 0; n < 5; n++) {
        const d = b.next()
        expect(d >= 0 && d < Math.min(1000, 100 * 2 ** n)).toBe(true)
        sums[n]! += d
      }
    }
    sums.forEach((s, n) => expect(Math.abs(s / 2000 / (Math.min(1000, 100 * 2 ** n) / 2) - 1)).toBeLessThan(0.06))
  })
  it('decorrelated jitter: min(cap, rand(base, prev·3)), prev starting at base', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 20 }), (seed, base, capFactor) => {
        const cap = base * capFactor
        const b = new Backoff({ jitter: 'decorrelated', baseMs: base, capMs: cap }, new Random(seed))
        let prev = base
        for (let i = 0; i < 8; i++) {
          const d = b.next()
          expect(d).toBeGreaterThanOrEqual(Math.min(cap, base))
          expect(d).toBeLessThanOrEqual(Math.min(cap, prev * 3))
          prev = d
        }
      }),
      { numRuns: 150 },
    )
  })
  it('names bad policies', () => {
    expect(() => new Backoff({ jitter: 'none', baseMs: 0, capMs: 10 }, new Random(1))).toThrow(/backoff.baseMs: got 0, expected a number of ms > 0/)
    expect(() => new Backoff({ jitter: 'none', baseMs: 50, capMs: 10 }, new Random(1))).toThrow(/backoff.capMs: got 10, expected a number of ms ≥ baseMs \(50\)/)
    expect(() => new Backoff({ jitter: 'equal' as 'none', baseMs: 50, capMs: 100 }, new Random(1))).toThrow(/backoff.jitter: got "equal"/)
  })
})

describe('retry budget', () => {
  it('allows retries up to ratio × requests (+ a floor) within the window', () => {
    const b = new RetryBudget({ ratio: 0.2, minRetriesPerSecond: 0, ttlMs: 10_000 })
    for (let i = 0; i < 100; i++) b.recordRequest(i)
    let granted = 0
    while (b.tryRetry(200)) granted++
    expect(granted).toBe(20)
    for (let i = 0; i < 50; i++) b.recordRequest(5000)
    while (b.tryRetry(5000)) granted++
    expect(granted).toBe(30)
    // The first 100 requests leave the 10 s window, their retries at t=200 not yet: no allowance left.
    expect(b.state(10_150)).toEqual({ requests: 50, retries: 30, allowed: 10 })
    expect(b.tryRetry(10_150)).toBe(false)
    expect(b.state(15_001)).toEqual({ requests: 0, retries: 0, allowed: 0 })
    const floor = new RetryBudget({ ratio: 0.2, minRetriesPerSecond: 1, ttlMs: 10_000 })
    let n = 0
    while (floor.tryRetry(0)) n++
    expect(n).toBe(10)
  })
  it('names a bad ratio', () => {
    expect(() => new RetryBudget({ ratio: -1, minRetriesPerSecond: 0, ttlMs: 1 })).toThrow(/retryBudget.ratio: got -1/)
  })
})

describe('circuit breaker', () => {
  it('defaults to resilience4j\u2019s numbers', () => {
    expect(RESILIENCE4J_DEFAULTS).toEqual({ failureRateThreshold: 50, slidingWindowSize: 100, minimumNumberOfCalls: 100, waitDurationInOpenStateMs: 60_000, permittedNumberOfCallsInHalfOpenState: 10 })
    expect(new CircuitBreaker().config).toEqual(RESILIENCE4J_DEFAULTS)
  })
  it('closed → open once the failure rate over the window reaches the threshold after the minimum calls', () => {
    const transitions: string[] = []
    const cb = new CircuitBreaker({ slidingWindowSize: 10, minimumNumberOfCalls: 10 }, (a, b) => transitions.push(`${a}>${b}`))
    for (let i = 0; i < 9; i++) cb.onResult(false, i) // 100% failures, but only 9 calls
    expect(cb.state).toBe('closed')
    expect(cb.failureRate()).toBeNull()
    cb.onResult(false, 9)
    expect(cb.state).toBe('open')
    expect(transitions).toEqual(['closed>open'])
    // A window of 10 at 40% failures stays closed; at 50% it opens.
    const c2 = new CircuitBreaker({ slidingWindowSize: 10, minimumNumberOfCalls: 10 })
    for (let i = 0; i < 10; i++) c2.onResult(i % 5 < 3, i) // 3 successes then 2 failures, twice: 40%
    expect(c2.failureRate()).toBe(40)
    expect(c2.state).toBe('closed')
    c2.onResult(false, 10) // the window slides: oldest success out, a failure in
    expect(c2.state).toBe('open')
  })
  it('open refuses calls until the wait is over, then half-open lets N trials through', () => {
    const cb = new CircuitBreaker({ slidingWindowSize: 4, minimumNumberOfCalls: 4, waitDurationInOpenStateMs: 1000, permittedNumberOfCallsInHalfOpenState: 3 })
    for (let i = 0; i < 4; i++) cb.onResult(false, 0)
    expect(cb.tryAcquire(999)).toBe(false)
    expect(cb.state).toBe('open')
    expect(cb.tryAcquire(1000)).toBe(true)
    expect(cb.state).toBe('half-open')
    expect(cb.tryAcquire(1000)).toBe(true)
    expect(cb.tryAcquire(1000)).toBe(true)
    expect(cb.tryAcquire(1000)).toBe(false) // only three trials
    cb.onResult(true, 1010)
    cb.onResult(true, 1010)
    expect(cb.state).toBe('half-open')
    cb.onResult(true, 1010)
    expect(cb.state).toBe('closed')
    expect(cb.view()).toMatchObject({ state: 'closed', calls: 0, rejected: 2 })
  })
  it('half-open → open again when the trials fail', () => {
    const cb = new CircuitBreaker({ slidingWindowSize: 2, minimumNumberOfCalls: 2, waitDurationInOpenStateMs: 10, permittedNumberOfCallsInHalfOpenState: 2 })
    cb.onResult(false, 0)
    cb.onResult(false, 0)
    expect(cb.tryAcquire(10) && cb.tryAcquire(10)).toBe(true)
    cb.onResult(true, 11)
    cb.onResult(false, 12)
    expect(cb.state).toBe('open') // 50% ≥ threshold
    expect(cb.view().openedAt).toBe(12)
    expect(cb.tryAcquire(21)).toBe(false)
    expect(cb.tryAcquire(22)).toBe(true)
    cb.release()
    expect(cb.view().trialsStarted).toBe(0)
  })
  it('names bad settings', () => {
    expect(() => new CircuitBreaker({ failureRateThreshold: 0 })).toThrow(/failureRateThreshold: got 0, expected a percentage in \(0, 100\]/)
    expect(() => new CircuitBreaker({ slidingWindowSize: 2.5 })).toThrow(/slidingWindowSize: got 2.5/)
  })
})

describe('traffic routing', () => {
  const canary: TrafficPolicy = {
    routes: [
      { match: { headers: { 'X-User': 'tester' } }, route: [{ subset: 'v2', weight: 100 }] },
      { route: [{ subset: 'v1', weight: 90 }, { subset: 'v2', weight: 10 }] },
    ],
  }
  it('splits by weight and routes by header', () => {
    const rng = new Random(3)
    let v2 = 0
    for (let i = 0; i < 10_000; i++) if (decideRoute(canary, {}, rng).subset === 'v2') v2++
    expect(Math.abs(v2 / 10_000 - 0.1)).toBeLessThan(0.02)
    for (let i = 0; i < 100; i++) expect(decideRoute(canary, { 'x-user': 'tester' }, rng)).toMatchObject({ route: 0, subset: 'v2' })
    expect(decideRoute(canary, { 'x-user': 'someone' }, rng).route).toBe(1)
  })
  it('injects delays and aborts at their percentages, independently', () => {
    const p: TrafficPolicy = { routes: [{ route: [{ subset: 'v1', weight: 1 }], fault: { delay: { percent: 30, ms: 500 }, abort: { percent: 20, status: 503 } } }] }
    const rng = new Random(4)
    let delayed = 0, aborted = 0, both = 0
    for (let i = 0; i < 10_000; i++) {
      const d = decideRoute(p, {}, rng)
      if (d.delayMs === 500) delayed++
      if (d.abortStatus === 503) aborted++
      if (d.delayMs && d.abortStatus) both++
    }
    expect(Math.abs(delayed / 10_000 - 0.3)).toBeLessThan(0.02)
    expect(Math.abs(aborted / 10_000 - 0.2)).toBeLessThan(0.02)
    expect(Math.abs(both / 10_000 - 0.06)).toBeLessThan(0.01)
  })
})

describe('workload identity', () => {
  it('checks issuer, validity window and the expected identity', () => {
    const ca = new CertificateAuthority('mesh-ca', 1000)
    const id = spiffeId('cluster.local', 'default', 'payments')
    expect(id).toBe('spiffe://cluster.local/ns/default/sa/payments')
    const cert = ca.issue(id, 100)
    expect(cert).toEqual({ serial: 1, spiffeId: id, issuer: 'mesh-ca', notBefore: 100, notAfter: 1100 })
    expect(verifyCertificate(cert, 500, 'mesh-ca', id)).toBeNull()
    expect(verifyCertificate(cert, 1100, 'mesh-ca')).toBe('expired')
    expect(verifyCertificate(cert, 50, 'mesh-ca')).toBe('not yet valid')
    expect(verifyCertificate(cert, 500, 'other-ca')).toBe('untrusted issuer')
    expect(verifyCertificate(cert, 500, 'mesh-ca', 'spiffe://cluster.local/ns/default/sa/frontend')).toBe('wrong identity')
    expect(verifyCertificate(null, 500, 'mesh-ca')).toBe('no certificate')
  })
})
