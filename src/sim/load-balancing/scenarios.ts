import { defineScenario, type ScenarioFactory } from '../scenario.ts'
import { LoadBalancer, type LoadBalancerOptions, type LoadBalancingSnapshot } from './balancer.ts'
import { describeLoadBalancing, type LbFocus } from './describe.ts'
import { loadBalancingWhatIf, type LiveSpec } from './whatif.ts'

/** A load-balancing scene: the balancer plus what the current step is about. */
export interface LbWorld {
  readonly lb: LoadBalancer
  focus: LbFocus
}

/** The snapshot a scenario hands to a scene: the balancer's, plus the step's focus. */
export type LbScenarioSnapshot = LoadBalancingSnapshot & { readonly focus: LbFocus }

const DEFAULT_SEED = 7
const ABC = ['a', 'b', 'c']

interface Spec {
  name: string
  title: string
  checkpoints: readonly string[]
  options: Omit<LoadBalancerOptions, 'seed'>
  /** What-if: how fast the live model runs, and whether `x` cycles the weights. */
  live: LiveSpec
  script(w: LbWorld, mark: (name: string) => void): void
}

const at = (w: LbWorld, mark: (name: string) => void, name: string, focus: LbFocus): void => {
  w.focus = focus
  mark(name)
}

/** Watching speed for live mode (see whatif.ts): hops of a few ms must stay visible. */
const LIVE: LiveSpec = { speed: 30, quietFactor: 15, weights: false }
/**
 * With health checks an ejection takes several probe intervals, with the script's traffic still
 * flowing: twice as fast, quiet stretches faster still, so it happens while the lecturer talks.
 */
const LIVE_CHECKED: LiveSpec = { speed: 60, quietFactor: 30, weights: false }

/** Clients take turns sending one request every `everyMs`, `count` requests in all. */
const traffic = (w: LbWorld, count: number, everyMs: number, holdMs = 20, startAt = 0): void => {
  const clients = w.lb.clients()
  for (let i = 0; i < count; i++) {
    w.lb.sched.after(startAt + i * everyMs, () => w.lb.request(clients[i % clients.length]!.id, { holdMs }))
  }
}

/** Run until `done` holds; a script whose step never happens is a bug, so say so. */
const until = (w: LbWorld, done: () => boolean, limitMs = 60_000): void => {
  if (!w.lb.sched.runWhile(done, limitMs)) throw new Error(`scenario step did not happen within ${limitMs} ms`)
}

const specs: Spec[] = [
  {
    name: 'round-robin',
    title: 'Round robin',
    checkpoints: ['requests', 'rotate'],
    // Two clients for three backends, so no client's history looks sticky by accident.
    options: { algorithm: 'round-robin', backends: ABC, clients: 2 },
    live: LIVE,
    script(w, mark) {
      traffic(w, 9, 40, 30)
      until(w, () => w.lb.picks().length === 3)
      at(w, mark, 'requests', 'requests')
      until(w, () => w.lb.snapshot().counters.responses === 9)
      w.lb.advance(10)
      at(w, mark, 'rotate', 'rotate')
    },
  },
  {
    name: 'least-connections',
    title: 'Least connections and long-lived connections',
    checkpoints: ['long-lived', 'least'],
    // Round robin first, to show the problem least connections solves.
    options: { algorithm: 'round-robin', backends: ABC, clients: 3 },
    live: LIVE,
    script(w, mark) {
      // Long, short, short, ...: round robin hands every long-lived connection to the same backend.
      for (let i = 0; i < 9; i++) w.lb.sched.after(i * 40, () => w.lb.request(`client-${(i % 3) + 1}`, { holdMs: i % 3 === 0 ? 600_000 : 30 }))
      until(w, () => w.lb.snapshot().counters.responses === 6)
      w.lb.advance(20)
      at(w, mark, 'long-lived', 'long-lived')
      w.lb.setAlgorithm('least-connections')
      for (let i = 0; i < 6; i++) w.lb.sched.after(i * 40, () => w.lb.request(`client-${(i % 3) + 1}`, { holdMs: 600_000 }))
      until(w, () => w.lb.picks().length === 15)
      w.lb.advance(20)
      at(w, mark, 'least', 'least')
    },
  },
  {
    name: 'weighted',
    title: 'Smooth weighted round robin',
    checkpoints: ['weights', 'smooth'],
    options: { algorithm: 'weighted', backends: [{ name: 'a', weight: 5 }, { name: 'b', weight: 1 }, { name: 'c', weight: 1 }], clients: 2 },
    live: { ...LIVE, weights: true },
    script(w, mark) {
      traffic(w, 7, 40, 30)
      until(w, () => w.lb.picks().length === 1)
      at(w, mark, 'weights', 'weights')
      until(w, () => w.lb.snapshot().counters.responses === 7)
      w.lb.advance(10)
      at(w, mark, 'smooth', 'smooth')
    },
  },
  {
    name: 'ip-hash',
    title: 'IP hash keeps clients sticky',
    checkpoints: ['sticky', 'remap'],
    options: { algorithm: 'ip-hash', backends: ABC, clients: 6, activeChecks: { intervalMs: 500, timeoutMs: 200 } },
    live: LIVE_CHECKED,
    script(w, mark) {
      traffic(w, 18, 50)
      until(w, () => w.lb.snapshot().counters.responses === 18)
      at(w, mark, 'sticky', 'sticky')
      // The backend client-1 sticks to fails; once it is ejected, its clients are re-hashed.
      const victim = w.lb.clients()[0]!.lastBackend!
      w.lb.setBackend(victim, { up: false })
      until(w, () => w.lb.backends().find((b) => b.name === victim)!.health === 'ejected')
      traffic(w, 12, 50)
      until(w, () => w.lb.snapshot().counters.responses === 30)
      at(w, mark, 'remap', 'remap')
    },
  },
  {
    name: 'health-check',
    title: 'Health checks eject and restore a backend',
    checkpoints: ['probe-fails', 'ejected', 'restored'],
    options: { algorithm: 'round-robin', backends: ABC, clients: 2, activeChecks: { intervalMs: 1000, timeoutMs: 300, unhealthyThreshold: 3, healthyThreshold: 2 }, requestTimeoutMs: 300 },
    live: LIVE_CHECKED,
    script(w, mark) {
      const b = () => w.lb.backends().find((x) => x.name === 'b')!
      traffic(w, 100, 150)
      w.lb.advance(1200)
      w.lb.setBackend('b', { up: false })
      until(w, () => b().failStreak === 1)
      at(w, mark, 'probe-fails', 'probe-fails')
      until(w, () => b().health === 'ejected')
      w.lb.advance(900)
      at(w, mark, 'ejected', 'ejected')
      w.lb.setBackend('b', { up: true })
      until(w, () => b().health === 'healthy')
      const served = b().requests
      until(w, () => b().requests > served)
      at(w, mark, 'restored', 'restored')
    },
  },
]

export const loadBalancingScenarios: ScenarioFactory<LbScenarioSnapshot, LbWorld>[] = specs.map((spec) => {
  const factory = defineScenario<LbWorld, LbScenarioSnapshot>({
    kind: 'load-balancing',
    name: spec.name,
    title: spec.title,
    checkpoints: spec.checkpoints,
    setup: (seed) => ({ lb: new LoadBalancer({ ...spec.options, seed }), focus: 'start' }),
    script: (w, mark) => spec.script(w, mark),
    snapshot: (w) => ({ ...w.lb.snapshot(), focus: w.focus }),
    time: (w) => w.lb.now,
    trace: (w) => w.lb.trace.all(),
    describe: describeLoadBalancing,
    whatIf: loadBalancingWhatIf(spec.live),
  })
  return { ...factory, create: (seed: number = DEFAULT_SEED) => factory.create(seed) }
})
