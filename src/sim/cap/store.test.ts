import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { createCapStore } from './store.ts'
import { checkLinearizable } from './linearizability.ts'
import { hashTrace } from '../trace.ts'
import { SimArgumentError } from '../errors.ts'

const SPLITS = [[[0, 1], [2]], [[0, 2], [1]], [[1, 2], [0]], [[0], [1], [2]]] as const

/** A random schedule of reads, writes, partitions and heals at random gaps. */
const schedule = fc.array(
  fc.record({
    gap: fc.integer({ min: 0, max: 40 }),
    node: fc.integer({ min: 0, max: 2 }),
    action: fc.constantFrom('read', 'read', 'write', 'write', 'partition', 'heal'),
    split: fc.integer({ min: 0, max: SPLITS.length - 1 }),
  }),
  { minLength: 4, maxLength: 24 },
)

describe('CAP store, CP mode', () => {
  it('keeps a linearizable single-register history under random partitions', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e6 }), schedule, (seed, steps) => {
      const m = createCapStore({ mode: 'CP', seed })
      let next = 1
      for (const s of steps) {
        m.advance(s.gap)
        if (s.action === 'read') m.read(s.node, 'x')
        else if (s.action === 'write') m.write(s.node, 'x', next++)
        else if (s.action === 'partition') m.partition(SPLITS[s.split]!.map((g) => [...g]))
        else m.heal()
      }
      expect(m.settle()).toBe(true)
      expect(checkLinearizable(m.history('x')).ok).toBe(true)
    }), { numRuns: 120 })
  })

  it('refuses reads and writes on the minority side with an explicit error; the majority serves', () => {
    const m = createCapStore({ mode: 'CP', seed: 3 })
    m.write(0, 'x', 1)
    m.settle()
    m.partition([[0, 1], [2]])
    const minorityWrite = m.write(2, 'x', 2)
    const minorityRead = m.read(2, 'x')
    const majorityWrite = m.write(1, 'x', 3)
    m.settle()
    for (const id of [minorityWrite, minorityRead]) {
      expect(m.request(id)).toMatchObject({ status: 'refused', error: 'no quorum: heard from 1 of 3 replicas, needs 2' })
    }
    expect(m.request(minorityWrite).maybeApplied).toBe(false)
    expect(m.request(majorityWrite).status).toBe('ok')
    expect(m.get(2, 'x')?.value).toBe(1)
    const refusal = m.trace.all().find((e) => e.type === 'state' && e.field === 'reply' && e.node === 2)
    expect(refusal).toMatchObject({ value: { ok: false } })
    // After the heal the old minority node reads the latest value through a quorum.
    m.heal()
    const late = m.read(2, 'x')
    m.settle()
    expect(m.request(late)).toMatchObject({ status: 'ok', value: 3 })
  })
})

describe('CAP store, AP mode', () => {
  it('answers every request under partitions, diverges, and converges after heal', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e6 }), schedule, (seed, steps) => {
      const m = createCapStore({ mode: 'AP', seed })
      let next = 1
      for (const s of steps) {
        m.advance(s.gap)
        if (s.action === 'read') m.read(s.node, 'x')
        else if (s.action === 'write') m.write(s.node, 'x', `v${next++}`)
        else if (s.action === 'partition') m.partition(SPLITS[s.split]!.map((g) => [...g]))
        else m.heal()
      }
      // Every request was answered at once, whatever the partition.
      expect(m.requests().every((r) => r.status === 'ok' && r.completedAt === r.invokedAt)).toBe(true)
      m.heal()
      m.advance(50)
      expect(m.divergence()).toBe(0)
      const values = [0, 1, 2].map((id) => m.get(id, 'x')?.value ?? null)
      expect(new Set(values).size).toBe(1)
    }), { numRuns: 120 })
  })

  it('is not linearizable under a partition, and the checker says so', () => {
    const m = createCapStore({ mode: 'AP', seed: 2 })
    m.partition([[0, 1], [2]])
    m.write(0, 'x', 1)
    m.read(2, 'x')
    expect(m.requests().map((r) => r.value)).toEqual([1, null])
    expect(checkLinearizable(m.history('x')).ok).toBe(false)
  })

  it('measures divergence while partitioned and reconciles by LWW on heal', () => {
    const m = createCapStore({ mode: 'AP', seed: 11 })
    m.write(0, 'x', 'a')
    m.advance(20)
    m.partition([[0, 1], [2]])
    m.write(0, 'x', 'left')
    m.write(2, 'x', 'right')
    m.write(2, 'y', 'only-right')
    m.advance(20)
    expect(m.divergence()).toBe(2)
    const [left, right] = [m.read(1, 'x'), m.read(2, 'x')]
    expect([m.request(left).value, m.request(right).value]).toEqual(['left', 'right'])
    m.heal()
    m.advance(20)
    expect(m.divergence()).toBe(0)
    const rec = m.reconciled().find((r) => r.key === 'x')!
    expect(rec.overwritten).toHaveLength(1)
    for (const id of [0, 1, 2]) expect(m.get(id, 'x')?.value).toBe(rec.kept.value)
    expect(m.get(0, 'y')?.value).toBe('only-right')
  })
})

describe('CAP store, arguments and determinism', () => {
  it('names bad arguments', () => {
    expect(() => createCapStore({ mode: 'CA' as 'CP', seed: 1 })).toThrow(/mode: got "CA", expected "CP" or "AP"/)
    expect(() => createCapStore({ mode: 'CP', seed: 1, nodes: 4 })).toThrow(/nodes: got 4, expected an odd integer in 3..7/)
    const m = createCapStore({ mode: 'CP', seed: 1 })
    expect(() => m.write(5, 'x', 1)).toThrow(SimArgumentError)
    expect(() => m.write(5, 'x', 1)).toThrow(/node: got 5, expected an integer in 0..2/)
    expect(() => m.write(0, '', 1)).toThrow(/key: got "", expected a non-empty string/)
    expect(() => m.request(99)).toThrow(/request id: got 99/)
  })

  it('same seed and same calls give the same trace', () => {
    const run = (seed: number) => {
      const m = createCapStore({ mode: 'AP', seed })
      m.write(0, 'x', 1)
      m.partition([[0], [1, 2]])
      m.write(1, 'x', 2)
      m.heal()
      m.advance(100)
      return hashTrace(m.trace.all())
    }
    expect(run(4)).toBe(run(4))
    expect(run(4)).not.toBe(run(5))
  })
})
