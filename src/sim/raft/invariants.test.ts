// The checker must be able to fail: feed it broken states, one property at a time.
import { describe, expect, it } from 'vitest'
import { RaftInvariantHistory, checkRaftInvariants, type RaftInvariantNode, type RaftInvariantState, type RaftProperty } from './invariants.ts'
import { checkedCluster, runUntil } from './testkit.ts'
import type { LogEntry, RaftRole } from './types.ts'

const e = (term: number, command: string): LogEntry => ({ term, command })

function n(id: number, over: Partial<RaftInvariantNode> & { role?: RaftRole } = {}): RaftInvariantNode {
  return { id, role: 'follower', term: 1, log: [], commitIndex: 0, alive: true, applied: [], ...over }
}

const state = (...nodes: RaftInvariantNode[]): RaftInvariantState => ({ time: 42, nodes })
const properties = (s: RaftInvariantState, h = new RaftInvariantHistory()): RaftProperty[] => checkRaftInvariants(s, h).map((v) => v.property)

describe('checkRaftInvariants', () => {
  it('accepts a healthy state', () => {
    const log = [e(1, 'x'), e(2, 'y')]
    const applied = [{ index: 1, term: 1, command: 'x' }]
    expect(checkRaftInvariants(state(
      n(0, { role: 'leader', term: 2, log, commitIndex: 1, applied }),
      n(1, { term: 2, log: [log[0]!], commitIndex: 1, applied }),
      n(2, { term: 2, log: [e(1, 'x'), e(1, 'stale')] }),
    ))).toEqual([])
  })

  it('Election Safety: two leaders in one term, at once or one after the other', () => {
    expect(properties(state(n(0, { role: 'leader', term: 2 }), n(1, { role: 'leader', term: 2 })))).toEqual(['election-safety'])
    const h = new RaftInvariantHistory()
    expect(properties(state(n(0, { role: 'leader', term: 2 }), n(1, { term: 2 })), h)).toEqual([])
    const v = checkRaftInvariants(state(n(0, { term: 2 }), n(1, { role: 'leader', term: 2 })), h)
    expect(v).toEqual([{ property: 'election-safety', message: 'at 42 ms: term 2 has two leaders, A and B' }])
  })

  it('Leader Append-Only: a leader that loses or rewrites an entry', () => {
    const h = new RaftInvariantHistory()
    expect(properties(state(n(0, { role: 'leader', term: 2, log: [e(1, 'x'), e(2, 'y')] })), h)).toEqual([])
    expect(properties(state(n(0, { role: 'leader', term: 2, log: [e(1, 'x')] })), h)).toEqual(['leader-append-only'])
    const h2 = new RaftInvariantHistory()
    checkRaftInvariants(state(n(0, { role: 'leader', term: 2, log: [e(2, 'y')] })), h2)
    expect(properties(state(n(0, { role: 'leader', term: 2, log: [e(2, 'z'), e(2, 'w')] })), h2)).toEqual(['leader-append-only'])
  })

  it('Log Matching: same index and term, different history', () => {
    const v = checkRaftInvariants(state(n(0, { log: [e(1, 'a'), e(2, 'b')] }), n(1, { log: [e(2, 'c'), e(2, 'b')] })))
    expect(v.map((x) => x.property)).toEqual(['log-matching'])
    expect(v[0]!.message).toMatch(/A and B both hold a term-2 entry at index 2 but differ at index 1/)
    // Same index and term but a different command is a violation too.
    expect(properties(state(n(0, { log: [e(1, 'a')] }), n(1, { log: [e(1, 'b')] })))).toEqual(['log-matching'])
  })

  it('Leader Completeness: a later leader missing a committed entry', () => {
    const h = new RaftInvariantHistory()
    expect(properties(state(n(0, { role: 'leader', term: 2, log: [e(2, 'x')], commitIndex: 1 }), n(1, { term: 2, log: [e(2, 'x')] })), h)).toEqual([])
    const v = checkRaftInvariants(state(n(0, { term: 3, log: [e(2, 'x')], commitIndex: 1 }), n(1, { role: 'leader', term: 3, log: [] })), h)
    expect(v.map((x) => x.property)).toEqual(['leader-completeness'])
    expect(v[0]!.message).toMatch(/"x" \(term 2\) was committed at index 1 by term 2, but leader B of term 3 has no entry there/)
  })

  it('State Machine Safety: a committed index that changes, and two nodes applying different commands', () => {
    const h = new RaftInvariantHistory()
    checkRaftInvariants(state(n(0, { log: [e(1, 'x')], commitIndex: 1, applied: [{ index: 1, term: 1, command: 'x' }] })), h)
    // Later the same node (say after a buggy truncation) holds another entry there, committed and applied.
    const v = checkRaftInvariants(state(n(0, { log: [e(1, 'y')], commitIndex: 1, applied: [{ index: 1, term: 1, command: 'y' }] })), h)
    expect(v.map((x) => x.property)).toEqual(['state-machine-safety', 'state-machine-safety'])
    expect(v[1]!.message).toMatch(/A applied "x" \(term 1\) at index 1, but A applied "y" \(term 1\)/)
  })

  it('applied in order: gaps, applying past the commit index, applying what the log does not hold', () => {
    const log = [e(1, 'x'), e(1, 'y')]
    expect(properties(state(n(0, { log, commitIndex: 2, applied: [{ index: 2, term: 1, command: 'y' }] })))).toEqual(['applied-in-order'])
    expect(properties(state(n(0, { log, commitIndex: 1, applied: [{ index: 1, term: 1, command: 'x' }, { index: 2, term: 1, command: 'y' }] })))).toEqual(['applied-in-order'])
    expect(properties(state(n(0, { log, commitIndex: 1, applied: [{ index: 1, term: 1, command: 'q' }] })))).toEqual(['applied-in-order'])
    expect(properties(state(n(0, { log, commitIndex: 3 })))).toEqual(['state-machine-safety'])
  })

  it('catches corruption of a live cluster at the very next event', () => {
    const { sim } = checkedCluster(3, 2)
    runUntil(sim, 'leader', () => sim.leader() !== null)
    const l = sim.leader()!
    sim.start(l, 'x')
    sim.advance(100)
    const follower = (l + 1) % 3
    // Simulate a bug: a follower's committed entry is rewritten behind the algorithm's back.
    const log = sim.debug.state().nodes[follower]!.log as LogEntry[]
    log[0] = { term: log[0]!.term, command: 'corrupted' }
    expect(() => sim.advance(100)).toThrow(/Raft safety violated:[\s\S]*\[log-matching\][\s\S]*\[state-machine-safety\]/)
  })
})
