import { defineScenario, type ScenarioFactory } from '../scenario.ts'
import { Mesh } from './mesh.ts'
import type { MeshOptions, MeshSnapshot } from './types.ts'
import { describeMesh, type MeshFocus } from './describe.ts'
import { meshWhatIf, type LiveSpec, type LiveWorld } from './whatif.ts'

/** A mesh scene: the mesh plus what the current step is about (and what-if's bookkeeping). */
export type MeshWorld = LiveWorld

export type MeshScenarioSnapshot = MeshSnapshot & { readonly focus: MeshFocus }

const DEFAULT_SEED = 7

interface Spec {
  name: string
  title: string
  checkpoints: readonly string[]
  options: Omit<MeshOptions, 'seed'>
  /** What-if: how the live model runs and which extra keys it offers. */
  live: LiveSpec
  setup?(m: Mesh): void
  script(w: MeshWorld, mark: (name: string) => void): void
}

const at = (w: MeshWorld, mark: (name: string) => void, name: string, focus: MeshFocus): void => {
  w.focus = focus
  mark(name)
}

const until = (m: Mesh, done: () => boolean, limitMs = 60_000): void => {
  if (!m.sched.runWhile(done, limitMs)) throw new Error(`mesh scenario: a step did not happen within ${limitMs} ms`)
}

/** `from` calls `service` every `everyMs`, `count` times, starting after `startMs`. */
const traffic = (w: MeshWorld, from: string, service: string, count: number, everyMs: number, startMs = 0): void => {
  const m = w.mesh
  for (let i = 0; i < count; i++) m.sched.after(startMs + i * everyMs, () => m.call(from, service))
  // Live load (what-if) continues at the same pace once this traffic has ended.
  w.trafficUntil = Math.max(w.trafficUntil, m.now + startMs + count * everyMs)
}

const PAIR = [
  { name: 'frontend', service: 'frontend' },
  { name: 'payments', service: 'payments' },
]

const specs: Spec[] = [
  {
    name: 'mtls',
    title: 'mTLS: identities, rotation, and an intruder',
    checkpoints: ['handshake', 'rotate', 'intruder'],
    // Certificates live 4 s here (24 h in Istio) and renew at half-life, so rotation fits the slide.
    options: { workloads: PAIR, certTtlMs: 4000 },
    live: { focus: 'live-mtls', service: 'payments', speed: 20, quietFactor: 50, loadEveryMs: 0, extras: ['intruder'] },
    script(w, mark) {
      const m = w.mesh
      m.advance(100)
      const first = m.call('frontend', 'payments')
      until(m, () => m.snapshot().handshakes.accepted === 1)
      until(m, () => m.request(first).target !== null && m.snapshot().inFlight.some((f) => f.kind === 'request' && f.to === 'payments.proxy'))
      at(w, mark, 'handshake', 'handshake')
      until(m, () => m.workloads().every((x) => (x.cert?.serial ?? 0) > 2))
      m.advance(200)
      m.call('frontend', 'payments')
      until(m, () => m.snapshot().handshakes.accepted === 2)
      m.advance(5)
      at(w, mark, 'rotate', 'rotate')
      m.addWorkload({ name: 'intruder', service: 'intruder', trusted: false })
      m.advance(100)
      m.call('intruder', 'payments')
      until(m, () => m.snapshot().handshakes.refused === 1)
      m.advance(2)
      at(w, mark, 'intruder', 'intruder')
    },
  },
  {
    name: 'retries',
    title: 'Retries with exponential backoff',
    checkpoints: ['failure', 'retry-1', 'retry-2', 'recovered'],
    options: { workloads: PAIR },
    live: { focus: 'live-retries', service: 'payments', speed: 25, quietFactor: 6, loadEveryMs: 0, extras: ['jitter'] },
    setup(m) {
      // No jitter here, so the doubling (100 ms, then 200 ms) is plain to see.
      m.setRetryPolicy('payments', { attempts: 3, backoff: { jitter: 'none', baseMs: 100, capMs: 1000 } })
      m.setErrorRate('payments', 1)
    },
    script(w, mark) {
      const m = w.mesh
      m.advance(50)
      const id = m.call('frontend', 'payments')
      until(m, () => m.request(id).backoffs.length === 1)
      at(w, mark, 'failure', 'failure')
      until(m, () => m.request(id).attempt === 1)
      m.advance(3)
      at(w, mark, 'retry-1', 'retry-1')
      until(m, () => m.request(id).backoffs.length === 2)
      m.setErrorRate('payments', 0) // payments comes back while the client backs off
      until(m, () => m.request(id).attempt === 2)
      m.advance(3)
      at(w, mark, 'retry-2', 'retry-2')
      until(m, () => m.request(id).status !== 'pending' && m.snapshot().inFlight.length === 0)
      at(w, mark, 'recovered', 'recovered')
    },
  },
  {
    name: 'circuit-breaker',
    title: 'A circuit breaker opens, probes and closes',
    checkpoints: ['failing', 'open', 'half-open', 'closed'],
    options: { workloads: PAIR },
    live: { focus: 'live-breaker', service: 'payments', speed: 40, quietFactor: 25, loadEveryMs: 100, extras: [] },
    setup(m) {
      // resilience4j's defaults scaled down: a 10-call window, 10 calls minimum, 2 s open, 3 trials.
      m.setCircuitBreaker('payments', { failureRateThreshold: 50, slidingWindowSize: 10, minimumNumberOfCalls: 10, waitDurationInOpenStateMs: 2000, permittedNumberOfCallsInHalfOpenState: 3 })
      m.setRetryPolicy('payments', { attempts: 0 })
    },
    script(w, mark) {
      const m = w.mesh
      const breaker = () => m.breaker('frontend', 'payments')
      traffic(w, 'frontend', 'payments', 80, 100)
      m.advance(350)
      m.setErrorRate('payments', 1)
      until(m, () => (breaker()?.failures ?? 0) >= 4)
      at(w, mark, 'failing', 'failing')
      until(m, () => breaker()?.state === 'open' && m.counters('payments').shortCircuited >= 3)
      at(w, mark, 'open', 'open')
      m.setErrorRate('payments', 0) // it recovers unseen: the open circuit sends it nothing
      until(m, () => breaker()?.state === 'half-open' && breaker()!.trialsStarted >= 2)
      at(w, mark, 'half-open', 'half-open')
      until(m, () => breaker()?.state === 'closed')
      m.advance(250)
      at(w, mark, 'closed', 'closed')
    },
  },
  {
    name: 'canary',
    title: 'A 90/10 canary, counted, then shifted',
    checkpoints: ['split', 'counters', 'shift'],
    options: {
      workloads: [
        { name: 'frontend', service: 'frontend' },
        { name: 'reviews-v1', service: 'reviews', version: 'v1' },
        { name: 'reviews-v2', service: 'reviews', version: 'v2' },
      ],
    },
    live: { focus: 'live-canary', service: 'reviews', speed: 40, quietFactor: 10, loadEveryMs: 10, extras: ['canary'] },
    setup(m) {
      m.setRoutes('reviews', {
        routes: [
          { match: { headers: { 'x-user': 'tester' } }, route: [{ subset: 'v2', weight: 100 }] },
          { route: [{ subset: 'v1', weight: 90 }, { subset: 'v2', weight: 10 }] },
        ],
      })
    },
    script(w, mark) {
      const m = w.mesh
      traffic(w, 'frontend', 'reviews', 600, 10)
      until(m, () => m.counters('reviews').requests === 20)
      at(w, mark, 'split', 'split')
      until(m, () => m.counters('reviews').succeeded === 600)
      at(w, mark, 'counters', 'counters')
      m.setRoutes('reviews', {
        routes: [
          { match: { headers: { 'x-user': 'tester' } }, route: [{ subset: 'v2', weight: 100 }] },
          { route: [{ subset: 'v1', weight: 50 }, { subset: 'v2', weight: 50 }] },
        ],
      })
      traffic(w, 'frontend', 'reviews', 400, 10)
      until(m, () => m.counters('reviews').succeeded === 1000)
      at(w, mark, 'shift', 'shift')
    },
  },
]

export const meshScenarios: ScenarioFactory<MeshScenarioSnapshot, MeshWorld>[] = specs.map((spec) => {
  const factory = defineScenario<MeshWorld, MeshScenarioSnapshot>({
    kind: 'mesh',
    name: spec.name,
    title: spec.title,
    checkpoints: spec.checkpoints,
    setup(seed) {
      const mesh = new Mesh({ ...spec.options, seed })
      spec.setup?.(mesh)
      return { mesh, focus: 'start', trafficUntil: 0, loadStarted: false }
    },
    script: (w, mark) => spec.script(w, mark),
    snapshot: (w) => ({ ...w.mesh.snapshot(), focus: w.focus }),
    time: (w) => w.mesh.now,
    trace: (w) => w.mesh.trace.all(),
    describe: describeMesh,
    whatIf: meshWhatIf(spec.live),
  })
  return { ...factory, create: (seed: number = DEFAULT_SEED) => factory.create(seed) }
})
