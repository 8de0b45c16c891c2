import { describe, expect, it } from 'vitest'
import { capScenario, capScenarios } from './scenarios.ts'
import { snapshotCap } from './snapshot.ts'
import { hashTrace } from '../trace.ts'

describe('cap scenarios', () => {
  it('lists the scenario with exactly the named checkpoints, seed 7 by default', () => {
    expect(capScenarios.map((f) => [f.kind, f.name])).toEqual([['cap', 'cap']])
    expect(capScenario.checkpoints).toEqual(['start', 'healthy', 'partition', 'cp', 'ap', 'heal'])
    expect(capScenario.create().seed).toBe(7)
  })

  for (const factory of capScenarios) {
    it(`${factory.name}: same seed ⇒ same trace; another seed ⇒ another trace`, () => {
      expect(hashTrace(factory.create(7).trace())).toBe(hashTrace(factory.create(7).trace()))
      expect(hashTrace(factory.create(7).trace())).not.toBe(hashTrace(factory.create(8).trace()))
    })

    it(`${factory.name}: every checkpoint is reachable in any order with equal snapshots and distinct narration`, () => {
      const names = factory.checkpoints
      const forward = factory.create(7)
      const backward = factory.create(7)
      const fwd = names.map((n) => forward.stateAt(n))
      const bwd = [...names].reverse().map((n) => backward.stateAt(n)).reverse()
      expect(bwd).toEqual(fwd)
      const texts = fwd.map((s) => factory.create(7).describe(s))
      expect(new Set(texts).size).toBe(names.length)
    })
  }

  it('replaying to a checkpoint from scratch gives the cached snapshot', () => {
    const sc = capScenario.create(7)
    for (const name of ['heal', 'start', 'cp', 'healthy', 'ap', 'partition']) {
      expect(JSON.parse(JSON.stringify(snapshotCap(sc.live(name))))).toEqual(JSON.parse(JSON.stringify(sc.stateAt(name))))
    }
  })

  it('each checkpoint shows what its name claims', () => {
    const sc = capScenario.create(7)
    const values = (name: string) => sc.stateAt(name).nodes.map((n) => n.store.find((e) => e.key === 'balance')?.value)

    const healthy = sc.stateAt('healthy')
    expect(healthy.partition).toBeNull()
    expect(values('healthy')).toEqual([100, 100, 100])

    const partition = sc.stateAt('partition')
    expect(partition.partition).toEqual([[0, 1], [2]])
    expect(values('partition')).toEqual([120, 120, 100])
    expect(sc.eventsBetween('healthy', 'partition').some((e) => e.type === 'drop' && e.reason === 'partition')).toBe(true)

    const cp = sc.stateAt('cp')
    expect(cp.mode).toBe('CP')
    expect(cp.nodes[2]!.lastReply).toMatchObject({ ok: false, error: expect.stringMatching(/^no quorum/) })
    expect(cp.nodes[0]!.lastReply).toMatchObject({ ok: true, op: 'read', value: 120 })
    expect(values('cp')).toEqual([120, 120, 100])

    const ap = sc.stateAt('ap')
    expect(ap.mode).toBe('AP')
    expect(ap.partition).not.toBeNull()
    const left = ap.nodes[0]!.lastReply!, right = ap.nodes[2]!.lastReply!
    expect([left.ok, left.op, right.ok, right.op]).toEqual([true, 'read', true, 'read'])
    expect(left.value).not.toEqual(right.value)
    expect(ap.divergence).toBe(1)

    const heal = sc.stateAt('heal')
    expect(heal.partition).toBeNull()
    expect(heal.divergence).toBe(0)
    expect(heal.reconciliation).not.toBeNull()
    expect(new Set(values('heal'))).toEqual(new Set([heal.reconciliation!.kept.value]))
    expect(sc.eventsBetween('ap', 'heal').some((e) => e.type === 'send' && e.kind === 'sync')).toBe(true)
  })

  it('snapshots are plain JSON', () => {
    const sc = capScenario.create(7)
    for (const name of sc.checkpoints) expect(JSON.parse(JSON.stringify(sc.stateAt(name)))).toEqual(sc.stateAt(name))
  })
})
