// Replication: primary + replicas, sync / async / semi-sync, lag, failover (see cluster.ts).
export {
  ReplicationCluster, createReplicationCluster, CLIENT as REPLICATION_CLIENT,
  type ReplicationMode, type ReplicationOptions, type LogEntry as ReplicationLogEntry, type WriteRecord as ReplicationWrite, type WriteStatus, type FailoverRecord,
} from './cluster.ts'
export { snapshotReplication, type ReplicationSnapshot, type ReplicaView } from './snapshot.ts'
export { describeReplication } from './describe.ts'
export { syncScenario, asyncScenario, semiSyncScenario, failoverScenario, replicationScenarios } from './scenarios.ts'
