import { Scheduler, type TimerHandle } from '../scheduler.ts'
import { Random } from '../random.ts'
import { Network, type Envelope } from '../network.ts'
import { Trace, type NodeId } from '../trace.ts'
import { expectArg, expectInteger, expectNonNegative } from '../errors.ts'

/**
 * Primary/replica replication in three modes:
 *
 * - **sync**: the primary acknowledges a write once *every* replica has it (PostgreSQL with all
 *   standbys synchronous). Nothing acknowledged is lost on failover; latency is the slowest link,
 *   and a dead replica blocks every write until a failover drops it from the replica set.
 * - **async**: the primary acknowledges after its own commit and streams in the background.
 *   Fast, but writes still on the wire when it crashes are lost.
 * - **semi-sync**: the primary waits for `acks` of its replicas (default 1, MySQL's
 *   rpl_semi_sync_master_wait_for_slave_count) or `timeoutMs` (default 10 000 ms, MySQL's
 *   rpl_semi_sync_master_timeout), whichever comes first. On timeout it *falls back to async*
 *   (state `semiSync.active = false`, a trace `state` event) and switches back once a replica has
 *   caught up, as MySQL does.
 *
 * Node 0 starts as primary, nodes 1..n are replicas, and `client` sends the writes. Per-link lag
 * (`lagMs[i]`) is modelled where it hurts on failover: an entry waits that long in the primary's
 * outbound stream to replica i (a busy WAL sender, a saturated or distant link) before it goes on
 * the wire, where it takes 1–2 ms. Whatever is still queued when the primary crashes never leaves
 * it; whatever is on the wire arrives. Acks travel back in 1–2 ms. The stream is ordered like TCP:
 * a replica applies entries in log order and acknowledges cumulatively ("I have up to lsn k").
 *
 * Failover promotes the live replica with the longest log (the most up-to-date; lowest id on a
 * tie). Acknowledged writes that it lacks are lost: `lostAcknowledged()` counts them, and the
 * client discovers them when it reads its writes back (`verify()`).
 */
export type ReplicationMode = 'sync' | 'async' | 'semi-sync'

export interface ReplicationOptions {
  seed: number
  mode: ReplicationMode
  /** Number of replicas, 1..6 (default 2). */
  replicas?: number
  /** Per replica, how long an entry waits in the primary's outbound stream to it, ms (default [5, 40]); one number applies to all. */
  lagMs?: number | readonly number[]
  /** Time for the primary's own durable commit (fsync), ms (default 1). */
  localCommitMs?: number
  semiSync?: { acks?: number; timeoutMs?: number }
}

export interface LogEntry {
  readonly lsn: number
  readonly write: number
  readonly value: string | number
  /** When the primary committed it locally: replication lag is measured from here. */
  readonly committedAt: number
}

export type WriteStatus = 'pending' | 'acked' | 'failed' | 'lost'

export interface WriteRecord {
  readonly id: number
  readonly value: string | number
  readonly lsn: number | null
  /** pending: no reply yet; acked: the client was told it is durable; failed: the primary died
   * before answering; lost: acknowledged, then found missing after a failover. */
  readonly status: WriteStatus
  readonly invokedAt: number
  readonly ackedAt: number | null
  /** Primary that took it. */
  readonly primary: number
}

export interface FailoverRecord {
  readonly at: number
  readonly from: number
  readonly promoted: number
  /** Write ids acknowledged to the client that the new primary does not have. */
  readonly lostAcknowledged: readonly number[]
}

type ReplMessage =
  | { readonly kind: 'write'; readonly write: number; readonly value: string | number }
  | { readonly kind: 'write-ok'; readonly write: number; readonly lsn: number }
  | { readonly kind: 'replicate'; readonly epoch: number; readonly entry: LogEntry }
  | { readonly kind: 'ack'; readonly epoch: number; readonly lsn: number }
  | { readonly kind: 'verify' }
  | { readonly kind: 'log'; readonly writes: readonly number[] }

type Role = 'primary' | 'replica'

interface DbNode {
  readonly id: number
  role: Role
  alive: boolean
  epoch: number
  log: LogEntry[]
  /** Entries that arrived ahead of a gap, waiting for it to fill. */
  pending: Map<number, LogEntry>
}

type MutableWrite = { -readonly [K in keyof WriteRecord]: WriteRecord[K] }

export const CLIENT = 'client'

export class ReplicationCluster {
  readonly sched = new Scheduler()
  readonly trace = new Trace()
  readonly net: Network<ReplMessage>
  readonly mode: ReplicationMode
  readonly lagMs: number[]
  readonly localCommitMs: number
  readonly semiSyncAcks: number
  readonly semiSyncTimeoutMs: number
  private semiSyncOn = true
  private readonly nodes: DbNode[] = []
  private readonly writeLog: MutableWrite[] = []
  /** Per replica, the highest lsn it acknowledged to the current primary. */
  private readonly match = new Map<number, number>()
  /** Writes committed on the primary, waiting for replica acks before the client is told. */
  private readonly waiting = new Map<number, { write: MutableWrite; lsn: number; timer: TimerHandle | null }>()
  private readonly failovers: FailoverRecord[] = []
  /** Entries waiting in the primary's outbound stream, per replica, in lsn order. */
  private readonly outbox = new Map<number, { entry: LogEntry; timer: TimerHandle }[]>()
  private _primary = 0
  private epoch = 1

  constructor(opts: ReplicationOptions) {
    expectArg(['sync', 'async', 'semi-sync'].includes(opts.mode), 'mode', opts.mode, '"sync", "async" or "semi-sync"')
    expectArg(Number.isFinite(opts.seed), 'seed', opts.seed, 'a finite number')
    const replicas = opts.replicas ?? 2
    expectInteger('replicas', replicas, 1, 6)
    const lag = opts.lagMs ?? [5, 40]
    const lags = typeof lag === 'number' ? Array.from({ length: replicas }, () => lag) : [...lag]
    expectArg(lags.length === replicas, 'lagMs', lag, `one lag per replica (${replicas})`)
    lags.forEach((l, i) => expectNonNegative(`lagMs[${i}]`, l))
    this.mode = opts.mode
    this.lagMs = [0, ...lags]
    this.localCommitMs = opts.localCommitMs ?? 1
    expectNonNegative('localCommitMs', this.localCommitMs)
    this.semiSyncAcks = opts.semiSync?.acks ?? 1
    expectInteger('semiSync.acks', this.semiSyncAcks, 1, replicas)
    this.semiSyncTimeoutMs = opts.semiSync?.timeoutMs ?? 10_000
    expectArg(Number.isFinite(this.semiSyncTimeoutMs) && this.semiSyncTimeoutMs > 0, 'semiSync.timeoutMs', this.semiSyncTimeoutMs, 'a finite number > 0')
    const root = new Random(opts.seed)
    this.net = new Network<ReplMessage>(this.sched, root.fork(), this.trace, { minLatency: 1, maxLatency: 2, loss: 0, duplicate: 0, reorder: 0, reorderDelay: 0 })
    for (let id = 0; id <= replicas; id++) {
      this.nodes.push({ id, role: id === 0 ? 'primary' : 'replica', alive: true, epoch: 1, log: [], pending: new Map() })
      this.net.add(id, (env) => this.receive(id, env))
      if (id > 0) this.match.set(id, 0)
    }
    this.net.add(CLIENT, (env) => this.clientReceive(env))
  }

  get now(): number {
    return this.sched.now
  }

  get primary(): number {
    return this._primary
  }

  /** Semi-sync is waiting for replica acks (false after the timeout fallback; always false in other modes). */
  get semiSyncActive(): boolean {
    return this.mode === 'semi-sync' && this.semiSyncOn
  }

  get size(): number {
    return this.nodes.length
  }

  advance(ms: number): void {
    this.sched.advance(ms)
  }

  /** Run events until `done()` holds or `limitMs` passes; returns whether it held. */
  runUntil(done: () => boolean, limitMs = 60_000): boolean {
    return this.sched.runWhile(done, limitMs)
  }

  /** The client sends a write to the node it believes is primary; returns the write id. */
  write(value: string | number): number {
    expectArg(typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)), 'value', value, 'a string or a finite number')
    const w: MutableWrite = { id: this.writeLog.length + 1, value, lsn: null, status: 'pending', invokedAt: this.now, ackedAt: null, primary: this._primary }
    this.writeLog.push(w)
    this.send(CLIENT, this._primary, { kind: 'write', write: w.id, value }, { write: w.id, value })
    return w.id
  }

  writes(): WriteRecord[] {
    return this.writeLog.map((w) => ({ ...w }))
  }

  log(id: number): readonly LogEntry[] {
    return [...this.node(id).log]
  }

  role(id: number): Role {
    return this.node(id).role
  }

  isAlive(id: number): boolean {
    return this.node(id).alive
  }

  /** How far a replica trails the primary: missing entries, and the age of the oldest one. */
  lag(id: number): { entries: number; ms: number } {
    const mine = this.node(id).log.length
    const source = this.node(this._primary).log
    const missing = source.length - mine
    if (missing <= 0) return { entries: 0, ms: 0 }
    return { entries: missing, ms: this.now - source[mine]!.committedAt }
  }

  /** Entries queued at the primary for a replica, not yet on the wire. */
  backlog(id: number): number {
    this.node(id)
    return this.outbox.get(id)?.length ?? 0
  }

  /** Change a replica's link lag from now on. */
  setLag(id: number, ms: number): void {
    expectInteger('replica id', id, 0, this.nodes.length - 1)
    expectNonNegative('lag ms', ms)
    this.lagMs[id] = ms
  }

  /** Client-observed write latency over acknowledged writes. */
  latency(): { count: number; mean: number; max: number } {
    const xs = this.writeLog.filter((w) => w.ackedAt !== null).map((w) => w.ackedAt! - w.invokedAt)
    if (xs.length === 0) return { count: 0, mean: 0, max: 0 }
    return { count: xs.length, mean: xs.reduce((a, b) => a + b, 0) / xs.length, max: Math.max(...xs) }
  }

  /** The highest lsn replica `id` has acknowledged to the current primary; null if it is not in the replica set. */
  acknowledged(id: number): number | null {
    this.node(id)
    return this.match.get(id) ?? null
  }

  /** Crash a node: it stops; messages already on the wire from it still arrive. */
  crash(id: number): void {
    const n = this.node(id)
    if (!n.alive) return
    n.alive = false
    this.net.setUp(id, false)
    if (id === this._primary) this.dropOutbox()
    this.trace.record({ at: this.now, type: 'fault', action: 'crash', nodes: [id] })
    this.trace.record({ at: this.now, type: 'state', node: id, field: 'alive', value: false })
  }

  /**
   * Bring a crashed node back with the log it had (it was durable on its disk). If it is still the
   * primary (no failover happened), it resumes streaming to each replica from the last lsn that
   * replica acknowledged. Otherwise it rejoins as a replica of the current primary: it keeps the
   * prefix of its log that agrees with the primary's and discards the rest (an old primary's
   * writes that never reached the new one), then catches up. Returns how many entries it discarded.
   */
  restart(id: number): { discarded: number } {
    const n = this.node(id)
    if (n.alive) return { discarded: 0 }
    n.alive = true
    n.pending.clear()
    this.net.setUp(id, true)
    this.trace.record({ at: this.now, type: 'fault', action: 'restart', nodes: [id] })
    this.trace.record({ at: this.now, type: 'state', node: id, field: 'alive', value: true })
    if (id === this._primary) {
      for (const [r, acked] of this.match) {
        if (!this.node(r).alive) continue
        this.clearOutbox(r)
        for (const entry of n.log.slice(acked)) this.ship(id, r, entry)
      }
      return { discarded: 0 }
    }
    const primary = this.node(this._primary)
    n.role = 'replica'
    n.epoch = this.epoch
    let common = 0
    while (common < n.log.length && common < primary.log.length && n.log[common]!.write === primary.log[common]!.write) common++
    const discarded = n.log.length - common
    if (discarded > 0) {
      n.log = n.log.slice(0, common)
      this.trace.record({ at: this.now, type: 'state', node: id, field: 'lsn', value: common, label: `node ${id} discards ${discarded} entries the primary never had` })
    }
    // It is (again) in the replica set: sync and semi-sync count its acks, and it is streamed to.
    this.match.set(id, common)
    this.clearOutbox(id)
    if (primary.alive) for (const entry of primary.log.slice(common)) this.ship(primary.id, id, entry)
    return { discarded }
  }

  /** Cut the network into groups (the client is a node too: name it as `client`). */
  partition(groups: readonly (readonly NodeId[])[]): void {
    this.net.partition(groups)
    this.trace.record({ at: this.now, type: 'fault', action: 'partition', nodes: this.net.ids(), groups: this.net.groups() ?? [] })
  }

  /** End the partition; the primary re-streams to each replica from the last lsn it acknowledged. */
  heal(): void {
    this.net.heal()
    this.trace.record({ at: this.now, type: 'fault', action: 'heal', nodes: this.net.ids() })
    const primary = this.node(this._primary)
    if (!primary.alive) return
    for (const [id, acked] of this.match) {
      if (!this.node(id).alive) continue
      this.clearOutbox(id)
      for (const entry of primary.log.slice(acked)) this.ship(primary.id, id, entry)
    }
  }

  /**
   * Promote the most up-to-date live replica (the longest log; lowest id on a tie). The other
   * replicas drop entries the new primary lacks and follow it; writes still waiting on the old
   * primary fail. Returns what was promoted and the acknowledged writes lost.
   */
  failover(): FailoverRecord {
    const old = this._primary
    const candidates = this.nodes.filter((n) => n.alive && n.id !== old)
    expectArg(candidates.length > 0, 'failover()', this.nodes.map((n) => ({ id: n.id, alive: n.alive })), 'a live replica to promote')
    const best = candidates.reduce((a, b) => (b.log.length > a.log.length ? b : a))
    const oldNode = this.node(old)
    oldNode.role = 'replica'
    this.epoch++
    best.role = 'primary'
    best.epoch = this.epoch
    this._primary = best.id
    this.trace.record({ at: this.now, type: 'state', node: best.id, field: 'role', value: 'primary', label: `node ${best.id} promoted (epoch ${this.epoch})` })
    this.dropOutbox()
    for (const { timer } of this.waiting.values()) this.sched.cancel(timer)
    this.waiting.clear()
    this.semiSyncOn = true
    for (const w of this.writeLog) if (w.status === 'pending') w.status = 'failed'
    // The new replica set is the live nodes: a dead old primary is not waited for.
    this.match.clear()
    for (const n of this.nodes) {
      if (n === best || !n.alive) continue
      this.match.set(n.id, 0)
      n.epoch = this.epoch
      n.pending.clear()
      // A replica may hold entries the new primary never received: they are discarded.
      if (n.log.length > best.log.length) n.log = n.log.slice(0, best.log.length)
      for (const entry of best.log.slice(n.log.length)) this.ship(best.id, n.id, entry)
    }
    const rec: FailoverRecord = { at: this.now, from: old, promoted: best.id, lostAcknowledged: this.lostAcknowledged() }
    this.failovers.push(rec)
    this.trace.record({ at: this.now, type: 'note', node: best.id, text: `failover: node ${best.id} replaces node ${old}`, data: rec })
    return rec
  }

  /** Acknowledged writes that the current primary does not hold (ground truth). */
  lostAcknowledged(): number[] {
    const held = new Set(this.node(this._primary).log.map((e) => e.write))
    return this.writeLog.filter((w) => (w.status === 'acked' || w.status === 'lost') && !held.has(w.id)).map((w) => w.id)
  }

  lastFailover(): FailoverRecord | null {
    return this.failovers.at(-1) ?? null
  }

  /** The client reads its writes back from the primary; missing acknowledged ones become `lost`. */
  verify(): void {
    this.send(CLIENT, this._primary, { kind: 'verify' })
  }

  // ---- message handling ----

  private send(from: NodeId, to: NodeId, body: ReplMessage, payload?: unknown): void {
    this.net.send(from, to, body.kind, body, payload)
  }

  /** Queue an entry in the outbound stream to `to`; it goes on the wire after that link's lag. */
  private ship(from: number, to: number, entry: LogEntry): void {
    const queue = this.outbox.get(to) ?? []
    this.outbox.set(to, queue)
    // Never overtake an entry queued earlier (the lag may have been lowered since).
    const at = Math.max(this.now + (this.lagMs[to] ?? 0), queue.at(-1)?.timer.at ?? 0)
    const timer = this.sched.at(at, () => {
      queue.shift()
      this.send(from, to, { kind: 'replicate', epoch: this.epoch, entry }, { lsn: entry.lsn, value: entry.value })
    })
    queue.push({ entry, timer })
  }

  private clearOutbox(to: number): void {
    for (const { timer } of this.outbox.get(to) ?? []) this.sched.cancel(timer)
    this.outbox.delete(to)
  }

  /** The primary stopped (crash or demotion): nothing queued in it will ever be sent. */
  private dropOutbox(): void {
    const queued = [...this.outbox.values()].reduce((a, q) => a + q.length, 0)
    for (const id of [...this.outbox.keys()]) this.clearOutbox(id)
    if (queued > 0) this.trace.record({ at: this.now, type: 'note', node: this._primary, text: `${queued} queued replication messages never left node ${this._primary}`, data: { queued } })
  }

  private receive(id: number, env: Envelope<ReplMessage>): void {
    const n = this.node(id)
    const m = env.body
    switch (m.kind) {
      case 'write':
        if (n.role === 'primary') this.sched.after(this.localCommitMs, () => this.commitLocally(n, m.write, m.value))
        break
      case 'replicate':
        if (n.role === 'replica' && m.epoch === n.epoch) this.applyReplicated(n, m.entry, env.from)
        break
      case 'ack':
        if (n.role === 'primary' && m.epoch === this.epoch) this.onAck(Number(env.from), m.lsn)
        break
      case 'verify':
        if (n.role === 'primary') this.send(id, CLIENT, { kind: 'log', writes: n.log.map((e) => e.write) })
        break
    }
  }

  private commitLocally(n: DbNode, writeId: number, value: string | number): void {
    if (!n.alive || n.role !== 'primary') return
    const entry: LogEntry = { lsn: n.log.length + 1, write: writeId, value, committedAt: this.now }
    n.log.push(entry)
    const w = this.writeLog[writeId - 1]!
    w.lsn = entry.lsn
    this.trace.record({ at: this.now, type: 'state', node: n.id, field: 'lsn', value: entry.lsn })
    for (const id of this.match.keys()) this.ship(n.id, id, entry)
    if (this.mode === 'async' || (this.mode === 'semi-sync' && !this.semiSyncOn)) {
      this.acknowledge(n, w, entry.lsn)
      return
    }
    const timer = this.mode === 'semi-sync' ? this.sched.after(this.semiSyncTimeoutMs, () => this.fallBack()) : null
    this.waiting.set(w.id, { write: w, lsn: entry.lsn, timer })
  }

  private applyReplicated(n: DbNode, entry: LogEntry, from: NodeId): void {
    if (entry.lsn > n.log.length) n.pending.set(entry.lsn, entry)
    let next = n.pending.get(n.log.length + 1)
    let applied = false
    while (next) {
      n.pending.delete(next.lsn)
      n.log.push(next)
      applied = true
      next = n.pending.get(n.log.length + 1)
    }
    if (applied) this.trace.record({ at: this.now, type: 'state', node: n.id, field: 'lsn', value: n.log.length })
    // Cumulative ack, also for duplicates: the primary may have missed the previous one.
    this.send(n.id, from, { kind: 'ack', epoch: n.epoch, lsn: n.log.length }, { lsn: n.log.length })
  }

  private onAck(replica: number, lsn: number): void {
    this.match.set(replica, Math.max(this.match.get(replica) ?? 0, lsn))
    const primary = this.node(this._primary)
    if (this.mode === 'semi-sync' && !this.semiSyncOn && lsn >= primary.log.length) {
      this.semiSyncOn = true
      this.trace.record({ at: this.now, type: 'state', node: primary.id, field: 'semiSync', value: 'on', label: `replica ${replica} caught up: semi-sync back on` })
    }
    const need = this.mode === 'sync' ? this.match.size : this.semiSyncAcks
    for (const [id, wait] of [...this.waiting]) {
      const acks = [...this.match.values()].filter((m) => m >= wait.lsn).length
      if (acks >= need) {
        this.sched.cancel(wait.timer)
        this.waiting.delete(id)
        this.acknowledge(primary, wait.write, wait.lsn)
      }
    }
  }

  /** Semi-sync timeout: stop waiting, acknowledge everything queued, run as async until a replica catches up. */
  private fallBack(): void {
    if (!this.semiSyncOn) return
    const primary = this.node(this._primary)
    if (!primary.alive) return
    this.semiSyncOn = false
    this.trace.record({ at: this.now, type: 'state', node: primary.id, field: 'semiSync', value: 'off', label: `no replica ack in ${this.semiSyncTimeoutMs} ms: falling back to async` })
    for (const [id, wait] of [...this.waiting]) {
      this.sched.cancel(wait.timer)
      this.waiting.delete(id)
      this.acknowledge(primary, wait.write, wait.lsn)
    }
  }

  private acknowledge(primary: DbNode, w: MutableWrite, lsn: number): void {
    this.send(primary.id, CLIENT, { kind: 'write-ok', write: w.id, lsn }, { write: w.id, lsn })
  }

  private clientReceive(env: Envelope<ReplMessage>): void {
    const m = env.body
    if (m.kind === 'write-ok') {
      const w = this.writeLog[m.write - 1]!
      if (w.status !== 'pending') return
      w.status = 'acked'
      w.ackedAt = this.now
      this.trace.record({ at: this.now, type: 'state', node: CLIENT, field: `write.${w.id}`, value: 'acked', label: `write ${w.id} acknowledged after ${Math.round(this.now - w.invokedAt)} ms` })
    } else if (m.kind === 'log') {
      const held = new Set(m.writes)
      const lost = this.writeLog.filter((w) => w.status === 'acked' && !held.has(w.id))
      for (const w of lost) w.status = 'lost'
      this.trace.record({ at: this.now, type: 'note', node: CLIENT, text: `client finds ${lost.length} acknowledged writes missing`, data: { lost: lost.map((w) => w.id) } })
    }
  }

  private node(id: number): DbNode {
    expectInteger('node id', id, 0, this.nodes.length - 1)
    return this.nodes[id]!
  }
}

export function createReplicationCluster(opts: ReplicationOptions): ReplicationCluster {
  return new ReplicationCluster(opts)
}
