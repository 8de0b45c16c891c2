import { Scheduler, type TimerHandle } from '../scheduler.ts'
import { Random } from '../random.ts'
import { Network, type Envelope } from '../network.ts'
import { Trace } from '../trace.ts'
import { expectArg, expectInteger, expectNonNegative } from '../errors.ts'
import { HlcClock, compareHlc, formatHlc, type Hlc } from './hlc.ts'
import type { RegisterOp, RegisterValue } from './linearizability.ts'

/**
 * A key-value store replicated on a few nodes (3 by default), in one of two modes:
 *
 * - **CP**: every read and write needs a majority quorum (the ABD register protocol: a query
 *   round to learn the newest version, then a store round to a majority). A node that cannot
 *   reach a majority answers with an explicit `no quorum` error after `timeoutMs`; the majority
 *   side keeps serving, and the history stays linearizable.
 * - **AP**: every node answers on its own, at once: a write is stored locally and pushed to the
 *   peers in the background; a read returns the local copy. Under a partition the sides diverge.
 *   On heal every node sends its whole store to its peers (anti-entropy) and each key converges
 *   to the version with the highest hybrid logical timestamp: **last-writer-wins by HLC**, node
 *   id breaking ties. The losing concurrent write is overwritten (the model reports it).
 *
 * Both modes stamp versions with HLC timestamps, so the mode can be switched at run time (the
 * `cap` scenario shows CP and then AP on the same cluster). Clients sit beside their node: a
 * request is invoked at a node and its reply is a trace `state` event (field `reply`); only
 * replica-to-replica traffic crosses the network.
 */
export type CapMode = 'CP' | 'AP'
export type CapValue = RegisterValue

export interface CapOptions {
  mode: CapMode
  seed: number
  /** Replicas, an odd number in 3..7 (default 3). */
  nodes?: number
  /** How long a CP coordinator waits for a quorum before refusing (default 100 ms). */
  timeoutMs?: number
  /** Each node's physical clock is off by up to ± this many ms (default 5), seeded. */
  clockSkewMs?: number
}

export interface Version {
  readonly value: CapValue
  readonly ts: Hlc
}

export type CapRequestStatus = 'pending' | 'ok' | 'refused'

export interface CapRequest {
  readonly id: number
  readonly node: number
  readonly op: 'read' | 'write'
  readonly key: string
  /** The value written, or the value a successful read returned (null before it returns). */
  readonly value: CapValue
  readonly status: CapRequestStatus
  readonly error: string | null
  /** A refused write that had already reached some replica: it may still surface later. */
  readonly maybeApplied: boolean
  readonly invokedAt: number
  readonly completedAt: number | null
  /** Global event sequence numbers: a total real-time order for the linearizability checker. */
  readonly invokedSeq: number
  readonly completedSeq: number | null
}

/** What LWW chose when a partition healed: the surviving version and the ones it overwrote. */
export interface Reconciliation {
  readonly at: number
  readonly key: string
  readonly kept: { readonly value: CapValue; readonly ts: string }
  readonly overwritten: readonly { readonly value: CapValue; readonly ts: string }[]
}

type CapMessage =
  | { readonly kind: 'query'; readonly op: number; readonly key: string }
  | { readonly kind: 'query-ok'; readonly op: number; readonly version: Version | null }
  | { readonly kind: 'store'; readonly op: number; readonly key: string; readonly version: Version }
  | { readonly kind: 'store-ok'; readonly op: number }
  | { readonly kind: 'replicate'; readonly key: string; readonly version: Version }
  | { readonly kind: 'sync'; readonly entries: readonly (readonly [string, Version])[] }

type MutableRequest = { -readonly [K in keyof CapRequest]: CapRequest[K] }

/** One CP operation in progress at its coordinator. */
interface Round {
  readonly req: MutableRequest
  phase: 'query' | 'store'
  acks: Set<number>
  best: Version | null
  /** Every query reply so far carried the same version: a read can skip its write-back. */
  unanimous: boolean
  timer: TimerHandle
}

interface Replica {
  readonly id: number
  readonly clock: HlcClock
  readonly store: Map<string, Version>
}

export class CapStore {
  readonly sched = new Scheduler()
  readonly trace = new Trace()
  readonly net: Network<CapMessage>
  readonly size: number
  readonly timeoutMs: number
  private _mode: CapMode
  private readonly replicas: Replica[] = []
  private readonly reqs: MutableRequest[] = []
  private readonly rounds = new Map<number, Round>()
  private readonly reconciliations: Reconciliation[] = []
  private seq = 0

  constructor(opts: CapOptions) {
    expectArg(opts.mode === 'CP' || opts.mode === 'AP', 'mode', opts.mode, '"CP" or "AP"')
    expectArg(Number.isFinite(opts.seed), 'seed', opts.seed, 'a finite number')
    const size = opts.nodes ?? 3
    expectArg(Number.isInteger(size) && size >= 3 && size <= 7 && size % 2 === 1, 'nodes', size, 'an odd integer in 3..7')
    const timeoutMs = opts.timeoutMs ?? 100
    expectArg(Number.isFinite(timeoutMs) && timeoutMs > 0, 'timeoutMs', timeoutMs, 'a finite number > 0')
    const skew = opts.clockSkewMs ?? 5
    expectNonNegative('clockSkewMs', skew)
    this._mode = opts.mode
    this.size = size
    this.timeoutMs = timeoutMs
    // One stream per purpose, so adding a clock does not shift the network's latencies.
    const root = new Random(opts.seed)
    const netRng = root.fork()
    const skewRng = root.fork()
    this.net = new Network<CapMessage>(this.sched, netRng, this.trace)
    for (let id = 0; id < size; id++) {
      const offset = Math.round(skewRng.range(-skew, skew))
      const clock = new HlcClock(id, () => Math.floor(this.sched.now) + offset)
      this.replicas.push({ id, clock, store: new Map() })
      this.net.add(id, (env) => this.receive(id, env))
    }
  }

  get mode(): CapMode {
    return this._mode
  }

  get now(): number {
    return this.sched.now
  }

  /** Switch mode; requests already in progress finish under the mode they started in. */
  setMode(mode: CapMode): void {
    expectArg(mode === 'CP' || mode === 'AP', 'mode', mode, '"CP" or "AP"')
    if (mode === this._mode) return
    this._mode = mode
    this.trace.record({ at: this.now, type: 'state', node: 'cluster', field: 'mode', value: mode })
  }

  advance(ms: number): void {
    this.sched.advance(ms)
  }

  /** Run until every request has been answered (or `limitMs` passes); returns whether they all were. */
  settle(limitMs = 10 * this.timeoutMs): boolean {
    return this.sched.runWhile(() => this.reqs.every((r) => r.status !== 'pending'), limitMs)
  }

  /** Nodes in different groups cannot talk (a node left out is alone). */
  partition(groups: readonly (readonly number[])[]): void {
    this.net.partition(groups)
    this.trace.record({ at: this.now, type: 'fault', action: 'partition', nodes: this.replicas.map((r) => r.id), groups: this.net.groups() ?? [] })
  }

  /** End the partition; every node then pushes its whole store to its peers (anti-entropy). */
  heal(): void {
    this.net.heal()
    this.trace.record({ at: this.now, type: 'fault', action: 'heal', nodes: this.replicas.map((r) => r.id) })
    this.noteReconciliations()
    for (const r of this.replicas) {
      const entries = [...r.store.entries()]
      if (entries.length === 0) continue
      for (const peer of this.replicas) if (peer !== r) this.net.send(r.id, peer.id, 'sync', { kind: 'sync', entries })
    }
  }

  /** Partition groups in force, or null. */
  groups(): number[][] | null {
    return this.net.groups()?.map((g) => g.map(Number)) ?? null
  }

  write(node: number, key: string, value: CapValue): number {
    return this.invoke(node, 'write', key, value)
  }

  read(node: number, key: string): number {
    return this.invoke(node, 'read', key, null)
  }

  request(id: number): CapRequest {
    const r = this.reqs[id - 1]
    expectArg(r !== undefined, 'request id', id, `an id returned by read/write (1..${this.reqs.length})`)
    return { ...r! }
  }

  requests(): CapRequest[] {
    return this.reqs.map((r) => ({ ...r }))
  }

  /** A node's copy of a key. */
  get(node: number, key: string): Version | null {
    return this.replica(node).store.get(key) ?? null
  }

  keys(): string[] {
    const all = new Set<string>()
    for (const r of this.replicas) for (const k of r.store.keys()) all.add(k)
    return [...all].sort()
  }

  /** Keys on which the replicas do not all hold the same version. */
  divergence(): number {
    return this.keys().filter((k) => new Set(this.replicas.map((r) => this.versionId(r.store.get(k)))).size > 1).length
  }

  reconciled(): readonly Reconciliation[] {
    return this.reconciliations
  }

  /**
   * The single-register history of `key` for the linearizability checker: successful reads and
   * writes; refused writes that may have reached a replica become optional writes with unknown
   * completion; refused reads and writes that reached nobody are left out (they had no effect).
   */
  history(key: string): RegisterOp[] {
    const out: RegisterOp[] = []
    for (const r of this.reqs) {
      if (r.key !== key) continue
      if (r.status === 'ok') out.push({ kind: r.op, value: r.value, inv: r.invokedSeq, res: r.completedSeq! })
      else if (r.op === 'write' && (r.maybeApplied || r.status === 'pending')) out.push({ kind: 'write', value: r.value, inv: r.invokedSeq, res: Infinity, optional: true })
    }
    return out
  }

  // ---- requests ----

  private invoke(node: number, op: 'read' | 'write', key: string, value: CapValue): number {
    this.replica(node)
    expectArg(typeof key === 'string' && key.length > 0, 'key', key, 'a non-empty string')
    expectArg(value === null || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)), 'value', value, 'a string, a finite number or null')
    const req: MutableRequest = {
      id: this.reqs.length + 1, node, op, key, value: op === 'write' ? value : null, status: 'pending', error: null,
      maybeApplied: false, invokedAt: this.now, completedAt: null, invokedSeq: ++this.seq, completedSeq: null,
    }
    this.reqs.push(req)
    this.trace.record({ at: this.now, type: 'note', node, text: `${op} ${key}${op === 'write' ? ` = ${String(value)}` : ''}`, data: { request: req.id, op, key, value: req.value, mode: this._mode } })
    if (this._mode === 'AP') this.serveLocally(req)
    else this.startRound(req)
    return req.id
  }

  /** AP: answer from the local replica at once; push writes to the peers in the background. */
  private serveLocally(req: MutableRequest): void {
    const r = this.replica(req.node)
    if (req.op === 'write') {
      const version: Version = { value: req.value, ts: r.clock.tick() }
      this.apply(r, req.key, version)
      for (const peer of this.replicas) if (peer !== r) this.net.send(r.id, peer.id, 'replicate', { kind: 'replicate', key: req.key, version }, { key: req.key, value: version.value })
      this.complete(req, req.value)
    } else {
      this.complete(req, r.store.get(req.key)?.value ?? null)
    }
  }

  /** CP: phase 1 asks every peer for its version of the key and needs a majority of answers. */
  private startRound(req: MutableRequest): void {
    const r = this.replica(req.node)
    const round: Round = {
      req, phase: 'query', acks: new Set([r.id]), best: r.store.get(req.key) ?? null, unanimous: true,
      timer: this.sched.after(this.timeoutMs, () => this.refuse(round)),
    }
    this.rounds.set(req.id, round)
    for (const peer of this.replicas) if (peer !== r) this.net.send(r.id, peer.id, 'query', { kind: 'query', op: req.id, key: req.key })
  }

  private get quorum(): number {
    return Math.floor(this.size / 2) + 1
  }

  private onQueryOk(round: Round, from: number, version: Version | null): void {
    if (round.phase !== 'query') return
    const coord = this.replica(round.req.node)
    round.acks.add(from)
    if (version) coord.clock.observe(version.ts)
    if (this.versionId(version) !== this.versionId(round.best)) {
      round.unanimous = false
      if (version && (!round.best || compareHlc(version.ts, round.best.ts) > 0)) round.best = version
    }
    if (round.acks.size >= this.quorum) this.startStore(round)
  }

  /** Phase 2: store the new version (a write) or write back the newest one seen (a read) on a majority. */
  private startStore(round: Round): void {
    const { req } = round
    const coord = this.replica(req.node)
    let version: Version
    if (req.op === 'write') {
      version = { value: req.value, ts: coord.clock.tick() }
    } else {
      // A majority already holds the newest version: nothing to repair, the read can return.
      if (!round.best || round.unanimous) return this.finishRound(round, round.best?.value ?? null)
      version = round.best
    }
    round.phase = 'store'
    round.acks = new Set([coord.id])
    this.apply(coord, req.key, version)
    if (req.op === 'write') req.maybeApplied = true
    for (const peer of this.replicas) if (peer !== coord) this.net.send(coord.id, peer.id, 'store', { kind: 'store', op: req.id, key: req.key, version }, { key: req.key, value: version.value })
  }

  private onStoreOk(round: Round, from: number): void {
    if (round.phase !== 'store') return
    round.acks.add(from)
    if (round.acks.size >= this.quorum) this.finishRound(round, round.req.op === 'write' ? round.req.value : round.best?.value ?? null)
  }

  private finishRound(round: Round, value: CapValue): void {
    this.sched.cancel(round.timer)
    this.rounds.delete(round.req.id)
    round.req.maybeApplied = false
    this.complete(round.req, value)
  }

  private refuse(round: Round): void {
    this.rounds.delete(round.req.id)
    const { req } = round
    req.status = 'refused'
    req.error = `no quorum: heard from ${round.acks.size} of ${this.size} replicas, needs ${this.quorum}`
    req.completedAt = this.now
    req.completedSeq = ++this.seq
    this.trace.record({
      at: this.now, type: 'state', node: req.node, field: 'reply',
      value: { request: req.id, op: req.op, key: req.key, ok: false, error: req.error },
      label: `${req.op} ${req.key} refused (no quorum)`,
    })
  }

  private complete(req: MutableRequest, value: CapValue): void {
    req.status = 'ok'
    req.value = value
    req.completedAt = this.now
    req.completedSeq = ++this.seq
    this.trace.record({
      at: this.now, type: 'state', node: req.node, field: 'reply',
      value: { request: req.id, op: req.op, key: req.key, ok: true, value },
      label: `${req.op} ${req.key} → ${String(value)}`,
    })
  }

  // ---- replicas ----

  private receive(id: number, env: Envelope<CapMessage>): void {
    const r = this.replica(id)
    const m = env.body
    const from = Number(env.from)
    switch (m.kind) {
      case 'query':
        this.net.send(id, from, 'query-ok', { kind: 'query-ok', op: m.op, version: r.store.get(m.key) ?? null })
        break
      case 'store':
        this.apply(r, m.key, m.version)
        this.net.send(id, from, 'store-ok', { kind: 'store-ok', op: m.op })
        break
      case 'query-ok': {
        const round = this.rounds.get(m.op)
        if (round) this.onQueryOk(round, from, m.version)
        break
      }
      case 'store-ok': {
        const round = this.rounds.get(m.op)
        if (round) this.onStoreOk(round, from)
        break
      }
      case 'replicate':
        this.apply(r, m.key, m.version)
        break
      case 'sync':
        for (const [key, version] of m.entries) this.apply(r, key, version)
        break
    }
  }

  /** Keep the version with the higher timestamp (last-writer-wins by HLC). */
  private apply(r: Replica, key: string, version: Version): void {
    r.clock.observe(version.ts)
    const mine = r.store.get(key)
    if (mine && compareHlc(mine.ts, version.ts) >= 0) return
    r.store.set(key, version)
    this.trace.record({ at: this.now, type: 'state', node: r.id, field: `store.${key}`, value: { value: version.value, ts: formatHlc(version.ts) } })
  }

  /** At heal time, record for each diverged key which version LWW will keep and which it overwrites. */
  private noteReconciliations(): void {
    for (const key of this.keys()) {
      const versions = new Map<string, Version>()
      for (const r of this.replicas) {
        const v = r.store.get(key)
        if (v) versions.set(this.versionId(v), v)
      }
      if (versions.size < 2) continue
      const sorted = [...versions.values()].sort((a, b) => compareHlc(b.ts, a.ts))
      const view = (v: Version) => ({ value: v.value, ts: formatHlc(v.ts) })
      const rec: Reconciliation = { at: this.now, key, kept: view(sorted[0]!), overwritten: sorted.slice(1).map(view) }
      this.reconciliations.push(rec)
      this.trace.record({ at: this.now, type: 'note', text: `LWW keeps ${key} = ${String(rec.kept.value)}`, data: rec })
    }
  }

  private versionId(v: Version | null | undefined): string {
    return v ? formatHlc(v.ts) : '-'
  }

  private replica(id: number): Replica {
    expectInteger('node', id, 0, this.size - 1)
    return this.replicas[id]!
  }
}

export function createCapStore(opts: CapOptions): CapStore {
  return new CapStore(opts)
}
