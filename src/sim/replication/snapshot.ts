import { messagesInFlight, type FlightView } from '../inflight.ts'
import type { FailoverRecord, ReplicationCluster, ReplicationMode, WriteStatus } from './cluster.ts'
import type { NodeId } from '../trace.ts'

/**
 * What the replication scene draws, as plain JSON:
 *
 * ```
 * { mode, now, primary,                                   // primary: node id
 *   semiSync: { active, acks, timeoutMs } | null,         // null unless mode is semi-sync; active=false after fallback
 *   partition: NodeId[][] | null,                         // the network's groups while partitioned
 *   nodes: [{ id, role: 'primary' | 'replica', alive, lsn,    // lsn: entries in its log
 *             log,                                       // the write id of each entry, in lsn order
 *             acked,                                     // highest lsn it acknowledged to the primary (null: not in the replica set)
 *             lag: { entries, ms },                      // how far it trails the primary
 *             backlog, linkLagMs }],                     // entries queued for it at the primary; its link's lag
 *   inFlight: [{ msg, from, to, kind, sentAt, deliverAt }],   // kinds: write, replicate, ack, write-ok, verify, log
 *   writes: [{ id, value, lsn, status, invokedAt, latencyMs }], // the last 12; status pending | acked | failed | lost
 *   latency: { count, mean, max },                        // client-observed, acknowledged writes
 *   failover: { at, from, promoted, lostAcknowledged } | null,
 *   counters: { writes, acked, pending, lost, lostAcknowledged, messagesSent } }
 * ```
 * `counters.lost` counts writes the client has found missing (after verify); `lostAcknowledged`
 * is the ground truth the moment the new primary is chosen.
 */
export interface ReplicationSnapshot {
  readonly mode: ReplicationMode
  readonly now: number
  readonly primary: number
  readonly semiSync: { readonly active: boolean; readonly acks: number; readonly timeoutMs: number } | null
  readonly partition: readonly (readonly NodeId[])[] | null
  readonly nodes: readonly ReplicaView[]
  readonly inFlight: readonly FlightView[]
  readonly writes: readonly { id: number; value: string | number; lsn: number | null; status: WriteStatus; invokedAt: number; latencyMs: number | null }[]
  readonly latency: { readonly count: number; readonly mean: number; readonly max: number }
  readonly failover: FailoverRecord | null
  readonly counters: { readonly writes: number; readonly acked: number; readonly pending: number; readonly lost: number; readonly lostAcknowledged: number; readonly messagesSent: number }
}

export interface ReplicaView {
  readonly id: number
  readonly role: 'primary' | 'replica'
  readonly alive: boolean
  readonly lsn: number
  /** The write id held at each lsn (entry k - 1 is lsn k). */
  readonly log: readonly number[]
  readonly acked: number | null
  readonly lag: { readonly entries: number; readonly ms: number }
  readonly backlog: number
  readonly linkLagMs: number
}

export function snapshotReplication(m: ReplicationCluster): ReplicationSnapshot {
  const writes = m.writes()
  const nodes: ReplicaView[] = []
  for (let id = 0; id < m.size; id++) {
    const log = m.log(id).map((e) => e.write)
    nodes.push({ id, role: m.role(id), alive: m.isAlive(id), lsn: log.length, log, acked: m.acknowledged(id), lag: m.lag(id), backlog: m.backlog(id), linkLagMs: m.lagMs[id] ?? 0 })
  }
  const count = (s: WriteStatus) => writes.filter((w) => w.status === s).length
  return {
    mode: m.mode,
    now: m.now,
    primary: m.primary,
    semiSync: m.mode === 'semi-sync' ? { active: m.semiSyncActive, acks: m.semiSyncAcks, timeoutMs: m.semiSyncTimeoutMs } : null,
    partition: m.net.groups(),
    nodes,
    inFlight: messagesInFlight(m.trace.all()),
    writes: writes.slice(-12).map((w) => ({ id: w.id, value: w.value, lsn: w.lsn, status: w.status, invokedAt: w.invokedAt, latencyMs: w.ackedAt === null ? null : w.ackedAt - w.invokedAt })),
    latency: m.latency(),
    failover: m.lastFailover(),
    counters: {
      writes: writes.length, acked: count('acked'), pending: count('pending'), lost: count('lost'),
      lostAcknowledged: m.lastFailover() ? m.lostAcknowledged().length : 0, messagesSent: m.net.messagesSent,
    },
  }
}
