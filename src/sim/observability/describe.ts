import { selfTime } from './spans.ts'
import type { ObservabilitySnapshot } from './snapshot.ts'

const ms = (x: number | null): string => (x === null ? 'n/a' : `${Math.round(x)} ms`)
const short = (id: string): string => id.slice(0, 8)
const from = (who: readonly string[]): string => {
  const services = who.filter((w) => w !== 'client').length
  return `${who.includes('client') ? 'the client and ' : ''}${services} service${services === 1 ? '' : 's'}`
}

/** One or two plain sentences about an observability snapshot, for screen readers. */
export function describeObservability(s: ObservabilitySnapshot): string {
  const faulty = s.services.filter((x) => x.fault)
  const faults = faulty.map((x) => `${x.name} is ${x.fault!.slowMs > 0 ? `slowed by ${x.fault!.slowMs} ms${x.fault!.slowRate < 1 ? ` on ${Math.round(x.fault!.slowRate * 100)}% of requests` : ''}` : ''}${x.fault!.errorRate > 0 ? `${x.fault!.slowMs > 0 ? ' and ' : ''}failing ${Math.round(x.fault!.errorRate * 100)}% of requests` : ''}`).join('; ')
  if (s.focus) return describeFocus(s, faults)
  const g = s.metrics.gateway
  if (s.metrics.requests === 0) return 'The service graph is idle: gateway, auth, orders, inventory and the database wait for traffic.'
  const head = `${s.load > 0 ? `Under ${s.load} requests per second` : 'With the load stopped'}, the gateway has answered ${s.metrics.requests} requests${s.metrics.errors > 0 ? ` (${s.metrics.errors} errors)` : ''}.`
  const spike = g.p99 !== null && g.p50 !== null && g.p99 > 4 * g.p50
  const pct = `p50 ${ms(g.p50)}, p95 ${ms(g.p95)}, p99 ${ms(g.p99)}`
  if (spike) return `${head} ${faults ? `Because ${faults}, ` : ''}the latency histogram shows a p99 spike: ${pct}, so the slowest 1% take ${Math.round(g.p99! / g.p50!)} times the median.`
  if (faults) return `${head} ${faults[0]!.toUpperCase()}${faults.slice(1)}, but the histogram still reads ${pct}.`
  return `${head} Its latency histogram reads ${pct}.`
}

function describeFocus(s: ObservabilitySnapshot, faults: string): string {
  const f = s.focus!
  const trace = `trace ${short(f.traceId)}`
  const open = f.spans.filter((x) => x.open)
  const services = [...new Set(f.spans.map((x) => x.service))]
  if (open.length > 0) {
    if (f.spans.length === 1) return `The client has sent a checkout request to the gateway, starting ${trace}; the trace id travels with every call in the traceparent header.`
    return `The request is in progress with ${open.length} spans open (${open.map((x) => x.service).join(', ')}); ${f.logs.length} log lines so far, from ${from(services)}, each stamped with ${trace}.`
  }
  const root = f.spans.find((x) => x.parentSpanId === null)!
  const took = `The request took ${ms(root.end - root.start)}`
  const dom = f.spans.find((x) => x.spanId === f.dominant?.spanId)
  const domSelf = dom ? selfTime(dom, f.spans.filter((c) => c.parentSpanId === dom.spanId)) : 0
  const where = dom ? `${dom.service} (${dom.name}) spent the most time on its own, ${ms(domSelf)}` : ''
  // Only a fault that touched this request explains it (a what-if may add one after it ran).
  const touched = f.logs.some((l) => l.severity !== 'INFO')
  const failed = f.spans.filter((x) => x.status === 'error')
  if (faults && touched && failed.length > 0) {
    const origin = failed.reduce((a, b) => (b.depth > a.depth ? b : a))
    return `${took} and failed: because ${faults}, ${origin.service} (${origin.name}) returned an error that ${failed.length - 1} caller${failed.length === 2 ? '' : 's'} passed back up.`
  }
  if (faults && touched) return `${took}; because ${faults}, its span tree shows one slow span: ${where}.`
  if (!f.complete) return `${took}; its spans and logs are still on their way to the collector.`
  return `${took}: the collector joins its ${f.logs.length} log lines from ${from(services)} and its ${f.spans.length} spans by ${trace}, and ${where}.`
}
