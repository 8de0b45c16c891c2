// The public contract of createRaftCluster (DESIGN.md §4): shapes, bad input, determinism, and
// what the trace and the snapshot carry for the scenes.
import { describe, expect, it } from 'vitest'
import { SimArgumentError } from '../errors.ts'
import { hashTrace } from '../trace.ts'
import { createRaftCluster } from './cluster.ts'
import { describeRaft } from './describe.ts'
import { raftScenarios } from './index.ts'
import { checkedCluster, runUntil, stableLeader } from './testkit.ts'
import type { RaftSim } from './types.ts'

function elect(sim: RaftSim): number {
  runUntil(sim, 'a stable leader', () => stableLeader(sim) !== null)
  return sim.leader()!
}

describe('createRaftCluster: shape', () => {
  it('starts with n followers in term 0, ordered by id', () => {
    const sim = createRaftCluster({ nodes: 3, seed: 1 })
    expect(sim.now).toBe(0)
    expect(sim.messagesSent).toBe(0)
    expect(sim.leader()).toBeNull()
    expect(sim.nodes()).toEqual([0, 1, 2].map((id) => ({ id, role: 'follower', term: 0, votedFor: null, log: [], commitIndex: 0, alive: true, connected: true })))
  })

  it('returns copies: changing a view does not change the cluster', () => {
    const sim = createRaftCluster({ nodes: 3, seed: 1 })
    const l = elect(sim)
    sim.start(l, 'x')
    sim.advance(100)
    const view = sim.nodes()
    view[0]!.log.push({ term: 99, command: 'y' })
    sim.applied(0).push({ index: 9, command: 'z' })
    expect(sim.nodes()[0]!.log).toHaveLength(1)
    expect(sim.applied(0)).toHaveLength(1)
  })

  it('a one-node cluster elects itself and commits alone', () => {
    const sim = createRaftCluster({ nodes: 1, seed: 1 })
    sim.advance(300)
    expect(sim.leader()).toBe(0)
    expect(sim.start(0, 'solo')).toEqual({ index: 1, term: 1, isLeader: true })
    expect(sim.nodes()[0]!.commitIndex).toBe(1)
    expect(sim.applied(0)).toEqual([{ index: 1, command: 'solo' }])
    expect(sim.messagesSent).toBe(0)
  })

  it('crash keeps only currentTerm, votedFor and the log; restart resets the rest', () => {
    const { sim } = checkedCluster(3, 2)
    const l = elect(sim)
    for (const c of ['a', 'b']) sim.start(l, c)
    sim.advance(100)
    const before = sim.nodes()[l]!
    sim.crash(l)
    expect(sim.start(l, 'c')).toEqual({ index: -1, term: before.term, isLeader: false })
    const crashed = sim.nodes()[l]!
    expect(crashed).toMatchObject({ alive: false, role: 'follower', term: before.term, votedFor: before.votedFor, log: before.log, commitIndex: 0 })
    expect(sim.applied(l)).toEqual([])
    expect(sim.leader()).not.toBe(l)
    runUntil(sim, 'a new leader', () => sim.leader() !== null, 1000)
    sim.restart(l)
    expect(sim.nodes()[l]).toMatchObject({ alive: true, role: 'follower', commitIndex: 0 })
    expect(sim.applied(l)).toEqual([])
    // It re-applies from index 1 once it learns the commit index again (after a new-term entry).
    sim.start(sim.leader()!, 'c')
    sim.advance(200)
    expect(sim.applied(l).map((a) => [a.index, a.command])).toEqual([[1, 'a'], [2, 'b'], [3, 'c']])
  })

  it('leader() ignores a leader that is cut off or crashed', () => {
    const sim = createRaftCluster({ nodes: 3, seed: 3 })
    const l = elect(sim)
    sim.disconnect(l)
    expect(sim.leader()).toBeNull()
    expect(sim.nodes()[l]).toMatchObject({ role: 'leader', connected: false })
    sim.connect(l)
    expect(sim.leader()).toBe(l)
  })

  it('messagesSent counts every request and reply, delivered or not', () => {
    const sim = createRaftCluster({ nodes: 5, seed: 4 })
    elect(sim)
    sim.setUnreliable(true)
    sim.advance(500)
    const sends = sim.trace.all().filter((e) => e.type === 'send')
    expect(sim.messagesSent).toBe(sends.length)
    expect(sends.some((e) => e.kind === 'RequestVoteReply')).toBe(true)
    expect(sends.some((e) => e.kind === 'AppendEntriesReply')).toBe(true)
  })
})

describe('bad input', () => {
  const sim = createRaftCluster({ nodes: 5, seed: 1 })
  it('rejects cluster sizes and seeds that make no sense', () => {
    expect(() => createRaftCluster({ nodes: 0, seed: 1 })).toThrow(new SimArgumentError('createRaftCluster: nodes: got 0, expected an integer in 1..26'))
    expect(() => createRaftCluster({ nodes: 2.5, seed: 1 })).toThrow(/nodes: got 2.5, expected an integer in 1\.\.26/)
    expect(() => createRaftCluster({ nodes: -3, seed: 1 })).toThrow(SimArgumentError)
    expect(() => createRaftCluster({ nodes: 27, seed: 1 })).toThrow(/got 27/)
    expect(() => createRaftCluster({ nodes: 3, seed: Number.NaN })).toThrow(/seed: got NaN, expected a finite number/)
  })
  it('names invalid node ids and the valid range', () => {
    expect(() => sim.crash(5)).toThrow(new SimArgumentError('crash(id): got 5, expected an integer in 0..4'))
    expect(() => sim.restart(-1)).toThrow(/restart\(id\): got -1/)
    expect(() => sim.start(1.5, 'x')).toThrow(/start\(id\): got 1.5, expected an integer in 0\.\.4/)
    expect(() => sim.disconnect(9)).toThrow(/disconnect\(id\): got 9/)
    expect(() => sim.connect(Number.NaN)).toThrow(/connect\(id\): got NaN/)
    expect(() => sim.applied(7)).toThrow(/applied\(id\): got 7/)
    expect(() => sim.debug.forceTimeout(5)).toThrow(/forceTimeout\(id\): got 5/)
  })
  it('rejects negative or non-finite durations', () => {
    expect(() => sim.advance(-1)).toThrow(new SimArgumentError('advance(ms): got -1, expected a finite number ≥ 0'))
    expect(() => sim.advance(Number.POSITIVE_INFINITY)).toThrow(/advance\(ms\): got Infinity/)
  })
  it('rejects overlapping or unknown ids in a partition', () => {
    expect(() => sim.partition([[0, 1], [1, 2]])).toThrow(/partition: node 1 appears in more than one group, expected disjoint groups/)
    expect(() => sim.partition([[0, 7]])).toThrow(/partition: got unknown node id 7, expected one of \[0,1,2,3,4\]/)
    expect(() => sim.partition([0, 1] as unknown as number[][])).toThrow(/partition\(groups\): got \[0,1\], expected an array of arrays of node ids/)
    expect(() => sim.setUnreliable('yes' as unknown as boolean)).toThrow(/setUnreliable\(on\): got "yes", expected true or false/)
  })
  it('refuses to force a timeout on a leader or a crashed node', () => {
    const s = createRaftCluster({ nodes: 3, seed: 1 })
    const l = elect(s)
    expect(() => s.debug.forceTimeout(l)).toThrow(/expected the id of an alive follower or candidate/)
    s.crash((l + 1) % 3)
    expect(() => s.debug.forceTimeout((l + 1) % 3)).toThrow(SimArgumentError)
  })
  it('names an unknown checkpoint and the valid ones', () => {
    const sc = raftScenarios.find((f) => f.name === 'election')!.create(7)
    expect(() => sc.stateAt('vote')).toThrow(new SimArgumentError('scenario raft/election: unknown checkpoint "vote", expected one of start, timeout, candidate, votes, leader, heartbeats'))
  })
})

describe('determinism', () => {
  const run = (seed: number) => {
    const sim = createRaftCluster({ nodes: 5, seed })
    sim.advance(400)
    const l = sim.leader() ?? 0
    sim.start(l, 'a')
    sim.partition([[0, 1], [2, 3, 4]])
    sim.setUnreliable(true)
    sim.advance(700)
    sim.crash(3)
    sim.heal()
    sim.advance(300)
    sim.restart(3)
    sim.setUnreliable(false)
    sim.advance(800)
    return sim
  }
  it('same seed and same calls give the same trace hash and the same states', () => {
    const a = run(42), b = run(42)
    expect(hashTrace(a.trace.all())).toBe(hashTrace(b.trace.all()))
    expect(a.nodes()).toEqual(b.nodes())
    expect(a.messagesSent).toBe(b.messagesSent)
    expect(hashTrace(run(43).trace.all())).not.toBe(hashTrace(a.trace.all()))
  })
})

describe('trace and snapshot', () => {
  it('traces state changes, election timeouts, faults and message payloads', () => {
    const sim = createRaftCluster({ nodes: 3, seed: 5 })
    const l = elect(sim)
    sim.start(l, 'x')
    sim.advance(100)
    sim.crash(l)
    sim.partition([[0], [1, 2]])
    sim.heal()
    sim.setUnreliable(true)
    const t = sim.trace.all()
    expect(t.some((e) => e.type === 'timer' && e.name === 'election-timeout' && e.node === l)).toBe(true)
    for (const field of ['role', 'term', 'votedFor', 'commitIndex', 'log', 'lastApplied']) {
      expect(t.some((e) => e.type === 'state' && e.field === field), field).toBe(true)
    }
    expect(t.some((e) => e.type === 'state' && e.field === 'role' && e.value === 'leader' && e.label === 'wins term 1')).toBe(true)
    expect(t.filter((e) => e.type === 'fault').map((e) => e.type === 'fault' && e.action)).toEqual(['crash', 'partition', 'heal', 'unreliable'])
    const partition = t.find((e) => e.type === 'fault' && e.action === 'partition')
    expect(partition).toMatchObject({ groups: [[0], [1, 2]] })
    const rv = t.find((e) => e.type === 'send' && e.kind === 'RequestVote')
    expect(rv).toMatchObject({ payload: { kind: 'RequestVote', term: 1, lastLogIndex: 0, lastLogTerm: 0 } })
    const ae = t.find((e) => e.type === 'send' && e.kind === 'AppendEntries' && (e.payload as { entries: number }).entries === 1)
    expect(ae).toMatchObject({ payload: { kind: 'AppendEntries', term: 1, prevLogIndex: 0, prevLogTerm: 0, entries: 1 } })
    const ok = t.find((e) => e.type === 'send' && e.kind === 'AppendEntriesReply')
    expect(ok).toMatchObject({ payload: { kind: 'AppendEntriesReply', success: true } })
    expect(t.find((e) => e.type === 'send' && e.kind === 'RequestVoteReply')).toMatchObject({ payload: { granted: true } })
  })

  it('snapshots timers, messages on the wire, partitions and the link model', () => {
    const sim = createRaftCluster({ nodes: 5, seed: 6 })
    sim.advance(100)
    let s = sim.snapshot()
    expect(s).toMatchObject({ time: 100, leader: null, term: 0, inFlight: [], partition: null, unreliable: false })
    for (const n of s.nodes) {
      expect(n.electionDeadline).toBeGreaterThanOrEqual(150)
      expect(n.electionDeadline).toBeLessThanOrEqual(300)
      expect(n.lastHeartbeat).toBeNull()
    }
    const l = elect(sim)
    sim.start(l, 'x')
    s = sim.snapshot()
    expect(s.leader).toBe(l)
    expect(s.nodes[l]!.electionDeadline).toBeNull()
    expect(s.nodes[l]!.lastHeartbeat).toBe(s.time)
    expect(s.nodes[l]!.matchIndex[l]).toBe(1)
    const wire = s.inFlight.filter((m) => m.kind === 'AppendEntries' && m.entries === 1)
    expect(wire.map((m) => m.to).sort()).toEqual([0, 1, 2, 3, 4].filter((id) => id !== l))
    for (const m of wire) {
      expect(m).toMatchObject({ from: l, sentAt: s.time, entries: 1, prevLogIndex: 0, term: s.term })
      expect(m.deliverAt - m.sentAt).toBeGreaterThanOrEqual(2)
      expect(m.deliverAt - m.sentAt).toBeLessThanOrEqual(6)
    }
    const f = (l + 1) % 5
    expect(s.nodes[f]!.electionDeadline! - s.nodes[f]!.lastHeartbeat!).toBeGreaterThanOrEqual(150)
    sim.partition([[l, f]])
    sim.setUnreliable(true)
    s = sim.snapshot()
    expect(s.partition).toEqual([[l, f].sort(), ...[0, 1, 2, 3, 4].filter((id) => id !== l && id !== f).map((id) => [id])].sort((a, b) => a[0]! - b[0]!))
    expect(s.unreliable).toBe(true)
    expect(describeRaft(s)).toMatch(/^Term \d+\. Node [A-E] leads; .* The network is split into .*; links lose, delay and reorder messages\.$/)
  })
})

describe('describeRaft', () => {
  it('speaks of nodes by letter, in one or two sentences', () => {
    const sim = createRaftCluster({ nodes: 5, seed: 7 })
    expect(describeRaft(sim.snapshot())).toMatch(/^Term 0\. No leader yet; [A-E]'s election timer runs out first, in \d+ ms\.$/)
    const l = elect(sim)
    sim.start(l, 'x')
    sim.advance(100)
    runUntil(sim, 'a quiet wire', () => sim.debug.inFlight === 0)
    const name = String.fromCharCode(65 + l)
    expect(describeRaft(sim.snapshot())).toBe(`Term 1. Node ${name} leads; entry 1 is committed on 5 of 5 nodes.`)
    sim.advance(50)
    expect(describeRaft(sim.snapshot())).toMatch(/^Term 1\. Node [A-E] leads; entry 1 is committed on 5 of 5 nodes\. In flight: .*(heartbeat|acknowledgement)s?\.$/)
    sim.crash((l + 1) % 5)
    expect(describeRaft(sim.snapshot())).toBe(`Term 1. Node ${name} leads; entry 1 is committed on 4 of 5 nodes. Node ${String.fromCharCode(65 + ((l + 1) % 5))} is down.`)
  })
})
