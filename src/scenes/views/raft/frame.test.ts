import { describe, expect, it } from 'vitest'
import { raftScenarios } from '../../../sim/raft/scenarios.ts'
import type { RaftSnapshot } from '../../../sim/raft/types.ts'
import { clientFlights, frameBetween, frameOf, interpolate, payloadsOf } from './frame.ts'

/** What the scene draws of a node, to compare a replayed state with a checkpoint's snapshot. */
function drawn(s: RaftSnapshot): unknown {
  return {
    leader: s.leader,
    term: s.term,
    partition: s.partition,
    nodes: s.nodes.map((n) => ({
      role: n.role, term: n.term, alive: n.alive, connected: n.connected, commitIndex: n.commitIndex, lastApplied: n.lastApplied,
      log: n.log.map((e) => `${e.term}:${String(e.command)}`),
      votes: n.role === 'candidate' ? [...n.votes].sort() : [],
      nextIndex: n.role === 'leader' ? n.nextIndex : [],
      matchIndex: n.role === 'leader' ? n.matchIndex : [],
      electionDeadline: n.alive && n.role !== 'leader' ? n.electionDeadline : null,
    })),
  }
}

describe('raft frames between checkpoints', () => {
  for (const factory of raftScenarios) {
    it(`${factory.name}: replaying the trace onto a checkpoint reaches the next one, and t = 0 is the earlier one`, () => {
      const sc = factory.create(7)
      const names = sc.checkpoints
      for (let k = 1; k < names.length; k++) {
        const start = sc.stateAt(names[k - 1]!) as RaftSnapshot
        const end = sc.stateAt(names[k]!) as RaftSnapshot
        const events = sc.eventsBetween(names[k - 1]!, names[k]!)
        const payloads = payloadsOf(sc.trace())
        // Just after the checkpoint's instant: every event of the step has happened.
        expect(drawn(interpolate(start, end, events, end.time + 1e-9, payloads)), `${factory.name}: ${names[k - 1]} → ${names[k]}`).toEqual(drawn(end))
        const first = frameBetween(start, end, events, 0, [], payloads)
        expect(drawn(first.snap), `${factory.name}: t = 0 of ${names[k]}`).toEqual(drawn(start))
        expect(first.wire.map((w) => w.flight.msg).sort()).toEqual(frameOf(start).wire.map((w) => w.flight.msg).sort())
      }
    })
  }

  it('the replication client: its request lands when the leader appends x=1, its reply leaves when the leader applies it', () => {
    const sc = raftScenarios.find((f) => f.name === 'replication')!.create(7)
    const flights = clientFlights(sc.trace())
    expect(flights.map((f) => [f.kind, f.from, f.to])).toEqual([
      ['ClientRequest', 'client', 1],
      ['ClientReply', 1, 'client'],
    ])
    expect(flights[0]!.endAt).toBe(sc.timeOf('client-write'))
    expect(flights[1]!.sentAt).toBe(sc.timeOf('commit'))
    // Mid-way into the first step the request is on its way and the leader's log is still empty.
    const start = sc.stateAt('start') as RaftSnapshot
    const mid = frameBetween(start, sc.stateAt('client-write') as RaftSnapshot, sc.eventsBetween('start', 'client-write'), 0.5, flights)
    expect(mid.wire.map((w) => w.flight.kind)).toContain('ClientRequest')
    expect(mid.snap.nodes[1]!.log).toHaveLength(0)
  })
})
