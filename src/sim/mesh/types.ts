import type { LinkModel } from '../network.ts'
import { DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.ts'
import type { BreakerView, CircuitBreakerConfig } from './circuit-breaker.ts'
import type { Flight } from './in-flight.ts'
import type { Certificate, CertProblem } from './identity.ts'
import { DEFAULT_RETRY_BUDGET, type RetryBudgetConfig } from './retry-budget.ts'
import type { TrafficPolicy } from './traffic.ts'

// The mesh model's public types: options, policies, views and the snapshot a scene draws.

/** How many routing decisions `recentSplit` looks back over. */
export const RECENT_ROUTES = 200

export interface WorkloadSpec {
  readonly name: string
  readonly service: string
  /** The subset (version label) traffic rules pick by; default 'v1'. */
  readonly version?: string
  /** How long the application takes to answer, ms; default 10. */
  readonly serviceMs?: number
  /** false: an outsider whose proxy holds a self-signed certificate, not one from the mesh CA. */
  readonly trusted?: boolean
  readonly namespace?: string
}

export interface MeshOptions {
  readonly seed: number
  readonly workloads: readonly WorkloadSpec[]
  /** Default 'cluster.local' (as in Istio). */
  readonly trustDomain?: string
  /** Certificate lifetime; default 24 h (Istio's workload certificates). */
  readonly certTtlMs?: number
  /** Renew once this fraction of the lifetime has passed; default 0.5 (Istio's grace ratio). */
  readonly renewAtFraction?: number
  readonly link?: LinkModel
}

/** Retries at the client's sidecar, per destination service. */
export interface RetryPolicy {
  /** Retries after the first try; Istio's default is 2. 0 turns retries off. */
  readonly attempts: number
  /** A try with no answer by then counts as failed (504). */
  readonly perTryTimeoutMs: number
  readonly backoff: BackoffPolicy
  /** null: no budget, every failed request may use all its retries. */
  readonly budget: RetryBudgetConfig | null
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 2, perTryTimeoutMs: 1000, backoff: DEFAULT_BACKOFF, budget: DEFAULT_RETRY_BUDGET }

export type RequestStatus = 'pending' | 'ok' | 'failed'

export interface RequestView {
  readonly id: number
  readonly from: string
  readonly service: string
  readonly subset: string | null
  /** 0 for the first try, n for the n-th retry. */
  readonly attempt: number
  readonly status: RequestStatus
  /** HTTP status of the outcome, null while pending. */
  readonly code: number | null
  /** Why it failed or was cut short ('circuit open', 'handshake refused: expired', ...), else null. */
  readonly reason: string | null
  /** The workload serving the current try, null before one is chosen. */
  readonly target: string | null
  /** Every try so far: where it went and how it ended (status null while out or never sent). */
  readonly tries: readonly TryView[]
  /** Backoff before each retry so far, ms. */
  readonly backoffs: readonly number[]
  /** When the next retry leaves, while backing off; else null. */
  readonly nextRetryAt: number | null
  readonly startedAt: number
  readonly endedAt: number | null
}

export interface TryView {
  readonly attempt: number
  readonly target: string
  readonly sentAt: number
  readonly status: number | null
}

export interface ServiceCounters {
  readonly requests: number
  readonly succeeded: number
  readonly failed: number
  readonly retries: number
  /** Retries the budget refused. */
  readonly retriesDenied: number
  /** Tries the circuit breaker refused (failed fast). */
  readonly shortCircuited: number
  /** Handshakes to this service's workloads refused for a bad certificate. */
  readonly refused: number
  readonly aborted: number
  readonly delayed: number
  readonly timeouts: number
  /** Requests routed to each subset, since the start. */
  readonly bySubset: Readonly<Record<string, number>>
  /** Share of each subset among the last RECENT_ROUTES routed requests. */
  readonly recentSplit: Readonly<Record<string, number>>
}

/**
 * MeshSnapshot (plain JSON). Node ids: a workload's application is `<name>`, its sidecar
 * `<name>.proxy`; every hop is a network message, so in-flight dots move service → own sidecar →
 * peer sidecar → peer service and back.
 * {
 *   now,
 *   workloads: [{ name, service, version, identity (spiffe://...), sidecar, trusted, errorRate, rotating,
 *                 cert: { serial, issuer, notBefore, notAfter, valid, problem, renewAt } | null }],
 *   connections: [{ from, to (sidecar ids), state: 'handshaking' | 'established', since, serials: [client, server] }],
 *   handshakes: { accepted, refused, lastRefusal: { at, from, to, identity, problem } | null },
 *   requests: [{ id, from, service, subset, attempt, status, code, reason, target,
 *               tries: [{ attempt, target, sentAt, status }], backoffs, nextRetryAt, startedAt, endedAt }]
 *             pending ones and the last 12 finished, oldest first,
 *   breakers: [{ sidecar, cluster, config, ...BreakerView }],
 *   budgets: [{ sidecar, service, requests, retries, allowed }],
 *   policies: { [service]: { routes, retry, breaker } },
 *   services: [{ name, counters: ServiceCounters }],
 *   inFlight: [{ id, from, to, kind, sentAt, deliverAt, payload }]
 *             kinds: request, response, tls-hello, tls-accept, tls-alert; payload { req, attempt } or { serial }
 * }
 */
export interface MeshSnapshot {
  readonly now: number
  readonly workloads: readonly WorkloadView[]
  readonly connections: readonly { readonly from: string; readonly to: string; readonly state: 'handshaking' | 'established'; readonly since: number; readonly serials: readonly [number, number | null] }[]
  readonly handshakes: { readonly accepted: number; readonly refused: number; readonly lastRefusal: Refusal | null }
  readonly requests: readonly RequestView[]
  readonly breakers: readonly (BreakerView & { readonly sidecar: string; readonly cluster: string; readonly config: CircuitBreakerConfig })[]
  readonly budgets: readonly { readonly sidecar: string; readonly service: string; readonly requests: number; readonly retries: number; readonly allowed: number }[]
  readonly policies: Readonly<Record<string, { readonly routes: TrafficPolicy | null; readonly retry: RetryPolicy; readonly breaker: CircuitBreakerConfig | null }>>
  readonly services: readonly { readonly name: string; readonly counters: ServiceCounters }[]
  readonly inFlight: readonly Flight[]
}

export interface WorkloadView {
  readonly name: string
  readonly service: string
  readonly version: string
  readonly identity: string
  readonly sidecar: string
  readonly trusted: boolean
  readonly errorRate: number
  readonly rotating: boolean
  readonly cert: (Certificate & { readonly valid: boolean; readonly problem: CertProblem | null; readonly renewAt: number | null }) | null
}

export interface Refusal {
  readonly at: number
  /** The sidecar that refused and the one it refused. */
  readonly from: string
  readonly to: string
  readonly identity: string | null
  readonly problem: CertProblem
}
