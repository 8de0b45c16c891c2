// The observability scene also draws what each message carries, and recent flights in live mode.
import type { TraceEvent } from '../trace.ts'
import { flightView, openSends, type FlightView as WireFlight, type SendEvent } from '../inflight.ts'

/** A message on the wire (see ../inflight.ts), with what its send recorded. */
export interface FlightView extends WireFlight {
  /** `{ trace_id, ok? }` for calls and replies, `{ logs, spans, metrics }` for exports. */
  readonly payload?: unknown
}

const view = (e: SendEvent): FlightView => ({ ...flightView(e), ...(e.payload === undefined ? {} : { payload: e.payload }) })

/** Messages on the wire at the end of a trace, with their payloads. */
export function messagesInFlight(events: readonly TraceEvent[]): FlightView[] {
  return openSends(events).map(view)
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
