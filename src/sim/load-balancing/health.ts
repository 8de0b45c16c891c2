import { expectArg, expectInteger } from '../errors.ts'

/**
 * Active health checks: the balancer probes each backend every `intervalMs` (think GET /health).
 * A probe that fails or gets no answer within `timeoutMs` counts as a failure;
 * `unhealthyThreshold` consecutive failures eject the backend, `healthyThreshold` consecutive
 * successes restore it. Defaults follow HAProxy (`inter 2s fall 3 rise 2`).
 */
export interface ActiveCheckConfig {
  readonly intervalMs: number
  readonly timeoutMs: number
  readonly unhealthyThreshold: number
  readonly healthyThreshold: number
}
export const DEFAULT_ACTIVE_CHECKS: ActiveCheckConfig = { intervalMs: 2000, timeoutMs: 1000, unhealthyThreshold: 3, healthyThreshold: 2 }

/**
 * Passive checks (outlier detection): the balancer watches real responses. When at least
 * `minRequests` of the last `window` answers are in, and the share of errors (5xx or timeouts)
 * reaches `errorRate`, the backend is ejected for `ejectionMs` and then let back in with a clean
 * slate. Defaults in the spirit of Envoy's outlier detection (base_ejection_time 30 s).
 */
export interface PassiveCheckConfig {
  readonly window: number
  readonly minRequests: number
  readonly errorRate: number
  readonly ejectionMs: number
}
export const DEFAULT_PASSIVE_CHECKS: PassiveCheckConfig = { window: 20, minRequests: 10, errorRate: 0.5, ejectionMs: 30_000 }

export function activeConfig(partial: Partial<ActiveCheckConfig>): ActiveCheckConfig {
  const c = { ...DEFAULT_ACTIVE_CHECKS, ...partial }
  expectArg(Number.isFinite(c.intervalMs) && c.intervalMs > 0, 'activeChecks.intervalMs', c.intervalMs, 'a number of ms > 0')
  expectArg(Number.isFinite(c.timeoutMs) && c.timeoutMs > 0 && c.timeoutMs <= c.intervalMs, 'activeChecks.timeoutMs', c.timeoutMs, `a number of ms in (0, intervalMs = ${c.intervalMs}]`)
  expectInteger('activeChecks.unhealthyThreshold', c.unhealthyThreshold, 1, 100)
  expectInteger('activeChecks.healthyThreshold', c.healthyThreshold, 1, 100)
  return c
}

export function passiveConfig(partial: Partial<PassiveCheckConfig>): PassiveCheckConfig {
  const c = { ...DEFAULT_PASSIVE_CHECKS, ...partial }
  expectInteger('passiveChecks.window', c.window, 1, 10_000)
  expectInteger('passiveChecks.minRequests', c.minRequests, 1, c.window)
  expectArg(c.errorRate > 0 && c.errorRate <= 1, 'passiveChecks.errorRate', c.errorRate, 'a fraction in (0, 1]')
  expectArg(Number.isFinite(c.ejectionMs) && c.ejectionMs > 0, 'passiveChecks.ejectionMs', c.ejectionMs, 'a number of ms > 0')
  return c
}

export type Health = 'healthy' | 'ejected'

/** One backend's health as the balancer sees it. Ejected when either check says so. */
export class BackendHealth {
  /** Consecutive probe failures / successes (one of them is always 0). */
  failStreak = 0
  okStreak = 0
  /** Failed active checks and have not yet passed `healthyThreshold` probes. */
  activeDown = false
  /** Ejected by outlier detection until this time (null when not). */
  passiveUntil: number | null = null
  private outcomes: boolean[] = []

  get health(): Health {
    return this.activeDown || this.passiveUntil !== null ? 'ejected' : 'healthy'
  }

  get ejectedBy(): 'active' | 'passive' | null {
    return this.activeDown ? 'active' : this.passiveUntil !== null ? 'passive' : null
  }

  /** Record a probe result; returns whether it changed the active verdict. */
  probe(ok: boolean, cfg: ActiveCheckConfig): 'down' | 'up' | null {
    if (ok) {
      this.okStreak++
      this.failStreak = 0
      if (this.activeDown && this.okStreak >= cfg.healthyThreshold) {
        this.activeDown = false
        return 'up'
      }
    } else {
      this.failStreak++
      this.okStreak = 0
      if (!this.activeDown && this.failStreak >= cfg.unhealthyThreshold) {
        this.activeDown = true
        return 'down'
      }
    }
    return null
  }

  /** Record a real response (error = 5xx or timeout); returns true when it trips an ejection. */
  response(error: boolean, now: number, cfg: PassiveCheckConfig): boolean {
    if (this.passiveUntil !== null) return false
    this.outcomes.push(error)
    if (this.outcomes.length > cfg.window) this.outcomes.shift()
    if (this.outcomes.length < cfg.minRequests) return false
    const rate = this.outcomes.filter(Boolean).length / this.outcomes.length
    if (rate < cfg.errorRate) return false
    this.passiveUntil = now + cfg.ejectionMs
    return true
  }

  /** The passive ejection's time is up: back in, with no memory of the old errors. */
  readmit(): void {
    this.passiveUntil = null
    this.outcomes = []
  }

  /** Share of errors among the recent responses the passive check holds. */
  get errorRate(): number {
    return this.outcomes.length === 0 ? 0 : this.outcomes.filter(Boolean).length / this.outcomes.length
  }
}
