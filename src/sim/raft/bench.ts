import { createRaftCluster } from './cluster.ts'
import { RAFT_SCENARIO_SEED, raftScenarios } from './scenarios.ts'

/**
 * The Raft benchmark (for `npm run bench`): how fast the deck can seek a Raft checkpoint, and how
 * fast the model runs a long stretch of simulated time.
 */
export interface RaftBenchResult {
  /** Median over every checkpoint of every scenario: seeking it on a fresh scenario (a full replay) and seeking it again (cached). */
  seekMedianMs: number
  seekFreshMedianMs: number
  seekCachedMedianMs: number
  seekMaxMs: number
  seekSamples: number
  /** The very first seek in this process (cold JIT, a full replay): what the first Raft slide costs. */
  seekFirstColdMs: number
  /** Wall time for 5 nodes, 10 simulated minutes, 10 proposals/s, trace recording off (as for any long run). */
  tenMinutesMs: number
  /** The same run with the trace recorded. */
  tenMinutesTracedMs: number
  /** Scheduler events per wall-clock second in the untraced run. */
  eventsPerSecond: number
  events: number
  proposals: number
  committed: number
  messages: number
}

// Wall time is what a benchmark measures; the simulation itself never reads a clock.
// eslint-disable-next-line no-restricted-globals -- benchmark only, not simulation code
const wall = (): number => performance.now()

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

function seekSamples(): { fresh: number[]; cached: number[] } {
  const fresh: number[] = []
  const cached: number[] = []
  for (const factory of raftScenarios) {
    for (const cp of factory.checkpoints) {
      const sc = factory.create(RAFT_SCENARIO_SEED)
      let t = wall()
      sc.stateAt(cp)
      fresh.push(wall() - t)
      t = wall()
      sc.stateAt(cp)
      cached.push(wall() - t)
    }
  }
  return { fresh, cached }
}

function longRun(simulatedMs: number, record: boolean) {
  const sim = createRaftCluster({ nodes: 5, seed: 1 })
  sim.trace.recording = record
  let proposals = 0
  const t = wall()
  for (let at = 0; at < simulatedMs; at += 100) {
    const l = sim.leader()
    if (l !== null && sim.start(l, proposals).isLeader) proposals++
    sim.advance(100)
  }
  const ms = wall() - t
  const committed = Math.min(...sim.nodes().map((n) => n.commitIndex))
  return { ms, events: sim.debug.events, proposals, committed, messages: sim.messagesSent }
}

export function benchRaft(opts: { simulatedMs?: number } = {}): RaftBenchResult {
  const simulatedMs = opts.simulatedMs ?? 10 * 60_000
  const t = wall()
  raftScenarios[0]!.create(RAFT_SCENARIO_SEED).stateAt(raftScenarios[0]!.checkpoints.at(-1)!)
  const seekFirstColdMs = wall() - t
  seekSamples() // warm-up: let the JIT see the code once, as a deck does on its first slide
  const { fresh, cached } = seekSamples()
  longRun(Math.min(simulatedMs, 10_000), false) // warm-up
  const run = longRun(simulatedMs, false)
  const traced = longRun(simulatedMs, true)
  return {
    seekMedianMs: median([...fresh, ...cached]),
    seekFreshMedianMs: median(fresh),
    seekCachedMedianMs: median(cached),
    seekMaxMs: Math.max(...fresh, ...cached),
    seekSamples: fresh.length + cached.length,
    seekFirstColdMs,
    tenMinutesMs: run.ms,
    tenMinutesTracedMs: traced.ms,
    eventsPerSecond: Math.round(run.events / (run.ms / 1000)),
    events: run.events,
    proposals: run.proposals,
    committed: run.committed,
    messages: run.messages,
  }
}
