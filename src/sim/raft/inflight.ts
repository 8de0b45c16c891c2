import { Trace, type TraceEvent, type TraceInput } from '../trace.ts'
import type { RaftInFlight, RaftPayload } from './types.ts'

/**
 * The cluster's trace. It also keeps the set of messages on the wire, so a snapshot can list them
 * without scanning the whole trace, and it keeps doing so when recording is off (benchmarks).
 * It learns about messages the same way a reader of the trace would: from the Network's 'send',
 * 'deliver' and 'drop' events (a duplicated message leaves the wire at its first arrival).
 */
export class RaftTrace extends Trace {
  /** msg id → its 'send' event (the event holds everything a view needs; views are built on demand). */
  private readonly wire = new Map<number, Extract<TraceEvent, { type: 'send' }>>()

  override record(e: TraceInput): TraceEvent {
    const event = super.record(e)
    if (event.type === 'send') this.wire.set(event.msg, event)
    else if (event.type === 'deliver' || event.type === 'drop') this.wire.delete(event.msg)
    return event
  }

  get inFlightCount(): number {
    return this.wire.size
  }

  /** Messages sent and not yet delivered or dropped, oldest first (fresh copies). */
  inFlight(): RaftInFlight[] {
    return [...this.wire.values()].map((e) => toInFlight(e.msg, Number(e.from), Number(e.to), e.at, e.deliverAt, e.payload as RaftPayload))
  }

  /** The payload of a message still on the wire (the trace keeps payloads on 'send' events only). */
  payload(msg: number): RaftPayload | undefined {
    return this.wire.get(msg)?.payload as RaftPayload | undefined
  }
}

function toInFlight(msg: number, from: number, to: number, sentAt: number, deliverAt: number, p: RaftPayload): RaftInFlight {
  const base = { msg, from, to, kind: p.kind, sentAt, deliverAt, term: p.term }
  switch (p.kind) {
    case 'RequestVote': return base
    case 'RequestVoteReply': return { ...base, granted: p.granted }
    case 'AppendEntries': return { ...base, entries: p.entries, prevLogIndex: p.prevLogIndex }
    case 'AppendEntriesReply': return { ...base, success: p.success }
  }
}
