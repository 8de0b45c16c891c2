import { expectArg, expectNonNegative } from './errors.ts'

export interface TimerHandle {
  readonly id: number
  readonly at: number
}

interface Entry {
  at: number
  seq: number
  id: number
  fn: () => void
}

/**
 * A discrete-event scheduler: a binary min-heap ordered by (time, insertion sequence), so events
 * at equal times run in the order they were scheduled. Time is simulated milliseconds.
 */
export class Scheduler {
  private heap: Entry[] = []
  private seq = 0
  private cancelled = new Set<number>()
  private _now = 0
  private _executed = 0

  get now(): number {
    return this._now
  }

  /** How many events have run so far (for the benchmark's events/s). */
  get executed(): number {
    return this._executed
  }

  get pending(): number {
    return this.heap.length - this.cancelled.size
  }

  /** Run `fn` after `delay` ms of simulated time. */
  after(delay: number, fn: () => void): TimerHandle {
    expectNonNegative('delay', delay)
    return this.at(this._now + delay, fn)
  }

  /** Run `fn` at absolute simulated time `at` (not in the past). */
  at(at: number, fn: () => void): TimerHandle {
    expectArg(Number.isFinite(at) && at >= this._now, 'at', at, `a time ≥ now (${this._now})`)
    const id = ++this.seq
    this.push({ at, seq: id, id, fn })
    return { id, at }
  }

  cancel(handle: TimerHandle | null | undefined): void {
    if (handle) this.cancelled.add(handle.id)
  }

  /** Run every event up to and including time `until`, then set the clock to `until`. */
  runUntil(until: number): void {
    expectArg(Number.isFinite(until) && until >= this._now, 'runUntil(time)', until, `a time ≥ now (${this._now})`)
    for (;;) {
      const top = this.heap[0]
      if (!top || top.at > until) break
      this.pop()
      if (this.cancelled.delete(top.id)) continue
      this._now = top.at
      this._executed++
      top.fn()
    }
    this._now = until
  }

  /** Run for `ms` of simulated time. */
  advance(ms: number): void {
    expectNonNegative('advance(ms)', ms)
    this.runUntil(this._now + ms)
  }

  /** Run events one at a time until `done()` holds or `limit` ms pass; returns whether done() held. */
  runWhile(done: () => boolean, limit: number): boolean {
    const end = this._now + limit
    while (!done()) {
      const top = this.peekLive()
      if (!top || top.at > end) {
        this._now = end
        return done()
      }
      this.runUntil(top.at)
    }
    return true
  }

  private peekLive(): Entry | undefined {
    while (this.heap[0] && this.cancelled.has(this.heap[0].id)) {
      this.cancelled.delete(this.heap[0].id)
      this.pop()
    }
    return this.heap[0]
  }

  private less(x: Entry, y: Entry): boolean {
    return x.at < y.at || (x.at === y.at && x.seq < y.seq)
  }

  private push(e: Entry): void {
    const h = this.heap
    h.push(e)
    let i = h.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!this.less(h[i]!, h[p]!)) break
      ;[h[i], h[p]] = [h[p]!, h[i]!]
      i = p
    }
  }

  private pop(): Entry | undefined {
    const h = this.heap
    const top = h[0]
    const last = h.pop()
    if (h.length > 0 && last) {
      h[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r
        if (m === i) break
        ;[h[i], h[m]] = [h[m]!, h[i]!]
        i = m
      }
    }
    return top
  }
}
