// Service mesh: sidecars, mTLS identities with rotation, retries with backoff and a retry budget,
// circuit breaking, traffic control (weights, header routes, fault injection), and the scenarios.
export { Mesh, createMesh } from './mesh.ts'
export {
  DEFAULT_RETRY_POLICY, RECENT_ROUTES,
  type MeshOptions, type WorkloadSpec, type RetryPolicy, type RequestView, type RequestStatus, type TryView, type ServiceCounters, type MeshSnapshot, type WorkloadView, type Refusal,
} from './types.ts'
export { Backoff, DEFAULT_BACKOFF, exponential, type BackoffPolicy, type Jitter } from './backoff.ts'
export { RetryBudget, DEFAULT_RETRY_BUDGET, type RetryBudgetConfig } from './retry-budget.ts'
export { CircuitBreaker, RESILIENCE4J_DEFAULTS, type CircuitBreakerConfig, type BreakerState, type BreakerView } from './circuit-breaker.ts'
export { decideRoute, type TrafficPolicy, type HttpRoute, type FaultInjection, type RouteDecision } from './traffic.ts'
export { CertificateAuthority, spiffeId, verifyCertificate, type Certificate, type CertProblem } from './identity.ts'
export { FlightLog, type Flight } from './in-flight.ts'
export { meshScenarios, type MeshWorld, type MeshScenarioSnapshot } from './scenarios.ts'
export { describeMesh, type MeshFocus } from './describe.ts'
export { meshWhatIf, advanceLive, CANARY_WEIGHTS, type LiveSpec, type LiveWorld, type LiveFocus, type LiveExtra } from './whatif.ts'
