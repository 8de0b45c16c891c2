import { Scheduler, type TimerHandle } from '../scheduler.ts'
import { Random } from '../random.ts'
import { Network, type Envelope } from '../network.ts'
import { Trace, type NodeId } from '../trace.ts'
import { expectArg, expectInteger, expectNonNegative } from '../errors.ts'
import { FencedStorage, type StorageWrite } from './storage.ts'
import {
  applyCrdt, crdtValue, emptyCrdt, mergeCrdt, mergeVersions, nextVersion,
  type CrdtOp, type KeyState, type Resolution, type Version,
} from './registers.ts'

/**
 * A cluster split into two sub-clusters (sides) by a network partition. A primary sends
 * heartbeats; a node that misses them for an election timeout (150–300 ms, randomised) runs an
 * election for the next epoch. Packets that try to cross the partition are dropped by the
 * network (trace `drop`, reason `partition`).
 *
 * Protection, each switchable:
 * - `quorum: false` (default): a candidate wins with a majority of the nodes that *answered*, so
 *   each side elects its own primary: **split-brain**, both accept conflicting writes.
 *   `quorum: true`: a candidate needs a majority of the whole cluster; the minority side cannot
 *   elect. (An old primary cut off on the minority side does not notice: it has no lease. That is
 *   what fencing is for.)
 * - `fencing: true`: with `data: 'shared-disk'`, writes go to a shared disk that rejects a
 *   token (the writer's epoch) older than the newest it has seen (see storage.ts). The disk is
 *   dual-ported like a SAN: port `disk-a` on side 0's network, `disk-b` on side 1's, so each side
 *   still reaches it during the partition, which is exactly when a stale primary is dangerous.
 * - `stonith(target)`: "shoot the other node in the head", forcibly powering a node off through an
 *   out-of-band channel (a power switch), so it works across the partition.
 *
 * With `data: 'replicated'` (default) each node keeps its own copy and the primary pushes writes
 * to every other node; on heal every node sends its whole store to every other (anti-entropy) and
 * the `resolution` strategy merges the sides (see registers.ts): last-writer-wins, vector-clock
 * siblings, or CRDTs.
 */
export interface PartitionOptions {
  seed: number
  /** Sizes of the two sub-clusters: nodes 0..a-1 form side 0, the next b form side 1 (default [3, 2]). */
  sides?: readonly [number, number]
  /** The first primary (default 0). */
  primary?: number
  quorum?: boolean
  fencing?: boolean
  data?: 'replicated' | 'shared-disk'
  resolution?: Resolution
  /** Each node's wall clock is off by up to ± this many ms (default 20): what LWW trusts. */
  clockSkewMs?: number
}

export type NodeRole = 'primary' | 'follower' | 'candidate' | 'stopped'

export interface WriteRecord {
  readonly id: number
  readonly node: number
  readonly key: string
  /** The value written, or a CRDT op like `+3` / `add pen`. */
  readonly value: string
  readonly at: number
  readonly epoch: number
  /** ok: taken; pending: on its way to the disk; refused: not a live primary; rejected: fenced off. */
  readonly status: 'ok' | 'pending' | 'refused' | 'rejected'
  readonly reason: string | null
}

/** A write that last-writer-wins threw away, and the one it kept. */
export interface Discard {
  readonly key: string
  readonly lost: { readonly write: number; readonly value: string; readonly node: number; readonly at: number }
  readonly kept: { readonly write: number; readonly value: string; readonly node: number; readonly at: number }
}

type Msg =
  | { readonly kind: 'heartbeat'; readonly epoch: number }
  | { readonly kind: 'stale'; readonly epoch: number }
  | { readonly kind: 'vote-request'; readonly epoch: number }
  | { readonly kind: 'vote'; readonly epoch: number; readonly granted: boolean }
  | { readonly kind: 'replicate'; readonly key: string; readonly state: KeyState }
  | { readonly kind: 'sync'; readonly entries: readonly (readonly [string, KeyState])[] }
  | { readonly kind: 'disk-write'; readonly write: number; readonly key: string; readonly value: string; readonly token: number }
  | { readonly kind: 'disk-reply'; readonly write: number; readonly accepted: boolean; readonly highest: number }
  | { readonly kind: 'fence'; readonly token: number }

interface PNode {
  readonly id: number
  readonly side: number
  readonly skew: number
  role: NodeRole
  epoch: number
  votedEpoch: number
  primary: number | null
  votes: Set<number>
  answers: Set<number>
  electionTimer: TimerHandle | null
  heartbeatTimer: TimerHandle | null
  store: Map<string, KeyState>
}

type MutableWrite = { -readonly [K in keyof WriteRecord]: WriteRecord[K] }

export const HEARTBEAT_MS = 50
export const ELECTION_TIMEOUT_MS: readonly [number, number] = [150, 300]
export const VOTE_WINDOW_MS = 20
export const DISK_PORTS = ['disk-a', 'disk-b'] as const

export class PartitionCluster {
  readonly sched = new Scheduler()
  readonly trace = new Trace()
  readonly net: Network<Msg>
  readonly quorum: boolean
  readonly fencing: boolean
  readonly data: 'replicated' | 'shared-disk'
  readonly resolution: Resolution
  readonly storage: FencedStorage | null
  readonly sides: readonly (readonly number[])[]
  private readonly nodes: PNode[] = []
  private readonly writeLog: MutableWrite[] = []
  private readonly discards = new Map<number, Discard>()
  private readonly timing: Random

  constructor(opts: PartitionOptions) {
    expectArg(Number.isFinite(opts.seed), 'seed', opts.seed, 'a finite number')
    const [a, b] = opts.sides ?? [3, 2]
    expectInteger('sides[0]', a, 1, 6)
    expectInteger('sides[1]', b, 1, 6)
    const size = a + b
    const primary = opts.primary ?? 0
    expectInteger('primary', primary, 0, size - 1)
    this.data = opts.data ?? 'replicated'
    expectArg(this.data === 'replicated' || this.data === 'shared-disk', 'data', this.data, '"replicated" or "shared-disk"')
    this.resolution = opts.resolution ?? 'lww'
    expectArg(['lww', 'vector-clock', 'crdt'].includes(this.resolution), 'resolution', this.resolution, '"lww", "vector-clock" or "crdt"')
    const skew = opts.clockSkewMs ?? 20
    expectNonNegative('clockSkewMs', skew)
    this.quorum = opts.quorum ?? false
    this.fencing = opts.fencing ?? false
    this.storage = this.data === 'shared-disk' ? new FencedStorage(this.fencing) : null
    this.sides = [Array.from({ length: a }, (_, i) => i), Array.from({ length: b }, (_, i) => a + i)]

    const root = new Random(opts.seed)
    this.net = new Network<Msg>(this.sched, root.fork(), this.trace)
    this.timing = root.fork()
    const skews = root.fork()
    for (let id = 0; id < size; id++) {
      this.nodes.push({
        id, side: id < a ? 0 : 1, skew: Math.round(skews.range(-skew, skew)), role: id === primary ? 'primary' : 'follower',
        epoch: 1, votedEpoch: 1, primary, votes: new Set(), answers: new Set(), electionTimer: null, heartbeatTimer: null, store: new Map(),
      })
      this.net.add(id, (env) => this.receive(id, env))
    }
    if (this.storage) for (const port of DISK_PORTS) this.net.add(port, (env) => this.diskReceive(port, env))
    for (const n of this.nodes) {
      if (n.role === 'primary') this.heartbeat(n)
      else this.armElection(n)
    }
  }

  get now(): number {
    return this.sched.now
  }

  get size(): number {
    return this.nodes.length
  }

  advance(ms: number): void {
    this.sched.advance(ms)
  }

  runUntil(done: () => boolean, limitMs = 5_000): boolean {
    return this.sched.runWhile(done, limitMs)
  }

  // ---- faults ----

  /**
   * Cut the network. Without groups, the two sub-clusters. In shared-disk mode each disk port
   * stays with the group holding its side's first node.
   */
  partition(groups: readonly (readonly number[])[] = this.sides): void {
    groups.flat().forEach((id) => expectInteger('partition node', id, 0, this.size - 1))
    const withPorts: NodeId[][] = groups.map((g) => [...g])
    if (this.storage) {
      DISK_PORTS.forEach((port, side) => {
        const group = withPorts.find((g) => g.includes(this.sides[side]![0]!))
        if (group) group.push(port)
      })
    }
    this.net.partition(withPorts)
    this.trace.record({ at: this.now, type: 'fault', action: 'partition', nodes: this.nodes.map((n) => n.id), groups: this.net.groups() ?? [] })
  }

  /** End the partition. Replicated data: every live node sends its store to every other. */
  heal(): void {
    this.net.heal()
    this.trace.record({ at: this.now, type: 'fault', action: 'heal', nodes: this.nodes.map((n) => n.id) })
    if (this.data !== 'replicated') return
    for (const n of this.nodes) {
      if (n.role === 'stopped' || n.store.size === 0) continue
      const entries = [...n.store.entries()]
      for (const peer of this.nodes) if (peer !== n) this.net.send(n.id, peer.id, 'sync', { kind: 'sync', entries })
    }
  }

  get partitioned(): boolean {
    return this.net.partitioned
  }

  /** STONITH: power `target` off out of band. It stops at once, wherever it is. */
  stonith(target: number, by: number | null = null): void {
    const n = this.node(target)
    if (n.role === 'stopped') return
    this.sched.cancel(n.electionTimer)
    this.sched.cancel(n.heartbeatTimer)
    n.role = 'stopped'
    this.net.setUp(target, false)
    this.trace.record({ at: this.now, type: 'fault', action: 'crash', nodes: [target] })
    this.trace.record({ at: this.now, type: 'state', node: target, field: 'role', value: 'stopped', label: `STONITH${by === null ? '' : ` by node ${by}`}: node ${target} powered off` })
  }

  /**
   * Power a stopped node back on (what-if): it comes back as a follower with the epoch and data
   * it had, and waits for a primary's heartbeat or runs an election like any follower.
   */
  restart(target: number): void {
    const n = this.node(target)
    if (n.role !== 'stopped') return
    n.role = 'follower'
    n.primary = null
    this.net.setUp(target, true)
    this.trace.record({ at: this.now, type: 'fault', action: 'restart', nodes: [target] })
    this.trace.record({ at: this.now, type: 'state', node: target, field: 'role', value: 'follower', label: `node ${target} powered back on` })
    this.armElection(n)
  }

  // ---- client operations ----

  /** A client beside `node` writes a value (lww and vector-clock resolution). */
  write(node: number, key: string, value: string): number {
    expectArg(this.resolution !== 'crdt' || this.data === 'shared-disk', 'write()', this.resolution, 'a register resolution (lww or vector-clock); use update() for CRDTs')
    expectArg(typeof value === 'string', 'value', value, 'a string')
    return this.submit(node, key, value, (n, w) => {
      if (this.storage) {
        w.status = 'pending'
        this.net.send(n.id, DISK_PORTS[n.side]!, 'disk-write', { kind: 'disk-write', write: w.id, key, value, token: n.epoch }, { key, value, token: n.epoch })
        return
      }
      // The new version's clock has seen every version here, so it replaces them all (siblings
      // included: a client writing after reading siblings resolves them, as in Dynamo).
      const version = nextVersion(this.versionsAt(n, key), w.id, value, n.id, this.wallClock(n))
      this.store(n, key, { kind: 'versions', versions: [version] })
      this.push(n, key)
    })
  }

  /** A client beside `node` updates a CRDT (crdt resolution): `{ type: 'pn-counter', delta }` or `{ type: 'or-set', add | remove }`. */
  update(node: number, key: string, op: CrdtOp): number {
    expectArg(this.resolution === 'crdt' && this.data === 'replicated', 'update()', this.resolution, 'resolution "crdt" with replicated data')
    const ok = (op.type === 'pn-counter' && Number.isInteger(op.delta)) || (op.type === 'or-set' && ('add' in op ? typeof op.add === 'string' : typeof op.remove === 'string'))
    expectArg(ok, 'CRDT op', op, "{ type: 'pn-counter', delta: integer } or { type: 'or-set', add | remove: string }")
    const held = this.stateOf(node, key)
    const heldType = held?.kind === 'crdt' ? held.crdt.type : op.type
    expectArg(heldType === op.type, 'CRDT op type', op.type, `${heldType} (the type ${key} already has)`)
    const label = op.type === 'pn-counter' ? `${op.delta >= 0 ? '+' : ''}${op.delta}` : 'add' in op ? `add ${op.add}` : `remove ${op.remove}`
    return this.submit(node, key, label, (n) => {
      const current = n.store.get(key)
      const existing = current?.kind === 'crdt' ? current.crdt : emptyCrdt(op.type)
      this.store(n, key, { kind: 'crdt', crdt: applyCrdt(existing, `n${n.id}`, op) })
      this.push(n, key)
    })
  }

  // ---- views ----

  writes(): WriteRecord[] {
    return this.writeLog.map((w) => ({ ...w }))
  }

  role(id: number): NodeRole {
    return this.node(id).role
  }

  epoch(id: number): number {
    return this.node(id).epoch
  }

  side(id: number): number {
    return this.node(id).side
  }

  /** Who node `id` believes is primary. */
  believes(id: number): number | null {
    return this.node(id).primary
  }

  /** Live nodes that believe they are primary: more than one is split-brain. */
  primaries(): number[] {
    return this.nodes.filter((n) => n.role === 'primary').map((n) => n.id)
  }

  keys(): string[] {
    const all = new Set<string>()
    for (const n of this.nodes) for (const k of n.store.keys()) all.add(k)
    return [...all].sort()
  }

  /** Node `id`'s raw state for a key (versions or a CRDT). */
  stateOf(id: number, key: string): KeyState | null {
    return this.node(id).store.get(key) ?? null
  }

  /** What a read at node `id` returns: the value(s) (siblings under vector clocks), a CRDT's value, or null. */
  read(id: number, key: string): string[] | number | null {
    const s = this.node(id).store.get(key)
    if (!s) return null
    return s.kind === 'crdt' ? crdtValue(s.crdt) : s.versions.map((v) => v.value)
  }

  /** Keys whose replicas disagree (among live nodes), or that hold siblings. */
  conflicts(): string[] {
    const live = this.nodes.filter((n) => n.role !== 'stopped')
    return this.keys().filter((k) => {
      const views = new Set(live.map((n) => JSON.stringify(this.read(n.id, k))))
      const siblings = live.some((n) => { const v = this.read(n.id, k); return Array.isArray(v) && this.resolution !== 'crdt' && v.length > 1 })
      return views.size > 1 || siblings
    })
  }

  discarded(): Discard[] {
    return [...this.discards.values()]
  }

  // ---- internals: writes and replication ----

  private submit(node: number, key: string, value: string, run: (n: PNode, w: MutableWrite) => void): number {
    const n = this.node(node)
    expectArg(typeof key === 'string' && key.length > 0, 'key', key, 'a non-empty string')
    const w: MutableWrite = { id: this.writeLog.length + 1, node, key, value, at: this.now, epoch: n.epoch, status: 'ok', reason: null }
    this.writeLog.push(w)
    if (n.role !== 'primary') {
      w.status = 'refused'
      w.reason = n.role === 'stopped' ? `node ${node} is powered off` : `node ${node} is not a primary${n.primary === null ? '' : ` (it follows node ${n.primary})`}`
    } else {
      run(n, w)
    }
    this.trace.record({ at: this.now, type: 'note', node, text: `write ${key} = ${value}: ${w.status}`, data: { write: w.id, key, value, status: w.status, epoch: n.epoch } })
    return w.id
  }

  private push(n: PNode, key: string): void {
    const state = n.store.get(key)!
    for (const peer of this.nodes) if (peer !== n) this.net.send(n.id, peer.id, 'replicate', { kind: 'replicate', key, state })
  }

  private versionsAt(n: PNode, key: string): readonly Version[] {
    const s = n.store.get(key)
    return s?.kind === 'versions' ? s.versions : []
  }

  /** Fold a remote state for `key` into node n's copy, by the resolution strategy. */
  private mergeInto(n: PNode, key: string, incoming: KeyState): void {
    const local = n.store.get(key)
    if (!local) return this.store(n, key, incoming)
    if (local.kind === 'crdt' && incoming.kind === 'crdt') return this.store(n, key, { kind: 'crdt', crdt: mergeCrdt(local.crdt, incoming.crdt) })
    if (local.kind !== 'versions' || incoming.kind !== 'versions') return
    const mode = this.resolution === 'vector-clock' ? 'vector-clock' : 'lww'
    const { versions, discarded } = mergeVersions(mode, local.versions, incoming.versions)
    for (const lost of discarded) {
      if (this.discards.has(lost.write)) continue
      const kept = versions[0]!
      const view = (v: Version) => ({ write: v.write, value: v.value, node: v.node, at: v.at })
      const d: Discard = { key, lost: view(lost), kept: view(kept) }
      this.discards.set(lost.write, d)
      this.trace.record({ at: this.now, type: 'note', node: n.id, text: `LWW keeps ${key} = ${kept.value}, discards ${lost.value}`, data: d })
    }
    this.store(n, key, { kind: 'versions', versions })
  }

  private store(n: PNode, key: string, state: KeyState): void {
    const before = JSON.stringify(this.read(n.id, key))
    n.store.set(key, state)
    const after = this.read(n.id, key)
    if (JSON.stringify(after) !== before) this.trace.record({ at: this.now, type: 'state', node: n.id, field: `data.${key}`, value: after })
  }

  private wallClock(n: PNode): number {
    return Math.round(this.now) + n.skew
  }

  // ---- internals: heartbeats and elections ----

  private heartbeat(n: PNode): void {
    if (n.role !== 'primary') return
    for (const peer of this.nodes) if (peer !== n) this.net.send(n.id, peer.id, 'heartbeat', { kind: 'heartbeat', epoch: n.epoch })
    n.heartbeatTimer = this.sched.after(HEARTBEAT_MS, () => this.heartbeat(n))
  }

  private armElection(n: PNode): void {
    this.sched.cancel(n.electionTimer)
    if (n.role === 'stopped') return
    const [lo, hi] = ELECTION_TIMEOUT_MS
    n.electionTimer = this.sched.after(this.timing.range(lo, hi), () => this.startElection(n))
  }

  private startElection(n: PNode): void {
    if (n.role !== 'follower') return
    n.role = 'candidate'
    n.epoch++
    n.votedEpoch = n.epoch
    n.primary = null
    n.votes = new Set([n.id])
    n.answers = new Set([n.id])
    this.trace.record({ at: this.now, type: 'state', node: n.id, field: 'role', value: 'candidate', label: `node ${n.id} misses the primary and stands for epoch ${n.epoch}` })
    for (const peer of this.nodes) if (peer !== n) this.net.send(n.id, peer.id, 'vote-request', { kind: 'vote-request', epoch: n.epoch })
    const epoch = n.epoch
    this.sched.after(VOTE_WINDOW_MS, () => this.countVotes(n, epoch))
  }

  private countVotes(n: PNode, epoch: number): void {
    if (n.role !== 'candidate' || n.epoch !== epoch) return
    // With quorum, a majority of the whole cluster; without, of whoever answered (the unsafe rule).
    const won = this.quorum ? n.votes.size > this.size / 2 : n.votes.size > n.answers.size / 2
    if (!won) {
      n.role = 'follower'
      this.trace.record({ at: this.now, type: 'state', node: n.id, field: 'role', value: 'follower', label: `node ${n.id} lost the vote for epoch ${epoch} (${n.votes.size} of ${this.size})` })
      this.armElection(n)
      return
    }
    n.role = 'primary'
    n.primary = n.id
    this.sched.cancel(n.electionTimer)
    this.trace.record({ at: this.now, type: 'state', node: n.id, field: 'role', value: 'primary', label: `node ${n.id} becomes primary for epoch ${epoch} with ${n.votes.size} votes` })
    if (this.storage) this.net.send(n.id, DISK_PORTS[n.side]!, 'fence', { kind: 'fence', token: epoch }, { token: epoch })
    this.heartbeat(n)
  }

  private stepDown(n: PNode, epoch: number, primary: number | null, why: string): void {
    const was = n.role
    n.epoch = epoch
    n.primary = primary
    if (was === 'primary' || was === 'candidate') {
      n.role = 'follower'
      this.sched.cancel(n.heartbeatTimer)
      this.trace.record({ at: this.now, type: 'state', node: n.id, field: 'role', value: 'follower', label: `node ${n.id} steps down: ${why}` })
    }
    this.armElection(n)
  }

  private receive(id: number, env: Envelope<Msg>): void {
    const n = this.node(id)
    if (n.role === 'stopped') return
    const from = Number(env.from)
    const m = env.body
    switch (m.kind) {
      case 'heartbeat':
        if (m.epoch < n.epoch) this.net.send(id, from, 'stale', { kind: 'stale', epoch: n.epoch })
        else if (m.epoch > n.epoch || n.role !== 'primary' || from < id) this.stepDown(n, m.epoch, from, `node ${from} leads epoch ${m.epoch}`)
        break
      case 'stale':
        if (m.epoch > n.epoch) this.stepDown(n, m.epoch, null, `epoch ${m.epoch} exists`)
        break
      case 'vote-request': {
        if (m.epoch > n.epoch) this.stepDown(n, m.epoch, null, `node ${from} stands for epoch ${m.epoch}`)
        const granted = m.epoch >= n.epoch && n.votedEpoch < m.epoch
        if (granted) {
          n.votedEpoch = m.epoch
          this.armElection(n)
        }
        this.net.send(id, from, 'vote', { kind: 'vote', epoch: Math.max(m.epoch, n.epoch), granted })
        break
      }
      case 'vote':
        if (n.role === 'candidate' && m.epoch === n.epoch) {
          n.answers.add(from)
          if (m.granted) n.votes.add(from)
        } else if (m.epoch > n.epoch) {
          this.stepDown(n, m.epoch, null, `epoch ${m.epoch} exists`)
        }
        break
      case 'replicate':
        this.mergeInto(n, m.key, m.state)
        break
      case 'sync':
        for (const [key, state] of m.entries) this.mergeInto(n, key, state)
        break
      case 'disk-reply': {
        const w = this.writeLog[m.write - 1]!
        w.status = m.accepted ? 'ok' : 'rejected'
        w.reason = m.accepted ? null : `stale fencing token ${w.epoch}: the disk has seen ${m.highest}`
        if (!m.accepted && m.highest > n.epoch) this.stepDown(n, m.highest, null, `the disk has seen epoch ${m.highest}`)
        break
      }
      default:
        break
    }
  }

  private diskReceive(port: NodeId, env: Envelope<Msg>): void {
    const storage = this.storage!
    const m = env.body
    if (m.kind === 'fence') {
      storage.fence(m.token)
      this.trace.record({ at: this.now, type: 'state', node: 'disk', field: 'token', value: storage.highest, label: `disk now refuses tokens below ${storage.highest}` })
    } else if (m.kind === 'disk-write') {
      const rec: StorageWrite = storage.write({ write: m.write, key: m.key, value: m.value, token: m.token, by: Number(env.from), at: this.now })
      this.trace.record({
        at: this.now, type: 'state', node: 'disk', field: rec.accepted ? `data.${m.key}` : 'rejected',
        value: rec.accepted ? m.value : { write: m.write, token: m.token, highest: rec.highest },
        label: rec.accepted ? `disk stores ${m.key} = ${m.value} (token ${m.token})` : `disk rejects token ${m.token} from node ${String(env.from)} (has seen ${rec.highest})`,
      })
      this.net.send(port, env.from, 'disk-reply', { kind: 'disk-reply', write: m.write, accepted: rec.accepted, highest: storage.highest })
    }
  }

  private node(id: number): PNode {
    expectInteger('node id', id, 0, this.nodes.length - 1)
    return this.nodes[id]!
  }
}

export function createPartitionCluster(opts: PartitionOptions): PartitionCluster {
  return new PartitionCluster(opts)
}
