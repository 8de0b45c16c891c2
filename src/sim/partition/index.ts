// Network partitions: split-brain, quorum, fencing tokens, STONITH, and conflict resolution on
// heal (last-writer-wins, vector clocks, CRDTs). See cluster.ts, registers.ts and crdt.ts.
export {
  PartitionCluster, createPartitionCluster, HEARTBEAT_MS, ELECTION_TIMEOUT_MS, VOTE_WINDOW_MS, DISK_PORTS,
  type PartitionOptions, type NodeRole, type WriteRecord as PartitionWrite, type Discard,
} from './cluster.ts'
export { FencedStorage, type StoredValue, type StorageWrite } from './storage.ts'
export { GCounter, PNCounter, ORSet, LWWRegister, lwwRegister, type Crdt, type GCounterState, type PNCounterState, type ORSetState, type ORSetOp, type LWWRegisterState, type LWWSet } from './crdt.ts'
export { tick as tickClock, mergeClocks, compareClocks, formatClock, type VectorClock, type ClockOrder } from './vclock.ts'
export { mergeVersions, nextVersion, type Resolution, type Version as PartitionVersion, type CrdtValue, type CrdtOp, type KeyState } from './registers.ts'
export { snapshotPartition, type PartitionSnapshot, type PartitionNodeView, type StorageView } from './snapshot.ts'
export { describePartition } from './describe.ts'
export { splitBrainScenario, fencingScenario, lwwScenario, vectorClockScenario, crdtScenario, partitionScenarios } from './scenarios.ts'
export { partitionWhatIf, partitionActions, entryNode, WHAT_IF_SPEED } from './what-if.ts'
