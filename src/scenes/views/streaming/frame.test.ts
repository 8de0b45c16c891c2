import { describe, expect, it } from 'vitest'
import { streamingScenarios, type StreamingScenarioSnapshot } from '../../../sim/streaming/index.ts'
import { Transition, frameOf } from './frame.ts'

/** What a frame must agree on with a snapshot at the same instant. */
function essentials(s: StreamingScenarioSnapshot) {
  return {
    logs: s.topics.map((t) => t.partitions.map((p) => [p.logStartOffset, p.logEndOffset, p.records.map((r) => r.id).join(',')])),
    groups: s.groups.map((g) => ({
      name: g.name,
      generation: g.generation,
      committed: g.committed,
      processedTimes: g.processedTimes,
      lostIds: [...g.lostIds].sort(),
      members: g.members.map((m) => ({ id: m.id, alive: m.alive, partitions: m.partitions, generation: m.generation, session: m.sessionExpiresAt })),
    })),
    queues: s.queues.map((q) => ({ ready: q.ready.map((m) => m.value), unacked: q.unacked.map((m) => `${m.value}@${m.consumer}`), counters: q.counters })),
    workers: s.queueConsumers.map((c) => [c.id, c.working, c.processed]),
    producers: s.producers.map((p) => [p.sent, p.acked, p.pending]),
  }
}

describe('streaming frames', () => {
  for (const factory of streamingScenarios) {
    const sc = factory.create(7)
    const names = sc.checkpoints
    for (let i = 1; i < names.length; i++) {
      const [from, to] = [names[i - 1]!, names[i]!]
      it(`${sc.name}: ${from} → ${to} starts at the one snapshot and ends at the other`, () => {
        const start = sc.stateAt(from)
        const end = sc.stateAt(to)
        const tr = new Transition(start, end, sc.eventsBetween(from, to))
        expect(tr.timeAt(0)).toBe(start.now)
        expect(tr.timeAt(1)).toBe(end.now)
        // Events at the very instant of the earlier checkpoint may follow it: just before, nothing has.
        expect(essentials(tr.at(start.now - 1e-9).snap)).toEqual(essentials(start))
        const last = tr.at(end.now).snap
        expect(essentials(last)).toEqual(essentials(end))
        // Read positions move as records are processed; the model's jump ahead to the end of a
        // fetched batch at once, so a frame's may trail the snapshot's, never pass them.
        for (const g of end.groups) {
          for (const m of g.members) {
            const fm = last.groups.find((x) => x.name === g.name)!.members.find((x) => x.id === m.id)!
            for (const [tp, pos] of Object.entries(m.positions)) expect(fm.positions[tp] ?? 0, `${m.id} ${tp}`).toBeLessThanOrEqual(pos)
          }
        }
        // Messages on the wire at the end are those the snapshot lists.
        expect(tr.at(end.now).wire.map((w) => w.flight.msg).sort()).toEqual(frameOf(end).wire.map((w) => w.flight.msg).sort())
      })
    }
  }

  it('time only moves forward through a transition, and the logs only grow', () => {
    const sc = streamingScenarios.find((s) => s.name === 'rebalance')!.create(7)
    const tr = new Transition(sc.stateAt('start'), sc.stateAt('crash'), sc.eventsBetween('start', 'crash'))
    let last = -1
    let records = 0
    for (let k = 0; k <= 20; k++) {
      const time = tr.timeAt(k / 20)
      expect(time).toBeGreaterThanOrEqual(last)
      last = time
      const n = tr.at(time).snap.topics[0]!.partitions.reduce((a, p) => a + p.logEndOffset, 0)
      expect(n).toBeGreaterThanOrEqual(records)
      records = n
    }
  })

  it('a crash shows at its moment: the member goes down and the group’s lost records appear', () => {
    const sc = streamingScenarios.find((s) => s.name === 'delivery-guarantees')!.create(7)
    const events = sc.eventsBetween('start', 'at-most-once')
    const crash = events.find((e) => e.type === 'fault' && e.action === 'crash')!
    const tr = new Transition(sc.stateAt('start'), sc.stateAt('at-most-once'), events)
    const before = tr.at(crash.at - 0.001).snap.groups[0]!
    const after = tr.at(crash.at).snap.groups[0]!
    expect(before.members.every((m) => m.alive)).toBe(true)
    expect(before.lostIds).toEqual([])
    expect(after.members.find((m) => m.id === 'at-most-once-1')!.alive).toBe(false)
    expect(after.lostIds).toHaveLength(3)
  })
})
