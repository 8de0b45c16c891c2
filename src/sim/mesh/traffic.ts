import { expectArg } from '../errors.ts'
import type { Random } from '../random.ts'

/**
 * Traffic control at the client's sidecar, in the shape of an Istio VirtualService: routes are
 * tried in order, the first whose `match` fits the request's headers wins, and its destinations
 * split traffic by weight among the service's subsets (versions). A route may inject faults:
 * `delay` holds `percent`% of requests for `ms`, `abort` answers `percent`% at once with `status`.
 * Header matches are exact; header names are case-insensitive.
 */
export interface TrafficPolicy {
  readonly routes: readonly HttpRoute[]
}

export interface HttpRoute {
  readonly match?: { readonly headers: Readonly<Record<string, string>> }
  readonly route: readonly { readonly subset: string; readonly weight: number }[]
  readonly fault?: FaultInjection
}

export interface FaultInjection {
  readonly delay?: { readonly percent: number; readonly ms: number }
  readonly abort?: { readonly percent: number; readonly status: number }
}

/** What the sidecar decided for one request. */
export interface RouteDecision {
  /** Index of the route that matched, or -1 when none did (the request then fails 404). */
  readonly route: number
  readonly subset: string | null
  readonly delayMs: number
  readonly abortStatus: number | null
}

export function checkPolicy(p: TrafficPolicy, subsets: readonly string[]): TrafficPolicy {
  expectArg(Array.isArray(p.routes) && p.routes.length > 0, 'routes', p.routes, 'a non-empty list of routes')
  p.routes.forEach((r, i) => {
    expectArg(Array.isArray(r.route) && r.route.length > 0, `routes[${i}].route`, r.route, 'a non-empty list of { subset, weight }')
    for (const d of r.route) {
      expectArg(subsets.includes(d.subset), `routes[${i}] subset`, d.subset, `one of the service's subsets (${subsets.join(', ')})`)
      expectArg(Number.isFinite(d.weight) && d.weight >= 0, `routes[${i}] weight of ${d.subset}`, d.weight, 'a number ≥ 0')
    }
    expectArg(r.route.some((d) => d.weight > 0), `routes[${i}] weights`, r.route.map((d) => d.weight), 'at least one weight > 0')
    const { delay, abort } = r.fault ?? {}
    if (delay) {
      expectArg(delay.percent >= 0 && delay.percent <= 100, `routes[${i}].fault.delay.percent`, delay.percent, 'a percentage in [0, 100]')
      expectArg(Number.isFinite(delay.ms) && delay.ms >= 0, `routes[${i}].fault.delay.ms`, delay.ms, 'a number of ms ≥ 0')
    }
    if (abort) {
      expectArg(abort.percent >= 0 && abort.percent <= 100, `routes[${i}].fault.abort.percent`, abort.percent, 'a percentage in [0, 100]')
      expectArg(Number.isInteger(abort.status) && abort.status >= 400 && abort.status <= 599, `routes[${i}].fault.abort.status`, abort.status, 'an HTTP error status 400..599')
    }
  })
  return p
}

/** Decide one request's route, subset and faults. `rng` is the sidecar's routing stream. */
export function decideRoute(policy: TrafficPolicy, headers: Readonly<Record<string, string>>, rng: Random): RouteDecision {
  const index = policy.routes.findIndex((r) => matches(r, headers))
  if (index < 0) return { route: -1, subset: null, delayMs: 0, abortStatus: null }
  const r = policy.routes[index]!
  const total = r.route.reduce((a, d) => a + d.weight, 0)
  let x = rng.range(0, total)
  let subset = r.route[r.route.length - 1]!.subset
  for (const d of r.route) {
    if (x < d.weight) {
      subset = d.subset
      break
    }
    x -= d.weight
  }
  // Separate draws for delay and abort, as Envoy's fault filter makes them independently.
  const delayMs = r.fault?.delay && rng.next() * 100 < r.fault.delay.percent ? r.fault.delay.ms : 0
  const abortStatus = r.fault?.abort && rng.next() * 100 < r.fault.abort.percent ? r.fault.abort.status : null
  return { route: index, subset, delayMs, abortStatus }
}

function matches(r: HttpRoute, headers: Readonly<Record<string, string>>): boolean {
  if (!r.match) return true
  return Object.entries(r.match.headers).every(([k, v]) => headers[k.toLowerCase()] === v)
}
