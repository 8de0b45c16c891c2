import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { checkLinearizable, type RegisterOp } from './linearizability.ts'
import { SimArgumentError } from '../errors.ts'

const w = (value: number, inv: number, res: number): RegisterOp => ({ kind: 'write', value, inv, res })
const r = (value: number | null, inv: number, res: number): RegisterOp => ({ kind: 'read', value, inv, res })

describe('checkLinearizable', () => {
  it('accepts a legal sequential history and returns its order', () => {
    const h = [w(1, 0, 1), r(1, 2, 3), w(2, 4, 5), r(2, 6, 7)]
    expect(checkLinearizable(h)).toEqual({ ok: true, order: [0, 1, 2, 3] })
  })

  it('lets a read that overlaps a write see either value', () => {
    expect(checkLinearizable([w(1, 0, 1), w(2, 2, 10), r(1, 3, 4)]).ok).toBe(true)
    expect(checkLinearizable([w(1, 0, 1), w(2, 2, 10), r(2, 3, 4)]).ok).toBe(true)
  })

  it('rejects a stale read after a completed write', () => {
    expect(checkLinearizable([w(1, 0, 1), w(2, 2, 3), r(1, 4, 5)])).toEqual({ ok: false })
  })

  it('rejects a new-then-old inversion between two sequential reads', () => {
    // The write overlaps both reads, but once one read saw 2 a later read cannot see 1 again.
    expect(checkLinearizable([w(1, 0, 1), w(2, 2, 20), r(2, 3, 4), r(1, 5, 6)])).toEqual({ ok: false })
  })

  it('rejects a read of a value nobody wrote, and the initial value after a write', () => {
    expect(checkLinearizable([w(1, 0, 1), r(7, 2, 3)]).ok).toBe(false)
    expect(checkLinearizable([w(1, 0, 1), r(null, 2, 3)]).ok).toBe(false)
    expect(checkLinearizable([r(null, 0, 1), w(1, 2, 3)]).ok).toBe(true)
  })

  it('treats a write with unknown outcome as taking effect later or never', () => {
    const unknown: RegisterOp = { kind: 'write', value: 9, inv: 2, res: Infinity, optional: true }
    expect(checkLinearizable([w(1, 0, 1), unknown, r(1, 3, 4)]).ok).toBe(true)
    expect(checkLinearizable([w(1, 0, 1), unknown, r(9, 3, 4)]).ok).toBe(true)
    expect(checkLinearizable([w(1, 0, 1), unknown, r(9, 3, 4), r(1, 5, 6)]).ok).toBe(false)
  })

  it('names bad input', () => {
    expect(() => checkLinearizable([w(1, 5, 2)])).toThrow(SimArgumentError)
    expect(() => checkLinearizable([w(1, 5, 2)])).toThrow(/history\[0\]\.res: got 2, expected ≥ its inv \(5\)/)
  })

  // Property: a history produced by a real sequential register, with each operation stretched
  // so it overlaps its neighbours, is linearizable; corrupting one read (to a never-written value) is not.
  it('accepts every history of a real register and rejects it once a read is corrupted', () => {
    const steps = fc.array(fc.record({ write: fc.boolean(), stretch: fc.integer({ min: 0, max: 3 }) }), { minLength: 1, maxLength: 14 })
    fc.assert(fc.property(steps, fc.nat(), (ops, pick) => {
      let value: number | null = null
      const h: RegisterOp[] = ops.map((o, i) => {
        // Linearization point at 10*i; the interval spans up to `stretch` neighbours either side.
        const at = 10 * i
        const span = (lo: number, hi: number) => ({ inv: at - 10 * lo - 1, res: at + 10 * hi + 1 })
        if (o.write) value = i + 1
        return { kind: o.write ? 'write' : 'read', value, ...span(o.stretch, o.stretch) } as RegisterOp
      })
      // Every interval still contains its operation's real linearization point: must be accepted.
      expect(checkLinearizable(h).ok).toBe(true)
      const reads = h.map((op, i) => (op.kind === 'read' ? i : -1)).filter((i) => i >= 0)
      if (reads.length === 0) return
      const i = reads[pick % reads.length]!
      const bad = h.map((op, j) => (j === i ? { ...op, value: -1 } : op))
      expect(checkLinearizable(bad).ok).toBe(false)
    }), { numRuns: 150 })
  })
})
