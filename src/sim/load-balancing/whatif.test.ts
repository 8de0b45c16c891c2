import { describe, expect, it } from 'vitest'
import type { Scenario, WhatIf } from '../scenario.ts'
import { createLoadBalancer, loadBalancingScenarios, WEIGHT_PRESETS, type LbScenarioSnapshot, type LbWorld } from './index.ts'

type Sc = Scenario<LbScenarioSnapshot, LbWorld>
const scenario = (name: string): Sc => loadBalancingScenarios.find((f) => f.name === name)!.create(7)

/** A live model at `checkpoint` and its what-if. */
function live(name: string, checkpoint: string): { sc: Sc; w: LbWorld; whatIf: WhatIf<LbWorld> } {
  const sc = scenario(name)
  return { sc, w: sc.live(checkpoint), whatIf: sc.whatIf! }
}

const act = (whatIf: WhatIf<LbWorld>, w: LbWorld, trigger: string, node?: string): string => {
  const action = whatIf.actions.find((a) => a.trigger === trigger)
  if (!action) throw new Error(`no action ${trigger}`)
  return action.run(w, node === undefined ? undefined : { node })
}

/** Run the live model for `ms` of simulated time in frame-sized slices, as the deck does (≤ 100 ms real a frame). */
const run = (whatIf: WhatIf<LbWorld>, w: LbWorld, ms: number): void => {
  const end = w.lb.now + ms
  const slice = whatIf.speed / 10
  while (w.lb.now < end) whatIf.advance(w, Math.min(slice, end - w.lb.now))
}

const backend = (w: LbWorld, name: string) => w.lb.backends().find((b) => b.name === name)!

describe('load-balancing what-if', () => {
  it('offers a click, W and C everywhere, and X only for the weighted scenario; no key reveal.js needs', () => {
    const keys = Object.fromEntries(loadBalancingScenarios.map((f) => [f.name, f.create(7).whatIf?.actions.map((a) => a.trigger)]))
    expect(keys).toEqual({
      'round-robin': ['click', 'w', 'c'],
      'least-connections': ['click', 'w', 'c'],
      weighted: ['click', 'w', 'c', 'x'],
      'ip-hash': ['click', 'w', 'c'],
      'health-check': ['click', 'w', 'c'],
    })
    for (const f of loadBalancingScenarios) {
      const wi = f.create(7).whatIf!
      expect(wi.speed).toBeGreaterThan(0)
      for (const a of wi.actions) {
        expect(['n', 'h', 'j', 'k', 'l', 'b', 'f', 'o', 's', 'r', 'g', 'p', ' ', '.', '?']).not.toContain(a.trigger)
        expect(a.label.length).toBeGreaterThan(10)
      }
    }
  })

  it('a click crashes a backend and a second click restarts it; an unknown target changes nothing', () => {
    const { sc, w, whatIf } = live('round-robin', 'rotate')
    expect(act(whatIf, w, 'click', 'b')).toMatch(/^Backend b crashed; this balancer has no health checks/)
    expect(backend(w, 'b').up).toBe(false)
    expect(sc.describe(sc.snapshotOf(w))).toMatch(/^Live with round robin: a 3 served, 0 open; b down, 3 served, 0 open; c/)
    expect(act(whatIf, w, 'click', 'b')).toBe('Backend b is running again.')
    expect(backend(w, 'b').up).toBe(true)
    expect(act(whatIf, w, 'click', 'client-1')).toMatch(/^Click a backend \(a, b, c\)/)
    expect(w.lb.backends().every((b) => b.up)).toBe(true)
  })

  it('without health checks a crashed backend keeps its turn: its requests time out', () => {
    const { sc, w, whatIf } = live('round-robin', 'rotate')
    act(whatIf, w, 'click', 'b')
    act(whatIf, w, 'w')
    run(whatIf, w, 2000)
    expect(backend(w, 'b')).toMatchObject({ requests: 5, errors: 2, health: 'healthy' })
    expect(sc.describe(sc.snapshotOf(w))).toMatch(/b down, 3 served, 2 failed, 0 open/)
  })

  it('with health checks a crashed backend is ejected after the failed probes, and restored after good ones', () => {
    const { sc, w, whatIf } = live('health-check', 'restored')
    expect(act(whatIf, w, 'click', 'c')).toBe('Backend c crashed; the health checks eject it after 3 failed probes in a row.')
    run(whatIf, w, 4000)
    expect(backend(w, 'c')).toMatchObject({ up: false, health: 'ejected' })
    expect(sc.describe(sc.snapshotOf(w))).toMatch(/c down and ejected, /)
    expect(act(whatIf, w, 'click', 'c')).toBe('Backend c is running again; it rejoins the pool after 2 good probes.')
    run(whatIf, w, 3000)
    expect(backend(w, 'c')).toMatchObject({ up: true, health: 'healthy', ejections: 1 })
  })

  it('W sends a burst that round robin spreads evenly', () => {
    const { w, whatIf } = live('round-robin', 'rotate')
    expect(act(whatIf, w, 'w')).toBe('The clients send a burst of 6 requests.')
    run(whatIf, w, 1000)
    expect(w.lb.backends().map((b) => b.requests)).toEqual([5, 5, 5])
    expect(w.lb.snapshot().counters.responses).toBe(15)
  })

  it('C opens long-lived connections that stay open; least connections spreads them', () => {
    const { w, whatIf } = live('least-connections', 'least')
    expect(act(whatIf, w, 'c')).toBe('3 clients open long-lived connections (WebSockets, say) that stay open.')
    run(whatIf, w, 3000)
    expect(w.lb.backends().map((b) => b.active)).toEqual([4, 4, 4])
    const rr = live('round-robin', 'rotate')
    // The round-robin scenario has two clients, so two connections; they stay open too.
    expect(act(rr.whatIf, rr.w, 'c')).toMatch(/^2 clients open/)
    run(rr.whatIf, rr.w, 3000)
    expect(rr.w.lb.backends().map((b) => b.active)).toEqual([1, 1, 0])
  })

  it('X cycles the weights, and a burst shows one smooth cycle of the new weights', () => {
    const { sc, w, whatIf } = live('weighted', 'smooth')
    expect(act(whatIf, w, 'x')).toBe('The weights are now a 1, b 1, c 1; the smooth cycle starts afresh.')
    expect(w.lb.backends().map((b) => b.weight)).toEqual([1, 1, 1])
    expect(act(whatIf, w, 'x')).toBe('The weights are now a 3, b 2, c 1; the smooth cycle starts afresh.')
    expect(act(whatIf, w, 'w')).toBe('The clients send a burst of 6 requests.')
    run(whatIf, w, 1000)
    expect(w.lb.picks().slice(-6).join(' ')).toBe('a b a c b a')
    expect(sc.describe(sc.snapshotOf(w))).toMatch(/^Live with smooth weighted round robin: a \(weight 3\)/)
    act(whatIf, w, 'x')
    expect(act(whatIf, w, 'x')).toBe('The weights are now a 5, b 1, c 1; the smooth cycle starts afresh.')
    expect(WEIGHT_PRESETS[0]).toEqual([5, 1, 1])
  })

  it('live advance fast-forwards quiet stretches but plays messages at watching speed', () => {
    const { w, whatIf } = live('round-robin', 'rotate')
    // Nothing on the wire: one real second covers far more than `speed` ms.
    whatIf.advance(w, whatIf.speed)
    expect(w.lb.now - scenario('round-robin').timeOf('rotate')).toBeGreaterThan(whatIf.speed * 2)
    act(whatIf, w, 'w')
    const before = w.lb.now
    // Once a request is on the wire, time runs at `speed` (the first hop takes 2–6 ms).
    whatIf.advance(w, whatIf.speed / 10)
    expect(w.lb.onWire()).toBeGreaterThan(0)
    expect(w.lb.now - before).toBeLessThanOrEqual(whatIf.speed / 10 + 1e-9)
  })

  it('setWeight validates, records the change and restarts the smooth cycle', () => {
    const lb = createLoadBalancer({ seed: 1, algorithm: 'weighted', backends: [{ name: 'a', weight: 5 }, 'b'] })
    expect(() => lb.setWeight('a', 0)).toThrow(/weight of a: got 0, expected an integer in 1..1000/)
    expect(() => lb.setWeight('z', 1)).toThrow(/backend: got "z"/)
    lb.request('client-1')
    lb.advance(50)
    lb.setWeight('b', 3)
    expect(lb.trace.all().filter((e) => e.type === 'state' && e.field === 'weight').map((e) => e.type === 'state' && [e.node, e.value])).toEqual([['b', 3]])
    expect(lb.snapshot().balancer.currentWeights).toEqual({})
    lb.setWeight('b', 3)
    expect(lb.trace.all().filter((e) => e.type === 'state' && e.field === 'weight')).toHaveLength(1)
  })
})
