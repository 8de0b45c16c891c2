import { formatHlc } from './hlc.ts'
import { messagesInFlight, recentDrops, type FlightView } from '../inflight.ts'
import type { CapMode, CapRequestStatus, CapStore, CapValue, Reconciliation } from './store.ts'

/**
 * What the CAP scene draws, as plain JSON:
 *
 * ```
 * { mode: 'CP' | 'AP', now,                      // simulated ms
 *   partition: number[][] | null,                // groups of node ids, null when healthy
 *   nodes: [{ id, side,                          // side: index of its partition group (0 when healthy)
 *             store: [{ key, value, ts }],       // ts: HLC as "l.c@nX"
 *             lastReply: { request, op, key, ok, value, error } | null }],
 *   inFlight: [{ msg, from, to, kind, sentAt, deliverAt }],   // kinds: query, query-ok, store, store-ok, replicate, sync
 *   drops: [{ msg, from, to, kind, at, reason }],             // while partitioned, dropped in the last 100 ms
 *   requests: [{ id, node, op, key, value, status, error,     // the last 6
 *                invokedAt, completedAt }],                   // simulated ms (completedAt null while pending)
 *   divergence,                                   // keys on which replicas disagree
 *   reconciliation: { at, key, kept, overwritten } | null,   // LWW's choice at the last heal (at: heal time)
 *   counters: { requests, answered, refused, messagesSent, dropped } }
 * ```
 */
export interface CapSnapshot {
  readonly mode: CapMode
  readonly now: number
  readonly partition: readonly (readonly number[])[] | null
  readonly nodes: readonly CapNodeView[]
  readonly inFlight: readonly FlightView[]
  readonly drops: readonly { msg: number; from: number | string; to: number | string; kind: string; at: number; reason: string }[]
  readonly requests: readonly CapRequestView[]
  readonly divergence: number
  readonly reconciliation: Reconciliation | null
  readonly counters: { readonly requests: number; readonly answered: number; readonly refused: number; readonly messagesSent: number; readonly dropped: number }
}

/** A client request as the scene shows it: the times let a view say which replies are recent. */
export interface CapRequestView {
  readonly id: number
  readonly node: number
  readonly op: 'read' | 'write'
  readonly key: string
  readonly value: CapValue
  readonly status: CapRequestStatus
  readonly error: string | null
  readonly invokedAt: number
  readonly completedAt: number | null
}

export interface CapReplyView {
  readonly request: number
  readonly op: 'read' | 'write'
  readonly key: string
  readonly ok: boolean
  readonly value: CapValue
  readonly error: string | null
}

export interface CapNodeView {
  readonly id: number
  readonly side: number
  readonly store: readonly { key: string; value: CapValue; ts: string }[]
  readonly lastReply: CapReplyView | null
}

export function snapshotCap(m: CapStore): CapSnapshot {
  const groups = m.groups()
  const reqs = m.requests()
  const events = m.trace.all()
  const nodes: CapNodeView[] = []
  for (let id = 0; id < m.size; id++) {
    const side = groups ? groups.findIndex((g) => g.includes(id)) : 0
    const store = m.keys().flatMap((key) => {
      const v = m.get(id, key)
      return v ? [{ key, value: v.value, ts: formatHlc(v.ts) }] : []
    })
    const last = [...reqs].reverse().find((r) => r.node === id && r.status !== 'pending')
    const lastReply = last ? { request: last.id, op: last.op, key: last.key, ok: last.status === 'ok', value: last.status === 'ok' ? last.value : null, error: last.error } : null
    nodes.push({ id, side, store, lastReply })
  }
  const rec = m.reconciled().at(-1)
  return {
    mode: m.mode,
    now: m.now,
    partition: groups,
    nodes,
    inFlight: messagesInFlight(events),
    drops: groups ? recentDrops(events, m.now, 100) : [],
    requests: reqs.slice(-6).map((r) => ({ id: r.id, node: r.node, op: r.op, key: r.key, value: r.value, status: r.status, error: r.error, invokedAt: r.invokedAt, completedAt: r.completedAt })),
    divergence: m.divergence(),
    reconciliation: rec ? { at: rec.at, key: rec.key, kept: rec.kept, overwritten: rec.overwritten } : null,
    counters: {
      requests: reqs.length,
      answered: reqs.filter((r) => r.status === 'ok').length,
      refused: reqs.filter((r) => r.status === 'refused').length,
      messagesSent: m.net.messagesSent,
      dropped: events.filter((e) => e.type === 'drop').length,
    },
  }
}
