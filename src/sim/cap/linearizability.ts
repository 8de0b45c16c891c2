import { expectArg } from '../errors.ts'

/**
 * A linearizability checker for a single read/write register (Wing & Gong's search with
 * memoisation, as in Lowe's and Knossos's checkers). A history is linearizable if its operations
 * can be put in one total order that (1) respects real time: an operation that returned before
 * another was invoked comes first, and (2) is legal for a register: every read returns the latest
 * write before it (or the initial value).
 *
 * `inv` and `res` are positions on one clock (the model uses a global event sequence, so two
 * events at the same simulated millisecond still have a definite order). An operation whose
 * outcome is unknown (a write that timed out after it may have reached a replica) is `optional`
 * with `res = Infinity`: it may take effect at any point after its invocation, or never.
 */
export type RegisterValue = string | number | null

export interface RegisterOp {
  readonly kind: 'read' | 'write'
  /** Value written, or value the read returned. */
  readonly value: RegisterValue
  readonly inv: number
  readonly res: number
  readonly optional?: boolean
}

export type LinearizabilityResult =
  | { readonly ok: true; /** Indices into the history, in linearization order. */ readonly order: readonly number[] }
  | { readonly ok: false }

/** Histories are searched exhaustively (with memoisation); keep them to a few dozen operations. */
export const MAX_HISTORY = 200

export function checkLinearizable(history: readonly RegisterOp[], initial: RegisterValue = null): LinearizabilityResult {
  expectArg(history.length <= MAX_HISTORY, 'history length', history.length, `at most ${MAX_HISTORY} operations`)
  history.forEach((op, i) => {
    expectArg(op.res >= op.inv, `history[${i}].res`, op.res, `≥ its inv (${op.inv})`)
    expectArg(!op.optional || op.kind === 'write', `history[${i}].optional`, op.optional, 'only on writes (a read with no reply says nothing)')
  })
  const n = history.length
  const required = history.reduce((m, op, i) => (op.optional ? m : m | (1n << BigInt(i))), 0n)
  const seen = new Set<string>()
  const order: number[] = []

  const search = (done: bigint, value: RegisterValue): boolean => {
    if ((done & required) === required) return true
    const key = `${done.toString(36)}|${JSON.stringify(value)}`
    if (seen.has(key)) return false
    seen.add(key)
    // An operation may go next only if no pending required operation returned before it began.
    let horizon = Infinity
    for (let j = 0; j < n; j++) if (!(done & (1n << BigInt(j))) && !history[j]!.optional) horizon = Math.min(horizon, history[j]!.res)
    for (let i = 0; i < n; i++) {
      const bit = 1n << BigInt(i)
      const op = history[i]!
      if (done & bit || op.inv > horizon) continue
      if (op.kind === 'read' && op.value !== value) continue
      order.push(i)
      if (search(done | bit, op.kind === 'write' ? op.value : value)) return true
      order.pop()
    }
    return false
  }
  return search(0n, initial) ? { ok: true, order: [...order] } : { ok: false }
}
