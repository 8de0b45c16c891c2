import { START, type Scenario, type ScenarioFactory } from '../scenario.ts'
import { hashTrace } from '../trace.ts'

/**
 * The promises every scenario of these models keeps (DESIGN.md §1), as a checker that returns a
 * list of problems rather than asserting, so any test runner (or a build check) can use it:
 * - same seed ⇒ same trace hash and the same snapshots;
 * - `create()` without a seed is `create(7)`;
 * - seeking in any order (and replaying to a checkpoint with `live`) gives equal snapshots;
 * - snapshots are plain JSON;
 * - `describe` gives one or two non-empty sentences, different at every checkpoint.
 * Shared by the four model folders' tests; test support, not part of any model's API.
 */
export function checkScenarioContract<S, M>(factory: ScenarioFactory<S, M>, seed = 7): string[] {
  const problems: string[] = []
  const where = `${factory.kind}/${factory.name}`
  const a = factory.create(seed)
  const b = factory.create(seed)
  const names = a.checkpoints
  if (names[0] !== START) problems.push(`${where}: first checkpoint is ${names[0]}, expected ${START}`)

  const forward = names.map((n) => json(a.stateAt(n)))
  const shuffled = [...names].reverse()
  shuffled.push(names[Math.floor(names.length / 2)]!, names[names.length - 1]!, names[0]!)
  for (const n of shuffled) {
    if (json(b.stateAt(n)) !== forward[names.indexOf(n)]) problems.push(`${where}: stateAt(${n}) differs when seeked out of order`)
  }
  if (hashTrace(a.trace()) !== hashTrace(b.trace())) problems.push(`${where}: same seed gave different traces`)

  const defaulted = (factory.create as (seed?: number) => Scenario<S, M>)()
  if (defaulted.seed !== 7 || hashTrace(defaulted.trace()) !== hashTrace(factory.create(7).trace())) {
    problems.push(`${where}: create() without a seed is not create(7)`)
  }

  names.forEach((n, i) => {
    const replayed = json(a.snapshotOf(a.live(n)))
    if (replayed !== forward[i]) problems.push(`${where}: live(${n}) replays to a different state than stateAt(${n})`)
    const snap = a.stateAt(n)
    if (JSON.stringify(JSON.parse(forward[i]!)) !== forward[i] || hasNonJson(snap)) problems.push(`${where}: snapshot at ${n} is not plain JSON`)
  })

  const texts = names.map((n) => a.describe(a.stateAt(n)))
  texts.forEach((t, i) => {
    const sentences = t.match(/[.!?](\s|$)/g)?.length ?? 0
    if (t.trim() === '' || sentences < 1 || sentences > 2) problems.push(`${where}: describe at ${names[i]} is not one or two sentences: ${t}`)
    const j = texts.indexOf(t)
    if (j !== i) problems.push(`${where}: describe gives the same text at ${names[j]} and ${names[i]}: ${t}`)
  })
  return problems
}

function json(value: unknown): string {
  return JSON.stringify(value)
}

/** Values JSON would silently change: undefined, functions, Maps/Sets, NaN and infinities. */
function hasNonJson(value: unknown): boolean {
  if (value === undefined || typeof value === 'function' || typeof value === 'bigint' || typeof value === 'symbol') return true
  if (typeof value === 'number') return !Number.isFinite(value)
  if (value === null || typeof value !== 'object') return false
  if (value instanceof Map || value instanceof Set) return true
  const proto = Object.getPrototypeOf(value) as unknown
  if (proto !== Object.prototype && proto !== Array.prototype) return true
  return Object.values(value).some(hasNonJson)
}
