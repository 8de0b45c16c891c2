import { describe, expect, it } from 'vitest'
import { capScenario } from './scenarios.ts'
import { capWhatIf, minorityReplica, DEPOSIT, LIVE_SPEED } from './whatif.ts'
import type { CapStore } from './store.ts'
import { describeCap } from './describe.ts'

const action = (trigger: string) => capWhatIf.actions.find((a) => a.trigger === trigger)!
const live = (checkpoint: string): CapStore => capScenario.create(7).live(checkpoint)
const balances = (m: CapStore) => [0, 1, 2].map((n) => m.get(n, 'balance')?.value ?? null)

describe('cap what-if', () => {
  it('is offered by the scenario, with a click and the keys p, w and m (never r)', () => {
    const sc = capScenario.create(7)
    expect(sc.whatIf).toBe(capWhatIf)
    expect(capWhatIf.actions.map((a) => a.trigger)).toEqual(['click', 'p', 'w', 'm'])
    for (const a of capWhatIf.actions) expect(a.label.length).toBeGreaterThan(10)
    expect(capWhatIf.speed).toBe(LIVE_SPEED)
  })

  it('p splits {0, 1} | {2} and heals again; healing reconciles diverged replicas', () => {
    const m = live('ap')
    expect(m.divergence()).toBe(1)
    expect(action('p').run(m)).toMatch(/heals/)
    expect(m.groups()).toBeNull()
    capWhatIf.advance(m, 20)
    expect(m.divergence()).toBe(0)
    expect(action('p').run(m)).toMatch(/\{0, 1\} and \{2\}/)
    expect(m.groups()).toEqual([[0, 1], [2]])
  })

  it('w in CP mode: the minority replica waits for a quorum, then refuses; the majority is untouched', () => {
    const m = live('partition')
    expect(minorityReplica(m)).toBe(2)
    const said = action('w').run(m)
    expect(said).toMatch(/balance = 110 at replica 2, on the minority side/)
    expect(said).toMatch(/CP mode/)
    const req = m.requests().at(-1)!
    expect([req.node, req.op, req.value, req.status]).toEqual([2, 'write', 100 + DEPOSIT, 'pending'])
    capWhatIf.advance(m, m.timeoutMs + 1)
    expect(m.request(req.id).status).toBe('refused')
    expect(balances(m)).toEqual([120, 120, 100])
  })

  it('m then w: in AP mode the same minority write is accepted at once and the sides diverge', () => {
    const m = live('cp')
    expect(action('m').run(m)).toMatch(/AP mode/)
    expect(m.mode).toBe('AP')
    action('w').run(m)
    expect(m.requests().at(-1)!.status).toBe('ok')
    capWhatIf.advance(m, 20)
    expect(balances(m)).toEqual([120, 120, 110])
    expect(describeCap(capScenario.create(7).snapshotOf(m))).toMatch(/^AP mode/)
    expect(action('m').run(m)).toMatch(/CP mode/)
    expect(m.mode).toBe('CP')
  })

  it('w on a whole network goes to the last replica and commits in CP mode', () => {
    const m = live('healthy')
    expect(minorityReplica(m)).toBe(2)
    expect(action('w').run(m)).toMatch(/while the network is whole/)
    capWhatIf.advance(m, 50)
    expect(m.requests().at(-1)!.status).toBe('ok')
    expect(balances(m)).toEqual([110, 110, 110])
  })

  it('clicking a replica cuts it off alone, clicking it again reconnects it (a heal once all are back)', () => {
    const m = live('healthy')
    expect(action('click').run(m, { node: 1 })).toMatch(/Replica 1 is cut off/)
    expect(m.groups()).toEqual([[0, 2], [1]])
    expect(action('click').run(m, { node: 0 })).toMatch(/Replica 0 is cut off/)
    expect(m.groups()).toEqual([[2], [1], [0]])
    expect(action('click').run(m, { node: 0 })).toMatch(/Replica 0 rejoins \{1\}/)
    expect(m.groups()).toEqual([[0, 1], [2]])
    expect(action('click').run(m, { node: 2 })).toMatch(/network is whole again/)
    expect(m.groups()).toBeNull()
  })

  it('clicking the cut-off replica of the scenario heals, and a non-replica target is ignored', () => {
    const m = live('cp')
    expect(action('click').run(m, { node: 2 })).toMatch(/reconnected/)
    expect(m.groups()).toBeNull()
    expect(action('click').run(m, { node: 9 })).toBe('That is not a replica.')
    expect(action('click').run(m, {})).toBe('That is not a replica.')
    expect(m.groups()).toBeNull()
  })

  it('after a heal and a new split, the narration does not claim a reconciliation is still in force', () => {
    const m = live('heal')
    action('p').run(m)
    const text = describeCap(capScenario.create(7).snapshotOf(m))
    expect(text).toMatch(/split into \{0, 1\} and \{2\}/)
    expect(text).not.toMatch(/reconciled/)
    expect(text).toMatch(/All 3 replicas agree: balance = 150/)
  })

  it('advance ignores a negative real-time delta instead of throwing', () => {
    const m = live('healthy')
    const now = m.now
    expect(() => capWhatIf.advance(m, -0.3)).not.toThrow()
    expect(m.now).toBe(now)
  })

  it('a live run is still seeded: the same actions give the same trace', () => {
    const run = () => {
      const m = live('partition')
      action('w').run(m)
      capWhatIf.advance(m, 37.5)
      action('m').run(m)
      action('w').run(m)
      action('p').run(m)
      capWhatIf.advance(m, 200)
      return JSON.stringify(m.trace.all())
    }
    expect(run()).toBe(run())
  })
})
