/**
 * Every scenario the deck can show, by kind and name. The build checks <Scene>/<Step> against
 * this list (src/mdx/remark-slides.ts) and the stage creates scenarios from it.
 */
import type { ScenarioFactory } from './scenario.ts'

export const scenarioFactories: readonly ScenarioFactory[] = [
]

/** kind → scenario name → checkpoint names: the static face the build validates against. */
export function checkpointCatalog(): Record<string, Record<string, readonly string[]>> {
  const out: Record<string, Record<string, readonly string[]>> = {}
  for (const f of scenarioFactories) (out[f.kind] ??= {})[f.name] = f.checkpoints
  return out
}

export function findScenario(kind: string, name: string): ScenarioFactory | undefined {
  return scenarioFactories.find((f) => f.kind === kind && f.name === name)
}
