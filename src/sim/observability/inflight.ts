// Same helper as ../cap/inflight.ts: each model folder stands alone (a candidate for the engine).
import type { NodeId, TraceEvent } from '../trace.ts'

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
  /** What the send recorded: `{ trace_id, ok? }` for calls and replies, `{ logs, spans, metrics }` for exports. */
  readonly payload?: unknown
}

const view = (e: Extract<TraceEvent, { type: 'send' }>): FlightView => ({
  msg: e.msg, from: e.from, to: e.to, kind: e.kind, sentAt: e.at, deliverAt: e.deliverAt, ...(e.payload === undefined ? {} : { payload: e.payload }),
})

export function messagesInFlight(events: readonly TraceEvent[]): FlightView[] {
  const open = new Map<number, FlightView>()
  for (const e of events) {
    if (e.type === 'send') open.set(e.msg, view(e))
    else if (e.type === 'deliver' || e.type === 'drop') open.delete(e.msg)
  }
  return [...open.values()]
}

/**
 * Messages sent in the last `windowMs` before `now`, delivered or not. A message here is on the
 * wire for a millisecond or two; a live scene slowed down to watchable speed would miss most of
 * them between two frames, so it draws these for a minimum on-screen time instead.
 */
export function recentFlights(events: readonly TraceEvent[], now: number, windowMs: number): FlightView[] {
  const out: FlightView[] = []
  // The trace is in time order: walk back from the end until the window is passed.
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!
    if (e.at < now - windowMs) break
    if (e.type === 'send') out.push(view(e))
  }
  return out.reverse()
}

/** Messages dropped in the last `windowMs` before `now` (drawn bouncing off the fault line). */
export function recentDrops(events: readonly TraceEvent[], now: number, windowMs: number): { msg: number; from: NodeId; to: NodeId; kind: string; at: number; reason: string }[] {
  const out: { msg: number; from: NodeId; to: NodeId; kind: string; at: number; reason: string }[] = []
  for (const e of events) if (e.type === 'drop' && e.at >= now - windowMs) out.push({ msg: e.msg, from: e.from, to: e.to, kind: e.kind, at: e.at, reason: e.reason })
  return out
}
