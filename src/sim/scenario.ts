import { SimArgumentError, describeValue } from './errors.ts'
import type { TraceEvent } from './trace.ts'

/**
 * Scenarios: a seeded script with named checkpoints (DESIGN.md §1). The state at a checkpoint is
 * the result of replaying the script to it; the script runs once and each checkpoint's snapshot is
 * cached, so seeking anywhere (forward or backward) is a lookup.
 *
 * Every scenario has an implicit first checkpoint, `start`: the state right after setup, before
 * the script runs. A slide shows `start` until its first <Step> is revealed.
 */
export const START = 'start'

export interface Scenario<S, M = unknown> {
  readonly kind: string
  readonly name: string
  readonly seed: number
  /** All checkpoint names in script order, `start` first. */
  readonly checkpoints: readonly string[]
  /** The immutable snapshot at a checkpoint. */
  stateAt(name: string): S
  /** Simulated time (ms) at a checkpoint. */
  timeOf(name: string): number
  /**
   * The trace events that take checkpoint `from` to checkpoint `to`, in chronological order.
   * If `to` comes before `from`, the same events between them (play them in reverse to go back).
   */
  eventsBetween(from: string, to: string): readonly TraceEvent[]
  /** Every event of the whole script (for timelines and scrubbers). */
  trace(): readonly TraceEvent[]
  /** A sentence or two of plain language about a snapshot, for screen readers and study mode. */
  describe(snapshot: S): string
  /**
   * A live model positioned at a checkpoint (the script replayed up to it), for what-if actions:
   * the caller drives it on from there. Each call returns a fresh model.
   */
  live(name: string): M
  /** The snapshot of a live model (the same shape as stateAt's). */
  snapshotOf(model: M): S
  /** The what-if actions a viewer may take on a live model, if the scenario offers any. */
  readonly whatIf: WhatIf<M> | null
}

/**
 * What-if: the deck runs the simulation on live from a checkpoint (still seeded) and lets the
 * viewer poke it. Moving to another step returns to the script.
 */
export interface WhatIf<M> {
  /** Run the live model for `ms` of simulated time. */
  advance(model: M, ms: number): void
  /** Simulated milliseconds per real second while live (slow motion for fast protocols). */
  readonly speed: number
  readonly actions: readonly WhatIfAction<M>[]
}

export interface WhatIfAction<M> {
  /** 'click' for a click on a node, or a single key ('p', 'w', ...). */
  readonly trigger: 'click' | string
  /** What it does, for the help overlay ("Click a node: crash or restart it"). */
  readonly label: string
  /** Apply it; returns a sentence saying what happened (announced to screen readers). */
  run(model: M, target?: { node?: number | string }): string
}

export interface ScenarioDefinition<M, S> {
  kind: string
  name: string
  /** A short title for overlays and the help screen. */
  title: string
  /** Checkpoint names in the order the script marks them (without `start`). */
  checkpoints: readonly string[]
  /** Create the model for a seed. */
  setup(seed: number): M
  /** Drive the model, calling mark(name) at each checkpoint in order. */
  script(model: M, mark: (name: string) => void): void
  /** Take an immutable-by-convention snapshot of the model (it is deep-frozen by the scenario). */
  snapshot(model: M): S
  /** The model's current simulated time, ms. */
  time(model: M): number
  /** The model's trace so far. */
  trace(model: M): readonly TraceEvent[]
  describe(snapshot: S): string
  /** Optional what-if actions on the live model. */
  whatIf?: WhatIf<M>
}

/** A scenario's static face: what the build checks step names against, without running anything. */
export interface ScenarioFactory<S = unknown, M = unknown> {
  readonly kind: string
  readonly name: string
  readonly title: string
  readonly checkpoints: readonly string[]
  create(seed: number): Scenario<S, M>
}

class StopAt extends Error {}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v)
  }
  return value
}

export function defineScenario<M, S>(def: ScenarioDefinition<M, S>): ScenarioFactory<S, M> {
  const checkpoints = Object.freeze([START, ...def.checkpoints])
  const dup = checkpoints.find((c, i) => checkpoints.indexOf(c) !== i)
  if (dup) throw new SimArgumentError(`scenario ${def.kind}/${def.name}: checkpoint ${describeValue(dup)} is listed twice`)
  return {
    kind: def.kind,
    name: def.name,
    title: def.title,
    checkpoints,
    create: (seed) => createScenario(def, checkpoints, seed),
  }
}

function createScenario<M, S>(def: ScenarioDefinition<M, S>, checkpoints: readonly string[], seed: number): Scenario<S, M> {
  let recorded: { snaps: Map<string, S>; times: Map<string, number>; cuts: Map<string, number>; trace: readonly TraceEvent[] } | null = null

  const index = (name: string): number => {
    const i = checkpoints.indexOf(name)
    if (i < 0) throw new SimArgumentError(`scenario ${def.kind}/${def.name}: unknown checkpoint ${describeValue(name)}, expected one of ${checkpoints.join(', ')}`)
    return i
  }

  /** Replay the script; stop right after marking `stop` if given. */
  const replay = (stop: string | null, onMark: (name: string, model: M) => void): M => {
    const model = def.setup(seed)
    let next = 0
    const mark = (name: string): void => {
      const expected = checkpoints[next]
      if (name !== expected) {
        throw new SimArgumentError(`scenario ${def.kind}/${def.name}: script marked ${describeValue(name)}, expected ${describeValue(expected ?? '(no more checkpoints)')}`)
      }
      next++
      onMark(name, model)
      if (name === stop) throw new StopAt()
    }
    try {
      mark(START)
      def.script(model, mark)
    } catch (e) {
      if (e instanceof StopAt) return model
      throw e
    }
    if (next !== checkpoints.length) {
      throw new SimArgumentError(`scenario ${def.kind}/${def.name}: script ended before checkpoint ${describeValue(checkpoints[next])}`)
    }
    return model
  }

  const record = () => {
    if (recorded) return recorded
    const snaps = new Map<string, S>()
    const times = new Map<string, number>()
    const cuts = new Map<string, number>()
    const model = replay(null, (name, m) => {
      snaps.set(name, deepFreeze(def.snapshot(m)))
      times.set(name, def.time(m))
      cuts.set(name, def.trace(m).length)
    })
    recorded = { snaps, times, cuts, trace: deepFreeze([...def.trace(model)]) }
    return recorded
  }

  return {
    kind: def.kind,
    name: def.name,
    seed,
    checkpoints,
    stateAt: (name) => (index(name), record().snaps.get(name) as S),
    timeOf: (name) => (index(name), record().times.get(name) as number),
    eventsBetween(from, to) {
      const a = index(from)
      const b = index(to)
      const r = record()
      const [lo, hi] = a <= b ? [checkpoints[a]!, checkpoints[b]!] : [checkpoints[b]!, checkpoints[a]!]
      return r.trace.slice(r.cuts.get(lo), r.cuts.get(hi))
    },
    trace: () => record().trace,
    describe: (s) => def.describe(s),
    live: (name) => (index(name), replay(name, () => {})),
    snapshotOf: (model) => deepFreeze(def.snapshot(model)),
    whatIf: def.whatIf ?? null,
  }
}
