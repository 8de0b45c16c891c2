// Load balancing: algorithms (round robin, least connections, smooth weighted, IP hash, random,
// power of two choices), active and passive health checks, L4 vs L7 routing, and the scenarios.
export { ALGORITHMS, createPicker, type AlgorithmName, type Candidate, type Picker } from './algorithms.ts'
export { BackendHealth, DEFAULT_ACTIVE_CHECKS, DEFAULT_PASSIVE_CHECKS, type ActiveCheckConfig, type PassiveCheckConfig, type Health } from './health.ts'
export {
  LoadBalancer, createLoadBalancer, BALANCER_ID,
  type LoadBalancerOptions, type BackendSpec, type RouteRule, type RequestOptions, type SeenRequest, type Layer,
  type BackendState, type ClientState, type Counters, type LoadBalancingSnapshot,
} from './balancer.ts'
export { loadBalancingScenarios, type LbWorld, type LbScenarioSnapshot } from './scenarios.ts'
export { describeLoadBalancing, type LbFocus } from './describe.ts'
export { loadBalancingWhatIf, advanceLive, WEIGHT_PRESETS, type LiveSpec } from './whatif.ts'
