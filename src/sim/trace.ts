/**
 * The event trace: every send, delivery, drop, timer and state change, with ids, so a scene can
 * animate exactly the messages between two checkpoints and a narration can describe them.
 */
export type NodeId = number | string

export type TraceEvent =
  | { readonly id: number; readonly at: number; readonly type: 'send'; readonly msg: number; readonly from: NodeId; readonly to: NodeId; readonly kind: string; readonly deliverAt: number; readonly payload?: unknown }
  | { readonly id: number; readonly at: number; readonly type: 'deliver'; readonly msg: number; readonly from: NodeId; readonly to: NodeId; readonly kind: string }
  | { readonly id: number; readonly at: number; readonly type: 'drop'; readonly msg: number; readonly from: NodeId; readonly to: NodeId; readonly kind: string; readonly reason: DropReason }
  | { readonly id: number; readonly at: number; readonly type: 'timer'; readonly node: NodeId; readonly name: string }
  | { readonly id: number; readonly at: number; readonly type: 'state'; readonly node: NodeId; readonly field: string; readonly value: unknown; readonly label?: string }
  | { readonly id: number; readonly at: number; readonly type: 'fault'; readonly action: FaultAction; readonly nodes: readonly NodeId[]; readonly groups?: readonly (readonly NodeId[])[] }
  | { readonly id: number; readonly at: number; readonly type: 'note'; readonly text: string; readonly node?: NodeId; readonly data?: unknown }

export type DropReason = 'partition' | 'cut' | 'loss' | 'crashed' | 'sender-crashed' | 'refused'
export type FaultAction = 'crash' | 'restart' | 'disconnect' | 'connect' | 'partition' | 'heal' | 'cut' | 'uncut' | 'unreliable' | 'reliable'

/** A TraceEvent without its id (the trace assigns ids). */
export type TraceInput = TraceEvent extends infer E ? (E extends TraceEvent ? Omit<E, 'id'> : never) : never

export class Trace {
  private readonly events: TraceEvent[] = []
  private nextId = 1
  /** Set to false to stop recording (long benchmark runs); ids keep counting. */
  recording = true

  record(e: TraceInput): TraceEvent {
    const event = { ...e, id: this.nextId++ } as TraceEvent
    if (this.recording) this.events.push(event)
    return event
  }

  get length(): number {
    return this.events.length
  }

  all(): readonly TraceEvent[] {
    return this.events
  }

  /** Events with index in [from, to). */
  slice(from: number, to: number = this.events.length): TraceEvent[] {
    return this.events.slice(from, to)
  }
}

/** FNV-1a over the JSON of the trace: a compact fingerprint for determinism tests. */
export function hashTrace(events: readonly TraceEvent[]): string {
  let h = 0x811c9dc5
  const text = JSON.stringify(events)
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return (h >>> 0).toString(16).padStart(8, '0')
}
