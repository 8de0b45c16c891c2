/**
 * Vector clocks (Fidge, Mattern 1988): one counter per node. A version's clock says how many
 * events of each node it has seen, so two versions can be classified exactly: one happened
 * before the other, or they are concurrent (neither saw the other): a real conflict, which a
 * store keeps as siblings instead of silently dropping one (Dynamo, Riak).
 */
export type VectorClock = Readonly<Record<string, number>>

export type ClockOrder = 'before' | 'after' | 'concurrent' | 'equal'

/** The clock after one more event at `node`. */
export function tick(clock: VectorClock, node: string): VectorClock {
  return { ...clock, [node]: (clock[node] ?? 0) + 1 }
}

/** Pointwise maximum: what a node knows after seeing both histories. */
export function mergeClocks(a: VectorClock, b: VectorClock): VectorClock {
  const out: Record<string, number> = { ...a }
  for (const [k, v] of Object.entries(b)) out[k] = Math.max(out[k] ?? 0, v)
  return out
}

/** How `a` relates to `b`: `before` means a happened before b (b has seen a). */
export function compareClocks(a: VectorClock, b: VectorClock): ClockOrder {
  let less = false
  let more = false
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[k] ?? 0
    const y = b[k] ?? 0
    if (x < y) less = true
    if (x > y) more = true
  }
  if (less && more) return 'concurrent'
  if (less) return 'before'
  if (more) return 'after'
  return 'equal'
}

/** `{ n0: 2, n3: 1 }` → `[n0:2 n3:1]`, for labels. */
export function formatClock(clock: VectorClock): string {
  return `[${Object.keys(clock).sort().map((k) => `${k}:${clock[k]}`).join(' ')}]`
}
