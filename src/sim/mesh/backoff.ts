import { expectArg, expectInteger } from '../errors.ts'
import type { Random } from '../random.ts'

/**
 * Exponential backoff between retries (the AWS Architecture Blog's "Exponential Backoff And
 * Jitter", 2015), for retry n = 0, 1, 2, ...:
 * - none:         min(cap, base·2^n)                 every client retries at the same instants
 * - full:         rand(0, min(cap, base·2^n))        spreads retries over the whole window
 * - decorrelated: min(cap, rand(base, prev·3))       prev starts at base; grows from its own last value
 * Jitter matters under contention: when many clients fail together, "none" sends their retries
 * together too, a thundering herd at each step; the jittered forms smear them out.
 */
export type Jitter = 'none' | 'full' | 'decorrelated'

export interface BackoffPolicy {
  readonly jitter: Jitter
  readonly baseMs: number
  readonly capMs: number
}

/** Envoy's defaults: base interval 25 ms, maximum 10 × base, fully jittered. */
export const DEFAULT_BACKOFF: BackoffPolicy = { jitter: 'full', baseMs: 25, capMs: 250 }

export function checkBackoff(p: BackoffPolicy): BackoffPolicy {
  expectArg(p.jitter === 'none' || p.jitter === 'full' || p.jitter === 'decorrelated', 'backoff.jitter', p.jitter, "'none', 'full' or 'decorrelated'")
  expectArg(Number.isFinite(p.baseMs) && p.baseMs > 0, 'backoff.baseMs', p.baseMs, 'a number of ms > 0')
  expectArg(Number.isFinite(p.capMs) && p.capMs >= p.baseMs, 'backoff.capMs', p.capMs, `a number of ms ≥ baseMs (${p.baseMs})`)
  return p
}

/** The un-jittered ceiling for retry n: min(cap, base·2^n). */
export function exponential(n: number, baseMs: number, capMs: number): number {
  expectInteger('retry number', n, 0, 1000)
  return Math.min(capMs, baseMs * 2 ** n)
}

/**
 * One request's backoff sequence. Decorrelated jitter needs the previous delay, so the sequence
 * is an object; `next()` gives the delay before retry 0, 1, 2, ... in turn.
 */
export class Backoff {
  private n = 0
  private prev: number

  constructor(
    private readonly policy: BackoffPolicy,
    private readonly rng: Random,
  ) {
    checkBackoff(policy)
    this.prev = policy.baseMs
  }

  next(): number {
    const { jitter, baseMs, capMs } = this.policy
    const n = this.n++
    if (jitter === 'none') return exponential(n, baseMs, capMs)
    if (jitter === 'full') return this.rng.range(0, exponential(n, baseMs, capMs))
    this.prev = Math.min(capMs, this.rng.range(baseMs, this.prev * 3))
    return this.prev
  }
}
