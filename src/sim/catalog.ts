/**
 * Every scenario the deck can show, by kind and name. The build checks <Scene>/<Step> against
 * this list (src/mdx/remark-slides.ts) and the stage creates scenarios from it.
 */
import type { ScenarioFactory } from './scenario.ts'
import { raftScenarios } from './raft/index.ts'
import { capScenarios } from './cap/index.ts'
import { replicationScenarios } from './replication/index.ts'
import { partitionScenarios } from './partition/index.ts'
import { observabilityScenarios } from './observability/index.ts'
import { meshScenarios } from './mesh/index.ts'
import { hashingScenarios } from './hashing/index.ts'
import { loadBalancingScenarios } from './load-balancing/index.ts'
import { streamingScenarios } from './streaming/index.ts'

export const scenarioFactories: readonly ScenarioFactory[] = [
  ...(capScenarios as readonly ScenarioFactory[]),
  ...(raftScenarios as readonly ScenarioFactory[]),
  ...(replicationScenarios as readonly ScenarioFactory[]),
  ...(partitionScenarios as readonly ScenarioFactory[]),
  ...(observabilityScenarios as readonly ScenarioFactory[]),
  ...(meshScenarios as readonly ScenarioFactory[]),
  ...(hashingScenarios as readonly ScenarioFactory[]),
  ...(loadBalancingScenarios as readonly ScenarioFactory[]),
  ...(streamingScenarios as readonly ScenarioFactory[]),
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
