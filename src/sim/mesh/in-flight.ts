import type { NodeId, Trace } from '../trace.ts'

/**
 * A message on the wire at a given instant, as the scenes draw it (a dot from `from` to `to`,
 * `(now − sentAt) / (deliverAt − sentAt)` of the way along). `payload` is what the sender
 * attached for the picture (request id, attempt, ...), when it attached anything.
 */
export interface Flight {
  readonly id: number
  readonly from: NodeId
  readonly to: NodeId
  readonly kind: string
  readonly sentAt: number
  readonly deliverAt: number
  readonly payload?: unknown
}

/**
 * Messages in flight, read off the trace: sent and not yet delivered or dropped. It reads the
 * trace incrementally (each event once), so snapshots stay cheap however long a scenario runs.
 *
 * Shared by the mesh, load-balancing and streaming models. It lives here only because those
 * folders may not touch the engine; it belongs next to Network (see the report on the issue).
 */
export class FlightLog {
  private cursor = 0
  private readonly open = new Map<number, Flight>()

  constructor(private readonly trace: Trace) {}

  current(): Flight[] {
    for (const e of this.trace.slice(this.cursor)) {
      if (e.type === 'send') {
        this.open.set(e.msg, {
          id: e.msg, from: e.from, to: e.to, kind: e.kind, sentAt: e.at, deliverAt: e.deliverAt,
          ...(e.payload === undefined ? {} : { payload: e.payload }),
        })
      } else if (e.type === 'deliver' || e.type === 'drop') {
        this.open.delete(e.msg)
      }
    }
    this.cursor = this.trace.length
    return [...this.open.values()]
  }
}
