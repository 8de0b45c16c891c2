import { SimArgumentError, describeValue, expectArg, expectInteger, expectNonNegative } from '../errors.ts'
import { murmur3 } from '../hashing/hash.ts'
import { FlightLog } from '../mesh/in-flight.ts'
import { Network, RELIABLE_LINK } from '../network.ts'
import { Random } from '../random.ts'
import { Scheduler, type TimerHandle } from '../scheduler.ts'
import { Trace } from '../trace.ts'
import { ASSIGNORS, assign, tpKey, type Assignment, type AssignorName, type TopicPartition } from './assignors.ts'
import { PartitionLog, type LogRecord } from './log.ts'
import { WorkQueue, type QueueMessage } from './queue.ts'
import {
  BROKER, DELIVERIES,
  type Delivery, type DeliveryStats, type GroupOptions, type GroupView, type ProducerOptions, type StreamingOptions, type StreamingSnapshot, type TopicSpec,
} from './types.ts'

type Offsets = Record<string, number>
type CommitReply = Extract<Body, { t: 'commit-reply' | 'txn-reply' }>
type Output = { id: string; tp: string; offset: number }

type Body =
  | { t: 'produce'; producer: string; seq: number; id: string; topic: string; partition: number; key: string | null; value: string }
  | { t: 'ack'; seq: number; offset: number }
  | { t: 'join' | 'leave' | 'heartbeat'; group: string; member: string }
  | { t: 'assign'; group: string; generation: number; partitions: TopicPartition[]; committed: Offsets }
  | { t: 'fetch'; group: string; member: string; fetchId: number; positions: Offsets; max: number; maxWaitMs: number }
  | { t: 'records'; fetchId: number; batch: { tp: string; record: LogRecord }[]; reset: Offsets }
  | { t: 'commit'; group: string; member: string; batchId: number; offsets: Offsets }
  | { t: 'txn-commit'; group: string; member: string; batchId: number; from: Offsets; to: Offsets; outputs: Output[] }
  | { t: 'commit-reply' | 'txn-reply'; batchId: number; ok: boolean; committed: Offsets }
  | { t: 'enqueue'; queue: string; id: string; value: string }
  | { t: 'receive'; queue: string; consumer: string; requestId: number }
  | { t: 'message'; requestId: number; msg: QueueMessage | null }
  | { t: 'ack-message'; queue: string; id: string }

interface Producer {
  readonly id: string
  readonly delivery: Delivery
  readonly ackTimeoutMs: number
  readonly maxTries: number
  seq: number
  sent: number
  acked: number
  retries: number
  gaveUp: number
  rr: number
  readonly pending: Map<number, { body: Extract<Body, { t: 'produce' }>; tries: number; timer: TimerHandle | null }>
}

interface Group {
  readonly name: string
  readonly topics: readonly string[]
  readonly assignor: AssignorName
  readonly delivery: Delivery
  readonly sessionTimeoutMs: number
  readonly heartbeatMs: number
  readonly maxPollRecords: number
  readonly fetchMaxWaitMs: number
  readonly processMs: number
  readonly initialRebalanceDelayMs: number
  /** A rebalance is scheduled and has not run yet. */
  rebalancePending: boolean
  generation: number
  /** The broker's side: live members and when each session expires. */
  readonly sessions: Map<string, TimerHandle>
  assignment: Assignment
  readonly committed: Map<string, number>
  readonly output: Output[]
  commits: number
  rejectedCommits: number
  rebalances: number
}

interface Consumer {
  readonly id: string
  readonly group: Group
  alive: boolean
  /** Bumped on crash and restart, so timers and replies of a past life do nothing. */
  life: number
  leaving: boolean
  generation: number
  assigned: TopicPartition[]
  positions: Map<string, number>
  /** idle: nothing assigned; fetching: a poll is out (replies to older polls are ignored); batch: working through records. */
  phase: 'idle' | 'fetching' | 'batch'
  fetchId: number
  batchId: number
  processing: { tp: string; offset: number; id: string } | null
  /** Ids of the fetched batch not yet processed: neither lost nor done while it lives. */
  inHand: Set<string>
  /** What to do when the broker answers the commit of batch `batchId` (one batch is out at a time). */
  onReply: { batchId: number; fn: (reply: CommitReply) => void } | null
  processed: number
}

interface QueueConsumer {
  readonly id: string
  readonly queue: string
  readonly processMs: number
  requestId: number
  working: string | null
  processed: number
}

interface ParkedFetch {
  readonly consumer: string
  readonly body: Extract<Body, { t: 'fetch' }>
  readonly timer: TimerHandle
}

const RECORDS_SHOWN = 24
/** How long the broker holds an empty queue receive (SQS long polling allows up to 20 s). */
const QUEUE_WAIT_MS = 1000

/**
 * A Kafka-like broker and its clients on the simulated network: the broker (node 'broker') keeps
 * the partition logs, the consumer groups' coordinator state (members, generation, assignment,
 * committed offsets) and any work queues; producers and consumers are nodes of their own and learn
 * only what the broker's messages tell them. Consumer groups use the eager protocol: every
 * rebalance starts a new generation and pushes each member its whole assignment.
 */
export class Streaming {
  readonly sched = new Scheduler()
  readonly trace = new Trace()
  private readonly net: Network<Body>
  private readonly flights: FlightLog
  private readonly topics = new Map<string, { spec: TopicSpec; logs: PartitionLog[] }>()
  private readonly producers = new Map<string, Producer>()
  private readonly groups = new Map<string, Group>()
  private readonly consumers = new Map<string, Consumer>()
  private readonly queues = new Map<string, { q: WorkQueue; visibilityMs: number; parked: { consumer: string; requestId: number; timer: TimerHandle }[] }>()
  private readonly queueConsumers = new Map<string, QueueConsumer>()
  private readonly written = new Set<string>() // producer:seq already appended (idempotence)
  private readonly produceTopic = new Map<string, string>() // message id → topic, every message ever sent
  private readonly parked = new Map<string, ParkedFetch>()
  private readonly retentionCheckMs: number
  private retentionTimer: TimerHandle | null = null

  constructor(opts: StreamingOptions) {
    expectArg(typeof opts === 'object' && opts !== null, 'createStreaming(opts)', opts, 'an options object')
    const root = new Random(opts.seed)
    this.net = new Network<Body>(this.sched, root.fork(), this.trace, opts.link ?? RELIABLE_LINK)
    this.flights = new FlightLog(this.trace)
    this.retentionCheckMs = opts.retentionCheckMs ?? 1000
    expectArg(Number.isFinite(this.retentionCheckMs) && this.retentionCheckMs > 0, 'retentionCheckMs', this.retentionCheckMs, 'a number of ms > 0')
    this.net.add(BROKER, (e) => this.atBroker(String(e.from), e.body))
    for (const t of opts.topics ?? []) this.addTopic(t)
  }

  get now(): number {
    return this.sched.now
  }

  advance(ms: number): void {
    this.sched.advance(ms)
  }

  // --- topics and producers ------------------------------------------------------------------

  addTopic(spec: TopicSpec): void {
    expectArg(typeof spec.name === 'string' && /^[a-zA-Z0-9._-]+$/.test(spec.name), 'topic name', spec.name, 'letters, digits, ".", "_" or "-"')
    expectArg(!this.topics.has(spec.name), 'topic name', spec.name, 'a topic not already created')
    expectInteger(`partitions of ${spec.name}`, spec.partitions, 1, 1000)
    if (spec.retentionMs !== undefined) expectArg(Number.isFinite(spec.retentionMs) && spec.retentionMs > 0, 'retentionMs', spec.retentionMs, 'a number of ms > 0')
    this.topics.set(spec.name, { spec, logs: Array.from({ length: spec.partitions }, (_, p) => new PartitionLog(spec.name, p)) })
    if (spec.retentionMs !== undefined && !this.retentionTimer) this.scheduleRetention()
  }

  addProducer(id: string, opts: ProducerOptions = {}): void {
    this.expectFreeId(id)
    const delivery = opts.delivery ?? 'at-least-once'
    expectDelivery(delivery)
    const ackTimeoutMs = opts.ackTimeoutMs ?? 200
    expectArg(Number.isFinite(ackTimeoutMs) && ackTimeoutMs > 0, 'ackTimeoutMs', ackTimeoutMs, 'a number of ms > 0')
    const maxTries = opts.maxTries ?? 10
    expectInteger('maxTries', maxTries, 1, 1000)
    this.producers.set(id, { id, delivery, ackTimeoutMs, maxTries, seq: 0, sent: 0, acked: 0, retries: 0, gaveUp: 0, rr: 0, pending: new Map() })
    this.net.add(id, (e) => this.atProducer(id, e.body))
  }

  /**
   * Send a record; returns its message id ("<producer>-<seq>"). A keyed record goes to partition
   * murmur3(key) mod P, so one key's records stay in order on one partition (Kafka's default
   * partitioner uses murmur2; any good hash gives the same picture). Keyless records rotate.
   */
  produce(producer: string, topic: string, key: string | null, value: string): string {
    const p = this.producer(producer)
    const t = this.topic(topic)
    expectArg(key === null || typeof key === 'string', 'key', key, 'a string or null')
    const partition = key === null ? p.rr++ % t.logs.length : murmur3(key) % t.logs.length
    const seq = ++p.seq
    const body = { t: 'produce' as const, producer, seq, id: `${producer}-${seq}`, topic, partition, key, value: String(value) }
    p.sent++
    this.produceTopic.set(body.id, topic)
    const entry = { body, tries: 0, timer: null as TimerHandle | null }
    if (p.delivery !== 'at-most-once') p.pending.set(seq, entry)
    this.sendProduce(p, entry)
    return body.id
  }

  /** Which partition a key lands on. */
  partitionFor(topic: string, key: string): number {
    return murmur3(key) % this.topic(topic).logs.length
  }

  log(topic: string, partition: number): readonly LogRecord[] {
    return this.partitionLog(topic, partition).records()
  }

  // --- consumer groups ---------------------------------------------------------------------

  addGroup(name: string, opts: GroupOptions): void {
    expectArg(typeof name === 'string' && name !== '' && !this.groups.has(name), 'group name', name, 'a non-empty name not already used')
    expectArg(Array.isArray(opts.topics) && opts.topics.length > 0, 'topics', opts.topics, 'a non-empty list of topic names')
    for (const t of opts.topics) this.topic(t)
    const assignor = opts.assignor ?? 'range'
    expectArg((ASSIGNORS as readonly string[]).includes(assignor), 'assignor', assignor, `one of ${ASSIGNORS.join(', ')}`)
    const delivery = opts.delivery ?? 'at-least-once'
    expectDelivery(delivery)
    const g: Group = {
      name, topics: [...opts.topics], assignor, delivery,
      sessionTimeoutMs: opts.sessionTimeoutMs ?? 45_000, heartbeatMs: opts.heartbeatMs ?? 3000,
      maxPollRecords: opts.maxPollRecords ?? 500, fetchMaxWaitMs: opts.fetchMaxWaitMs ?? 500, processMs: opts.processMs ?? 10,
      initialRebalanceDelayMs: opts.initialRebalanceDelayMs ?? 3000, rebalancePending: false,
      generation: 0, sessions: new Map(), assignment: {}, committed: new Map(), output: [], commits: 0, rejectedCommits: 0, rebalances: 0,
    }
    expectArg(Number.isFinite(g.heartbeatMs) && g.heartbeatMs > 0 && g.heartbeatMs < g.sessionTimeoutMs, 'heartbeatMs', g.heartbeatMs, `a number of ms in (0, sessionTimeoutMs = ${g.sessionTimeoutMs})`)
    expectInteger('maxPollRecords', g.maxPollRecords, 1, 100_000)
    expectNonNegative('fetchMaxWaitMs', g.fetchMaxWaitMs)
    expectNonNegative('processMs', g.processMs)
    expectNonNegative('initialRebalanceDelayMs', g.initialRebalanceDelayMs)
    this.groups.set(name, g)
  }

  /** A new consumer joins `group` (the group rebalances). */
  addConsumer(group: string, id: string): void {
    const g = this.group(group)
    this.expectFreeId(id)
    const c: Consumer = { id, group: g, alive: true, life: 0, leaving: false, generation: 0, assigned: [], positions: new Map(), phase: 'idle', fetchId: 0, batchId: 0, processing: null, inHand: new Set(), onReply: null, processed: 0 }
    this.consumers.set(id, c)
    this.net.add(id, (e) => this.atConsumer(c, e.body))
    this.start(c)
  }

  /** Leave cleanly: finish the batch in hand, commit, then tell the coordinator (rebalance at once). */
  leave(id: string): void {
    const c = this.consumer(id)
    expectArg(c.alive && !c.leaving, 'leave(consumer)', id, 'a live consumer that is not already leaving')
    c.leaving = true
    if (c.phase !== 'batch') this.goodbye(c)
  }

  /** Crash: the consumer stops dead (work in hand is lost); the coordinator notices only when its session times out. */
  crash(id: string): void {
    const c = this.consumer(id)
    expectArg(c.alive, 'crash(consumer)', id, 'a live consumer')
    c.alive = false
    c.life++
    // A fetch of this life may still be parked at the broker: its late reply must not count.
    c.fetchId++
    c.phase = 'idle'
    c.processing = null
    c.inHand = new Set()
    c.onReply = null
    this.net.setUp(id, false)
    this.trace.record({ at: this.now, type: 'fault', action: 'crash', nodes: [id] })
  }

  /** Restart a crashed consumer: it rejoins its group with empty memory. */
  restart(id: string): void {
    const c = this.consumer(id)
    expectArg(!c.alive, 'restart(consumer)', id, 'a crashed consumer')
    Object.assign(c, { alive: true, leaving: false, generation: 0, assigned: [], positions: new Map(), phase: 'idle', processing: null, inHand: new Set(), onReply: null })
    c.life++
    this.net.setUp(id, true)
    this.trace.record({ at: this.now, type: 'fault', action: 'restart', nodes: [id] })
    this.start(c)
  }

  /** Cut a node (producer or consumer) off the network, or reconnect it: meanwhile its messages are dropped. */
  setConnected(id: string, connected: boolean): void {
    expectArg(this.net.has(id) && id !== BROKER, 'setConnected(id)', id, `a producer or consumer (${this.net.ids().filter((x) => x !== BROKER).join(', ')})`)
    this.net.setConnected(id, connected)
    this.trace.record({ at: this.now, type: 'fault', action: connected ? 'connect' : 'disconnect', nodes: [id] })
  }

  /** Replay: move a consumer's position on a partition it owns back (or forward) to `offset`. */
  seek(id: string, topic: string, partition: number, offset: number): void {
    const c = this.consumer(id)
    const log = this.partitionLog(topic, partition)
    const key = tpKey({ topic, partition })
    expectArg(c.alive && c.positions.has(key), 'seek(consumer, partition)', `${id} ${key}`, `a live consumer that owns the partition (${id} owns ${[...c.positions.keys()].join(', ') || 'nothing'})`)
    expectArg(Number.isInteger(offset) && offset >= log.logStartOffset && offset <= log.logEndOffset, 'seek offset', offset, `an offset still in the log, ${log.logStartOffset}..${log.logEndOffset}`)
    c.positions.set(key, offset)
    this.trace.record({ at: this.now, type: 'state', node: id, field: 'position', value: offset, label: `${key} rewound to ${offset}` })
  }

  /** The broker's current assignment, as partition names ("orders-0"). */
  assignment(group: string): Record<string, string[]> {
    const g = this.group(group)
    return Object.fromEntries(Object.entries(g.assignment).map(([m, tps]) => [m, tps.map(tpKey)]))
  }

  committed(group: string): Record<string, number> {
    return Object.fromEntries(this.group(group).committed)
  }

  /** Processing results in order: which message, from which partition and offset. */
  output(group: string): readonly Output[] {
    return this.group(group).output
  }

  stats(group: string): DeliveryStats {
    const g = this.group(group)
    const o = this.outcomes(g)
    return { produced: o.produced, processed: g.output.length, distinct: o.times.size, lost: o.lost.size, duplicated: g.output.length - o.times.size, pending: o.pending }
  }

  /**
   * Where each message of the group's topics stands for the group: how many times it was
   * processed (its results in the output), and which are lost (neither processed, nor still
   * deliverable from the committed offset on, nor on their way).
   */
  private outcomes(g: Group): { produced: number; times: Map<string, number>; lost: Set<string>; pending: number } {
    // Still on its way: being produced, or fetched by a live member and not yet processed.
    const onTheWay = new Set<string>()
    for (const p of this.producers.values()) for (const e of p.pending.values()) onTheWay.add(e.body.id)
    for (const c of this.consumers.values()) if (c.group === g && c.alive) for (const id of c.inHand) onTheWay.add(id)
    // Still deliverable to this group: in the log at or after the group's committed offset.
    const deliverable = new Set<string>()
    for (const topic of g.topics) {
      for (const log of this.topic(topic).logs) {
        const from = g.committed.get(tpKey(log)) ?? 0
        for (const r of log.records()) if (r.offset >= from) deliverable.add(r.id)
      }
    }
    const times = new Map<string, number>()
    for (const o of g.output) times.set(o.id, (times.get(o.id) ?? 0) + 1)
    const lost = new Set<string>()
    let produced = 0
    let pending = 0
    for (const [id, topic] of this.produceTopic) {
      if (!g.topics.includes(topic)) continue
      produced++
      if (times.has(id)) continue
      if (deliverable.has(id) || onTheWay.has(id)) pending++
      else lost.add(id)
    }
    return { produced, times, lost, pending }
  }

  // --- queues ------------------------------------------------------------------------------

  addQueue(name: string, opts: { visibilityTimeoutMs?: number } = {}): void {
    expectArg(typeof name === 'string' && name !== '' && !this.queues.has(name), 'queue name', name, 'a non-empty name not already used')
    const visibilityMs = opts.visibilityTimeoutMs ?? 30_000 // SQS's default visibility timeout
    expectArg(Number.isFinite(visibilityMs) && visibilityMs > 0, 'visibilityTimeoutMs', visibilityMs, 'a number of ms > 0')
    this.queues.set(name, { q: new WorkQueue(name), visibilityMs, parked: [] })
  }

  /** A producer sends one message to a queue; returns its id. */
  enqueue(producer: string, queue: string, value: string): string {
    const p = this.producer(producer)
    this.queue(queue)
    const id = `${producer}-q${++p.seq}`
    p.sent++
    this.net.send(producer, BROKER, 'enqueue', { t: 'enqueue', queue, id, value: String(value) }, { id })
    return id
  }

  /** A competing consumer on `queue`: takes one message at a time, works `processMs`, acks. */
  addQueueConsumer(id: string, queue: string, opts: { processMs?: number } = {}): void {
    this.expectFreeId(id)
    this.queue(queue)
    const processMs = opts.processMs ?? 10
    expectNonNegative('processMs', processMs)
    const qc: QueueConsumer = { id, queue, processMs, requestId: 0, working: null, processed: 0 }
    this.queueConsumers.set(id, qc)
    this.net.add(id, (e) => this.atQueueConsumer(qc, e.body))
    this.receive(qc)
  }

  /** Whether any message is on the wire (live mode plays quiet stretches faster). */
  busy(): boolean {
    return this.flights.current().length > 0
  }

  // --- snapshot ----------------------------------------------------------------------------

  snapshot(): StreamingSnapshot {
    return {
      now: this.now,
      topics: [...this.topics.values()].map(({ spec, logs }) => ({
        name: spec.name,
        retentionMs: spec.retentionMs ?? null,
        partitions: logs.map((l) => ({ partition: l.partition, logStartOffset: l.logStartOffset, logEndOffset: l.logEndOffset, records: l.records().slice(-RECORDS_SHOWN) })),
      })),
      producers: [...this.producers.values()].map((p) => ({ id: p.id, delivery: p.delivery, sent: p.sent, acked: p.acked, retries: p.retries, gaveUp: p.gaveUp, pending: p.pending.size })),
      groups: [...this.groups.values()].map((g) => this.groupView(g)),
      queues: [...this.queues.values()].map(({ q }) => ({ name: q.name, ...q.view() })),
      queueConsumers: [...this.queueConsumers.values()].map((c) => ({ id: c.id, queue: c.queue, working: c.working, processed: c.processed })),
      inFlight: this.flights.current(),
    }
  }

  private groupView(g: Group): GroupView {
    const committed: Record<string, number> = {}
    const lag: Record<string, number> = {}
    for (const topic of g.topics) {
      for (const log of this.topic(topic).logs) {
        const k = tpKey(log)
        committed[k] = g.committed.get(k) ?? 0
        lag[k] = log.logEndOffset - Math.max(committed[k]!, log.logStartOffset)
      }
    }
    const members = [...this.consumers.values()].filter((c) => c.group === g)
    // Per-record outcomes, for the records a snapshot shows (the last RECORDS_SHOWN of each partition).
    const o = this.outcomes(g)
    const shown = g.topics.flatMap((t) => this.topic(t).logs.flatMap((l) => l.records().slice(-RECORDS_SHOWN).map((r) => r.id)))
    const processedTimes: Record<string, number> = {}
    for (const id of shown) if (o.times.has(id)) processedTimes[id] = o.times.get(id)!
    return {
      name: g.name, delivery: g.delivery, assignor: g.assignor, generation: g.generation, topics: g.topics,
      members: members.map((c) => ({
        id: c.id, alive: c.alive, partitions: (g.assignment[c.id] ?? []).map(tpKey), positions: Object.fromEntries(c.positions),
        processing: c.processing, processed: c.processed, generation: c.generation, sessionExpiresAt: g.sessions.get(c.id)?.at ?? null,
      })),
      committed, lag, commits: g.commits, rejectedCommits: g.rejectedCommits, rebalances: g.rebalances,
      stats: { produced: o.produced, processed: g.output.length, distinct: o.times.size, lost: o.lost.size, duplicated: g.output.length - o.times.size, pending: o.pending },
      processedTimes, lostIds: shown.filter((id) => o.lost.has(id)),
      config: { sessionTimeoutMs: g.sessionTimeoutMs, heartbeatMs: g.heartbeatMs, maxPollRecords: g.maxPollRecords, processMs: g.processMs },
    }
  }

  // --- producer side -----------------------------------------------------------------------

  private sendProduce(p: Producer, entry: { body: Extract<Body, { t: 'produce' }>; tries: number; timer: TimerHandle | null }): void {
    entry.tries++
    this.net.send(p.id, BROKER, 'produce', entry.body, { id: entry.body.id, topic: entry.body.topic, partition: entry.body.partition, key: entry.body.key, try: entry.tries })
    if (p.delivery === 'at-most-once') return
    entry.timer = this.sched.after(p.ackTimeoutMs, () => {
      if (!p.pending.has(entry.body.seq)) return
      if (entry.tries >= p.maxTries) {
        p.pending.delete(entry.body.seq)
        p.gaveUp++
        return
      }
      p.retries++
      this.sendProduce(p, entry)
    })
  }

  private atProducer(id: string, body: Body): void {
    if (body.t !== 'ack') return
    const p = this.producers.get(id)!
    const entry = p.pending.get(body.seq)
    if (!entry) return
    this.sched.cancel(entry.timer)
    p.pending.delete(body.seq)
    p.acked++
  }

  // --- the broker --------------------------------------------------------------------------

  private atBroker(from: string, body: Body): void {
    switch (body.t) {
      case 'produce': return this.append(from, body)
      case 'join': return this.joined(body.group, body.member)
      case 'leave': return this.left(body.group, body.member, 'leave')
      case 'heartbeat': return this.heartbeat(body.group, body.member)
      case 'fetch': return this.fetch(from, body)
      case 'commit': return this.commit(from, body)
      case 'txn-commit': return this.txnCommit(from, body)
      case 'enqueue': return this.queued(body)
      case 'receive': return this.serveQueue(body.queue, body.consumer, body.requestId)
      case 'ack-message': {
        this.queue(body.queue).q.ack(body.id)
        return
      }
      default:
    }
  }

  private append(from: string, body: Extract<Body, { t: 'produce' }>): void {
    const p = this.producers.get(body.producer)!
    const log = this.partitionLog(body.topic, body.partition)
    const key = `${body.producer}:${body.seq}`
    // Idempotence: an exactly-once producer's retry of a sequence number already written is
    // acknowledged but not written again. Other producers' retries are appended once more.
    if (p.delivery === 'exactly-once' && this.written.has(key)) {
      this.net.send(BROKER, from, 'ack', { t: 'ack', seq: body.seq, offset: -1 }, { id: body.id, topic: body.topic, partition: body.partition, duplicate: true })
      return
    }
    this.written.add(key)
    const r = log.append({ key: body.key, value: body.value, id: body.id, appendedAt: this.now })
    this.trace.record({ at: this.now, type: 'state', node: tpKey(log), field: 'append', value: r.offset, label: `${body.id}${body.key === null ? '' : ` (key ${body.key})`} at offset ${r.offset}` })
    if (p.delivery !== 'at-most-once') this.net.send(BROKER, from, 'ack', { t: 'ack', seq: body.seq, offset: r.offset }, { id: body.id, topic: body.topic, partition: body.partition, offset: r.offset })
    this.wakeFetches(tpKey(log))
  }

  private joined(group: string, member: string): void {
    const g = this.group(group)
    this.touchSession(g, member)
    if (g.rebalancePending) return // the pending rebalance will include this member
    if (g.generation > 0) return this.rebalance(g, `${member} joined`)
    g.rebalancePending = true
    this.sched.after(g.initialRebalanceDelayMs, () => this.rebalance(g, 'the group formed'))
  }

  private left(group: string, member: string, why: 'leave' | 'session timeout'): void {
    const g = this.group(group)
    if (!g.sessions.has(member)) return
    this.sched.cancel(g.sessions.get(member))
    g.sessions.delete(member)
    this.trace.record({ at: this.now, type: 'state', node: member, field: 'member', value: why === 'leave' ? 'left' : 'expired', label: `${member} ${why === 'leave' ? 'left' : 'missed its session timeout'}` })
    this.rebalance(g, why === 'leave' ? `${member} left` : `${member} timed out`)
  }

  private heartbeat(group: string, member: string): void {
    const g = this.group(group)
    if (g.sessions.has(member)) this.touchSession(g, member)
  }

  private touchSession(g: Group, member: string): void {
    this.sched.cancel(g.sessions.get(member))
    g.sessions.set(member, this.sched.after(g.sessionTimeoutMs, () => this.left(g.name, member, 'session timeout')))
  }

  /** A new generation: compute the assignment and push each member its share (eager protocol). */
  private rebalance(g: Group, reason: string): void {
    g.rebalancePending = false
    g.generation++
    g.rebalances++
    const members = [...g.sessions.keys()]
    const topics = Object.fromEntries(g.topics.map((t) => [t, this.topic(t).logs.length]))
    g.assignment = assign(g.assignor, { members, topics, previous: g.assignment })
    this.trace.record({
      at: this.now, type: 'state', node: g.name, field: 'assignment',
      value: Object.fromEntries(Object.entries(g.assignment).map(([m, tps]) => [m, tps.map(tpKey)])),
      label: `generation ${g.generation}: ${reason}`,
    })
    for (const m of members) {
      const partitions = g.assignment[m] ?? []
      const committed = Object.fromEntries(partitions.map((tp) => [tpKey(tp), g.committed.get(tpKey(tp)) ?? 0]))
      this.net.send(BROKER, m, 'assign', { t: 'assign', group: g.name, generation: g.generation, partitions, committed }, { generation: g.generation, partitions: partitions.map(tpKey) })
    }
  }

  private owns(g: Group, member: string, tp: string): boolean {
    return (g.assignment[member] ?? []).some((x) => tpKey(x) === tp)
  }

  private fetch(from: string, body: Extract<Body, { t: 'fetch' }>): void {
    const batch: { tp: string; record: LogRecord }[] = []
    const reset: Offsets = {}
    for (const [tp, offset] of Object.entries(body.positions)) {
      const log = this.logByKey(tp)
      // Records deleted by retention: start again from the earliest retained (auto.offset.reset=earliest).
      const at = Math.max(offset, log.logStartOffset)
      if (at !== offset) reset[tp] = at
      for (const record of log.read(at, body.max - batch.length)) batch.push({ tp, record })
    }
    const key = `${body.member}#${body.fetchId}`
    if (batch.length > 0 || body.maxWaitMs === 0) {
      this.net.send(BROKER, from, 'records', { t: 'records', fetchId: body.fetchId, batch, reset }, { records: batch.length })
      return
    }
    // Long poll: hold an empty fetch until data arrives or the wait is over.
    const timer = this.sched.after(body.maxWaitMs, () => {
      if (this.parked.delete(key)) this.net.send(BROKER, from, 'records', { t: 'records', fetchId: body.fetchId, batch: [], reset }, { records: 0 })
    })
    this.parked.set(key, { consumer: from, body, timer })
  }

  private wakeFetches(tp: string): void {
    for (const [key, f] of this.parked) {
      if (!(tp in f.body.positions)) continue
      this.parked.delete(key)
      this.sched.cancel(f.timer)
      this.fetch(f.consumer, { ...f.body, maxWaitMs: 0 })
    }
  }

  /** A plain commit: accepted only from the partitions' current owner (stale members are fenced). */
  private commit(from: string, body: Extract<Body, { t: 'commit' }>): void {
    const g = this.group(body.group)
    const ok = Object.keys(body.offsets).every((tp) => this.owns(g, body.member, tp))
    if (ok) {
      for (const [tp, off] of Object.entries(body.offsets)) g.committed.set(tp, off)
      g.commits++
      this.trace.record({ at: this.now, type: 'state', node: g.name, field: 'committed', value: body.offsets, label: `${body.member} committed` })
    } else {
      g.rejectedCommits++
      this.trace.record({ at: this.now, type: 'state', node: g.name, field: 'commit-rejected', value: body.offsets, label: `${body.member} no longer owns these partitions` })
    }
    this.net.send(BROKER, from, 'commit-reply', { t: 'commit-reply', batchId: body.batchId, ok, committed: this.committedFor(g, body.member) }, { ok })
  }

  /**
   * A transactional commit: outputs and offsets together, all or nothing. It goes through only if
   * the sender still owns the partitions and the committed offsets are where its batch began, so
   * a batch that someone else already committed can never be applied twice.
   */
  private txnCommit(from: string, body: Extract<Body, { t: 'txn-commit' }>): void {
    const g = this.group(body.group)
    const ok = Object.entries(body.from).every(([tp, off]) => this.owns(g, body.member, tp) && (g.committed.get(tp) ?? 0) === off)
    if (ok) {
      g.output.push(...body.outputs)
      for (const [tp, off] of Object.entries(body.to)) g.committed.set(tp, off)
      g.commits++
      this.trace.record({ at: this.now, type: 'state', node: g.name, field: 'committed', value: body.to, label: `${body.member} committed a transaction of ${body.outputs.length}` })
    } else {
      g.rejectedCommits++
      this.trace.record({ at: this.now, type: 'state', node: g.name, field: 'txn-aborted', value: body.to, label: `${body.member}'s transaction aborted` })
    }
    this.net.send(BROKER, from, 'txn-reply', { t: 'txn-reply', batchId: body.batchId, ok, committed: this.committedFor(g, body.member) }, { ok })
  }

  private committedFor(g: Group, member: string): Offsets {
    return Object.fromEntries((g.assignment[member] ?? []).map((tp) => [tpKey(tp), g.committed.get(tpKey(tp)) ?? 0]))
  }

  private scheduleRetention(): void {
    this.retentionTimer = this.sched.after(this.retentionCheckMs, () => {
      for (const { spec, logs } of this.topics.values()) {
        if (spec.retentionMs === undefined) continue
        for (const log of logs) {
          const n = log.applyRetention(this.now, spec.retentionMs)
          if (n > 0) this.trace.record({ at: this.now, type: 'state', node: tpKey(log), field: 'logStartOffset', value: log.logStartOffset, label: `retention deleted ${n} record(s)` })
        }
      }
      this.scheduleRetention()
    })
  }

  // --- the consumer ------------------------------------------------------------------------

  private start(c: Consumer): void {
    const life = c.life
    this.net.send(c.id, BROKER, 'join', { t: 'join', group: c.group.name, member: c.id })
    const beat = (): void => {
      if (c.life !== life || !c.alive || c.leaving) return
      this.net.send(c.id, BROKER, 'heartbeat', { t: 'heartbeat', group: c.group.name, member: c.id })
      this.sched.after(c.group.heartbeatMs, beat)
    }
    this.sched.after(c.group.heartbeatMs, beat)
  }

  private goodbye(c: Consumer): void {
    c.alive = false
    c.life++
    this.net.send(c.id, BROKER, 'leave', { t: 'leave', group: c.group.name, member: c.id })
  }

  private atConsumer(c: Consumer, body: Body): void {
    if (!c.alive) return
    if (body.t === 'assign') {
      if (body.generation <= c.generation) return
      c.generation = body.generation
      const positions = new Map<string, number>()
      // Partitions it keeps continue from where it is; new ones start at the group's committed offset.
      for (const tp of body.partitions) {
        const k = tpKey(tp)
        positions.set(k, Math.max(c.positions.get(k) ?? 0, body.committed[k] ?? 0))
      }
      c.assigned = body.partitions
      c.positions = positions
      // Mid-batch it finishes first; otherwise it polls afresh with the new partitions.
      if (c.phase !== 'batch') this.poll(c)
    } else if (body.t === 'records') {
      if (body.fetchId !== c.fetchId) return
      for (const [tp, off] of Object.entries(body.reset)) if (c.positions.has(tp)) c.positions.set(tp, off)
      this.onRecords(c, body.batch)
    } else if ((body.t === 'commit-reply' || body.t === 'txn-reply') && c.onReply?.batchId === body.batchId) {
      const { fn } = c.onReply
      c.onReply = null
      fn(body)
    }
  }

  private poll(c: Consumer): void {
    if (!c.alive) return
    if (c.leaving) return this.goodbye(c)
    if (c.assigned.length === 0) {
      c.phase = 'idle'
      return
    }
    c.phase = 'fetching'
    c.fetchId++
    const g = c.group
    this.net.send(c.id, BROKER, 'fetch', { t: 'fetch', group: g.name, member: c.id, fetchId: c.fetchId, positions: Object.fromEntries(c.positions), max: g.maxPollRecords, maxWaitMs: g.fetchMaxWaitMs }, { fetchId: c.fetchId })
  }

  private onRecords(c: Consumer, fetched: { tp: string; record: LogRecord }[]): void {
    // Only partitions it still holds: a rebalance may have moved one while the fetch was out.
    const batch = fetched.filter((x) => c.positions.has(x.tp))
    if (batch.length === 0) return this.poll(c)
    c.phase = 'batch'
    const from: Offsets = {}
    const to: Offsets = {}
    for (const { tp, record } of batch) {
      from[tp] ??= record.offset
      to[tp] = record.offset + 1
    }
    // The fetch position moves on at once, as consumer.poll() does.
    for (const [tp, off] of Object.entries(to)) if (c.positions.has(tp)) c.positions.set(tp, off)
    c.inHand = new Set(batch.map((x) => x.record.id))
    const batchId = ++c.batchId
    const g = c.group
    const commit = (body: Body, then: (reply: CommitReply) => void): void => {
      c.onReply = {
        batchId,
        fn: (reply) => {
          // A refused commit means the group moved on: realign with what is committed for what it owns.
          if (!reply.ok) for (const [tp, off] of Object.entries(reply.committed)) if (c.positions.has(tp)) c.positions.set(tp, off)
          then(reply)
        },
      }
      this.net.send(c.id, BROKER, body.t, body, { batchId })
    }
    const plain: Body = { t: 'commit', group: g.name, member: c.id, batchId, offsets: to }
    if (g.delivery === 'at-most-once') {
      commit(plain, (reply) => {
        if (reply.ok) return this.processAll(c, batch, true, () => this.poll(c))
        c.inHand = new Set() // not ours to process any more
        this.poll(c)
      })
    } else if (g.delivery === 'at-least-once') {
      this.processAll(c, batch, true, () => commit(plain, () => this.poll(c)))
    } else {
      const outputs = batch.map(({ tp, record }) => ({ id: record.id, tp, offset: record.offset }))
      this.processAll(c, batch, false, () => commit({ t: 'txn-commit', group: g.name, member: c.id, batchId, from, to, outputs }, () => this.poll(c)))
    }
  }

  /**
   * Process the batch one record at a time; `visible` records each result as it happens (else
   * they wait for the transaction). A crash stops it dead: `done` then never runs.
   */
  private processAll(c: Consumer, batch: { tp: string; record: LogRecord }[], visible: boolean, done: () => void): void {
    const life = c.life
    const step = (i: number): void => {
      if (c.life !== life || !c.alive) return
      if (i === batch.length) {
        c.processing = null
        c.inHand = new Set()
        return done()
      }
      const { tp, record } = batch[i]!
      c.processing = { tp, offset: record.offset, id: record.id }
      this.sched.after(c.group.processMs, () => {
        if (c.life !== life || !c.alive) return
        c.processed++
        if (visible) {
          c.group.output.push({ id: record.id, tp, offset: record.offset })
          c.inHand.delete(record.id)
        }
        this.trace.record({ at: this.now, type: 'state', node: c.id, field: 'processed', value: record.id, label: `${tp}@${record.offset}${visible ? '' : ' (in transaction)'}` })
        step(i + 1)
      })
    }
    step(0)
  }

  // --- queues ------------------------------------------------------------------------------

  private queued(body: Extract<Body, { t: 'enqueue' }>): void {
    const entry = this.queue(body.queue)
    entry.q.enqueue({ id: body.id, value: body.value, enqueuedAt: this.now })
    this.trace.record({ at: this.now, type: 'state', node: body.queue, field: 'enqueued', value: body.id, label: body.value })
    const waiting = entry.parked.shift()
    if (waiting) {
      this.sched.cancel(waiting.timer)
      this.serveQueue(body.queue, waiting.consumer, waiting.requestId)
    }
  }

  private serveQueue(queue: string, consumer: string, requestId: number): void {
    const entry = this.queue(queue)
    const msg = entry.q.take(consumer, this.now + entry.visibilityMs)
    if (msg) {
      this.sched.after(entry.visibilityMs, () => {
        for (const back of entry.q.expire(this.now)) this.trace.record({ at: this.now, type: 'state', node: queue, field: 'redelivered', value: back.id })
      })
      this.net.send(BROKER, consumer, 'message', { t: 'message', requestId, msg }, { id: msg.id })
      return
    }
    const timer = this.sched.after(QUEUE_WAIT_MS, () => {
      const i = entry.parked.findIndex((p) => p.consumer === consumer && p.requestId === requestId)
      if (i < 0) return
      entry.parked.splice(i, 1)
      this.net.send(BROKER, consumer, 'message', { t: 'message', requestId, msg: null }, { id: null })
    })
    entry.parked.push({ consumer, requestId, timer })
  }

  private receive(qc: QueueConsumer): void {
    qc.requestId++
    this.net.send(qc.id, BROKER, 'receive', { t: 'receive', queue: qc.queue, consumer: qc.id, requestId: qc.requestId }, { requestId: qc.requestId })
  }

  private atQueueConsumer(qc: QueueConsumer, body: Body): void {
    if (body.t !== 'message' || body.requestId !== qc.requestId) return
    const msg = body.msg
    if (!msg) return this.receive(qc)
    qc.working = msg.id
    this.sched.after(qc.processMs, () => {
      qc.working = null
      qc.processed++
      this.net.send(qc.id, BROKER, 'ack-message', { t: 'ack-message', queue: qc.queue, id: msg.id }, { id: msg.id })
      this.receive(qc)
    })
  }

  // --- lookups -----------------------------------------------------------------------------

  private expectFreeId(id: string): void {
    expectArg(typeof id === 'string' && /^[a-zA-Z0-9._-]+$/.test(id) && id !== BROKER && !this.net.has(id), 'id', id, 'a new name (letters, digits, ".", "_", "-") not used by another node')
  }

  private producer(id: string): Producer {
    const p = this.producers.get(id)
    if (!p) throw new SimArgumentError(`producer: got ${describeValue(id)}, expected one of ${[...this.producers.keys()].join(', ') || '(none: call addProducer first)'}`)
    return p
  }

  private topic(name: string): { spec: TopicSpec; logs: PartitionLog[] } {
    const t = this.topics.get(name)
    if (!t) throw new SimArgumentError(`topic: got ${describeValue(name)}, expected one of ${[...this.topics.keys()].join(', ') || '(none)'}`)
    return t
  }

  private partitionLog(topic: string, partition: number): PartitionLog {
    const t = this.topic(topic)
    expectInteger(`partition of ${topic}`, partition, 0, t.logs.length - 1)
    return t.logs[partition]!
  }

  private logByKey(tp: string): PartitionLog {
    const i = tp.lastIndexOf('-')
    return this.partitionLog(tp.slice(0, i), Number(tp.slice(i + 1)))
  }

  private group(name: string): Group {
    const g = this.groups.get(name)
    if (!g) throw new SimArgumentError(`group: got ${describeValue(name)}, expected one of ${[...this.groups.keys()].join(', ') || '(none)'}`)
    return g
  }

  private consumer(id: string): Consumer {
    const c = this.consumers.get(id)
    if (!c) throw new SimArgumentError(`consumer: got ${describeValue(id)}, expected one of ${[...this.consumers.keys()].join(', ') || '(none)'}`)
    return c
  }

  private queue(name: string): { q: WorkQueue; visibilityMs: number; parked: { consumer: string; requestId: number; timer: TimerHandle }[] } {
    const q = this.queues.get(name)
    if (!q) throw new SimArgumentError(`queue: got ${describeValue(name)}, expected one of ${[...this.queues.keys()].join(', ') || '(none)'}`)
    return q
  }
}

function expectDelivery(d: unknown): asserts d is Delivery {
  expectArg(DELIVERIES.includes(d as Delivery), 'delivery', d, DELIVERIES.join(', '))
}

export function createStreaming(opts: StreamingOptions): Streaming {
  return new Streaming(opts)
}
