// Observability: a service graph instrumented with logs, metrics and traces (see system.ts).
export {
  ObservedSystem, createObservedSystem, SERVICES, GRAPH, CLIENT as OBSERVABILITY_CLIENT, COLLECTOR,
  type ServiceName, type Fault, type LogRecord as ObservabilityLog, type RequestRecord, type ObservabilityOptions,
} from './system.ts'
export { Histogram, percentile, histogramQuantile, DEFAULT_BOUNDS as DEFAULT_HISTOGRAM_BOUNDS, type HistogramView } from './histogram.ts'
export { treeProblems, selfTime, dominantSpan, depths, type Span } from './spans.ts'
export { snapshotObservability, RECENT_MS as OBSERVABILITY_RECENT_MS, type ObservabilitySnapshot, type ServiceView, type FocusView } from './snapshot.ts'
export { describeObservability } from './describe.ts'
export { observabilityWhatIf, nextFault, type FaultLevel } from './what-if.ts'
export { logsScenario, metricsScenario, tracesScenario, observabilityScenarios } from './scenarios.ts'
