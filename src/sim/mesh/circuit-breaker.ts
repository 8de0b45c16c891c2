import { expectArg, expectInteger } from '../errors.ts'

/**
 * A count-based circuit breaker with resilience4j's semantics and defaults:
 * - closed: calls pass; the last `slidingWindowSize` outcomes are kept. Once at least
 *   `minimumNumberOfCalls` are in and the failure rate is ≥ `failureRateThreshold` %, it opens.
 * - open: calls are refused at once (fail fast, no load on the sick upstream) for
 *   `waitDurationInOpenStateMs`; the first call after that moves it to half-open (resilience4j's
 *   default, automaticTransitionFromOpenToHalfOpenEnabled = false).
 * - half-open: `permittedNumberOfCallsInHalfOpenState` trial calls pass, the rest are refused; when
 *   all trials are back, failure rate ≥ threshold reopens it, otherwise it closes.
 * Every transition starts a fresh window. Defaults: 50%, 100 calls, 100 calls, 60 s, 10 trials.
 * Scenarios use smaller numbers so the picture moves within a few seconds; they say so.
 */
export interface CircuitBreakerConfig {
  readonly failureRateThreshold: number
  readonly slidingWindowSize: number
  readonly minimumNumberOfCalls: number
  readonly waitDurationInOpenStateMs: number
  readonly permittedNumberOfCallsInHalfOpenState: number
}

export const RESILIENCE4J_DEFAULTS: CircuitBreakerConfig = {
  failureRateThreshold: 50,
  slidingWindowSize: 100,
  minimumNumberOfCalls: 100,
  waitDurationInOpenStateMs: 60_000,
  permittedNumberOfCallsInHalfOpenState: 10,
}

export type BreakerState = 'closed' | 'open' | 'half-open'

export interface BreakerView {
  readonly state: BreakerState
  /** Failure rate in % over the current window, or null until enough calls are in. */
  readonly failureRate: number | null
  readonly calls: number
  readonly failures: number
  /** When it last opened (null if never); it may try half-open from openedAt + wait. */
  readonly openedAt: number | null
  /** Trial calls let through / answered in the current half-open state. */
  readonly trialsStarted: number
  readonly trialsDone: number
  readonly rejected: number
}

export function checkBreaker(partial: Partial<CircuitBreakerConfig>): CircuitBreakerConfig {
  const c = { ...RESILIENCE4J_DEFAULTS, ...partial }
  expectArg(c.failureRateThreshold > 0 && c.failureRateThreshold <= 100, 'failureRateThreshold', c.failureRateThreshold, 'a percentage in (0, 100]')
  expectInteger('slidingWindowSize', c.slidingWindowSize, 1, 100_000)
  expectInteger('minimumNumberOfCalls', c.minimumNumberOfCalls, 1, 100_000)
  expectArg(Number.isFinite(c.waitDurationInOpenStateMs) && c.waitDurationInOpenStateMs >= 0, 'waitDurationInOpenStateMs', c.waitDurationInOpenStateMs, 'a number of ms ≥ 0')
  expectInteger('permittedNumberOfCallsInHalfOpenState', c.permittedNumberOfCallsInHalfOpenState, 1, 100_000)
  return c
}

export class CircuitBreaker {
  readonly config: CircuitBreakerConfig
  private _state: BreakerState = 'closed'
  private window: boolean[] = [] // true = failure
  private openedAt: number | null = null
  private trialsStarted = 0
  private trialsDone = 0
  private trialFailures = 0
  private rejected = 0

  constructor(
    config: Partial<CircuitBreakerConfig> = {},
    private readonly onTransition: (from: BreakerState, to: BreakerState) => void = () => {},
  ) {
    this.config = checkBreaker(config)
  }

  get state(): BreakerState {
    return this._state
  }

  /** Ask to make a call now. False means: refused, fail fast. */
  tryAcquire(now: number): boolean {
    if (this._state === 'open' && now >= this.openedAt! + this.config.waitDurationInOpenStateMs) this.moveTo('half-open')
    if (this._state === 'closed') return true
    if (this._state === 'half-open' && this.trialsStarted < this.config.permittedNumberOfCallsInHalfOpenState) {
      this.trialsStarted++
      return true
    }
    this.rejected++
    return false
  }

  /** Give back a permit for a call that never reached the upstream (so it counts neither way). */
  release(): void {
    if (this._state === 'half-open' && this.trialsStarted > this.trialsDone) this.trialsStarted--
  }

  /** Report how a permitted call ended. */
  onResult(success: boolean, now: number): void {
    if (this._state === 'half-open') {
      this.trialsDone++
      if (!success) this.trialFailures++
      if (this.trialsDone >= this.config.permittedNumberOfCallsInHalfOpenState) {
        const rate = (100 * this.trialFailures) / this.trialsDone
        this.moveTo(rate >= this.config.failureRateThreshold ? 'open' : 'closed', now)
      }
      return
    }
    if (this._state !== 'closed') return // a straggler from before the circuit opened
    this.window.push(!success)
    if (this.window.length > this.config.slidingWindowSize) this.window.shift()
    const rate = this.failureRate()
    if (rate !== null && rate >= this.config.failureRateThreshold) this.moveTo('open', now)
  }

  /** Failure rate in % over the closed-state window, or null below the minimum number of calls. */
  failureRate(): number | null {
    const min = Math.min(this.config.minimumNumberOfCalls, this.config.slidingWindowSize)
    if (this.window.length < min) return null
    return (100 * this.window.filter(Boolean).length) / this.window.length
  }

  view(): BreakerView {
    const half = this._state === 'half-open'
    return {
      state: this._state,
      failureRate: half ? (this.trialsDone === 0 ? null : (100 * this.trialFailures) / this.trialsDone) : this.failureRate(),
      calls: half ? this.trialsDone : this.window.length,
      failures: half ? this.trialFailures : this.window.filter(Boolean).length,
      openedAt: this.openedAt,
      trialsStarted: this.trialsStarted,
      trialsDone: this.trialsDone,
      rejected: this.rejected,
    }
  }

  private moveTo(to: BreakerState, now?: number): void {
    const from = this._state
    this._state = to
    this.window = []
    this.trialsStarted = 0
    this.trialsDone = 0
    this.trialFailures = 0
    if (to === 'open') this.openedAt = now ?? this.openedAt
    this.onTransition(from, to)
  }
}
