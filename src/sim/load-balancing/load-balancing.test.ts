import { describe, expect, it } from 'vitest'
import type { ScenarioFactory } from '../scenario.ts'
import fc from 'fast-check'
import { Random } from '../random.ts'
import { SimArgumentError } from '../errors.ts'
import { checkScenarioContract } from '../mesh/scenario-contract.ts'
import type { TraceEvent } from '../trace.ts'
import {
  ALGORITHMS, BackendHealth, DEFAULT_ACTIVE_CHECKS, createLoadBalancer, createPicker, loadBalancingScenarios,
  type AlgorithmName, type Candidate, type LbScenarioSnapshot, type LoadBalancer,
} from './index.ts'

const pool = (names: string[], weights: number[] = []): Candidate[] => names.map((name, i) => ({ name, weight: weights[i] ?? 1, active: 0, healthy: true }))
const pickMany = (algorithm: AlgorithmName, candidates: Candidate[], n: number, ip = '10.0.0.1'): string[] => {
  const p = createPicker(algorithm, new Random(1))
  return Array.from({ length: n }, () => p.pick(candidates, { ip })!)
}
const settle = (lb: LoadBalancer, ms = 5000): void => lb.advance(ms)

describe('algorithms', () => {
  it('round robin rotates a b c a b c, skipping an unhealthy backend', () => {
    expect(pickMany('round-robin', pool(['a', 'b', 'c']), 7).join(' ')).toBe('a b c a b c a')
    const p = createPicker('round-robin', new Random(1))
    const cs = pool(['a', 'b', 'c']).map((c) => (c.name === 'b' ? { ...c, healthy: false } : c))
    expect(Array.from({ length: 4 }, () => p.pick(cs, { ip: 'x' }))).toEqual(['a', 'c', 'a', 'c'])
  })
  it('smooth weighted round robin: {a:5, b:1, c:1} gives a a b a c a a, and repeats', () => {
    expect(pickMany('weighted', pool(['a', 'b', 'c'], [5, 1, 1]), 14).join(' ')).toBe('a a b a c a a a a b a c a a')
    const p = createPicker('weighted', new Random(1))
    p.pick(pool(['a', 'b', 'c'], [5, 1, 1]), { ip: 'x' })
    expect(p.currentWeights()).toEqual({ a: -2, b: 1, c: 1 })
    // Over any whole cycle each backend gets exactly its weight.
    const counts = pickMany('weighted', pool(['a', 'b', 'c', 'd'], [3, 2, 4, 1]), 100).reduce<Record<string, number>>((m, x) => ({ ...m, [x]: (m[x] ?? 0) + 1 }), {})
    expect(counts).toEqual({ a: 30, b: 20, c: 40, d: 10 })
  })
  it('least connections picks the backend with fewest open connections, round robin among ties', () => {
    const p = createPicker('least-connections', new Random(1))
    const cs = [{ name: 'a', weight: 1, active: 4, healthy: true }, { name: 'b', weight: 1, active: 1, healthy: true }, { name: 'c', weight: 1, active: 2, healthy: true }]
    expect(p.pick(cs, { ip: 'x' })).toBe('b')
    expect(pickMany('least-connections', pool(['a', 'b', 'c']), 6).join(' ')).toBe('a b c a b c')
  })
  it('IP hash is sticky per client, and only the clients of an unhealthy backend move', () => {
    const ips = Array.from({ length: 200 }, (_, i) => `192.168.${i >> 8}.${i & 255}`)
    const p = createPicker('ip-hash', new Random(1))
    const all = pool(['a', 'b', 'c', 'd'])
    const first = ips.map((ip) => p.pick(all, { ip }))
    expect(ips.map((ip) => p.pick(all, { ip }))).toEqual(first)
    expect(new Set(first).size).toBe(4)
    const withoutB = all.map((c) => (c.name === 'b' ? { ...c, healthy: false } : c))
    const second = ips.map((ip) => p.pick(withoutB, { ip }))
    ips.forEach((_, i) => {
      if (first[i] === 'b') expect(second[i]).not.toBe('b')
      else expect(second[i]).toBe(first[i])
    })
    expect(ips.map((ip) => p.pick(all, { ip }))).toEqual(first)
  })
  it('power of two choices beats random on the maximum load (balls into bins)', () => {
    const maxLoad = (algorithm: AlgorithmName, seed: number): number => {
      const p = createPicker(algorithm, new Random(seed))
      const cs = pool(Array.from({ length: 100 }, (_, i) => `s${i}`)).map((c) => ({ ...c }))
      for (let i = 0; i < 1000; i++) {
        const name = p.pick(cs, { ip: 'x' })!
        const c = cs.find((x) => x.name === name)!
        ;(c as { active: number }).active++
      }
      return Math.max(...cs.map((c) => c.active))
    }
    for (const seed of [1, 2, 3, 4, 5]) {
      const random = maxLoad('random', seed)
      const two = maxLoad('two-choices', seed)
      expect(two).toBeLessThan(random)
      expect(two).toBeLessThanOrEqual(13) // average 10; ln ln n / ln 2 ≈ 2.2 above it
      expect(random).toBeGreaterThanOrEqual(16)
    }
  })
  it('every algorithm returns null when no backend is healthy', () => {
    for (const a of ALGORITHMS) expect(createPicker(a, new Random(1)).pick(pool(['a']).map((c) => ({ ...c, healthy: false })), { ip: 'x' })).toBeNull()
  })
})

describe('load balancer', () => {
  it('routes through the balancer: client → lb → backend → lb → client, in round-robin order', () => {
    const lb = createLoadBalancer({ seed: 1, algorithm: 'round-robin', backends: ['a', 'b', 'c'], clients: 2 })
    for (let i = 0; i < 6; i++) lb.request(i % 2 === 0 ? 'client-1' : 'client-2')
    settle(lb)
    expect(lb.picks().join('')).toBe('abcabc')
    const kinds = lb.trace.all().filter((e) => e.type === 'send').map((e) => e.type === 'send' && `${e.from}>${e.to}:${e.kind}`)
    expect(kinds.slice(0, 2)).toEqual(['client-1>lb:request', 'client-2>lb:request'])
    expect(kinds).toContain('lb>a:request')
    expect(kinds).toContain('a>lb:response')
    expect(kinds).toContain('lb>client-1:response')
    expect(lb.snapshot().counters).toMatchObject({ requests: 6, responses: 6, errors: 0 })
  })
  it('least connections balances long-lived connections where round robin piles them up', () => {
    const run = (algorithm: AlgorithmName): number[] => {
      const lb = createLoadBalancer({ seed: 3, algorithm, backends: ['a', 'b', 'c'] })
      // Every third request is a long-lived connection (a WebSocket, say); the others are short.
      for (let i = 0; i < 30; i++) lb.sched.after(i * 50, () => lb.request('client-1', { holdMs: i % 3 === 0 ? 1e6 : 10 }))
      lb.advance(3000)
      return lb.backends().map((b) => b.active)
    }
    const rr = run('round-robin')
    const lc = run('least-connections')
    expect(rr).toEqual([10, 0, 0])
    expect(lc.reduce((a, x) => a + x, 0)).toBe(10)
    expect(Math.max(...lc) - Math.min(...lc)).toBeLessThanOrEqual(1)
  })
  it('two choices keeps the busiest backend less loaded than random, end to end', () => {
    const peak = (algorithm: AlgorithmName): number => {
      const lb = createLoadBalancer({ seed: 9, algorithm, backends: Array.from({ length: 20 }, (_, i) => `s${i}`), clients: 10 })
      for (let i = 0; i < 400; i++) lb.sched.after(i * 20, () => lb.request(`client-${(i % 10) + 1}`, { holdMs: 1e6 }))
      lb.advance(9000)
      return Math.max(...lb.backends().map((b) => b.active))
    }
    expect(peak('two-choices')).toBeLessThan(peak('random'))
  })
  it('active checks: N consecutive failed probes eject, M good probes restore', () => {
    const lb = createLoadBalancer({ seed: 1, algorithm: 'round-robin', backends: ['a', 'b'], activeChecks: { intervalMs: 100, timeoutMs: 50, unhealthyThreshold: 3, healthyThreshold: 2 } })
    const b = () => lb.backends().find((x) => x.name === 'b')!
    // Probes leave at 100, 200, ...; a failure counts when its 50 ms timeout fires, a success
    // when the reply lands a few ms later. Look 60 ms after each probe.
    lb.sched.runUntil(250)
    lb.setBackend('b', { up: false })
    lb.sched.runUntil(360)
    expect(b()).toMatchObject({ failStreak: 1, health: 'healthy' })
    lb.sched.runUntil(460)
    expect(b()).toMatchObject({ failStreak: 2, health: 'healthy' })
    lb.sched.runUntil(560)
    expect(b()).toMatchObject({ failStreak: 3, health: 'ejected', ejectedBy: 'active' })
    lb.setBackend('b', { up: true })
    lb.sched.runUntil(660)
    expect(b()).toMatchObject({ okStreak: 1, health: 'ejected' })
    lb.sched.runUntil(760)
    expect(b()).toMatchObject({ okStreak: 2, health: 'healthy', ejectedBy: null, ejections: 1 })
    const changes = lb.trace.all().filter((e) => e.type === 'state' && e.field === 'health').map((e) => e.type === 'state' && e.value)
    expect(changes).toEqual(['ejected', 'healthy'])
  })
  it('passive checks eject on the error rate of real traffic, and readmit after the ejection time', () => {
    const lb = createLoadBalancer({ seed: 2, algorithm: 'round-robin', backends: ['a', 'b'], passiveChecks: { window: 10, minRequests: 10, errorRate: 0.5, ejectionMs: 2000 } })
    lb.setBackend('b', { errorRate: 1 })
    for (let i = 0; i < 40; i++) lb.sched.after(i * 20, () => lb.request('client-1'))
    lb.advance(1000)
    const b = lb.backends().find((x) => x.name === 'b')!
    expect(b).toMatchObject({ health: 'ejected', ejectedBy: 'passive', requests: 10, errors: 10 })
    expect(lb.backends().find((x) => x.name === 'a')!.requests).toBe(30)
    lb.advance(2000)
    expect(lb.backends().find((x) => x.name === 'b')!.health).toBe('healthy')
  })
  it('sends no request to an ejected backend, whatever happens (property)', () => {
    let ejectedSomewhere = 0
    const action = fc.oneof(
      fc.record({ t: fc.constant('req' as const), client: fc.integer({ min: 1, max: 3 }), hold: fc.integer({ min: 0, max: 400 }) }),
      fc.record({ t: fc.constant('crash' as const), b: fc.constantFrom('a', 'b', 'c') }),
      fc.record({ t: fc.constant('restart' as const), b: fc.constantFrom('a', 'b', 'c') }),
      fc.record({ t: fc.constant('errors' as const), b: fc.constantFrom('a', 'b', 'c'), rate: fc.constantFrom(0, 0.5, 1) }),
      fc.record({ t: fc.constant('wait' as const), ms: fc.integer({ min: 1, max: 300 }) }),
    )
    fc.assert(
      fc.property(fc.constantFrom(...ALGORITHMS), fc.integer(), fc.array(action, { maxLength: 80 }), (algorithm, seed, actions) => {
        const lb = createLoadBalancer({
          seed, algorithm, backends: ['a', 'b', 'c'],
          activeChecks: { intervalMs: 100, timeoutMs: 40, unhealthyThreshold: 2, healthyThreshold: 2 },
          passiveChecks: { window: 6, minRequests: 4, errorRate: 0.5, ejectionMs: 500 },
          requestTimeoutMs: 200,
        })
        for (const a of actions) {
          if (a.t === 'req') lb.request(`client-${a.client}`, { holdMs: a.hold })
          else if (a.t === 'crash') lb.setBackend(a.b, { up: false })
          else if (a.t === 'restart') lb.setBackend(a.b, { up: true })
          else if (a.t === 'errors') lb.setBackend(a.b, { errorRate: a.rate })
          else lb.advance(a.ms)
        }
        lb.advance(2000)
        expect(requestsToEjected(lb.trace.all())).toEqual([])
        if (lb.backends().some((b) => b.ejections > 0)) ejectedSomewhere++
      }),
      { numRuns: 150 },
    )
    expect(ejectedSomewhere).toBeGreaterThan(20)
  })
})

/** Replays the health changes in the trace and lists every request forwarded to an ejected backend. */
function requestsToEjected(events: readonly TraceEvent[]): string[] {
  const ejected = new Set<string>()
  const bad: string[] = []
  for (const e of events) {
    if (e.type === 'state' && e.field === 'health') {
      if (e.value === 'ejected') ejected.add(String(e.node))
      else ejected.delete(String(e.node))
    } else if (e.type === 'send' && e.from === 'lb' && e.kind === 'request' && ejected.has(String(e.to))) {
      bad.push(`${e.to}@${e.at}`)
    }
  }
  return bad
}

describe('L4 vs L7', () => {
  const rules = [{ pathPrefix: '/api', pool: ['api-1', 'api-2'] }, { header: { name: 'X-Canary', value: 'yes' }, pool: ['canary'] }, { pool: ['web'] }]
  it('L7 routes by path and by header', () => {
    const lb = createLoadBalancer({ seed: 1, algorithm: 'round-robin', backends: ['api-1', 'api-2', 'canary', 'web'], rules })
    lb.sched.after(0, () => lb.request('client-1', { path: '/api/orders' }))
    lb.sched.after(20, () => lb.request('client-1', { path: '/api/users' }))
    lb.sched.after(40, () => lb.request('client-2', { path: '/', headers: { 'X-Canary': 'yes' } }))
    lb.sched.after(60, () => lb.request('client-3', { path: '/index.html' }))
    settle(lb)
    expect(lb.picks()).toEqual(['api-1', 'api-2', 'canary', 'web'])
  })
  it('L4 sees only addresses and ports: it cannot match paths or headers, but can match the port', () => {
    expect(() => createLoadBalancer({ seed: 1, algorithm: 'round-robin', backends: ['api-1', 'api-2', 'canary', 'web'], layer: 'l4', rules })).toThrow(
      /rules\[0\]\.pathPrefix: got "\/api", expected no path match: an L4 balancer only sees addresses and ports/,
    )
    const lb = createLoadBalancer({ seed: 1, algorithm: 'round-robin', backends: ['db', 'web-1', 'web-2'], layer: 'l4', rules: [{ port: 5432, pool: ['db'] }, { pool: ['web-1', 'web-2'] }] })
    const view = { srcIp: '10.0.0.1', srcPort: 50000, dstPort: 443, path: '/api', headers: { 'x-canary': 'yes' } }
    expect(lb.seenBy(view)).toEqual({ srcIp: '10.0.0.1', srcPort: 50000, dstPort: 443 })
    lb.sched.after(0, () => lb.request('client-1', { path: '/api', port: 443 }))
    lb.sched.after(20, () => lb.request('client-1', { path: '/api', port: 5432 }))
    lb.sched.after(40, () => lb.request('client-1', { path: '/static', port: 443 }))
    settle(lb)
    // Paths made no difference: port 443 went round robin over the web pool, 5432 to the database.
    expect(lb.picks()).toEqual(['web-1', 'db', 'web-2'])
  })
  it('names bad arguments', () => {
    expect(() => createLoadBalancer({ seed: 1, algorithm: 'fastest' as AlgorithmName, backends: ['a'] })).toThrow(SimArgumentError)
    expect(() => createLoadBalancer({ seed: 1, algorithm: 'fastest' as AlgorithmName, backends: ['a'] })).toThrow(/algorithm: got "fastest", expected one of round-robin/)
    expect(() => createLoadBalancer({ seed: 1, algorithm: 'random', backends: [] })).toThrow(/backends: got \[\], expected a non-empty list/)
    expect(() => createLoadBalancer({ seed: 1, algorithm: 'random', backends: ['a', 'a'] })).toThrow(/backend name: got "a", expected a non-empty name not already used/)
    expect(() => createLoadBalancer({ seed: 1, algorithm: 'weighted', backends: [{ name: 'a', weight: 0 }] })).toThrow(/weight of a: got 0, expected an integer in 1..1000/)
    expect(() => createLoadBalancer({ seed: 1, algorithm: 'random', backends: ['a'], rules: [{ pool: ['zz'] }] })).toThrow(/backend: got "zz", expected one of a/)
    expect(() => createLoadBalancer({ seed: 1, algorithm: 'random', backends: ['a'], activeChecks: { unhealthyThreshold: 0 } })).toThrow(/activeChecks.unhealthyThreshold: got 0/)
    const lb = createLoadBalancer({ seed: 1, algorithm: 'random', backends: ['a'] })
    expect(() => lb.request('client-9')).toThrow(/request\(client\): got "client-9", expected one of client-1, client-2, client-3/)
    expect(() => lb.setBackend('a', { errorRate: 2 })).toThrow(/errorRate: got 2, expected a probability in \[0, 1\]/)
    expect(DEFAULT_ACTIVE_CHECKS).toEqual({ intervalMs: 2000, timeoutMs: 1000, unhealthyThreshold: 3, healthyThreshold: 2 })
    expect(new BackendHealth().health).toBe('healthy')
  })
})

const states = (name: string, seed = 7): Record<string, LbScenarioSnapshot> => {
  const f = loadBalancingScenarios.find((s) => s.name === name)!
  const sc = f.create(seed)
  return Object.fromEntries(sc.checkpoints.map((c) => [c, sc.stateAt(c)]))
}
const by = (s: LbScenarioSnapshot, name: string) => s.backends.find((b) => b.name === name)!

describe('load-balancing scenarios', () => {
  it('have exactly the checkpoints the slides use', () => {
    // They fit the deck's catalog as plain ScenarioFactory values (checked by tsc).
    const asCatalog: readonly ScenarioFactory[] = loadBalancingScenarios
    expect(asCatalog).toHaveLength(loadBalancingScenarios.length)
    expect(Object.fromEntries(loadBalancingScenarios.map((s) => [s.name, s.checkpoints]))).toEqual({
      'round-robin': ['start', 'requests', 'rotate'],
      'least-connections': ['start', 'long-lived', 'least'],
      weighted: ['start', 'weights', 'smooth'],
      'ip-hash': ['start', 'sticky', 'remap'],
      'health-check': ['start', 'probe-fails', 'ejected', 'restored'],
    })
    for (const s of loadBalancingScenarios) expect(s.kind).toBe('load-balancing')
  })
  it('keep the scenario contract: deterministic, seekable both ways, JSON, distinct narration', () => {
    for (const f of loadBalancingScenarios) expect(checkScenarioContract(f)).toEqual([])
  })
  it('round-robin: the first requests go a, b, c and are on the wire; then the rotation repeats', () => {
    const s = states('round-robin')
    expect(s.requests!.balancer.picks).toEqual(['a', 'b', 'c'])
    expect(s.requests!.inFlight.length).toBeGreaterThan(0)
    expect(s.requests!.inFlight[0]).toMatchObject({ kind: expect.any(String), sentAt: expect.any(Number), deliverAt: expect.any(Number) })
    expect(s.rotate!.balancer.picks.join('')).toBe('abcabcabc')
    expect(s.rotate!.backends.map((b) => b.requests)).toEqual([3, 3, 3])
  })
  it('least-connections: round robin piles long-lived connections on one backend; least connections evens them', () => {
    const s = states('least-connections')
    expect(s['long-lived']!.algorithm).toBe('round-robin')
    expect(s['long-lived']!.backends.map((b) => b.active)).toEqual([3, 0, 0])
    expect(s.least!.algorithm).toBe('least-connections')
    expect(s.least!.backends.map((b) => b.active)).toEqual([3, 3, 3])
    expect(by(s.least!, 'a').requests).toBe(by(s['long-lived']!, 'a').requests)
  })
  it('weighted: weights 5/1/1, first pick a; then a a b a c a a', () => {
    const s = states('weighted')
    expect(s.weights!.backends.map((b) => b.weight)).toEqual([5, 1, 1])
    expect(s.weights!.balancer.picks).toEqual(['a'])
    expect(s.weights!.balancer.currentWeights).toEqual({ a: -2, b: 1, c: 1 })
    expect(s.smooth!.balancer.picks.join(' ')).toBe('a a b a c a a')
  })
  it('ip-hash: every client sticks; after a backend is ejected only its clients move', () => {
    const s = states('ip-hash')
    for (const c of s.sticky!.clients) expect(new Set(c.history).size).toBe(1)
    const gone = s.remap!.backends.find((b) => b.health === 'ejected')!.name
    for (const c of s.remap!.clients) {
      const before = s.sticky!.clients.find((x) => x.id === c.id)!.lastBackend
      if (before === gone) expect(c.lastBackend).not.toBe(gone)
      else expect(c.lastBackend).toBe(before)
    }
    expect(s.remap!.clients.some((c) => new Set(c.history).size > 1)).toBe(true)
  })
  it('health-check: a failed probe keeps b in rotation; after 3 it is ejected and skipped; good probes restore it', () => {
    const s = states('health-check')
    expect(by(s['probe-fails']!, 'b')).toMatchObject({ up: false, failStreak: 1, health: 'healthy' })
    expect(by(s.ejected!, 'b')).toMatchObject({ up: false, health: 'ejected', ejectedBy: 'active' })
    // Since the ejection, every pick went to a or c.
    const pickedAfter = s.ejected!.balancer.picks.slice(-4)
    expect(pickedAfter.every((p) => p !== 'b')).toBe(true)
    expect(by(s.restored!, 'b')).toMatchObject({ up: true, health: 'healthy', ejections: 1 })
    expect(by(s.restored!, 'b').requests).toBeGreaterThan(by(s.ejected!, 'b').requests)
  })
})
