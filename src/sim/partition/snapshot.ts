import { messagesInFlight, recentDrops, type FlightView } from '../inflight.ts'
import { formatClock } from './vclock.ts'
import type { Discard, NodeRole, PartitionCluster, WriteRecord } from './cluster.ts'
import type { CrdtValue, Resolution } from './registers.ts'

/**
 * What the partition scene draws, as plain JSON:
 *
 * ```
 * { now, quorum, fencing, data: 'replicated' | 'shared-disk', resolution: 'lww' | 'vector-clock' | 'crdt',
 *   sides: number[][],                     // the two sub-clusters
 *   partitioned,                           // is the fault line up?
 *   nodes: [{ id, side, role, epoch, believes,       // role: primary | follower | candidate | stopped
 *             data: [{ key, value,                    // string[] (one, or siblings), a CRDT's number / string[], or null
 *                      versions: [{ write, value, node, at, clock }] | null,   // registers: clock like "[n0:1 n3:1]"
 *                      crdt: CrdtValue | null }] }], // CRDT state (per-replica slots, tags)
 *   primaries: number[],                   // more than one = split-brain
 *   storage: { highestToken, data: [{ key, value, token, by }],
 *              last: { write, by, token, accepted, highest } | null, accepted, rejected } | null,
 *   inFlight: [{ msg, from, to, kind, sentAt, deliverAt }],   // kinds: heartbeat, vote-request, vote, replicate, sync, disk-write, disk-reply, fence, stale
 *   drops: [{ msg, from, to, kind, at, reason }],             // while partitioned, the last 100 ms: packets bouncing off the fault line
 *   conflicts: string[],                   // keys the live replicas disagree on (or hold siblings for)
 *   discarded: [{ key, lost, kept }],      // writes last-writer-wins threw away
 *   writes: [{ id, node, key, value, epoch, status, reason }],  // the last 6
 *   counters: { messagesSent, droppedByPartition, writes, refused, rejected } }
 * ```
 */
export interface PartitionSnapshot {
  readonly now: number
  readonly quorum: boolean
  readonly fencing: boolean
  readonly data: 'replicated' | 'shared-disk'
  readonly resolution: Resolution
  readonly sides: readonly (readonly number[])[]
  readonly partitioned: boolean
  readonly nodes: readonly PartitionNodeView[]
  readonly primaries: readonly number[]
  readonly storage: StorageView | null
  readonly inFlight: readonly FlightView[]
  readonly drops: readonly { msg: number; from: number | string; to: number | string; kind: string; at: number; reason: string }[]
  readonly conflicts: readonly string[]
  readonly discarded: readonly Discard[]
  readonly writes: readonly Omit<WriteRecord, 'at'>[]
  readonly counters: { readonly messagesSent: number; readonly droppedByPartition: number; readonly writes: number; readonly refused: number; readonly rejected: number }
}

export interface PartitionNodeView {
  readonly id: number
  readonly side: number
  readonly role: NodeRole
  readonly epoch: number
  readonly believes: number | null
  readonly data: readonly {
    readonly key: string
    readonly value: string[] | number | null
    readonly versions: readonly { write: number; value: string; node: number; at: number; clock: string }[] | null
    readonly crdt: CrdtValue | null
  }[]
}

export interface StorageView {
  readonly highestToken: number
  readonly data: readonly { key: string; value: string; token: number; by: number }[]
  readonly last: { readonly write: number; readonly by: number; readonly token: number; readonly accepted: boolean; readonly highest: number } | null
  readonly accepted: number
  readonly rejected: number
}

export function snapshotPartition(m: PartitionCluster): PartitionSnapshot {
  const events = m.trace.all()
  const keys = m.keys()
  const nodes: PartitionNodeView[] = []
  for (let id = 0; id < m.size; id++) {
    const data = keys.flatMap((key) => {
      const s = m.stateOf(id, key)
      if (!s) return []
      return [{
        key,
        value: m.read(id, key),
        versions: s.kind === 'versions' ? s.versions.map((v) => ({ write: v.write, value: v.value, node: v.node, at: v.at, clock: formatClock(v.clock) })) : null,
        crdt: s.kind === 'crdt' ? s.crdt : null,
      }]
    })
    nodes.push({ id, side: m.side(id), role: m.role(id), epoch: m.epoch(id), believes: m.believes(id), data })
  }
  const storageWrites = m.storage?.writes() ?? []
  const last = storageWrites.at(-1)
  const writes = m.writes()
  return {
    now: m.now,
    quorum: m.quorum,
    fencing: m.fencing,
    data: m.data,
    resolution: m.resolution,
    sides: m.sides,
    partitioned: m.partitioned,
    nodes,
    primaries: m.primaries(),
    storage: m.storage ? {
      highestToken: m.storage.highest,
      data: m.storage.entries(),
      last: last ? { write: last.write, by: last.by, token: last.token, accepted: last.accepted, highest: last.highest } : null,
      accepted: storageWrites.filter((w) => w.accepted).length,
      rejected: storageWrites.filter((w) => !w.accepted).length,
    } : null,
    inFlight: messagesInFlight(events),
    drops: m.partitioned ? recentDrops(events, m.now, 100) : [],
    conflicts: m.conflicts(),
    discarded: m.discarded(),
    writes: writes.slice(-6).map(({ at: _at, ...w }) => w),
    counters: {
      messagesSent: m.net.messagesSent,
      droppedByPartition: events.filter((e) => e.type === 'drop' && e.reason === 'partition').length,
      writes: writes.length,
      refused: writes.filter((w) => w.status === 'refused').length,
      rejected: writes.filter((w) => w.status === 'rejected').length,
    },
  }
}
