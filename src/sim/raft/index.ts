// Raft (the paper's Figure 2) on the simulation engine, with the deck's scenarios.
export { createRaftCluster } from './cluster.ts'
export { raftScenarios, RAFT_SCENARIO_SEED, RAFT_SCENARIO_NODES } from './scenarios.ts'
export { describeRaft } from './describe.ts'
export { checkRaftInvariants, assertRaftInvariants, RaftInvariantHistory, type RaftProperty, type RaftViolation, type RaftInvariantState, type RaftInvariantNode } from './invariants.ts'
export { nodeName } from './names.ts'
export type { RaftTrace } from './inflight.ts'
export { ELECTION_TIMEOUT_MIN, ELECTION_TIMEOUT_MAX, HEARTBEAT_INTERVAL } from './node.ts'
export type {
  RaftCluster, RaftNodeView, RaftRole, RaftSim, RaftDebug, RaftSnapshot, RaftNodeSnapshot, RaftInFlight, RaftPayload,
  RaftMessageKind, LogEntry, AppliedEntry, RaftClusterState, RaftNodeState, RaftPersistentState,
} from './types.ts'
