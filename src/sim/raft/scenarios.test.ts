// The deck's Raft scenarios: each checkpoint shows what its name says. Checked on the public
// path (raftScenarios, seed 7, as the slides use it), and for 25 seeds with the safety properties
// checked after every event of the script.
import { describe, expect, it } from 'vitest'
import { START } from '../scenario.ts'
import { RAFT_SCENARIO_SEED, raftScenarios } from './index.ts'
import { raftScripts } from './scenarios.ts'
import { runScript } from './testkit.ts'
import type { RaftInFlight, RaftNodeSnapshot, RaftSnapshot } from './types.ts'

type At = (name: string) => RaftSnapshot

const A = 0, B = 1, C = 2, D = 3, E = 4
const leaders = (s: RaftSnapshot): RaftNodeSnapshot[] => s.nodes.filter((n) => n.role === 'leader')
const candidates = (s: RaftSnapshot): RaftNodeSnapshot[] => s.nodes.filter((n) => n.role === 'candidate')
const terms = (n: RaftNodeSnapshot): number[] => n.log.map((e) => e.term)
const wire = (s: RaftSnapshot, f: (m: RaftInFlight) => boolean): RaftInFlight[] => s.inFlight.filter(f)

/** What each checkpoint must show, for any seed. */
const expectations: Record<string, (at: At) => void> = {
  election(at) {
    const t = at('timeout')
    expect(leaders(t).length + candidates(t).length).toBe(0)
    const first = Math.min(...t.nodes.map((n) => n.electionDeadline!))
    expect(first - t.time).toBeGreaterThan(0)
    expect(first - t.time).toBeLessThanOrEqual(1)

    const c = at('candidate')
    expect(candidates(c)).toHaveLength(1)
    const cand = candidates(c)[0]!
    expect(cand).toMatchObject({ term: 1, votedFor: cand.id, votes: [cand.id] })
    expect(wire(c, (m) => m.kind === 'RequestVote' && m.from === cand.id)).toHaveLength(4)

    const v = at('votes')
    expect(v.leader).toBeNull()
    expect(v.nodes[cand.id]!.votes).toHaveLength(2) // itself and the first granted reply: 3 needed

    const l = at('leader')
    expect(leaders(l)).toHaveLength(1)
    expect(l.leader).toBe(leaders(l)[0]!.id)
    expect(wire(l, (m) => m.kind === 'AppendEntries' && m.from === l.leader && m.entries === 0)).toHaveLength(4)

    const h = at('heartbeats')
    expect(h.leader).toBe(l.leader)
    expect(h.time - l.time).toBe(50)
    expect(wire(h, (m) => m.kind === 'AppendEntries' && m.from === h.leader && m.sentAt === h.time)).toHaveLength(4)
    for (const n of h.nodes) {
      if (n.id === h.leader) continue
      expect(n.lastHeartbeat).toBeGreaterThanOrEqual(l.time) // the initial round reset its timer
      expect(n.electionDeadline).toBeGreaterThan(h.time)
    }
  },

  replication(at) {
    const s = at(START)
    expect(s.leader).not.toBeNull()
    const l = s.leader!
    const cw = at('client-write')
    expect(cw.nodes.map((n) => n.log.length)).toEqual(cw.nodes.map((n) => (n.id === l ? 1 : 0)))
    expect(wire(cw, (m) => m.kind === 'AppendEntries' && m.entries === 1)).toHaveLength(4)

    const ap = at('append')
    expect(ap.nodes.filter((n) => n.log.length === 1).length).toBeGreaterThanOrEqual(2)
    expect(ap.nodes[l]!.commitIndex).toBe(0)

    const ack = at('acks')
    expect(ack.nodes[l]!.matchIndex.filter((m) => m >= 1)).toHaveLength(2) // itself and one follower
    expect(ack.nodes[l]!.commitIndex).toBe(0)

    const cm = at('commit')
    expect(cm.nodes[l]).toMatchObject({ commitIndex: 1, lastApplied: 1 })
    expect(cm.nodes.some((n) => n.commitIndex === 0)).toBe(true) // not yet everywhere

    const apply = at('apply')
    expect(apply.nodes.every((n) => n.commitIndex === 1 && n.lastApplied === 1)).toBe(true)
    expect(apply.leader).toBe(l)
  },

  'leader-failure'(at) {
    const old = at(START).leader!
    const oldTerm = at(START).term
    const c = at('crash')
    expect(c.leader).toBeNull()
    expect(c.nodes[old]).toMatchObject({ role: 'leader', connected: false, commitIndex: 1 })
    expect(c.nodes[old]!.log.map((e) => e.command)).toEqual(['x=1', 'y=2'])

    const nt = at('new-term')
    expect(nt.leader).toBeNull()
    expect(candidates(nt).filter((n) => n.term === oldTerm + 1 && n.connected).length).toBeGreaterThanOrEqual(1)

    const nl = at('new-leader')
    expect(nl.leader).not.toBeNull()
    expect(nl.leader).not.toBe(old)
    expect(nl.term).toBeGreaterThan(oldTerm)
    expect(nl.nodes[old]!.role).toBe('leader')

    const r = at('old-leader-returns')
    expect(r.nodes[old]).toMatchObject({ role: 'leader', term: oldTerm, connected: true })
    expect(r.leader).toBe(nl.leader)
    expect(wire(r, (m) => m.from === old && m.kind === 'AppendEntries' && m.term === oldTerm).length).toBeGreaterThan(0)

    const sd = at('steps-down')
    expect(sd.nodes[old]).toMatchObject({ role: 'follower', term: sd.term })
    expect(leaders(sd).map((n) => n.id)).toEqual([nl.leader])
  },

  'split-vote'(at) {
    const t = at('timeouts')
    expect(t.leader).toBeNull()
    expect(candidates(t).length).toBeGreaterThanOrEqual(3)
    expect(candidates(t).every((n) => n.term === 1)).toBe(true)

    const s = at('split')
    expect(leaders(s)).toHaveLength(0)
    expect(s.inFlight).toHaveLength(0)
    expect(candidates(s).length).toBeGreaterThanOrEqual(3)
    expect(candidates(s).every((n) => n.votes.length < 3)).toBe(true)

    const r = at('retry')
    expect(r.leader).toBeNull()
    expect(candidates(r).some((n) => n.term === 2)).toBe(true)

    const l = at('leader')
    expect(leaders(l)).toHaveLength(1)
    expect(l.term).toBeGreaterThanOrEqual(2)
  },

  'figure-8'(at) {
    const t2 = at('term-2')
    expect(t2.leader).toBe(A)
    expect(t2.term).toBe(2)
    expect(t2.nodes.map(terms)).toEqual([[1, 2], [1, 2], [1], [1], [1]])
    expect(t2.partition).toEqual([[A, B], [C, D, E]])

    const t3 = at('term-3')
    expect(t3.nodes[E]).toMatchObject({ role: 'leader', term: 3 })
    expect(terms(t3.nodes[E]!)).toEqual([1, 3])
    expect(t3.nodes[A]!.alive).toBe(false)
    expect([C, D].map((id) => t3.nodes[id]!.votedFor)).toEqual([E, E])

    const t4 = at('term-4')
    expect(t4.leader).toBe(A)
    expect(t4.term).toBe(4)
    expect(t4.nodes[E]!.alive).toBe(false)

    const nc = at('not-committed')
    expect([A, B, C].map((id) => terms(nc.nodes[id]!))).toEqual([[1, 2], [1, 2], [1, 2]])
    expect(nc.nodes[A]!.matchIndex.filter((m) => m >= 2).length).toBeGreaterThanOrEqual(3) // a majority, known
    expect(nc.nodes[A]!.commitIndex).toBeLessThan(2) // but not committed: term 2 ≠ 4
    expect(nc.nodes.every((n) => n.commitIndex < 2)).toBe(true)

    const cc = at('commit-current')
    expect(terms(cc.nodes[A]!)).toEqual([1, 2, 4])
    expect(cc.nodes[A]!.commitIndex).toBe(3)
    expect(cc.nodes.filter((n) => terms(n).join() === '1,2,4').length).toBeGreaterThanOrEqual(3)
  },

  'log-repair'(at) {
    const d = at('diverged')
    const l = d.leader!
    expect(l).not.toBe(A)
    expect(d.nodes[A]).toMatchObject({ alive: true, role: 'follower', commitIndex: 0 })
    expect(terms(d.nodes[A]!)).toEqual([1, 1, 1, 1, 1])
    expect(terms(d.nodes[l]!)).toEqual([1, 1, 2, 2])
    expect(d.nodes[l]!.nextIndex[A]).toBe(5) // the optimistic guess that A's log matches

    const r = at('reject')
    expect(wire(r, (m) => m.from === A && m.to === l && m.kind === 'AppendEntriesReply' && m.success === false)).toHaveLength(1)
    expect(r.nodes[A]!.term).toBe(r.term)

    const b = at('backtrack')
    expect(wire(b, (m) => m.from === l && m.to === A && m.kind === 'AppendEntries' && m.prevLogIndex === 2 && m.entries === 2)).toHaveLength(1)
    expect(b.nodes[l]!.nextIndex[A]).toBe(3) // skipped A's whole term-1 suffix in one step

    const rep = at('repaired')
    expect(rep.nodes[A]!.log).toEqual(rep.nodes[l]!.log)
    expect(rep.nodes[A]!.commitIndex).toBe(rep.nodes[l]!.commitIndex)
  },
}

describe('raftScenarios', () => {
  it('lists the six scenarios with exactly the checkpoint names the slides use', () => {
    expect(raftScenarios.map((f) => [f.kind, f.name, f.checkpoints.join(' ')])).toEqual([
      ['raft', 'election', 'start timeout candidate votes leader heartbeats'],
      ['raft', 'replication', 'start client-write append acks commit apply'],
      ['raft', 'leader-failure', 'start crash new-term new-leader old-leader-returns steps-down'],
      ['raft', 'split-vote', 'start timeouts split retry leader'],
      ['raft', 'figure-8', 'start term-2 term-3 term-4 not-committed commit-current'],
      ['raft', 'log-repair', 'start diverged reject backtrack repaired'],
    ])
    expect(RAFT_SCENARIO_SEED).toBe(7)
  })

  for (const factory of raftScenarios) {
    it(`${factory.name} (seed 7): every checkpoint shows what its name says`, () => {
      const sc = factory.create(RAFT_SCENARIO_SEED)
      expectations[factory.name]!((name) => sc.stateAt(name))
      // Checkpoints move forward in time, each step has something to animate, and the narration
      // is a sentence or two.
      for (let i = 1; i < sc.checkpoints.length; i++) {
        const [prev, cur] = [sc.checkpoints[i - 1]!, sc.checkpoints[i]!]
        expect(sc.timeOf(cur)).toBeGreaterThanOrEqual(sc.timeOf(prev))
        // (election's start → timeout is time alone: the timer rings drain.)
        expect(sc.eventsBetween(prev, cur).length > 0 || sc.timeOf(cur) > sc.timeOf(prev), `${prev} → ${cur}`).toBe(true)
        const text = sc.describe(sc.stateAt(cur))
        expect(text).toMatch(/^Term \d+\. /)
        expect(text.split('. ').length).toBeLessThanOrEqual(3)
      }
      expect(Object.isFrozen(sc.stateAt(sc.checkpoints[1]!).nodes[0]!.log)).toBe(true)
    })
  }

  it('replays identically: a second scenario from the same seed has the same trace', () => {
    for (const factory of raftScenarios) {
      const a = factory.create(7), b = factory.create(7)
      expect(a.trace()).toEqual(b.trace())
      const live = a.live(a.checkpoints.at(-1)!)
      expect(live.snapshot()).toEqual(a.stateAt(a.checkpoints.at(-1)!))
    }
  })

  it('narrates the key moments in plain words (seed 7)', () => {
    const say = (name: string, cp: string) => {
      const sc = raftScenarios.find((f) => f.name === name)!.create(7)
      return sc.describe(sc.stateAt(cp))
    }
    expect(say('split-vote', 'split')).toMatch(/No leader; the vote is split between .* and 3 are needed\./)
    expect(say('figure-8', 'not-committed')).toMatch(/entry 2 is on 3 of 5 nodes yet not committed: it is from term 2, not 4\./)
    expect(say('leader-failure', 'old-leader-returns')).toMatch(/still believes it leads term 1/)
    expect(say('log-repair', 'diverged')).toMatch(/A's log disagrees with the leader's from index 3, and the leader will send it entries from index 5\./)
    expect(say('log-repair', 'reject')).toMatch(/A has rejected the leader's last AppendEntries\./)
    expect(say('log-repair', 'backtrack')).toMatch(/the leader will send it entries from index 3\./)
  })
})

describe('raft scenario scripts under the safety checker', () => {
  for (const s of raftScripts) {
    it(`${s.name}: safe after every event and true to its checkpoints for seeds 1-25`, () => {
      for (let seed = 1; seed <= 25; seed++) {
        const { checked, at } = runScript(s, seed)
        expect([...at.keys()]).toEqual([START, ...s.checkpoints])
        expectations[s.name]!((name) => at.get(name)!)
        expect(checked.checks()).toBeGreaterThan(10)
      }
    })
  }
})

describe('what-if actions on a live cluster', () => {
  it('crash, restart, write, partition and lossy links from a checkpoint, narrated', () => {
    const sc = raftScenarios.find((f) => f.name === 'replication')!.create(7)
    const w = sc.whatIf!
    expect(w.actions.map((a) => a.trigger)).toEqual(['click', 'w', 'p', 'u'])
    const sim = sc.live('apply')
    const act = (trigger: string, node?: number): string => w.actions.find((a) => a.trigger === trigger)!.run(sim, { node })
    const l = sim.leader()!
    expect(act('w')).toBe(`Leader ${String.fromCharCode(65 + l)} appends the write as entry 2 of term 1.`)
    w.advance(sim, 100)
    expect(sim.nodes()[l]!.commitIndex).toBe(2)
    expect(act('click', l)).toMatch(/crashes; the cluster has lost its leader\.$/)
    w.advance(sim, 1000)
    expect(sim.leader()).not.toBeNull()
    expect(act('click', l)).toMatch(/restarts as a follower in term 1/)
    const split = act('p')
    expect(split).toMatch(/^The network splits: [A-E]{2} on one side, [A-E]{3} on the other\.$/)
    // Each side is named in alphabetical order, like the narration's "AB | CDE".
    for (const side of split.match(/[A-E]{2,}/g)!) expect(side).toBe([...side].sort().join(''))
    expect(act('u')).toMatch(/lose about one message in ten/)
    w.advance(sim, 1000)
    expect(act('p')).toBe('The partition heals.')
    expect(act('u')).toBe('Links are reliable again.')
    expect(act('click', 99)).toBe('Click a node to crash or restart it.')
    // A negative real-time slice (a frame stamped before live mode began) advances nothing.
    const now = sim.now
    w.advance(sim, -1.04)
    expect(sim.now).toBe(now)
    w.advance(sim, 1000)
    expect(sc.describe(sc.snapshotOf(sim))).toMatch(/^Term \d+\. Node [A-E] leads/)
  })
})
