/**
 * A V8 heap snapshot (the JSON Chrome DevTools saves, streamed over CDP) summed by what the
 * memory is: the page's JavaScript objects, V8's compiled code and feedback, and the browser's
 * native objects (DOM, performance entries, DevTools bookkeeping). The whole-heap number grows
 * for a while as V8 optimises code that runs every pass; a leak shows in the objects.
 */
export interface HeapBreakdown {
  /** Self sizes of JS objects, closures, arrays, strings and numbers. */
  objects: number
  /** Type 'code': compiled code, bytecode, feedback vectors. */
  code: number
  /** Type 'native': Blink and embedder objects. */
  native: number
  /** Everything else (hidden internals, object shapes, synthetic roots). */
  other: number
}

interface SnapshotJson {
  snapshot: { meta: { node_fields: string[]; node_types: unknown[] } }
  nodes: number[]
}

const OBJECT_TYPES = new Set(['object', 'closure', 'array', 'string', 'concatenated string', 'sliced string', 'number', 'regexp', 'heap number', 'bigint', 'symbol'])

export function heapBreakdown(json: string): HeapBreakdown {
  const snap = JSON.parse(json) as SnapshotJson
  const fields = snap.snapshot.meta.node_fields
  const types = snap.snapshot.meta.node_types[0]
  if (!Array.isArray(types)) throw new Error('heap snapshot: node_types[0] is not the list of node types')
  const width = fields.length
  const iType = fields.indexOf('type')
  const iSize = fields.indexOf('self_size')
  if (iType < 0 || iSize < 0) throw new Error(`heap snapshot: node_fields lacks type or self_size (${fields.join(', ')})`)
  const out: HeapBreakdown = { objects: 0, code: 0, native: 0, other: 0 }
  const nodes = snap.nodes
  for (let i = 0; i < nodes.length; i += width) {
    const type = String(types[nodes[i + iType]!])
    const size = nodes[i + iSize]!
    if (OBJECT_TYPES.has(type)) out.objects += size
    else if (type === 'code') out.code += size
    else if (type === 'native') out.native += size
    else out.other += size
  }
  return out
}
