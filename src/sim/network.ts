import { SimArgumentError, expectArg, expectNonNegative, describeValue } from './errors.ts'
import type { Random } from './random.ts'
import type { Scheduler } from './scheduler.ts'
import type { NodeId, Trace, DropReason } from './trace.ts'

/** How long a message takes and how it misbehaves. Probabilities are in [0, 1]. */
export interface LinkModel {
  /** Latency is drawn uniformly from [minLatency, maxLatency] ms. */
  minLatency: number
  maxLatency: number
  /** Probability a message is lost. */
  loss: number
  /** Probability a message is delivered twice. */
  duplicate: number
  /** Probability a message gets an extra delay of up to `reorderDelay` ms (so later ones overtake it). */
  reorder: number
  reorderDelay: number
}

export const RELIABLE_LINK: LinkModel = { minLatency: 2, maxLatency: 6, loss: 0, duplicate: 0, reorder: 0, reorderDelay: 0 }
/** "About 10% drops, random delays and reordering" (DESIGN.md §4 setUnreliable). */
export const UNRELIABLE_LINK: LinkModel = { minLatency: 2, maxLatency: 30, loss: 0.1, duplicate: 0.02, reorder: 0.2, reorderDelay: 60 }

export interface Envelope<M> {
  readonly msg: number
  readonly from: NodeId
  readonly to: NodeId
  readonly kind: string
  readonly body: M
}

export type DeliverHandler<M> = (env: Envelope<M>) => void

/**
 * The network shared by every model: latency, loss, duplication, reordering, per-link cuts,
 * partitions and node up/down. Every send, delivery and drop goes into the trace.
 * A message is checked at send time *and* at delivery time, so a partition that starts while a
 * message is in flight drops it at the fault line (the scenes show it bouncing).
 */
export class Network<M> {
  private readonly nodes = new Map<NodeId, { up: boolean; connected: boolean; handler: DeliverHandler<M> | null }>()
  private readonly cuts = new Set<string>()
  private group: Map<NodeId, number> | null = null
  private nextMsg = 1
  private sent = 0
  model: LinkModel

  constructor(
    private readonly sched: Scheduler,
    private readonly rng: Random,
    private readonly trace: Trace,
    model: LinkModel = RELIABLE_LINK,
  ) {
    this.model = { ...model }
  }

  get messagesSent(): number {
    return this.sent
  }

  add(id: NodeId, handler: DeliverHandler<M> | null = null): void {
    expectArg(!this.nodes.has(id), 'network.add(id)', id, 'an id not already on the network')
    this.nodes.set(id, { up: true, connected: true, handler })
  }

  has(id: NodeId): boolean {
    return this.nodes.has(id)
  }

  ids(): NodeId[] {
    return [...this.nodes.keys()]
  }

  onDeliver(id: NodeId, handler: DeliverHandler<M>): void {
    this.node(id).handler = handler
  }

  setModel(model: Partial<LinkModel>): void {
    const m = { ...this.model, ...model }
    for (const k of ['minLatency', 'maxLatency', 'reorderDelay'] as const) expectNonNegative(`link ${k}`, m[k])
    for (const k of ['loss', 'duplicate', 'reorder'] as const) expectArg(m[k] >= 0 && m[k] <= 1, `link ${k}`, m[k], 'a probability in [0, 1]')
    expectArg(m.maxLatency >= m.minLatency, 'link maxLatency', m.maxLatency, `≥ minLatency (${m.minLatency})`)
    this.model = m
  }

  isUp(id: NodeId): boolean {
    return this.node(id).up
  }

  isConnected(id: NodeId): boolean {
    return this.node(id).connected
  }

  setUp(id: NodeId, up: boolean): void {
    this.node(id).up = up
  }

  setConnected(id: NodeId, connected: boolean): void {
    this.node(id).connected = connected
  }

  /** Nodes in different groups cannot talk; nodes not named are isolated in a group of their own. */
  partition(groups: readonly (readonly NodeId[])[]): void {
    const seen = new Map<NodeId, number>()
    groups.forEach((g, gi) => {
      for (const id of g) {
        if (!this.nodes.has(id)) throw new SimArgumentError(`partition: got unknown node id ${describeValue(id)}, expected one of ${describeValue(this.ids())}`)
        if (seen.has(id)) throw new SimArgumentError(`partition: node ${describeValue(id)} appears in more than one group, expected disjoint groups`)
        seen.set(id, gi)
      }
    })
    let lone = groups.length
    for (const id of this.nodes.keys()) if (!seen.has(id)) seen.set(id, lone++)
    this.group = seen
  }

  heal(): void {
    this.group = null
    this.cuts.clear()
  }

  get partitioned(): boolean {
    return this.group !== null
  }

  /** The partition groups in force, or null. */
  groups(): NodeId[][] | null {
    if (!this.group) return null
    const out = new Map<number, NodeId[]>()
    for (const [id, g] of this.group) {
      if (!out.has(g)) out.set(g, [])
      out.get(g)!.push(id)
    }
    return [...out.values()]
  }

  /** Cut or restore the link a→b in both directions. */
  cut(a: NodeId, b: NodeId, cut = true): void {
    this.node(a)
    this.node(b)
    for (const k of [`${a}\u0000${b}`, `${b}\u0000${a}`]) {
      if (cut) this.cuts.add(k)
      else this.cuts.delete(k)
    }
  }

  /** Why a message from→to would be dropped right now, or null if it would get through. */
  blocked(from: NodeId, to: NodeId, inFlight = false): DropReason | null {
    const f = this.node(from)
    const t = this.node(to)
    if (!f.up && !inFlight) return 'sender-crashed'
    if (!t.up) return 'crashed'
    if (!f.connected || !t.connected) return 'cut'
    if (this.cuts.has(`${from}\u0000${to}`)) return 'cut'
    if (this.group && this.group.get(from) !== this.group.get(to)) return 'partition'
    return null
  }

  /** Send a message; returns its id. Counted in messagesSent whatever becomes of it. */
  send(from: NodeId, to: NodeId, kind: string, body: M, payload?: unknown): number {
    const msg = this.nextMsg++
    this.sent++
    const m = this.model
    let latency = this.rng.range(m.minLatency, m.maxLatency)
    if (m.reorder > 0 && this.rng.chance(m.reorder)) latency += this.rng.range(0, m.reorderDelay)
    const lost = m.loss > 0 && this.rng.chance(m.loss)
    const dup = m.duplicate > 0 && this.rng.chance(m.duplicate)
    const now = this.sched.now
    this.trace.record({ at: now, type: 'send', msg, from, to, kind, deliverAt: now + latency, ...(payload === undefined ? {} : { payload }) })
    const env: Envelope<M> = { msg, from, to, kind, body }
    const early = this.blocked(from, to)
    if (early === 'sender-crashed') {
      this.trace.record({ at: now, type: 'drop', msg, from, to, kind, reason: early })
      return msg
    }
    this.sched.after(latency, () => this.arrive(env, lost ? 'loss' : null))
    if (dup) this.sched.after(latency + this.rng.range(0, m.maxLatency), () => this.arrive(env, null))
    return msg
  }

  private arrive(env: Envelope<M>, forced: DropReason | null): void {
    // A message already on the wire arrives even if its sender has crashed since.
    const reason = forced ?? this.blocked(env.from, env.to, true)
    const at = this.sched.now
    if (reason) {
      this.trace.record({ at, type: 'drop', msg: env.msg, from: env.from, to: env.to, kind: env.kind, reason })
      return
    }
    this.trace.record({ at, type: 'deliver', msg: env.msg, from: env.from, to: env.to, kind: env.kind })
    this.node(env.to).handler?.(env)
  }

  private node(id: NodeId) {
    const n = this.nodes.get(id)
    if (!n) throw new SimArgumentError(`node id: got ${describeValue(id)}, expected one of ${describeValue(this.ids())}`)
    return n
  }
}
