// The simulation core's public API (DESIGN.md §4). Pure TypeScript: no DOM, no three.js.
export { Random } from './random.ts'
export { Scheduler, type TimerHandle } from './scheduler.ts'
export { Network, RELIABLE_LINK, UNRELIABLE_LINK, type LinkModel, type Envelope } from './network.ts'
export { Trace, hashTrace, type TraceEvent, type NodeId, type DropReason, type FaultAction } from './trace.ts'
export { SimArgumentError } from './errors.ts'
export { defineScenario, START, deepFreeze, type Scenario, type ScenarioFactory, type ScenarioDefinition, type WhatIf, type WhatIfAction } from './scenario.ts'
