import { RECENT_ROUTES, type MeshSnapshot, type RequestView } from './types.ts'

export type MeshFocus =
  | 'start' | 'handshake' | 'rotate' | 'intruder'
  | 'failure' | 'retry-1' | 'retry-2' | 'recovered'
  | 'failing' | 'open' | 'half-open' | 'closed'
  | 'split' | 'counters' | 'shift'
  /** What-if mode: the viewer is driving the model; the text summarises the live state. */
  | 'live-mtls' | 'live-retries' | 'live-breaker' | 'live-canary'

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`
const ms = (x: number): string => `${Math.round(x)} ms`

/** The most recent request (highest id), the one the retry pictures follow. */
const latest = (s: MeshSnapshot): RequestView | undefined => s.requests[s.requests.length - 1]

/**
 * One or two plain sentences about a mesh snapshot. With a `focus` (scenario snapshots) it says
 * what the step shows; without one it summarises the mesh.
 */
export function describeMesh(s: MeshSnapshot & { readonly focus?: MeshFocus }): string {
  const breaker = s.breakers[0]
  const svc = (name: string) => s.services.find((x) => x.name === name)?.counters
  const req = latest(s)
  switch (s.focus) {
    case 'handshake': {
      const c = s.connections.find((x) => x.state === 'established')
      return `The two sidecars complete a mutual TLS handshake, each proving its identity with a certificate from the mesh CA (serials ${c?.serials.join(' and ') ?? '?'}). The request now travels over that encrypted connection.`
    }
    case 'rotate': {
      const serials = s.workloads.filter((w) => w.cert).map((w) => `${w.name} ${w.cert!.serial}`).join(', ')
      return `Halfway through their lifetime the certificates were renewed automatically (now ${serials}), and the sidecars reconnected with the new ones. The applications noticed nothing.`
    }
    case 'intruder': {
      const r = s.handshakes.lastRefusal
      return `An intruder without a certificate from the mesh CA tries to call payments; its handshake is refused (${r?.problem ?? 'untrusted'}) and the refusal is logged. Nothing reaches the payments service.`
    }
    case 'failure':
      return `The first try failed with status ${req?.tries[0]?.status ?? '?'} from payments. The sidecar, not the application, will retry after ${ms(req?.backoffs[0] ?? 0)} of backoff.`
    case 'retry-1':
      return `Retry 1 is on its way after ${ms(req?.backoffs[0] ?? 0)}; if it fails, the next wait doubles.`
    case 'retry-2':
      return `Retry 1 failed too, so the sidecar waited ${ms(req?.backoffs[1] ?? 0)}, twice as long, before retry 2. Meanwhile payments has recovered.`
    case 'recovered':
      return `Retry 2 succeeded: the request completed after ${(req?.attempt ?? 0) + 1} tries and the application only ever saw the final success.`
    case 'failing':
      return `Payments is failing: ${breaker?.failures ?? 0} of the last ${breaker?.calls ?? 0} calls failed, but the circuit stays closed until ${breaker?.config.minimumNumberOfCalls ?? '?'} calls are counted (resilience4j's default is 100; this demo scales it down).`
    case 'open':
      return `The failure rate reached the ${breaker?.config.failureRateThreshold ?? 50}% threshold, so the circuit opened: calls now fail fast at the sidecar (${svc('payments')?.shortCircuited ?? 0} so far) and payments gets time to recover.`
    case 'half-open':
      return `After ${ms(breaker?.config.waitDurationInOpenStateMs ?? 0)} the circuit is half-open: ${breaker?.trialsStarted ?? 0} of ${breaker?.config.permittedNumberOfCallsInHalfOpenState ?? '?'} trial calls are let through to test payments.`
    case 'closed':
      return `The trial calls succeeded, so the circuit closed again and traffic flows normally: ${svc('payments')?.succeeded ?? 0} calls have succeeded in all.`
    case 'split': {
      const c = svc('reviews')
      return `Reviews v2 is a canary: the sidecars send about 90% of requests to v1 and 10% to v2, and testers with the x-user header always reach v2. ${c?.requests ?? 0} requests have left so far.`
    }
    case 'counters': {
      const c = svc('reviews')
      const total = Object.values(c?.bySubset ?? {}).reduce((a, x) => a + x, 0)
      return `After ${total} requests the counters read v1 ${c?.bySubset.v1 ?? 0} and v2 ${c?.bySubset.v2 ?? 0}: ${pct((c?.bySubset.v1 ?? 0) / Math.max(1, total))} against ${pct((c?.bySubset.v2 ?? 0) / Math.max(1, total))}, as configured.`
    }
    case 'shift': {
      const c = svc('reviews')
      return `The canary looked healthy, so the weights shifted to 50/50; of the last ${RECENT_ROUTES} requests ${pct(c?.recentSplit.v1 ?? 0)} went to v1 and ${pct(c?.recentSplit.v2 ?? 0)} to v2.`
    }
    case 'live-mtls':
    case 'live-retries':
    case 'live-breaker':
    case 'live-canary':
      return describeLive(s, s.focus)
    default: {
      const names = s.workloads.map((w) => w.name).join(', ')
      return `A service mesh of ${s.workloads.length} workloads (${names}), each with a sidecar proxy that carries all its traffic. ${s.requests.length === 0 ? 'No requests yet.' : `${s.requests.length} requests shown.`}`
    }
  }
}

const seconds = (x: number): string => `${(x / 1000).toFixed(1)} s`

/** Who is failing, as a clause ("payments is failing every call" / "every service is healthy"). */
function health(s: MeshSnapshot): string {
  const failing = s.workloads.filter((w) => w.trusted && w.errorRate > 0).map((w) => w.name)
  if (failing.length === 0) return 'every service is healthy'
  return `${failing.join(' and ')} ${failing.length === 1 ? 'is' : 'are'} failing every call`
}

/** The live (what-if) summary: the state the viewer changed, in one or two sentences. */
function describeLive(s: MeshSnapshot, focus: 'live-mtls' | 'live-retries' | 'live-breaker' | 'live-canary'): string {
  const req = latest(s)
  switch (focus) {
    case 'live-mtls': {
      const r = s.handshakes.lastRefusal
      const certs = s.workloads.filter((w) => w.trusted && w.cert).map((w) => `${w.name} #${w.cert!.serial} (expires in ${seconds(w.cert!.notAfter - s.now)})`).join(', ')
      return `Live: ${s.handshakes.accepted} handshakes accepted and ${s.handshakes.refused} refused${r ? ` (last refusal: ${r.problem})` : ''}. Certificates now: ${certs}.`
    }
    case 'live-retries': {
      const jitter = req ? s.policies[req.service]?.retry.backoff.jitter ?? 'none' : 'none'
      const waits = req && req.backoffs.length > 0 ? `waits ${req.backoffs.map((b) => Math.round(b)).join(', ')} ms` : 'no waits yet'
      const state = !req ? 'no request yet'
        : req.status === 'ok' ? `request ${req.id} succeeded after ${req.tries.length} tries`
        : req.status === 'failed' ? `request ${req.id} failed after ${req.tries.length} tries (${req.reason ?? req.code})`
        : req.nextRetryAt !== null ? `request ${req.id} is backing off ${ms(req.nextRetryAt - s.now)} before retry ${req.attempt + 1}`
        : `request ${req.id} is on try ${req.attempt + 1}`
      return `Live: ${state}, ${waits} (${jitter === 'none' ? 'no' : jitter} jitter). Right now ${health(s)}.`
    }
    case 'live-breaker': {
      const b = s.breakers[0]
      const fast = s.services.find((x) => x.name === b?.cluster)?.counters.shortCircuited ?? 0
      const circuit = !b ? 'no call has gone through the breaker yet'
        : b.state === 'open' ? `the circuit is open and ${fast} calls have failed fast so far`
        : b.state === 'half-open' ? `the circuit is half-open with ${b.trialsStarted} of ${b.config.permittedNumberOfCallsInHalfOpenState} trial calls let through`
        : `the circuit is closed with ${b.failures} of the last ${b.calls} calls failed`
      return `Live: ${health(s)}; ${circuit}.`
    }
    case 'live-canary': {
      const svc = s.services.find((x) => s.policies[x.name]?.routes)
      const routes = svc ? s.policies[svc.name]!.routes!.routes : []
      const split = routes[routes.length - 1]?.route ?? []
      const c = svc?.counters
      const total = Object.values(c?.bySubset ?? {}).reduce((a, x) => a + x, 0)
      const counted = split.map((d) => `${d.subset} ${c?.bySubset[d.subset] ?? 0} (${pct((c?.bySubset[d.subset] ?? 0) / Math.max(1, total))})`).join(' and ')
      return `Live: the weights are ${split.map((d) => `${d.subset} ${d.weight}`).join(' / ')}; counted so far ${counted}. Right now ${health(s)}.`
    }
  }
}
