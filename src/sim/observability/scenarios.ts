import { defineScenario, type Scenario, type ScenarioFactory } from '../scenario.ts'
import { createObservedSystem, type ObservedSystem } from './system.ts'
import { snapshotObservability, type ObservabilitySnapshot } from './snapshot.ts'
import { describeObservability } from './describe.ts'
import { observabilityWhatIf } from './what-if.ts'

export const DEFAULT_SEED = 7

/** A factory whose `create()` without a seed uses 7, the deck's usual `<Scene seed={7}>`. */
export type SeededFactory<S, M> = ScenarioFactory<S, M> & { create(seed?: number): Scenario<S, M> }

function withDefaultSeed<S, M>(factory: ScenarioFactory<S, M>): SeededFactory<S, M> {
  return { ...factory, create: (seed: number = DEFAULT_SEED) => factory.create(seed) }
}

type Script = (m: ObservedSystem, mark: (name: string) => void) => void

/**
 * Live speeds, simulated ms per real second: one request takes ~30 ms, so the single-request
 * scenes run slowly enough to follow it hop by hop; the metrics scene runs faster so that the
 * histogram fills while you watch.
 */
const STEP_SPEED = 50
const METRICS_SPEED = 400

function scenario(name: string, title: string, checkpoints: readonly string[], script: Script, speed = STEP_SPEED): SeededFactory<ObservabilitySnapshot, ObservedSystem> {
  return withDefaultSeed(defineScenario<ObservedSystem, ObservabilitySnapshot>({
    kind: 'observability', name, title, checkpoints,
    whatIf: observabilityWhatIf(speed),
    setup: (seed) => createObservedSystem({ seed }),
    script,
    snapshot: snapshotObservability,
    time: (m) => m.now,
    trace: (m) => m.trace.all(),
    describe: describeObservability,
  }))
}

const finished = (m: ObservedSystem, id: number): boolean => m.requests()[id - 1]!.status !== 'pending'
const exported = (m: ObservedSystem, id: number): boolean => {
  const traceId = m.requests()[id - 1]!.traceId
  return finished(m, id) && m.endedSpans().filter((s) => s.traceId === traceId).length === (m.traces().get(traceId)?.length ?? -1)
}

/** `logs`: one request; every service logs JSON lines stamped with its trace id; the collector joins them. */
export const logsScenario = scenario('logs', 'Logs: structured, stamped with the trace id', ['request', 'emit', 'correlate'], (m, mark) => {
  m.advance(50)
  const id = m.request()
  m.advance(0.5)
  mark('request')
  m.runUntil(() => m.openSpans().some((s) => s.service === 'inventory'))
  mark('emit')
  m.runUntil(() => exported(m, id))
  mark('correlate')
})

/** `metrics`: steady traffic, then inventory turns slow for some requests, and the p99 spikes. */
export const metricsScenario = scenario('metrics', 'Metrics: counters, gauges and latency histograms', ['traffic', 'slow-dependency', 'p99-spike'], (m, mark) => {
  m.setLoad(40)
  m.advance(2000)
  mark('traffic')
  m.setFault('inventory', { slowMs: 250, slowRate: 0.15 })
  m.advance(300)
  mark('slow-dependency')
  m.advance(3000)
  mark('p99-spike')
}, METRICS_SPEED)

/** `traces`: one request's span tree across services, then the same request with a slow database. */
export const tracesScenario = scenario('traces', 'Traces: spans across services', ['request', 'spans', 'slow-span'], (m, mark) => {
  m.advance(50)
  const first = m.request()
  m.advance(0.5)
  mark('request')
  m.runUntil(() => exported(m, first))
  mark('spans')
  m.setFault('database', { slowMs: 120 })
  const second = m.request()
  m.runUntil(() => exported(m, second))
  mark('slow-span')
})

export const observabilityScenarios: ScenarioFactory[] = [logsScenario, metricsScenario, tracesScenario] as ScenarioFactory[]
