import { defineScenario, type ScenarioFactory, type WhatIf } from '../scenario.ts'
import type { TraceEvent } from '../trace.ts'
import { createRaftCluster } from './cluster.ts'
import { describeRaft } from './describe.ts'
import { nodeName } from './names.ts'
import { HEARTBEAT_INTERVAL } from './node.ts'
import type { RaftNodeState, RaftPayload, RaftSim, RaftSnapshot } from './types.ts'

/**
 * The Raft scenarios the deck shows: scripts that drive the real algorithm through the public
 * cluster API. Where a paper figure needs one precise configuration, they use a single hook,
 * `debug.forceTimeout(id, at?)`, which only makes an election timer run out at a chosen moment
 * (what a real timer does at a random one). Checkpoints are reached by running the event loop
 * until the named thing has happened, not after fixed delays, so they hold for any seed;
 * the slides use seed 7.
 *
 * Node ids: A = 0, B = 1, C = 2, D = 3, E = 4 (the paper's S1..S5 in figure-8).
 */
export const RAFT_SCENARIO_SEED = 7
export const RAFT_SCENARIO_NODES = 5

export interface RaftScript {
  readonly name: string
  readonly title: string
  readonly checkpoints: readonly string[]
  /** Bring a fresh cluster (made with `seed`) to the scenario's `start` state. */
  setup(sim: RaftSim, seed: number): void
  /** Drive it on, calling mark(name) at each checkpoint in order. */
  script(sim: RaftSim, mark: (name: string) => void): void
}

// ---- Helpers for scripts ----

const A = 0, B = 1, C = 2, D = 3, E = 4

function node(sim: RaftSim, id: number): RaftNodeState {
  return sim.debug.state().nodes[id]!
}

/** Run until `done()`; a scenario that cannot reach its next step is a bug, so say which step. */
function until(sim: RaftSim, what: string, done: () => boolean, limitMs = 3000): void {
  if (!sim.debug.runUntil(done, limitMs)) throw new Error(`raft scenario: "${what}" did not happen within ${limitMs} ms (at ${sim.now} ms)`)
}

/**
 * Run until a trace event from now on matches. `match` also sees the payload of the message a
 * 'deliver' event carries (the trace stores payloads on 'send' events only).
 */
function untilEvent(sim: RaftSim, what: string, match: (e: TraceEvent, payload: RaftPayload | undefined) => boolean, limitMs = 3000): void {
  const events = sim.trace.all()
  // Payloads of what is on the wire now, then of everything sent from here on.
  const payloads = new Map<number, RaftPayload>()
  for (const m of sim.trace.inFlight()) payloads.set(m.msg, sim.trace.payload(m.msg)!)
  let cursor = events.length
  until(sim, what, () => {
    while (cursor < events.length) {
      const e = events[cursor++]!
      if (e.type === 'send') payloads.set(e.msg, e.payload as RaftPayload)
      const p = e.type === 'send' || e.type === 'deliver' ? payloads.get(e.msg) : undefined
      if (match(e, p)) return true
    }
    return false
  }, limitMs)
}

/**
 * A leader that every other live, connected node follows in its term and has heard from since it
 * won (so no follower's timer is about to run out on a stale reset).
 */
function stableLeader(sim: RaftSim): number | null {
  const l = sim.leader()
  if (l === null) return null
  const s = sim.debug.state()
  const { term, leaderSince } = s.nodes[l]!
  const views = sim.nodes()
  const follows = (n: RaftNodeState): boolean =>
    n.term === term && n.role === 'follower' && n.lastHeartbeat !== null && n.lastHeartbeat >= (leaderSince ?? 0)
  return s.nodes.every((n) => !n.alive || !views[n.id]!.connected || n.id === l || follows(n)) ? l : null
}

/** Wait for a stable leader with every entry committed everywhere and nothing on the wire. */
function settle(sim: RaftSim, what: string): number {
  until(sim, what, () => {
    const l = stableLeader(sim)
    if (l === null || sim.debug.inFlight > 0) return false
    const s = sim.debug.state()
    const last = s.nodes[l]!.log.length
    return s.nodes.every((n) => !n.alive || n.commitIndex === last)
  })
  return sim.leader()!
}

const logsEqual = (a: RaftNodeState, b: RaftNodeState): boolean =>
  a.log.length === b.log.length && a.log.every((e, k) => e.term === b.log[k]!.term && e.command === b.log[k]!.command)

// ---- The scenarios ----

/** A leader emerges from a fresh cluster on its own (no hooks: the seed decides who). */
const election: RaftScript = {
  name: 'election',
  title: 'Leader election',
  checkpoints: ['timeout', 'candidate', 'votes', 'leader', 'heartbeats'],
  setup() {},
  script(sim, mark) {
    // Just before the first election timer runs out: every ring is draining, one nearly empty.
    const deadlines = sim.snapshot().nodes.map((n) => n.electionDeadline ?? Infinity)
    sim.advance(Math.max(0, Math.min(...deadlines) - 1 - sim.now))
    mark('timeout')
    // It runs out: that node stands for term 1, votes for itself and asks the others.
    until(sim, 'a candidate', () => sim.debug.state().nodes.some((n) => n.role === 'candidate'))
    const cand = sim.debug.state().nodes.find((n) => n.role === 'candidate')!.id
    mark('candidate')
    // The first granted vote lands: the candidate holds 2 of the 3 votes it needs.
    untilEvent(sim, 'a granted vote delivered', (e, p) => e.type === 'deliver' && e.to === cand && p?.kind === 'RequestVoteReply' && p.granted)
    mark('votes')
    until(sim, 'a leader', () => sim.leader() !== null)
    mark('leader')
    // One heartbeat interval later the first periodic round is on the wire; the initial round
    // has already reset every follower's timer.
    sim.advance(HEARTBEAT_INTERVAL)
    mark('heartbeats')
  },
}

/** One client write travels: leader log, AppendEntries, acknowledgements, commit, apply. */
const replication: RaftScript = {
  name: 'replication',
  title: 'Log replication',
  checkpoints: ['client-write', 'append', 'acks', 'commit', 'apply'],
  setup(sim) {
    settle(sim, 'a stable leader')
  },
  script(sim, mark) {
    const l = sim.leader()!
    const { index } = sim.start(l, 'x=1')
    // The entry sits in the leader's log; AppendEntries carrying it have just left.
    mark('client-write')
    until(sim, 'a follower appends', () => sim.debug.state().nodes.some((n) => n.id !== l && n.log.length >= index))
    mark('append')
    // The first acknowledgement reaches the leader: 2 copies known, 3 needed.
    untilEvent(sim, 'an acknowledgement delivered', (e, p) => e.type === 'deliver' && e.to === l && p?.kind === 'AppendEntriesReply' && p.success && p.matchIndex >= index)
    mark('acks')
    // A majority holds it: the leader commits and applies; followers learn on the next heartbeat.
    until(sim, 'the leader commits', () => node(sim, l).commitIndex >= index)
    mark('commit')
    until(sim, 'every node applies', () => sim.debug.state().nodes.every((n) => n.applied.length >= index))
    mark('apply')
  },
}

/**
 * The leader is cut off (its process keeps running: a crashed node would restart as a follower,
 * and only a leader that was merely unreachable comes back still believing it leads).
 */
const leaderFailure: RaftScript = {
  name: 'leader-failure',
  title: 'Leader failure and re-election',
  checkpoints: ['crash', 'new-term', 'new-leader', 'old-leader-returns', 'steps-down'],
  setup(sim) {
    const l = settle(sim, 'a stable leader')
    sim.start(l, 'x=1')
    settle(sim, 'x=1 committed everywhere')
  },
  script(sim, mark) {
    const old = sim.leader()!
    const oldTerm = node(sim, old).term
    sim.disconnect(old)
    // A client still reaches the old leader, which accepts a write it can never commit.
    sim.start(old, 'y=2')
    mark('crash')
    until(sim, 'a new candidate', () => sim.debug.state().nodes.some((n) => n.role === 'candidate' && n.term > oldTerm))
    mark('new-term')
    until(sim, 'a new leader', () => sim.leader() !== null)
    const fresh = sim.leader()!
    mark('new-leader')
    // The new leader takes a write of its own and commits it with the other three.
    const { index } = sim.start(fresh, 'y=3')
    until(sim, 'y=3 committed', () => node(sim, fresh).commitIndex >= index)
    // The old leader's next heartbeat leaves (into the void), and at that moment its link heals:
    // those stale AppendEntries of the old term will now arrive.
    untilEvent(sim, 'the old leader sends a heartbeat', (e) => e.type === 'send' && e.from === old && e.kind === 'AppendEntries')
    sim.connect(old)
    mark('old-leader-returns')
    until(sim, 'the old leader steps down', () => node(sim, old).role === 'follower')
    mark('steps-down')
  },
}

const SPLIT_AT = 160

/** The candidates' timers run out within a millisecond (as if drawn so), the others' much later. */
function setSplitTimers(sim: RaftSim, candidates: readonly number[]): void {
  candidates.forEach((id, k) => sim.debug.forceTimeout(id, SPLIT_AT + k / 4))
  ;[A, B, C, D, E].filter((id) => !candidates.includes(id)).forEach((id, k) => sim.debug.forceTimeout(id, SPLIT_AT + 125 + 10 * k))
}

/**
 * Which nodes, in which order, split the vote for this seed. With three candidates each voting
 * for itself, the two others decide: if both pick the same candidate it wins (3 of 5), so a split
 * depends on message timing. Same seed and same calls give the same run, so trying the orders on
 * scratch clusters and keeping the first that splits is a deterministic choice of timer draws.
 * If no order of three splits (the seed's first latencies all favour whoever asks first), four
 * candidates always do: one free vote cannot lift anyone to 3.
 */
function splitCandidates(seed: number): number[] {
  const ids = [A, B, C, D, E]
  const trios: number[][] = [[A, C, E]]
  for (const x of ids) for (const y of ids) for (const z of ids) if (x !== y && y !== z && x !== z) trios.push([x, y, z])
  for (const trio of trios) {
    const trial = createRaftCluster({ nodes: RAFT_SCENARIO_NODES, seed })
    setSplitTimers(trial, trio)
    trial.advance(SPLIT_AT + 30) // every vote answered (a round trip takes at most 12 ms)
    if (trial.leader() === null && trio.every((id) => node(trial, id).role === 'candidate')) return trio
  }
  return [A, B, C, D]
}

/** Three timers run out together, nobody wins term 1, and the random timeouts break the tie. */
const splitVote: RaftScript = {
  name: 'split-vote',
  title: 'Split vote',
  checkpoints: ['timeouts', 'split', 'retry', 'leader'],
  setup(sim, seed) {
    setSplitTimers(sim, splitCandidates(seed))
  },
  script(sim, mark) {
    sim.advance(SPLIT_AT + 0.5 - sim.now)
    mark('timeouts')
    until(sim, 'every vote answered', () => sim.debug.inFlight === 0)
    mark('split')
    until(sim, 'a new election', () => sim.debug.state().nodes.some((n) => n.term >= 2))
    mark('retry')
    until(sim, 'a leader', () => sim.leader() !== null)
    mark('leader')
  },
}

/**
 * Figure 8 of the paper: why a leader may not commit an entry of an earlier term by counting
 * replicas. S1..S5 are A..E. Index 1 (term 1) is committed everywhere during setup.
 */
const figure8: RaftScript = {
  name: 'figure-8',
  title: 'Committing entries from earlier terms (Figure 8)',
  checkpoints: ['term-2', 'term-3', 'term-4', 'not-committed', 'commit-current'],
  setup(sim) {
    sim.debug.forceTimeout(B)
    until(sim, 'B leads term 1', () => sim.leader() === B)
    sim.start(B, 'x=1')
    settle(sim, 'x=1 committed everywhere')
  },
  script(sim, mark) {
    // (a) A leads term 2 and replicates index 2 to B only.
    sim.debug.forceTimeout(A)
    until(sim, 'A leads term 2', () => sim.leader() === A)
    sim.partition([[A, B], [C, D, E]])
    sim.start(A, 'y=2')
    until(sim, 'B stores index 2', () => node(sim, B).log.length === 2)
    mark('term-2')
    // (b) A crashes; E wins term 3 with C's and D's votes and takes a different index 2, alone.
    sim.crash(A)
    sim.debug.forceTimeout(E)
    until(sim, 'E leads term 3', () => sim.leader() === E)
    sim.disconnect(E)
    sim.start(E, 'z=3')
    mark('term-3')
    // (c) E crashes; A restarts and wins term 4 (term 3 fails: C already voted for E in it).
    // D is cut off, as in the figure, so index 2 reaches exactly A, B and C.
    sim.crash(E)
    // Reconnect E's cable only once its last messages have fallen off it (a message still on the
    // wire when a link comes back is delivered).
    until(sim, "E's messages dropped", () => sim.debug.inFlight === 0)
    sim.connect(E)
    sim.heal()
    sim.disconnect(D)
    sim.restart(A)
    sim.debug.forceTimeout(A)
    until(sim, 'A hears back for term 3', () => sim.debug.inFlight === 0)
    sim.debug.forceTimeout(A)
    until(sim, 'A leads term 4', () => sim.leader() === A)
    mark('term-4')
    // Index 2 (term 2) reaches C, and C's acknowledgement reaches A: A knows it is on a majority,
    // yet does not commit it, because it is not from term 4.
    untilEvent(sim, "C's acknowledgement of index 2", (e, p) => e.type === 'deliver' && e.from === C && e.to === A && p?.kind === 'AppendEntriesReply' && p.success && p.matchIndex >= 2)
    mark('not-committed')
    // (e) A replicates an entry of its own term to a majority: it commits, and index 2 with it.
    const { index } = sim.start(A, 'w=4')
    until(sim, 'A commits index 3', () => node(sim, A).commitIndex >= index)
    mark('commit-current')
  },
}

/** A returning follower's divergent suffix is found in one round trip and overwritten. */
const logRepair: RaftScript = {
  name: 'log-repair',
  title: 'Repairing a divergent log',
  checkpoints: ['diverged', 'reject', 'backtrack', 'repaired'],
  setup(sim) {
    sim.debug.forceTimeout(A)
    until(sim, 'A leads term 1', () => sim.leader() === A)
    sim.start(A, 'a=1')
    sim.start(A, 'b=2')
    settle(sim, 'a=1 and b=2 committed everywhere')
    // A is cut off, accepts three writes nobody else will see, and crashes.
    sim.disconnect(A)
    for (const cmd of ['c=3', 'd=4', 'e=5']) sim.start(A, cmd)
    sim.crash(A)
    until(sim, "A's messages dropped", () => sim.debug.inFlight === 0)
    sim.connect(A)
    // Meanwhile B leads term 2 and commits two entries with C, D and E.
    sim.debug.forceTimeout(B)
    until(sim, 'B leads term 2', () => sim.leader() === B)
    sim.start(B, 'f=3')
    sim.start(B, 'g=4')
    until(sim, 'f and g committed', () => sim.debug.state().nodes.every((n) => !n.alive || n.commitIndex === 4))
    // C's timer runs out (a late heartbeat, say): C leads term 3. A new leader starts out assuming
    // every follower's log matches its own (nextIndex = 5), which A's does not.
    sim.debug.forceTimeout(C)
    until(sim, 'C leads term 3', () => sim.leader() === C)
    settle(sim, 'C settled')
  },
  script(sim, mark) {
    const leader = sim.leader()!
    sim.restart(A)
    mark('diverged')
    untilEvent(sim, 'A rejects', (e, p) => e.type === 'send' && e.from === A && p?.kind === 'AppendEntriesReply' && !p.success)
    mark('reject')
    untilEvent(sim, 'the leader backs up', (e, p) => e.type === 'send' && e.from === leader && e.to === A && p?.kind === 'AppendEntries' && p.prevLogIndex < 4)
    mark('backtrack')
    until(sim, 'A repaired', () => {
      const [a, l] = [node(sim, A), node(sim, leader)]
      return logsEqual(a, l) && a.commitIndex === l.commitIndex
    })
    mark('repaired')
  },
}

export const raftScripts: readonly RaftScript[] = [election, replication, leaderFailure, splitVote, figure8, logRepair]

/**
 * What-if actions on a live cluster (from any checkpoint of any Raft scenario): the viewer crashes
 * and restarts nodes, writes, cuts the network and heals it, and watches the real algorithm cope.
 * Raft's messages take a few ms, so live time runs in slow motion: 100 simulated ms per second.
 */
export const raftWhatIf: WhatIf<RaftSim> = {
  speed: 100,
  // The deck measures real time between animation frames; a frame's timestamp can precede the
  // moment live mode started, so a (tiny) negative slice must mean "no time", not an error.
  advance: (sim, ms) => sim.advance(Math.max(0, ms)),
  actions: [
    {
      trigger: 'click',
      label: 'Click a node: crash it, or restart it if it is down',
      run(sim, target) {
        const id = target?.node
        if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= sim.nodes().length) return 'Click a node to crash or restart it.'
        const n = sim.nodes()[id]!
        if (n.alive) {
          sim.crash(id)
          return `Node ${nodeName(id)} crashes${n.role === 'leader' ? '; the cluster has lost its leader' : ''}.`
        }
        sim.restart(id)
        return `Node ${nodeName(id)} restarts as a follower in term ${n.term}, with its log but nothing committed.`
      },
    },
    {
      trigger: 'w',
      label: 'W: a client writes to the leader',
      run(sim) {
        const l = sim.leader()
        if (l === null) return 'A client write finds no leader to take it.'
        const { index, term } = sim.start(l, `w=${sim.nodes()[l]!.log.length + 1}`)
        return `Leader ${nodeName(l)} appends the write as entry ${index} of term ${term}.`
      },
    },
    {
      trigger: 'p',
      label: 'P: cut the leader and one follower off from the rest (press again to heal)',
      run(sim) {
        if (sim.snapshot().partition) {
          sim.heal()
          return 'The partition heals.'
        }
        const ids = sim.nodes().map((n) => n.id)
        const l = sim.leader() ?? 0
        const minority = [l, ids.find((id) => id !== l)!].slice(0, Math.max(1, Math.floor((ids.length - 1) / 2)))
        sim.partition([minority, ids.filter((id) => !minority.includes(id))])
        // Named in alphabetical order, as the narration names the groups ("AB | CDE", not "BA").
        const names = (g: number[]): string => [...g].sort((a, b) => a - b).map(nodeName).join('')
        return `The network splits: ${names(minority)} on one side, ${names(ids.filter((id) => !minority.includes(id)))} on the other.`
      },
    },
    {
      trigger: 'u',
      label: 'U: make the links lossy (press again for reliable links)',
      run(sim) {
        const on = !sim.snapshot().unreliable
        sim.setUnreliable(on)
        return on ? 'Links now lose about one message in ten, and delay and reorder others.' : 'Links are reliable again.'
      },
    },
  ],
}

function toFactory(s: RaftScript): ScenarioFactory<RaftSnapshot, RaftSim> {
  return defineScenario<RaftSim, RaftSnapshot>({
    kind: 'raft',
    name: s.name,
    title: s.title,
    checkpoints: s.checkpoints,
    setup(seed) {
      const sim = createRaftCluster({ nodes: RAFT_SCENARIO_NODES, seed })
      s.setup(sim, seed)
      return sim
    },
    script: (sim, mark) => s.script(sim, mark),
    snapshot: (sim) => sim.snapshot(),
    time: (sim) => sim.now,
    trace: (sim) => sim.trace.all(),
    describe: describeRaft,
    whatIf: raftWhatIf,
  })
}

/** Every Raft scenario, in lecture order. `create(seed)` replays on first use and caches. */
export const raftScenarios: ScenarioFactory<RaftSnapshot, RaftSim>[] = raftScripts.map(toFactory)
