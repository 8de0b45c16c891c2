/**
 * Messages in flight at a simulated instant, read from the trace between two checkpoints: what a
 * transition animates ("messages fly, votes land"). Works for every model, since every model's
 * network records the same send / deliver / drop events.
 */
import type { TraceEvent, NodeId } from '../sim/trace.ts'

export interface Flight {
  msg: number
  from: NodeId
  to: NodeId
  kind: string
  sentAt: number
  /** When it arrives, or is dropped. */
  endAt: number
  dropped: boolean
  payload: unknown
}

/** Every message of `events` (plus those already on the wire at the start), with its end time. */
export function flights(events: readonly TraceEvent[], onWire: readonly { msg: number; from: NodeId; to: NodeId; kind: string; sentAt: number; deliverAt: number }[] = []): Flight[] {
  const byMsg = new Map<number, Flight>()
  for (const w of onWire) byMsg.set(w.msg, { msg: w.msg, from: w.from, to: w.to, kind: w.kind, sentAt: w.sentAt, endAt: w.deliverAt, dropped: false, payload: undefined })
  for (const e of events) {
    if (e.type === 'send') {
      byMsg.set(e.msg, { msg: e.msg, from: e.from, to: e.to, kind: e.kind, sentAt: e.at, endAt: e.deliverAt, dropped: false, payload: e.payload })
    } else if (e.type === 'deliver' || e.type === 'drop') {
      const f = byMsg.get(e.msg)
      // A duplicate delivery after the first arrival does not extend the flight.
      if (f && (f.endAt >= e.at || !f.dropped)) {
        f.endAt = Math.min(f.endAt, e.at)
        if (e.type === 'drop') f.dropped = true
      }
    }
  }
  return [...byMsg.values()]
}

/** The flights on the wire at `time`, with how far along each is (0..1). */
export function inFlightAt(all: readonly Flight[], time: number): { flight: Flight; f: number }[] {
  const out: { flight: Flight; f: number }[] = []
  for (const flight of all) {
    if (flight.sentAt <= time && time < flight.endAt) {
      const span = flight.endAt - flight.sentAt
      out.push({ flight, f: span > 0 ? (time - flight.sentAt) / span : 1 })
    }
  }
  return out
}

/** The latest value of a node's traced field at or before `time`, or `fallback`. */
export function stateAt(events: readonly TraceEvent[], node: NodeId, field: string, time: number, fallback: unknown): unknown {
  let value = fallback
  for (const e of events) {
    if (e.at > time) break
    if (e.type === 'state' && e.node === node && e.field === field) value = e.value
  }
  return value
}
