// Behaviour of the algorithm: the scenario tests of the issue, each on a cluster whose five safety
// properties are checked after every single event (testkit.watch).
import { describe, expect, it } from 'vitest'
import { raftScripts } from './scenarios.ts'
import { checkedCluster, logOf, runScript, runUntil, stableLeader } from './testkit.ts'
import type { LogEntry, RaftSim } from './types.ts'

const script = (name: string) => raftScripts.find((s) => s.name === name)!

function electLeader(sim: RaftSim): number {
  runUntil(sim, 'a stable leader', () => stableLeader(sim) !== null, 3000)
  return sim.leader()!
}

/** AppendEntries sent from `from` to `to` since trace index `since`, and how many `to` rejected. */
function appendTraffic(sim: RaftSim, from: number, to: number, since: number): { appends: number; rejects: number } {
  let appends = 0, rejects = 0
  for (const e of sim.trace.slice(since)) {
    if (e.type !== 'send') continue
    if (e.from === from && e.to === to && e.kind === 'AppendEntries') appends++
    if (e.from === to && e.to === from && e.kind === 'AppendEntriesReply' && (e.payload as { success: boolean }).success === false) rejects++
  }
  return { appends, rejects }
}

describe('leader election', () => {
  it('elects exactly one leader from a fresh cluster, for many seeds, and keeps it while calm', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const { sim } = checkedCluster(5, seed)
      const l = electLeader(sim)
      expect(sim.now).toBeLessThan(2000)
      const term = sim.nodes()[l]!.term
      expect(sim.nodes().filter((n) => n.role === 'leader').map((n) => n.id)).toEqual([l])
      sim.advance(2000)
      expect(sim.leader()).toBe(l)
      expect(sim.nodes().every((n) => n.term === term)).toBe(true)
    }
  })

  it('re-elects when the leader is cut off, and the old leader steps down when it returns', () => {
    const { sim } = checkedCluster(5, 3)
    const old = electLeader(sim)
    const oldTerm = sim.nodes()[old]!.term
    sim.disconnect(old)
    runUntil(sim, 'a new leader', () => sim.leader() !== null, 1000)
    const fresh = sim.leader()!
    expect(fresh).not.toBe(old)
    expect(sim.nodes()[fresh]!.term).toBeGreaterThan(oldTerm)
    expect(sim.nodes()[old]!.role).toBe('leader') // it cannot know yet
    sim.connect(old)
    runUntil(sim, 'the old leader steps down', () => sim.nodes()[old]!.role === 'follower', 200)
    expect(sim.nodes()[old]!.term).toBe(sim.nodes()[fresh]!.term)
    expect(sim.leader()).toBe(fresh)
  })

  it('elects no leader without a majority, then recovers once one is back', () => {
    const { sim } = checkedCluster(5, 4)
    const l = electLeader(sim)
    const others = [0, 1, 2, 3, 4].filter((id) => id !== l)
    for (const id of [l, others[0]!, others[1]!]) sim.crash(id)
    const termBefore = Math.max(...sim.nodes().map((n) => n.term))
    sim.advance(5000)
    expect(sim.leader()).toBeNull()
    expect(sim.nodes().some((n) => n.role === 'leader')).toBe(false)
    expect(Math.max(...sim.nodes().map((n) => n.term))).toBeGreaterThan(termBefore) // they kept trying
    sim.restart(others[0]!)
    runUntil(sim, 'a leader with a majority back', () => sim.leader() !== null, 2000)
  })

  it('a minority partition never elects a leader; the majority side does', () => {
    const { sim } = checkedCluster(5, 5)
    const l = electLeader(sim)
    const minority = [l, (l + 1) % 5]
    const majority = [0, 1, 2, 3, 4].filter((id) => !minority.includes(id))
    sim.partition([minority, majority])
    sim.advance(3000)
    const leaders = sim.nodes().filter((n) => n.role === 'leader')
    const top = leaders.reduce((a, b) => (b.term > a.term ? b : a))
    expect(majority).toContain(top.id)
    expect(sim.leader()).toBe(top.id)
    // The old leader keeps its (stale) position in the minority: Figure 2 has no check-quorum.
    expect(leaders.filter((n) => minority.includes(n.id)).every((n) => n.term < top.term)).toBe(true)
  })
})

describe('log replication', () => {
  it('numbers the first proposal on a fresh cluster 1 (no no-op entry on election)', () => {
    const { sim } = checkedCluster(3, 1)
    const l = electLeader(sim)
    expect(sim.start(l, 'first')).toEqual({ index: 1, term: sim.nodes()[l]!.term, isLeader: true })
    const other = (l + 1) % 3
    expect(sim.start(other, 'nope')).toEqual({ index: -1, term: sim.nodes()[other]!.term, isLeader: false })
  })

  it('agrees with a follower down, and the follower catches up and re-applies after restarting', () => {
    const { sim } = checkedCluster(5, 6)
    const l = electLeader(sim)
    const down = (l + 2) % 5
    sim.crash(down)
    const cmds = ['a', 'b', 'c']
    for (const c of cmds) expect(sim.start(l, c).isLeader).toBe(true)
    sim.advance(200)
    for (const n of sim.nodes()) {
      if (n.id === down) continue
      expect(n.commitIndex).toBe(3)
      expect(sim.applied(n.id)).toEqual(cmds.map((command, k) => ({ index: k + 1, command })))
    }
    expect(sim.nodes()[down]!.log).toEqual([])
    sim.restart(down)
    sim.advance(200)
    expect(logOf(sim, down)).toBe(logOf(sim, l))
    expect(sim.applied(down).map((a) => a.command)).toEqual(cmds)
  })

  it('does not commit without a majority, and commits once a majority is back', () => {
    const { sim } = checkedCluster(5, 7)
    const l = electLeader(sim)
    const followers = [0, 1, 2, 3, 4].filter((id) => id !== l)
    for (const id of followers.slice(0, 3)) sim.crash(id)
    const { index } = sim.start(l, 'x')
    sim.advance(2000)
    expect(sim.nodes()[l]!.log).toHaveLength(1)
    expect(sim.nodes()[l]!.commitIndex).toBe(0)
    expect(sim.applied(l)).toEqual([])
    sim.restart(followers[0]!)
    runUntil(sim, 'commit with 3 of 5', () => sim.nodes()[l]!.commitIndex >= index, 500)
    expect(sim.applied(l)).toEqual([{ index: 1, command: 'x' }])
  })

  it("overwrites a rejoining old leader's conflicting entries", () => {
    const { sim } = checkedCluster(5, 8)
    const old = electLeader(sim)
    sim.start(old, 'committed')
    sim.advance(100)
    sim.disconnect(old)
    sim.start(old, 'lost-1')
    sim.start(old, 'lost-2')
    runUntil(sim, 'a new leader', () => sim.leader() !== null, 1000)
    const fresh = sim.leader()!
    sim.start(fresh, 'kept-1')
    sim.advance(100)
    expect(sim.nodes()[fresh]!.commitIndex).toBe(2)
    sim.connect(old)
    runUntil(sim, 'the old leader repaired', () => logOf(sim, old) === logOf(sim, fresh), 500)
    expect(sim.nodes()[old]!.role).toBe('follower')
    expect(sim.nodes()[old]!.log.map((e) => e.command)).toEqual(['committed', 'kept-1'])
    sim.advance(100)
    expect(sim.applied(old).map((a) => a.command)).toEqual(['committed', 'kept-1'])
  })

  it('tolerates an unreliable network: proposals still commit, and losses show in the trace', () => {
    const { sim } = checkedCluster(5, 9)
    electLeader(sim)
    sim.setUnreliable(true)
    const proposed: string[] = []
    for (let i = 0; i < 20; i++) {
      const l = sim.leader()
      if (l !== null && sim.start(l, `u${i}`).isLeader) proposed.push(`u${i}`)
      sim.advance(100)
    }
    sim.setUnreliable(false)
    const l = electLeader(sim)
    sim.start(l, 'final')
    runUntil(sim, 'all caught up', () => sim.nodes().every((n) => n.commitIndex === sim.nodes()[l]!.log.length), 2000)
    expect(sim.trace.all().some((e) => e.type === 'drop' && e.reason === 'loss')).toBe(true)
    const committed = sim.nodes()[l]!.log.map((e) => e.command)
    expect(committed.at(-1)).toBe('final')
    expect(proposed.filter((c) => committed.includes(c)).length).toBeGreaterThan(10)
  })
})

describe('log repair', () => {
  it('backs up over 50 divergent entries in far fewer than 50 AppendEntries round trips', () => {
    const entries = (term: number, from: number, count: number, tag: string): LogEntry[] =>
      Array.from({ length: count }, (_, k) => ({ term, command: `${tag}${from + k}` }))
    const base: LogEntry[] = [{ term: 1, command: 'base' }]
    const leaderLog = [...base, ...entries(3, 2, 50, 'L')]
    const { sim } = checkedCluster(5, 10)
    sim.debug.load(0, { term: 3, log: leaderLog })
    sim.debug.load(1, { term: 2, log: [...base, ...entries(2, 2, 50, 'F')] }) // a cut-off leader's 50 entries
    sim.debug.load(2, { term: 3, log: base }) // 50 entries behind
    for (const id of [3, 4]) sim.debug.load(id, { term: 3, log: leaderLog })
    const since = sim.trace.length
    sim.debug.forceTimeout(0)
    runUntil(sim, 'A leads', () => sim.leader() === 0, 100)
    runUntil(sim, 'B and C repaired', () => logOf(sim, 1) === logOf(sim, 0) && logOf(sim, 2) === logOf(sim, 0), 500)
    for (const id of [1, 2]) {
      const { appends, rejects } = appendTraffic(sim, 0, id, since)
      expect(rejects).toBe(1) // one rejection skips the whole conflicting term (or the gap)
      expect(appends).toBeLessThanOrEqual(3)
    }
    expect(sim.now).toBeLessThan(50) // repaired before the first periodic heartbeat
  })

  it("converges the paper's Figure 7 follower logs (a)-(f) to the leader's", () => {
    // Figure 7: the leader (top) comes to power in term 8; a..f are possible follower logs.
    const figure7: Record<string, number[]> = {
      leader: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6],
      a: [1, 1, 1, 4, 4, 5, 5, 6, 6],
      b: [1, 1, 1, 4],
      c: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
      d: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
      e: [1, 1, 1, 4, 4, 4, 4],
      f: [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
    }
    // An entry is named by (term, index): entries agreeing on both are the same entry (Log Matching).
    const log = (terms: number[]): LogEntry[] => terms.map((term, k) => ({ term, command: `t${term}@${k + 1}` }))
    const { sim } = checkedCluster(7, 11)
    Object.values(figure7).forEach((terms, id) => {
      sim.debug.load(id, { term: id === 0 ? 7 : Math.max(...terms), log: log(terms) })
    })
    sim.debug.forceTimeout(0)
    runUntil(sim, 'the top server leads term 8', () => sim.leader() === 0, 100)
    expect(sim.nodes()[0]!.term).toBe(8)
    // c (longer) and d (term 7 entries) have more up-to-date logs and refused their votes.
    const { index } = sim.start(0, 'term-8 entry')
    expect(index).toBe(11)
    runUntil(sim, 'every log equal to the leader and committed', () =>
      sim.nodes().every((n) => logOf(sim, n.id) === logOf(sim, 0) && n.commitIndex === index), 1000)
    expect(sim.nodes()[0]!.log.map((e) => e.term)).toEqual([...figure7.leader!, 8])
    expect(sim.leader()).toBe(0)
  })
})

describe('Figure 8', () => {
  it('never loses an entry committed in the current term (the leader crashes right after)', () => {
    const { checked } = runScript(script('figure-8'), 7)
    const sim = checked.sim
    const committed = sim.nodes()[0]!.log.slice(0, 3)
    expect(committed.map((e) => e.term)).toEqual([1, 2, 4])
    expect(sim.nodes()[0]!.commitIndex).toBe(3)
    // (d) cannot happen any more: A crashes, E comes back with its term-3 entry and tries hard.
    sim.crash(0)
    sim.restart(4)
    sim.connect(3)
    for (let i = 0; i < 20 && sim.leader() === null; i++) {
      if (sim.nodes()[4]!.role !== 'leader') sim.debug.forceTimeout(4)
      sim.advance(20)
    }
    runUntil(sim, 'a stable leader', () => stableLeader(sim) !== null, 3000)
    const l = sim.leader()!
    expect(l).not.toBe(4) // B and C hold term-4 entries: E's log is less up to date
    // Without a no-op entry the new leader commits the old ones only with an entry of its own term.
    sim.start(l, 'after')
    runUntil(sim, 'every live node commits', () => sim.nodes().every((n) => !n.alive || n.commitIndex === 4), 500)
    for (const n of sim.nodes().filter((x) => x.alive)) expect(n.log.slice(0, 3)).toEqual(committed)
    expect(checked.checks()).toBeGreaterThan(100)
  })

  it('lets the uncommitted term-2 entry be overwritten, which is why it was not committed', () => {
    const sc = script('figure-8')
    const { checked } = runScript({ ...sc, script: (sim, mark) => {
      // Stop at not-committed: index 2 (term 2) is on A, B and C but not committed.
      let stop = false
      try {
        sc.script(sim, (name) => {
          mark(name)
          if (name === 'not-committed') { stop = true; throw new Error('stop') }
        })
      } catch (e) {
        if (!stop) throw e
      }
    } }, 7)
    const sim = checked.sim
    expect(sim.nodes()[0]!.commitIndex).toBe(0)
    sim.crash(0)
    sim.restart(4)
    sim.connect(3)
    for (let i = 0; i < 20 && sim.leader() !== 4; i++) {
      if (sim.nodes()[4]!.role !== 'leader') sim.debug.forceTimeout(4)
      sim.advance(20)
    }
    expect(sim.leader()).toBe(4) // (d): E wins with B, C and D's votes
    sim.advance(200)
    for (const id of [1, 2, 3, 4]) expect(sim.nodes()[id]!.log[1]).toEqual({ term: 3, command: 'z=3' })
  })
})
