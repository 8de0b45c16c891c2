import type { LogRecord } from './log.ts'
import type { AssignorName } from './assignors.ts'
import type { QueueCounters, QueueMessage } from './queue.ts'
import type { Flight } from '../mesh/in-flight.ts'
import type { LinkModel } from '../network.ts'

// The streaming model's public types: options, views and the snapshot a scene draws.

/**
 * Delivery guarantees, as a whole pipeline (producer + consumer group) provides them:
 * - at-most-once: the producer fires and forgets (acks=0, no retry); the consumer commits its
 *   offsets *before* processing. A crash after the commit loses the rest of the batch.
 * - at-least-once: the producer retries until acknowledged; the consumer commits *after*
 *   processing. A crash before the commit redelivers what was already processed: duplicates.
 * - exactly-once: an idempotent producer (the broker drops a retried sequence number it already
 *   wrote) and a transactional consumer whose outputs and offset commit land atomically, and only
 *   if nobody committed those offsets first. A crash aborts the transaction: no loss, no duplicate.
 */
export type Delivery = 'at-most-once' | 'at-least-once' | 'exactly-once'
export const DELIVERIES: readonly Delivery[] = ['at-most-once', 'at-least-once', 'exactly-once']

export const BROKER = 'broker'

export interface TopicSpec {
  readonly name: string
  readonly partitions: number
  /** Delete records older than this; default: keep forever. */
  readonly retentionMs?: number
}

export interface StreamingOptions {
  readonly seed: number
  readonly topics?: readonly TopicSpec[]
  /** How often the broker applies retention; default 1000 ms (Kafka: 5 min). */
  readonly retentionCheckMs?: number
  readonly link?: LinkModel
}

export interface ProducerOptions {
  /** Default 'at-least-once'. */
  readonly delivery?: Delivery
  /** Retry a produce that is not acknowledged within this; default 200 ms. */
  readonly ackTimeoutMs?: number
  /** Give up after this many tries (the message is then lost); default 10. */
  readonly maxTries?: number
}

/** Kafka's defaults where they exist; scenarios shrink the times so the picture moves. */
export interface GroupOptions {
  readonly topics: readonly string[]
  /** Default 'range' (Kafka's classic default). */
  readonly assignor?: AssignorName
  /** Default 'at-least-once'. */
  readonly delivery?: Delivery
  /** A member silent this long is presumed dead; default 45 000 ms (Kafka 3.0+). */
  readonly sessionTimeoutMs?: number
  /** Default 3000 ms. */
  readonly heartbeatMs?: number
  /** Records per poll; default 500 (max.poll.records). */
  readonly maxPollRecords?: number
  /** How long the broker holds an empty fetch; default 500 ms (fetch.max.wait.ms). */
  readonly fetchMaxWaitMs?: number
  /** Time to process one record; default 10 ms. */
  readonly processMs?: number
  /**
   * A new group waits this long before its first rebalance so members starting together all get
   * in (group.initial.rebalance.delay.ms); default 3000 ms.
   */
  readonly initialRebalanceDelayMs?: number
}

export interface DeliveryStats {
  /** Messages the producers sent to the group's topics (distinct ids). */
  readonly produced: number
  /** Processing results, counting repeats. */
  readonly processed: number
  readonly distinct: number
  /** Messages this group can no longer see (never written, or skipped past by a commit). */
  readonly lost: number
  /** Processing results beyond the first for the same message. */
  readonly duplicated: number
  /** Messages still on their way (in the log ahead of the committed offset, or being produced). */
  readonly pending: number
}

export interface MemberView {
  readonly id: string
  readonly alive: boolean
  /** Partitions the broker assigned it (current generation). */
  readonly partitions: readonly string[]
  /** Its own next offset per partition it believes it owns. */
  readonly positions: Readonly<Record<string, number>>
  /** The record it is working on, if any. */
  readonly processing: { readonly tp: string; readonly offset: number; readonly id: string } | null
  readonly processed: number
  /** The generation it last heard of (lags the broker's during a rebalance). */
  readonly generation: number
  /** When the coordinator will presume it dead unless a heartbeat comes first; null once out of the group. */
  readonly sessionExpiresAt: number | null
}

export interface GroupView {
  readonly name: string
  readonly delivery: Delivery
  readonly assignor: AssignorName
  readonly generation: number
  readonly topics: readonly string[]
  readonly members: readonly MemberView[]
  /** Committed offset per partition (the next record the group will read). */
  readonly committed: Readonly<Record<string, number>>
  /** Records between the committed offset and the log end, per partition. */
  readonly lag: Readonly<Record<string, number>>
  readonly stats: DeliveryStats
  /** How many times each message was processed (results in the output), for the records the snapshot shows. */
  readonly processedTimes: Readonly<Record<string, number>>
  /** The messages among the records the snapshot shows that this group lost (see DeliveryStats.lost). */
  readonly lostIds: readonly string[]
  readonly commits: number
  readonly rejectedCommits: number
  readonly rebalances: number
  readonly config: { readonly sessionTimeoutMs: number; readonly heartbeatMs: number; readonly maxPollRecords: number; readonly processMs: number }
}

/**
 * StreamingSnapshot (plain JSON). Node ids: 'broker', producers, consumers and queue consumers by
 * their ids; every produce, fetch, commit, heartbeat and queue operation is a message.
 * {
 *   now,
 *   topics: [{ name, retentionMs, partitions: [{ partition, logStartOffset, logEndOffset,
 *              records: last 24 [{ offset, key, value, id, appendedAt }] }] }],
 *   producers: [{ id, delivery, sent, acked, retries, gaveUp, pending }],
 *   groups: [GroupView]   members (with sessionExpiresAt), committed, lag,
 *            stats { produced, processed, distinct, lost, duplicated, pending }, processedTimes, lostIds, ...
 *   queues: [{ name, ready: [{ id, value, enqueuedAt }], unacked: [{ ..., consumer }], counters }],
 *   queueConsumers: [{ id, queue, working: message id | null, processed }],
 *   inFlight: [{ id, from, to, kind, sentAt, deliverAt, payload }]
 *     payloads: produce { id, topic, partition, key, try }, ack { id, topic, partition, offset }, assign { generation, partitions },
 *               records { records }, commit-reply / txn-reply { ok }, enqueue / message / ack-message { id }
 *     kinds: produce, ack, join, leave, heartbeat, assign, fetch, records, commit, commit-reply,
 *            txn-commit, txn-reply, enqueue, receive, message, ack-message
 * }
 */
export interface StreamingSnapshot {
  readonly now: number
  readonly topics: readonly { readonly name: string; readonly retentionMs: number | null; readonly partitions: readonly { readonly partition: number; readonly logStartOffset: number; readonly logEndOffset: number; readonly records: readonly LogRecord[] }[] }[]
  readonly producers: readonly { readonly id: string; readonly delivery: Delivery; readonly sent: number; readonly acked: number; readonly retries: number; readonly gaveUp: number; readonly pending: number }[]
  readonly groups: readonly GroupView[]
  readonly queues: readonly { readonly name: string; readonly ready: readonly QueueMessage[]; readonly unacked: readonly (QueueMessage & { readonly consumer: string })[]; readonly counters: QueueCounters }[]
  readonly queueConsumers: readonly { readonly id: string; readonly queue: string; readonly working: string | null; readonly processed: number }[]
  readonly inFlight: readonly Flight[]
}
