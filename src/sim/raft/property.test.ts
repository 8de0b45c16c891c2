// Property tests: random schedules of proposals and faults on 3-7 nodes. Safety is checked after
// every event (testkit.watch); liveness once the faults stop. A failure prints fast-check's seed and
// path (to replay it) and the shrunk schedule in words, e.g.
//   "5 nodes, seed 12: propose, wait 40 ms; crash C, wait 210 ms; partition AB|CDE, wait 12 ms"
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { hashTrace } from '../trace.ts'
import { createRaftCluster } from './cluster.ts'
import { nodeName } from './names.ts'
import { checkedCluster, runUntil, stableLeader } from './testkit.ts'
import type { RaftSim } from './types.ts'

type Action =
  | { kind: 'propose' } // to whoever leads now (or to node 0 if nobody does)
  | { kind: 'propose-at'; node: number } // to any node, leader or not
  | { kind: 'propose-all' } // to every node that believes it leads, stale leaders included
  | { kind: 'crash-leader' | 'isolate-leader' } // whoever leader() names, if anyone
  | { kind: 'crash' | 'restart' | 'disconnect' | 'connect'; node: number }
  | { kind: 'partition'; sides: number[] } // sides[id] = group of node id
  | { kind: 'heal' }
  | { kind: 'unreliable'; on: boolean }

interface Step {
  action: Action
  wait: number
}

/** A generated schedule; its text form is what a failing run prints. */
class Schedule {
  constructor(readonly nodes: number, readonly seed: number, readonly steps: readonly Step[]) {}

  /** Node ids are generated in 0..6 and folded into the cluster. */
  id(raw: number): number {
    return raw % this.nodes
  }

  groups(sides: readonly number[]): number[][] {
    const g = new Map<number, number[]>()
    for (let id = 0; id < this.nodes; id++) {
      const side = sides[id] ?? 0
      if (!g.has(side)) g.set(side, [])
      g.get(side)!.push(id)
    }
    return [...g.values()]
  }

  describe(a: Action): string {
    switch (a.kind) {
      case 'propose': return 'propose'
      case 'propose-at': return `propose at ${nodeName(this.id(a.node))}`
      case 'propose-all': return 'propose at every leader'
      case 'crash-leader': return 'crash the leader'
      case 'isolate-leader': return 'cut off the leader'
      case 'partition': return `partition ${this.groups(a.sides).map((g) => g.map(nodeName).join('')).join('|')}`
      case 'heal': return 'heal'
      case 'unreliable': return a.on ? 'unreliable on' : 'unreliable off'
      default: return `${a.kind} ${nodeName(this.id(a.node))}`
    }
  }

  toString(): string {
    const steps = this.steps.map((s) => `${this.describe(s.action)}, wait ${s.wait} ms`)
    return `${this.nodes} nodes, seed ${this.seed}: ${steps.join('; ') || '(no steps)'}`
  }

  [fc.toStringMethod](): string {
    return this.toString()
  }
}

const node = fc.nat({ max: 6 })
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'propose' as const }) },
  { weight: 1, arbitrary: node.map((n) => ({ kind: 'propose-at' as const, node: n })) },
  { weight: 2, arbitrary: fc.constant({ kind: 'propose-all' as const }) },
  { weight: 2, arbitrary: fc.constantFrom({ kind: 'crash-leader' as const }, { kind: 'isolate-leader' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('crash' as const, 'restart' as const, 'disconnect' as const, 'connect' as const), node }) },
  { weight: 1, arbitrary: fc.array(fc.nat({ max: 2 }), { minLength: 7, maxLength: 7 }).map((sides) => ({ kind: 'partition' as const, sides })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'heal' as const }) },
  { weight: 1, arbitrary: fc.boolean().map((on) => ({ kind: 'unreliable' as const, on })) },
)
const step: fc.Arbitrary<Step> = fc.record({ action, wait: fc.integer({ min: 0, max: 300 }) })

const schedule = (minNodes: number, maxNodes: number, maxSteps: number): fc.Arbitrary<Schedule> =>
  fc.record({
    nodes: fc.integer({ min: minNodes, max: maxNodes }),
    seed: fc.nat({ max: 1_000_000 }),
    steps: fc.array(step, { maxLength: maxSteps }),
  }).map((r) => new Schedule(r.nodes, r.seed, r.steps))

function apply(sim: RaftSim, s: Schedule, a: Action, k: number): void {
  switch (a.kind) {
    case 'propose': sim.start(sim.leader() ?? 0, `p${k}`); break
    case 'propose-at': sim.start(s.id(a.node), `q${k}`); break
    case 'propose-all': for (const n of sim.nodes()) if (n.role === 'leader') sim.start(n.id, `r${k}${nodeName(n.id)}`); break
    case 'crash-leader': { const l = sim.leader(); if (l !== null) sim.crash(l); break }
    case 'isolate-leader': { const l = sim.leader(); if (l !== null) sim.disconnect(l); break }
    case 'crash': sim.crash(s.id(a.node)); break
    case 'restart': sim.restart(s.id(a.node)); break
    case 'disconnect': sim.disconnect(s.id(a.node)); break
    case 'connect': sim.connect(s.id(a.node)); break
    case 'partition': sim.partition(s.groups(a.sides)); break
    case 'heal': sim.heal(); break
    case 'unreliable': sim.setUnreliable(a.on); break
  }
}

/** Play a schedule on a watched cluster (safety after every event), then check liveness under calm. */
function playAndSettle(s: Schedule): void {
  const { sim } = checkedCluster(s.nodes, s.seed)
  s.steps.forEach((st, k) => {
    apply(sim, s, st.action, k)
    sim.advance(st.wait)
  })
  // Calm: everyone up and connected, no partition, reliable links.
  for (const n of sim.nodes()) {
    if (!n.alive) sim.restart(n.id)
    if (!n.connected) sim.connect(n.id)
  }
  sim.heal()
  sim.setUnreliable(false)
  const calm = sim.now
  // (Without the "heard since calm" part, a follower that missed heartbeats during the faults can
  // still time out, depose the leader, and strand the calm proposals: Figure 2 has no no-op entry,
  // so a new leader commits them only with an entry of its own term.)
  runUntil(sim, `a stable leader within 5 s of calm (calm at ${calm} ms)`, () => stableLeader(sim, calm) !== null, 5000)
  const l = sim.leader()!
  const proposals = ['calm-1', 'calm-2', 'calm-3'].map((c) => ({ c, ...sim.start(l, c) }))
  for (const p of proposals) expect(p.isLeader).toBe(true)
  const last = proposals.at(-1)!.index
  runUntil(sim, 'every calm proposal committed and applied everywhere', () =>
    sim.nodes().every((n) => n.commitIndex >= last), 2000)
  for (const n of sim.nodes()) {
    for (const p of proposals) expect(n.log[p.index - 1]).toEqual({ term: p.term, command: p.c })
    expect(sim.applied(n.id).slice(-3).map((a) => a.command)).toEqual(['calm-1', 'calm-2', 'calm-3'])
  }
}

describe('Raft under random faults (fast-check)', () => {
  it('3-7 nodes, any mix of faults: safe after every event; a leader and commits within 5 s of calm', () => {
    fc.assert(fc.property(schedule(3, 7, 12), (s) => playAndSettle(s)), { numRuns: 1000 })
  })

  it('5 nodes, long fault-heavy schedules', () => {
    fc.assert(fc.property(schedule(5, 5, 25), (s) => playAndSettle(s)), { numRuns: 500 })
  })

  it('same seed and same schedule give the same trace hash', () => {
    const hashOf = (s: Schedule): string => {
      const sim = createRaftCluster({ nodes: s.nodes, seed: s.seed })
      s.steps.forEach((st, k) => {
        apply(sim, s, st.action, k)
        sim.advance(st.wait)
      })
      return hashTrace(sim.trace.all())
    }
    fc.assert(fc.property(schedule(3, 7, 10), (s) => hashOf(s) === hashOf(s)), { numRuns: 100 })
  })

  it('prints a failing schedule in words', () => {
    const s = new Schedule(5, 12, [
      { action: { kind: 'propose' }, wait: 40 },
      { action: { kind: 'crash', node: 2 }, wait: 210 },
      { action: { kind: 'partition', sides: [0, 0, 1, 1, 1, 0, 0] }, wait: 12 },
      { action: { kind: 'unreliable', on: true }, wait: 0 },
    ])
    expect(fc.stringify(s)).toBe('5 nodes, seed 12: propose, wait 40 ms; crash C, wait 210 ms; partition AB|CDE, wait 12 ms; unreliable on, wait 0 ms')
  })
})
