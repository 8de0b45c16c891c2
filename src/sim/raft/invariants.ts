import { describeValue } from '../errors.ts'
import { nodeName } from './names.ts'
import type { LogEntry, RaftNodeState } from './types.ts'

/**
 * The safety properties of the Raft paper's Figure 3, checked against a cluster state, plus the
 * "applied in order" property of DESIGN.md §4. Some properties are about history (a leader's log
 * only grows; a committed entry never changes), so the checker keeps a RaftInvariantHistory
 * between calls: create one per cluster and pass it to every call, after every event.
 *
 * It reads the state only, never the algorithm, so a broken state is reported whoever made it.
 */
export type RaftProperty =
  | 'election-safety'
  | 'leader-append-only'
  | 'log-matching'
  | 'leader-completeness'
  | 'state-machine-safety'
  | 'applied-in-order'

/** What the checker reads of a node (a RaftNodeState has all of it). */
export type RaftInvariantNode = Pick<RaftNodeState, 'id' | 'role' | 'term' | 'log' | 'commitIndex' | 'alive' | 'applied'>

/** What the checker reads of a cluster: `sim.debug.state()`, or any state built by hand. */
export interface RaftInvariantState {
  readonly time: number
  readonly nodes: readonly RaftInvariantNode[]
}

export interface RaftViolation {
  property: RaftProperty
  message: string
}

/** What the checker remembers between calls. */
export class RaftInvariantHistory {
  /** Election Safety: the one leader seen for each term. */
  readonly leaders = new Map<number, number>()
  /** Leader Append-Only: each leader's log as last seen, while it keeps leading that term. */
  readonly leaderLogs = new Map<number, { term: number; log: LogEntry[] }>()
  /** Every index seen committed (index k + 1 at k): its entry and the term it was first seen in. */
  readonly committed: { entry: LogEntry; term: number; by: number }[] = []
  /** State Machine Safety: what was applied at each index, by whom first. */
  readonly applied: { entry: { term: number; command: unknown }; by: number }[] = []
}

function sameCommand(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  return describeValue(a) === describeValue(b)
}

function sameEntry(a: { term: number; command: unknown }, b: { term: number; command: unknown }): boolean {
  return a === b || (a.term === b.term && sameCommand(a.command, b.command))
}

const show = (e: { term: number; command: unknown }): string => `${describeValue(e.command)} (term ${e.term})`

/**
 * Check every property; returns the violations found (empty when the state is safe). Updates
 * `history` with what this state adds (leaders, committed and applied entries).
 */
export function checkRaftInvariants(state: RaftInvariantState, history: RaftInvariantHistory = new RaftInvariantHistory()): RaftViolation[] {
  const out: RaftViolation[] = []
  const at = `at ${state.time} ms`
  const nodes = state.nodes

  // Election Safety: at most one leader can be elected in a given term.
  for (const n of nodes) {
    if (n.role !== 'leader') continue
    const seen = history.leaders.get(n.term)
    if (seen === undefined) history.leaders.set(n.term, n.id)
    else if (seen !== n.id) out.push({ property: 'election-safety', message: `${at}: term ${n.term} has two leaders, ${nodeName(seen)} and ${nodeName(n.id)}` })
  }

  // Leader Append-Only: a leader never overwrites or deletes entries in its log; it only appends.
  for (const n of nodes) {
    const before = history.leaderLogs.get(n.id)
    if (n.role !== 'leader' || !n.alive) {
      history.leaderLogs.delete(n.id)
      continue
    }
    if (before && before.term === n.term) {
      const lost = firstMismatch(before.log, n.log, before.log.length)
      if (lost !== null) {
        const had = before.log[lost - 1]!
        const now = n.log[lost - 1]
        out.push({ property: 'leader-append-only', message: `${at}: leader ${nodeName(n.id)} (term ${n.term}) had ${show(had)} at index ${lost}, now ${now ? show(now) : 'nothing'}` })
      }
    }
    history.leaderLogs.set(n.id, { term: n.term, log: [...n.log] })
  }

  // Log Matching: if two logs contain an entry with the same index and term, the logs are
  // identical in all entries up through that index.
  for (let i = 0; i < nodes.length; i++) {
    for (let j = i + 1; j < nodes.length; j++) {
      const v = logMatching(nodes[i]!, nodes[j]!)
      if (v) out.push({ property: 'log-matching', message: `${at}: ${v}` })
    }
  }

  // Record what each node has committed, and check a committed index never changes content.
  // (A committed entry is one the State Machine Safety property protects: anything applied comes
  // from here.)
  for (const n of nodes) {
    if (n.commitIndex > n.log.length) {
      out.push({ property: 'state-machine-safety', message: `${at}: ${nodeName(n.id)} has commitIndex ${n.commitIndex} past the end of its log (${n.log.length})` })
      continue
    }
    for (let k = 0; k < n.commitIndex; k++) {
      const e = n.log[k]!
      const c = history.committed[k]
      if (!c) history.committed[k] = { entry: e, term: n.term, by: n.id }
      else if (!sameEntry(c.entry, e)) {
        out.push({ property: 'state-machine-safety', message: `${at}: index ${k + 1} was committed as ${show(c.entry)} on ${nodeName(c.by)}, but ${nodeName(n.id)} has committed ${show(e)}` })
        break
      }
    }
  }

  // Leader Completeness: if an entry is committed in a term, it is present in the logs of the
  // leaders of all higher terms. (The term recorded is the committer's term when first seen, which
  // can only be later than the real one: the check stays sound.)
  for (const n of nodes) {
    if (n.role !== 'leader' || !n.alive) continue
    for (let k = 0; k < history.committed.length; k++) {
      const c = history.committed[k]!
      if (c.term >= n.term) continue
      const e = n.log[k]
      if (!e || !sameEntry(c.entry, e)) {
        out.push({ property: 'leader-completeness', message: `${at}: ${show(c.entry)} was committed at index ${k + 1} by term ${c.term}, but leader ${nodeName(n.id)} of term ${n.term} has ${e ? show(e) : 'no entry'} there` })
        break
      }
    }
  }

  // State Machine Safety: if a server has applied an entry at an index, no other server ever
  // applies a different entry at that index. And each node applies exactly its committed log, in order.
  for (const n of nodes) {
    checkApplied(n, history, at, out)
  }
  return out
}

/** First 1-based index below `upTo` where `a` and `b` differ, or null. */
function firstMismatch(a: readonly LogEntry[], b: readonly LogEntry[], upTo: number): number | null {
  for (let k = 0; k < upTo; k++) {
    const x = a[k]
    const y = b[k]
    if (!x || !y || !sameEntry(x, y)) return k + 1
  }
  return null
}

function logMatching(a: RaftInvariantNode, b: RaftInvariantNode): string | null {
  const len = Math.min(a.log.length, b.log.length)
  let firstDiff = 0
  for (let k = 0; k < len; k++) {
    const x = a.log[k]!
    const y = b.log[k]!
    const same = x.term === y.term
    if (!firstDiff && !(x === y || (same && sameCommand(x.command, y.command)))) firstDiff = k + 1
    if (same && firstDiff) {
      return `${nodeName(a.id)} and ${nodeName(b.id)} both hold a term-${x.term} entry at index ${k + 1} but differ at index ${firstDiff} (${show(a.log[firstDiff - 1]!)} vs ${show(b.log[firstDiff - 1]!)})`
    }
  }
  return null
}

function checkApplied(n: RaftInvariantNode, history: RaftInvariantHistory, at: string, out: RaftViolation[]): void {
  const name = nodeName(n.id)
  if (n.applied.length > n.commitIndex) {
    out.push({ property: 'applied-in-order', message: `${at}: ${name} applied ${n.applied.length} entries but its commitIndex is ${n.commitIndex}` })
  }
  for (let k = 0; k < n.applied.length; k++) {
    const a = n.applied[k]!
    if (a.index !== k + 1) {
      out.push({ property: 'applied-in-order', message: `${at}: ${name}'s applied entry #${k + 1} has index ${a.index}, expected ${k + 1} (contiguous from 1)` })
      return
    }
    const inLog = n.log[k]
    if (!inLog || !sameEntry(inLog, a)) {
      out.push({ property: 'applied-in-order', message: `${at}: ${name} applied ${show(a)} at index ${a.index} but its log holds ${inLog ? show(inLog) : 'nothing'} there` })
      return
    }
    const first = history.applied[k]
    if (!first) history.applied[k] = { entry: { term: a.term, command: a.command }, by: n.id }
    else if (!sameEntry(first.entry, a)) {
      out.push({ property: 'state-machine-safety', message: `${at}: ${nodeName(first.by)} applied ${show(first.entry)} at index ${k + 1}, but ${name} applied ${show(a)}` })
      return
    }
  }
}

/** Throw one Error listing every violation (for test hooks that run after each event). */
export function assertRaftInvariants(state: RaftInvariantState, history: RaftInvariantHistory): void {
  const v = checkRaftInvariants(state, history)
  if (v.length > 0) throw new Error(`Raft safety violated:\n${v.map((x) => `  [${x.property}] ${x.message}`).join('\n')}`)
}
