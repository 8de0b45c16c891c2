// Shared by every model whose snapshot lists the messages on the wire (cap, partition, replication, observability).
import type { NodeId, TraceEvent } from './trace.ts'

/**
 * Messages on the wire at the end of a trace: sent, not yet delivered or dropped. Scenes draw
 * them mid-flight from (sentAt, deliverAt); read from the trace because the network reports drops
 * only there.
 */
export interface FlightView {
  readonly msg: number
  readonly from: NodeId
  readonly to: NodeId
  readonly kind: string
  readonly sentAt: number
  readonly deliverAt: number
}

export type SendEvent = Extract<TraceEvent, { type: 'send' }>

export const flightView = (e: SendEvent): FlightView => ({ msg: e.msg, from: e.from, to: e.to, kind: e.kind, sentAt: e.at, deliverAt: e.deliverAt })

/** The send events of the messages still on the wire at the end of a trace, in the order sent. */
export function openSends(events: readonly TraceEvent[]): SendEvent[] {
  const open = new Map<number, SendEvent>()
  for (const e of events) {
    if (e.type === 'send') open.set(e.msg, e)
    else if (e.type === 'deliver' || e.type === 'drop') open.delete(e.msg)
  }
  return [...open.values()]
}

export function messagesInFlight(events: readonly TraceEvent[]): FlightView[] {
  return openSends(events).map(flightView)
}

/** Messages dropped in the last `windowMs` before `now` (drawn bouncing off the fault line). */
export function recentDrops(events: readonly TraceEvent[], now: number, windowMs: number): { msg: number; from: NodeId; to: NodeId; kind: string; at: number; reason: string }[] {
  const out: { msg: number; from: NodeId; to: NodeId; kind: string; at: number; reason: string }[] = []
  for (const e of events) if (e.type === 'drop' && e.at >= now - windowMs) out.push({ msg: e.msg, from: e.from, to: e.to, kind: e.kind, at: e.at, reason: e.reason })
  return out
}
