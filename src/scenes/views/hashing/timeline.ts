/**
 * When each change happens between two checkpoints. The hashing model does one thing per
 * simulated step (a server joins, the keys are placed again, a spread is measured) and records it
 * in the trace at the end of that step, so each event owns the window from the previous distinct
 * event time (or the start checkpoint) up to its own time: a server added at t = 6000 after a
 * checkpoint at 5000 grows in over the whole transition; four servers added at 1000 … 4000 join
 * one after another. The view reads these phases; nothing here touches three.js.
 */
import type { TraceEvent } from '../../../sim/trace.ts'
import { clamp01 } from '../../ease.ts'

export interface Phases {
  /** 0 → 1 while `server` joins (only asked about servers that do join). */
  join(server: string): number
  /** 0 → 1 while `server` leaves. */
  leave(server: string): number
  /** 0 → 1 while every server swaps its tokens for a new count. */
  readonly retoken: number
  /** 0 → 1 while `key` is (re)placed or looked up. */
  key(key: string): number
  /** 0 → 1 while the spread with `vnodes` tokens is measured (a row of the spread table appears). */
  spread(vnodes: number): number
}

/** Nothing is changing: the picture is a checkpoint. */
export const SETTLED: Phases = { join: () => 1, leave: () => 1, retoken: 1, key: () => 1, spread: () => 1 }

/** Phases at `t` ∈ [0, 1] of the transition whose trace is `events`, from time t0 to t1. */
export function scriptedPhases(events: readonly TraceEvent[], t0: number, t1: number, t: number): Phases {
  const time = t0 + (t1 - t0) * t
  const times = [...new Set(events.map((e) => e.at))].sort((a, b) => a - b)
  const windowAt = (at: number): number => {
    const i = times.indexOf(at)
    const lo = i > 0 ? times[i - 1]! : t0
    return at <= lo ? (time >= at ? 1 : 0) : clamp01((time - lo) / (at - lo))
  }
  // A change the trace does not itemise (keys re-placed after new tokens) belongs to the last step.
  const last = times.length > 0 ? windowAt(times[times.length - 1]!) : clamp01(t)
  const joins = new Map<string, number>()
  const leaves = new Map<string, number>()
  const keys = new Map<string, number>()
  const spread = new Map<number, number>()
  let retoken = 1
  for (const e of events) {
    if (e.type === 'state' && e.field === 'server') (e.value === 'added' ? joins : leaves).set(String(e.node), windowAt(e.at))
    else if (e.type === 'state' && e.field === 'owner') keys.set(String(e.node), windowAt(e.at))
    else if (e.type === 'note') {
      const data = e.data as { vnodes?: number; cv?: number } | undefined
      if (e.node !== undefined) keys.set(String(e.node), windowAt(e.at))
      else if (data?.vnodes !== undefined && data.cv === undefined) retoken = windowAt(e.at)
      else if (data?.vnodes !== undefined) spread.set(data.vnodes, windowAt(e.at))
    }
  }
  return {
    join: (s) => joins.get(s) ?? 1,
    leave: (s) => leaves.get(s) ?? 1,
    retoken,
    key: (k) => keys.get(k) ?? last,
    spread: (v) => spread.get(v) ?? 1,
  }
}

/** What-if: a change has no trace window, so servers and tokens change first, then the keys move. */
export function livePhases(t: number): Phases {
  const first = clamp01(t * 2)
  const second = clamp01(t * 2 - 1)
  return { join: () => first, leave: () => first, retoken: first, key: () => second, spread: () => second }
}
