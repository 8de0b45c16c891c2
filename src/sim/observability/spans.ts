/**
 * Spans as OpenTelemetry records them: one per unit of work, linked into a tree by parent ids
 * and sharing the trace id of the request that caused them, across service boundaries.
 */
export interface Span {
  readonly traceId: string
  readonly spanId: string
  readonly parentSpanId: string | null
  readonly service: string
  readonly name: string
  readonly start: number
  readonly end: number
  readonly status: 'ok' | 'error'
}

/** Everything wrong with one trace's spans as a tree; empty when well formed. */
export function treeProblems(spans: readonly Span[]): string[] {
  const problems: string[] = []
  const byId = new Map(spans.map((s) => [s.spanId, s]))
  if (byId.size !== spans.length) problems.push('duplicate span ids')
  if (new Set(spans.map((s) => s.traceId)).size > 1) problems.push('spans from more than one trace')
  const roots = spans.filter((s) => s.parentSpanId === null)
  if (roots.length !== 1) problems.push(`${roots.length} root spans, expected 1`)
  for (const s of spans) {
    if (s.end < s.start) problems.push(`${s.spanId} ends before it starts`)
    if (s.parentSpanId === null) continue
    const parent = byId.get(s.parentSpanId)
    if (!parent) {
      problems.push(`${s.spanId} has a missing parent ${s.parentSpanId}`)
      continue
    }
    if (s.start < parent.start || s.end > parent.end) problems.push(`${s.spanId} [${s.start}, ${s.end}] is not inside its parent [${parent.start}, ${parent.end}]`)
  }
  // Every span must reach the root by parent links (no cycles).
  for (const s of spans) {
    const seen = new Set<string>()
    let at: Span | undefined = s
    while (at && at.parentSpanId !== null && !seen.has(at.spanId)) {
      seen.add(at.spanId)
      at = byId.get(at.parentSpanId)
    }
    if (at && at.parentSpanId !== null) problems.push(`${s.spanId} is in a parent cycle`)
  }
  return problems
}

/** Time a span spent on its own: its duration minus the union of its children's intervals. */
export function selfTime(span: Span, children: readonly Span[]): number {
  const parts = children.map((c) => [Math.max(c.start, span.start), Math.min(c.end, span.end)] as const).filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0])
  let covered = 0
  let reach = span.start
  for (const [a, b] of parts) {
    if (b <= reach) continue
    covered += b - Math.max(a, reach)
    reach = b
  }
  return span.end - span.start - covered
}

/** The span with the most self time: where the request spent its time. */
export function dominantSpan(spans: readonly Span[]): Span | null {
  let best: Span | null = null
  let bestSelf = -Infinity
  for (const s of spans) {
    const t = selfTime(s, spans.filter((c) => c.parentSpanId === s.spanId))
    if (t > bestSelf) {
      best = s
      bestSelf = t
    }
  }
  return best
}

/** Depth of each span below the root (root = 0), for drawing a waterfall. */
export function depths(spans: readonly Span[]): Map<string, number> {
  const byId = new Map(spans.map((s) => [s.spanId, s]))
  const out = new Map<string, number>()
  const depth = (s: Span, guard = 0): number => {
    if (out.has(s.spanId)) return out.get(s.spanId)!
    const parent = s.parentSpanId === null ? undefined : byId.get(s.parentSpanId)
    const d = parent && guard < spans.length ? depth(parent, guard + 1) + 1 : 0
    out.set(s.spanId, d)
    return d
  }
  for (const s of spans) depth(s)
  return out
}
