import { describe, expect, it } from 'vitest'
import type { Scenario, WhatIf } from '../scenario.ts'
import { meshScenarios, CANARY_WEIGHTS, type MeshScenarioSnapshot, type MeshWorld } from './index.ts'

const scenario = (name: string): Scenario<MeshScenarioSnapshot, MeshWorld> => meshScenarios.find((f) => f.name === name)!.create(7)

/** A live model at `checkpoint` and its what-if. */
function live(name: string, checkpoint: string): { sc: Scenario<MeshScenarioSnapshot, MeshWorld>; w: MeshWorld; whatIf: WhatIf<MeshWorld> } {
  const sc = scenario(name)
  return { sc, w: sc.live(checkpoint), whatIf: sc.whatIf! }
}

const act = (whatIf: WhatIf<MeshWorld>, w: MeshWorld, trigger: string, node?: string): string => {
  const action = whatIf.actions.find((a) => a.trigger === trigger)
  if (!action) throw new Error(`no action ${trigger}`)
  return action.run(w, node === undefined ? undefined : { node })
}

/** Run the live model for `ms` of simulated time in frame-sized slices, as the deck does. */
const run = (whatIf: WhatIf<MeshWorld>, w: MeshWorld, ms: number): void => {
  const end = w.mesh.now + ms
  while (w.mesh.now < end) whatIf.advance(w, Math.min(5, end - w.mesh.now))
}

const weights = (w: MeshWorld): number[] => {
  const routes = w.mesh.snapshot().policies.reviews!.routes!.routes
  return routes[routes.length - 1]!.route.map((d) => d.weight)
}

describe('mesh what-if', () => {
  it('offers a click and W everywhere, and each scenario its own key', () => {
    const keys = Object.fromEntries(meshScenarios.map((f) => [f.name, f.create(7).whatIf?.actions.map((a) => a.trigger)]))
    expect(keys).toEqual({
      mtls: ['click', 'w', 'i'],
      retries: ['click', 'w', 'x'],
      'circuit-breaker': ['click', 'w'],
      canary: ['click', 'w', 'c'],
    })
    for (const f of meshScenarios) {
      const wi = f.create(7).whatIf!
      expect(wi.speed).toBeGreaterThan(0)
      // No key reveal.js needs, and R stays reserved for "back to the script".
      for (const a of wi.actions) expect(['n', 'h', 'j', 'k', 'l', 'b', 'f', 'o', 's', 'r', 'g', ' ', '.', '?']).not.toContain(a.trigger)
    }
  })

  it('a click fails a called service, a second click heals it, and the narration goes live', () => {
    const { sc, w, whatIf } = live('circuit-breaker', 'closed')
    expect(act(whatIf, w, 'click', 'payments')).toMatch(/payments now answers every call with 503/)
    expect(w.mesh.workloads().find((x) => x.name === 'payments')!.errorRate).toBe(1)
    expect(sc.describe(sc.snapshotOf(w))).toMatch(/^Live: payments is failing every call/)
    expect(act(whatIf, w, 'click', 'payments')).toMatch(/healthy again/)
    expect(w.mesh.workloads().find((x) => x.name === 'payments')!.errorRate).toBe(0)
    // The caller and unknown targets change nothing.
    expect(act(whatIf, w, 'click', 'frontend')).toMatch(/^Click payments/)
    expect(w.mesh.workloads().every((x) => x.errorRate === 0)).toBe(true)
  })

  it('keeps traffic flowing live, so failing payments opens the circuit and healing closes it again', () => {
    const { sc, w, whatIf } = live('circuit-breaker', 'closed')
    act(whatIf, w, 'click', 'payments')
    run(whatIf, w, 300)
    // Past the script's own 80 calls: the live load keeps calling every 100 ms.
    while (w.mesh.now < 9000) whatIf.advance(w, 20)
    expect(w.mesh.counters('payments').requests).toBeGreaterThan(80)
    expect(w.mesh.breaker('frontend', 'payments')!.state).toBe('open')
    expect(sc.describe(sc.snapshotOf(w))).toMatch(/the circuit is open/)
    act(whatIf, w, 'click', 'payments')
    const until = w.mesh.now + 4000
    while (w.mesh.now < until) whatIf.advance(w, 20)
    expect(w.mesh.breaker('frontend', 'payments')!.state).toBe('closed')
  })

  it('W sends a request from the frontend that goes through both sidecars and succeeds', () => {
    const { w, whatIf } = live('mtls', 'handshake')
    expect(act(whatIf, w, 'w')).toMatch(/request 2 to payments/)
    run(whatIf, w, 200)
    expect(w.mesh.request(2)).toMatchObject({ from: 'frontend', service: 'payments', status: 'ok', code: 200 })
  })

  it('C cycles the canary weights 90/10 → 50/50 → 0/100 → 90/10, and traffic follows', () => {
    const { sc, w, whatIf } = live('canary', 'counters')
    expect(weights(w)).toEqual([90, 10])
    const seen: number[][] = []
    for (let i = 0; i < CANARY_WEIGHTS.length; i++) {
      act(whatIf, w, 'c')
      seen.push(weights(w))
    }
    expect(seen).toEqual([[50, 50], [0, 100], [90, 10]])
    act(whatIf, w, 'c')
    act(whatIf, w, 'c')
    expect(weights(w)).toEqual([0, 100])
    expect(sc.describe(sc.snapshotOf(w))).toMatch(/^Live: the weights are v1 0 \/ v2 100/)
    // The script's traffic continues, then the live load: everything new goes to v2.
    const before = { ...w.mesh.counters('reviews').bySubset }
    while (w.mesh.now < 11_000) whatIf.advance(w, 5)
    const after = w.mesh.counters('reviews').bySubset
    expect(after.v1).toBe(before.v1)
    expect(after.v2! - before.v2!).toBeGreaterThan(400)
    // The tester header route survives the change.
    expect(w.mesh.snapshot().policies.reviews!.routes!.routes[0]!.match).toEqual({ headers: { 'x-user': 'tester' } })
  })

  it('I: an intruder is refused at the payments sidecar, before it has a workload and after', () => {
    for (const checkpoint of ['handshake', 'intruder']) {
      const { sc, w, whatIf } = live('mtls', checkpoint)
      const refused = w.mesh.snapshot().handshakes.refused
      expect(act(whatIf, w, 'i')).toMatch(/intruder/)
      run(whatIf, w, 100)
      const s = w.mesh.snapshot()
      expect(s.handshakes.refused).toBe(refused + 1)
      expect(s.handshakes.lastRefusal).toMatchObject({ from: 'payments.proxy', to: 'intruder.proxy', problem: 'untrusted issuer' })
      expect(s.requests[s.requests.length - 1]).toMatchObject({ from: 'intruder', status: 'failed', reason: 'handshake refused: untrusted issuer' })
      expect(sc.describe(sc.snapshotOf(w))).toMatch(new RegExp(`^Live: \\d+ handshakes accepted and ${refused + 1} refused`))
    }
  })

  it('X toggles full jitter on the backoff: waits become random below 100·2^n ms', () => {
    const { sc, w, whatIf } = live('retries', 'recovered')
    expect(act(whatIf, w, 'x')).toMatch(/full jitter/)
    act(whatIf, w, 'click', 'payments')
    act(whatIf, w, 'w')
    run(whatIf, w, 2000)
    const jittered = w.mesh.request(2)
    expect(jittered.backoffs).toHaveLength(3)
    jittered.backoffs.forEach((b, n) => expect(b).toBeLessThan(100 * 2 ** n))
    expect(sc.describe(sc.snapshotOf(w))).toMatch(/\(full jitter\)/)
    expect(act(whatIf, w, 'x')).toMatch(/without jitter/)
    act(whatIf, w, 'w')
    run(whatIf, w, 2000)
    expect(w.mesh.request(3).backoffs).toEqual([100, 200, 400])
    expect(sc.describe(sc.snapshotOf(w))).toMatch(/request 3 failed after 4 tries \(retries exhausted\), waits 100, 200, 400 ms \(no jitter\)/)
  })

  it('plays quiet stretches faster, and stops fast-forwarding as soon as a message is on the wire', () => {
    const { w, whatIf } = live('retries', 'recovered')
    expect(w.mesh.busy()).toBe(false)
    let t = w.mesh.now
    whatIf.advance(w, 10)
    expect(w.mesh.now - t).toBeCloseTo(60) // quietFactor 6
    act(whatIf, w, 'w')
    expect(w.mesh.busy()).toBe(true)
    t = w.mesh.now
    whatIf.advance(w, 1)
    expect(w.mesh.now - t).toBeCloseTo(1)
  })

  it('is deterministic: the same actions at the same moments give the same trace', () => {
    const go = (): string => {
      const { w, whatIf } = live('circuit-breaker', 'half-open')
      act(whatIf, w, 'click', 'payments')
      for (let i = 0; i < 200; i++) whatIf.advance(w, 7)
      act(whatIf, w, 'w')
      for (let i = 0; i < 200; i++) whatIf.advance(w, 7)
      return JSON.stringify(w.mesh.trace.all())
    }
    expect(go()).toBe(go())
  })
})
