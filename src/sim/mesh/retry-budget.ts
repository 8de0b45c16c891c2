import { expectArg } from '../errors.ts'

/**
 * A retry budget, Linkerd style: within the last `ttlMs`, retries may number at most
 * `ratio` × requests + `minRetriesPerSecond` × ttl/1000. Retries then add at most 20% load on top
 * of the real traffic, however badly the upstream fails, so retries cannot turn a brown-out into
 * an outage (a retry storm). Linkerd's defaults: ratio 0.2, 10 retries/s, 10 s window; Envoy's
 * equivalent is `retry_budget.budget_percent` 20%.
 */
export interface RetryBudgetConfig {
  readonly ratio: number
  readonly minRetriesPerSecond: number
  readonly ttlMs: number
}

export const DEFAULT_RETRY_BUDGET: RetryBudgetConfig = { ratio: 0.2, minRetriesPerSecond: 10, ttlMs: 10_000 }

export function checkRetryBudget(c: RetryBudgetConfig): RetryBudgetConfig {
  expectArg(Number.isFinite(c.ratio) && c.ratio >= 0, 'retryBudget.ratio', c.ratio, 'a number ≥ 0 (0.2 = retries up to 20% of requests)')
  expectArg(Number.isFinite(c.minRetriesPerSecond) && c.minRetriesPerSecond >= 0, 'retryBudget.minRetriesPerSecond', c.minRetriesPerSecond, 'a number ≥ 0')
  expectArg(Number.isFinite(c.ttlMs) && c.ttlMs > 0, 'retryBudget.ttlMs', c.ttlMs, 'a number of ms > 0')
  return c
}

export class RetryBudget {
  private requests: number[] = []
  private retries: number[] = []

  constructor(readonly config: RetryBudgetConfig = DEFAULT_RETRY_BUDGET) {
    checkRetryBudget(config)
  }

  /** An original request (not a retry) started. */
  recordRequest(now: number): void {
    this.requests.push(now)
  }

  /** Whether one more retry fits the budget now; if so it is counted against it. */
  tryRetry(now: number): boolean {
    this.expire(now)
    if (this.retries.length + 1 > this.allowed()) return false
    this.retries.push(now)
    return true
  }

  /** The window's counts, for the picture. */
  state(now: number): { requests: number; retries: number; allowed: number } {
    this.expire(now)
    return { requests: this.requests.length, retries: this.retries.length, allowed: this.allowed() }
  }

  private allowed(): number {
    const c = this.config
    return c.ratio * this.requests.length + (c.minRetriesPerSecond * c.ttlMs) / 1000
  }

  private expire(now: number): void {
    const from = now - this.config.ttlMs
    while (this.requests.length > 0 && this.requests[0]! <= from) this.requests.shift()
    while (this.retries.length > 0 && this.retries[0]! <= from) this.retries.shift()
  }
}
