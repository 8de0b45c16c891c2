import { describe, expect, it } from 'vitest'
import { heapBreakdown } from './bench-heap.ts'

const snapshot = (nodes: number[][]): string =>
  JSON.stringify({
    snapshot: { meta: { node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'], node_types: [['hidden', 'array', 'string', 'object', 'code', 'closure', 'native', 'number', 'object shape']] } },
    nodes: nodes.flat(),
  })

describe('heapBreakdown', () => {
  it('sums self sizes into objects, code, native and other', () => {
    const json = snapshot([
      [3, 0, 1, 100, 0], // object
      [5, 0, 2, 40, 0], // closure
      [2, 0, 3, 24, 0], // string
      [4, 0, 4, 1000, 0], // code
      [6, 0, 5, 300, 0], // native
      [8, 0, 6, 56, 0], // object shape
      [0, 0, 7, 8, 0], // hidden
    ])
    expect(heapBreakdown(json)).toEqual({ objects: 164, code: 1000, native: 300, other: 64 })
  })
  it('says what is wrong with a snapshot it cannot read', () => {
    expect(() => heapBreakdown(JSON.stringify({ snapshot: { meta: { node_fields: ['type'], node_types: [['object']] } }, nodes: [] }))).toThrow(/lacks type or self_size/)
  })
})
