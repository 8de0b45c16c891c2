/**
 * The simulation part of `npm run bench`, in Node: how long seeking a checkpoint takes for every
 * scenario the deck can show (on a freshly created scenario, so the first replay of the script
 * counts, and again from its snapshot cache), and Raft's throughput over a long run (benchRaft).
 */
import { median, summarize } from './bench-stats.ts'
import type { SeekByKind, SimResult } from './bench-report.ts'

/** The seed every <Scene> uses unless it names one (src/deck/scene-binding.ts). */
const DECK_SEED = 7

interface SeekSample {
  kind: string
  scenario: string
  checkpoint: string
  fresh: number
  /** CPU time of the fresh seek (user + system, ms). */
  freshCpu: number
  cached: number
}

export async function benchSim(opts: { quick: boolean }): Promise<SimResult> {
  const { scenarioFactories } = await import('../sim/catalog.ts')
  const { benchRaft } = await import('../sim/raft/bench.ts')

  const pass = (): SeekSample[] => {
    const out: SeekSample[] = []
    for (const f of scenarioFactories) {
      for (const cp of f.checkpoints) {
        const sc = f.create(DECK_SEED)
        const c0 = process.cpuUsage()
        let t = performance.now()
        sc.stateAt(cp)
        const fresh = performance.now() - t
        const c = process.cpuUsage(c0)
        t = performance.now()
        sc.stateAt(cp)
        out.push({ kind: f.kind, scenario: f.name, checkpoint: cp, fresh, freshCpu: (c.user + c.system) / 1000, cached: performance.now() - t })
      }
    }
    return out
  }
  // One pass to let the JIT see the code (as the deck's prefetch does), then the measured ones.
  pass()
  const samples = Array.from({ length: opts.quick ? 1 : 3 }, pass).flat()
  const fresh = samples.map((s) => s.fresh)
  const cached = samples.map((s) => s.cached)
  const kinds = [...new Set(samples.map((s) => s.kind))]
  const byKind: SeekByKind[] = kinds.map((kind) => {
    const ks = samples.filter((s) => s.kind === kind)
    return {
      kind,
      checkpoints: new Set(ks.map((s) => `${s.scenario}/${s.checkpoint}`)).size,
      freshMedianMs: median(ks.map((s) => s.fresh)),
      freshCpuMedianMs: median(ks.map((s) => s.freshCpu)),
      freshMaxMs: Math.max(...ks.map((s) => s.fresh)),
      cachedMedianMs: median(ks.map((s) => s.cached)),
    }
  })
  const slowest = samples.reduce((a, b) => (b.fresh > a.fresh ? b : a))
  // A fresh scenario's first stateAt() replays its whole script: per scenario, every checkpoint's
  // fresh seek costs about the same, so its median is the script's cost.
  const scenarios = [...new Set(samples.map((s) => `${s.kind}/${s.scenario}`))]
  const slowestReplays = scenarios
    .map((name) => {
      const ss = samples.filter((s) => `${s.kind}/${s.scenario}` === name)
      return { scenario: name, cpuMs: median(ss.map((s) => s.freshCpu)), wallMs: median(ss.map((s) => s.fresh)) }
    })
    .sort((a, b) => b.cpuMs - a.cpuMs)
    .slice(0, 5)

  const simulatedMs = opts.quick ? 60_000 : 10 * 60_000
  const raft = benchRaft({ simulatedMs })
  return {
    seek: {
      fresh: summarize(fresh),
      cached: summarize(cached),
      all: summarize([...fresh, ...cached]),
      freshCpu: summarize(samples.map((s) => s.freshCpu)),
      byKind,
      slowest: { scenario: `${slowest.kind}/${slowest.scenario}`, checkpoint: slowest.checkpoint, ms: slowest.fresh },
      slowestReplays,
    },
    raft: {
      simulatedMs,
      eventsPerSecond: raft.eventsPerSecond,
      events: raft.events,
      runMs: raft.tenMinutesMs,
      tracedRunMs: raft.tenMinutesTracedMs,
      proposals: raft.proposals,
      committed: raft.committed,
      messages: raft.messages,
    },
  }
}
