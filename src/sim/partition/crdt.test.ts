import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { GCounter, LWWRegister, ORSet, PNCounter, type Crdt } from './crdt.ts'
import { SimArgumentError } from '../errors.ts'

const REPLICAS = ['a', 'b', 'c'] as const

/**
 * A random run of three replicas: each step is a local op at one replica or a state message from
 * one replica merged into another. Returns every state any replica passed through (all of them
 * reachable, which is what the laws must hold for) and the final states.
 */
type Step<Op> = { at: number; op: Op } | { from: number; to: number }

function run<S, Op, V>(crdt: Crdt<S, Op, V>, steps: readonly Step<Op>[]): { seen: S[]; finals: S[] } {
  const states = REPLICAS.map(() => crdt.empty())
  const seen: S[] = [crdt.empty()]
  for (const s of steps) {
    if ('op' in s) states[s.at] = crdt.apply(states[s.at]!, REPLICAS[s.at]!, s.op)
    else states[s.to] = crdt.merge(states[s.to]!, states[s.from]!)
    seen.push(...states)
  }
  return { seen, finals: states }
}

function steps<Op>(op: fc.Arbitrary<Op>): fc.Arbitrary<Step<Op>[]> {
  const replica = fc.integer({ min: 0, max: 2 })
  return fc.array(fc.oneof(fc.record({ at: replica, op }), fc.record({ from: replica, to: replica })), { maxLength: 30 })
}

const ELEMENTS = fc.constantFrom('pen', 'book', 'cup')
const ARBITRARIES = {
  'G-Counter': { crdt: GCounter as Crdt<unknown, unknown, unknown>, op: fc.integer({ min: 0, max: 5 }) as fc.Arbitrary<unknown> },
  'PN-Counter': { crdt: PNCounter as Crdt<unknown, unknown, unknown>, op: fc.integer({ min: -5, max: 5 }) as fc.Arbitrary<unknown> },
  'OR-Set': { crdt: ORSet as Crdt<unknown, unknown, unknown>, op: fc.oneof(fc.record({ add: ELEMENTS }), fc.record({ remove: ELEMENTS })) as fc.Arbitrary<unknown> },
  'LWW-Register': { crdt: LWWRegister as Crdt<unknown, unknown, unknown>, op: fc.record({ value: fc.string({ maxLength: 3 }), ts: fc.integer({ min: 0, max: 20 }) }) as fc.Arbitrary<unknown> },
}

describe('CRDT laws', () => {
  for (const [name, { crdt, op }] of Object.entries(ARBITRARIES)) {
    it(`${name}: merge is commutative, associative and idempotent on reachable states`, () => {
      fc.assert(fc.property(steps(op), fc.nat(), fc.nat(), fc.nat(), (s, i, j, k) => {
        const { seen } = run(crdt, s)
        const [a, b, c] = [seen[i % seen.length], seen[j % seen.length], seen[k % seen.length]]
        expect(crdt.merge(a, b)).toEqual(crdt.merge(b, a))
        expect(crdt.merge(crdt.merge(a, b), c)).toEqual(crdt.merge(a, crdt.merge(b, c)))
        expect(crdt.merge(a, a)).toEqual(a)
      }), { numRuns: 150 })
    })

    it(`${name}: replicas converge whatever order, grouping and repetition the states arrive in`, () => {
      fc.assert(fc.property(steps(op), fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 3, maxLength: 12 }), (s, order) => {
        const { finals } = run(crdt, s)
        // Each replica receives every other's final state, in its own random order, some twice.
        const delivered = REPLICAS.map((_, r) => {
          const sequence = [...order, 0, 1, 2].map((x) => (x + r) % 3)
          return sequence.reduce<unknown>((acc, from) => crdt.merge(acc, finals[from]), finals[r])
        })
        expect(delivered[1]).toEqual(delivered[0])
        expect(delivered[2]).toEqual(delivered[0])
        expect(crdt.value(delivered[0])).toEqual(crdt.value(delivered[2]))
      }), { numRuns: 150 })
    })
  }
})

describe('CRDT semantics', () => {
  it('PN-Counter equals the sum of every applied delta once all states are merged', () => {
    fc.assert(fc.property(fc.array(fc.record({ at: fc.integer({ min: 0, max: 2 }), delta: fc.integer({ min: -10, max: 10 }) }), { maxLength: 40 }), (ops) => {
      const states = REPLICAS.map(() => PNCounter.empty())
      for (const { at, delta } of ops) states[at] = PNCounter.apply(states[at]!, REPLICAS[at]!, delta)
      const merged = states.reduce((a, b) => PNCounter.merge(a, b))
      expect(PNCounter.value(merged)).toBe(ops.reduce((sum, o) => sum + o.delta, 0))
    }), { numRuns: 150 })
  })

  it('G-Counter only grows and names a negative increment', () => {
    expect(GCounter.value(GCounter.apply(GCounter.apply(GCounter.empty(), 'a', 2), 'b', 3))).toBe(5)
    expect(() => GCounter.apply({}, 'a', -1)).toThrow(SimArgumentError)
    expect(() => GCounter.apply({}, 'a', -1)).toThrow(/G-Counter increment: got -1, expected an integer ≥ 0/)
    expect(() => PNCounter.apply(PNCounter.empty(), 'a', 0.5)).toThrow(/PN-Counter delta: got 0.5/)
  })

  it('OR-Set: an add concurrent with a remove wins; a remove of an observed add sticks', () => {
    const base = ORSet.apply(ORSet.empty(), 'a', { add: 'pen' })
    const removed = ORSet.apply(base, 'a', { remove: 'pen' })
    const readded = ORSet.apply(base, 'b', { add: 'pen' })
    expect(ORSet.value(ORSet.merge(removed, readded))).toEqual(['pen'])
    expect(ORSet.value(ORSet.merge(removed, base))).toEqual([])
  })

  it('LWW-Register keeps the highest timestamp, replica id breaking ties', () => {
    const a = LWWRegister.apply(LWWRegister.empty(), 'a', { value: 'x', ts: 5 })
    const b = LWWRegister.apply(LWWRegister.empty(), 'b', { value: 'y', ts: 5 })
    const c = LWWRegister.apply(LWWRegister.empty(), 'c', { value: 'z', ts: 4 })
    expect(LWWRegister.value(LWWRegister.merge(a, b))).toBe('y')
    expect(LWWRegister.value(LWWRegister.merge(a, c))).toBe('x')
  })
})
