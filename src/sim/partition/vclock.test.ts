import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { compareClocks, formatClock, mergeClocks, tick, type VectorClock } from './vclock.ts'

/**
 * Reference: run a random message-passing execution, give every event its vector clock, and
 * compare the clocks' verdict with happens-before computed directly as reachability in the
 * event graph (program order plus send → receive edges).
 */
type Action = { kind: 'local'; p: number } | { kind: 'send'; p: number; q: number } | { kind: 'recv'; pick: number }

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('local' as const), p: fc.integer({ min: 0, max: 2 }) }),
  fc.record({ kind: fc.constant('send' as const), p: fc.integer({ min: 0, max: 2 }), q: fc.integer({ min: 0, max: 2 }) }),
  fc.record({ kind: fc.constant('recv' as const), pick: fc.nat() }),
)

function execute(actions: readonly Action[]): { clocks: VectorClock[]; preds: Set<number>[] } {
  const clocks: VectorClock[] = []
  const preds: Set<number>[] = []
  const last: (number | null)[] = [null, null, null]
  const current: VectorClock[] = [{}, {}, {}]
  const wire: { q: number; clock: VectorClock; event: number }[] = []
  const event = (p: number, clock: VectorClock, extra: number | null): number => {
    const id = clocks.length
    clocks.push(clock)
    preds.push(new Set([last[p], extra].filter((x): x is number => x !== null)))
    last[p] = id
    current[p] = clock
    return id
  }
  for (const a of actions) {
    if (a.kind === 'local') event(a.p, tick(current[a.p]!, `p${a.p}`), null)
    else if (a.kind === 'send') {
      const id = event(a.p, tick(current[a.p]!, `p${a.p}`), null)
      wire.push({ q: a.q, clock: clocks[id]!, event: id })
    } else if (wire.length > 0) {
      const [m] = wire.splice(a.pick % wire.length, 1)
      event(m!.q, tick(mergeClocks(current[m!.q]!, m!.clock), `p${m!.q}`), m!.event)
    }
  }
  return { clocks, preds }
}

function happensBefore(preds: readonly Set<number>[], a: number, b: number): boolean {
  const stack = [...preds[b]!]
  const seen = new Set<number>()
  while (stack.length > 0) {
    const x = stack.pop()!
    if (x === a) return true
    if (seen.has(x)) continue
    seen.add(x)
    stack.push(...preds[x]!)
  }
  return false
}

describe('vector clocks', () => {
  it('classify every pair of events as before / after / concurrent exactly like happens-before', () => {
    fc.assert(fc.property(fc.array(action, { maxLength: 30 }), (actions) => {
      const { clocks, preds } = execute(actions)
      for (let a = 0; a < clocks.length; a++) {
        for (let b = 0; b < clocks.length; b++) {
          const expected = a === b ? 'equal' : happensBefore(preds, a, b) ? 'before' : happensBefore(preds, b, a) ? 'after' : 'concurrent'
          expect(compareClocks(clocks[a]!, clocks[b]!)).toBe(expected)
        }
      }
    }), { numRuns: 150 })
  })

  it('merge is the pointwise maximum and missing entries count as 0', () => {
    expect(mergeClocks({ a: 2, b: 1 }, { b: 3, c: 1 })).toEqual({ a: 2, b: 3, c: 1 })
    expect(compareClocks({}, { a: 0 })).toBe('equal')
    expect(compareClocks({ a: 1 }, { b: 1 })).toBe('concurrent')
    expect(formatClock({ n3: 1, n0: 2 })).toBe('[n0:2 n3:1]')
  })
})
