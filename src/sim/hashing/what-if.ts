import type { WhatIf, WhatIfAction } from '../scenario.ts'
import type { HashingWorld } from './model.ts'

/**
 * What-if on a hashing slide: the viewer changes the cluster and sees which keys move.
 * `a` adds a server, a click on a server (its tokens, bar or bucket) removes it, and on the ring
 * `v` cycles the tokens per server 1 → 8 → 64 → 1. After each change the keys are placed again
 * at once, so the snapshot's `moved` summary counts exactly what that one change moved.
 */

/** The servers a live cluster may hold: one per colour of the view's ramp (server-a … server-j). */
export const MAX_SERVERS = 10
/** Tokens per server that `v` steps through; any other count goes to the next larger one. */
export const VNODE_CYCLE: readonly number[] = [1, 8, 64]

const NAMES = Array.from({ length: MAX_SERVERS }, (_, i) => `server-${String.fromCharCode(97 + i)}`)

/** The tokens per server after `current` in the cycle (3 → 8, 16 → 64, 64 → 1). */
export function nextVnodes(current: number): number {
  return VNODE_CYCLE.find((v) => v > current) ?? VNODE_CYCLE[0]!
}

/**
 * A scripted step may stop half-way through a change (`add` / `remove`: the new membership is
 * drawn, the keys not yet moved). Finish it first, so the next change is measured on its own.
 */
function settle(w: HashingWorld): void {
  if (w.focus === 'add' || w.focus === 'remove') w.reassign()
}

/** After a membership or token change: move the keys (or re-walk the one key) and say what to show. */
function replace(w: HashingWorld, vnodesChanged: boolean): void {
  const s = w.snapshot()
  if (s.totalKeys > 0) {
    w.reassign()
    if (vnodesChanged) {
      w.measureSpread()
      w.focus = s.vnodes === 1 ? 'one-token' : 'many-tokens'
    } else {
      w.focus = w.mode === 'ring' ? 'moved' : 'reshuffle'
    }
    return
  }
  if (s.probe && w.router.servers().length > 0) {
    // The ring slide's single key walks again, to whoever owns its position now.
    const resolved = s.probe.owner !== null
    w.lookUp(s.probe.key, resolved)
    w.focus = resolved ? 'owner' : 'key'
    return
  }
  w.focus = w.router.servers().length > 0 ? 'servers' : 'empty'
}

const addServer: WhatIfAction<HashingWorld> = {
  trigger: 'a',
  label: 'A: add a server and count the keys that move',
  run(w) {
    settle(w)
    const present = w.router.servers()
    const name = NAMES.find((n) => !present.includes(n))
    if (!name) return `The cluster already has ${MAX_SERVERS} servers, as many as the picture has colours for.`
    w.add(name)
    replace(w, false)
    return w.mode === 'ring'
      ? `${name} joins the ring with ${w.snapshot().vnodes} token${w.snapshot().vnodes === 1 ? '' : 's'}.`
      : `${name} is added, so N goes from ${present.length} to ${present.length + 1}.`
  },
}

const removeServer = (label: string): WhatIfAction<HashingWorld> => ({
  trigger: 'click',
  label,
  run(w, target) {
    const name = target?.node
    const present = w.router.servers()
    if (typeof name !== 'string' || !present.includes(name)) return 'Click a server to remove it.'
    if (present.length === 1) return `${name} is the last server and stays: every key needs an owner.`
    settle(w)
    w.remove(name)
    replace(w, false)
    return w.mode === 'ring' ? `${name} leaves the ring.` : `${name} is removed, so N goes from ${present.length} to ${present.length - 1}.`
  },
})

const cycleVnodes: WhatIfAction<HashingWorld> = {
  trigger: 'v',
  label: 'V: cycle the tokens per server, 1 → 8 → 64 (hash ring)',
  run(w) {
    settle(w)
    const next = nextVnodes(w.snapshot().vnodes)
    w.retoken(next)
    replace(w, true)
    return `Every server now has ${next} token${next === 1 ? '' : 's'} on the ring.`
  },
}

const live = (actions: WhatIfAction<HashingWorld>[]): WhatIf<HashingWorld> => ({
  // Nothing in a hashing world waits on time; a steady clock keeps the trace's timestamps moving.
  // The deck's first live frame can hand over a slightly negative slice (a requestAnimationFrame
  // timestamp from before the action's performance.now()): treat it as no time at all.
  advance: (w, ms) => w.sched.advance(Math.max(0, ms)),
  speed: 1000,
  actions,
})

/** The ring slides: add, remove (click a token or a bar) and cycle virtual nodes. */
export const ringWhatIf = live([addServer, removeServer("Click a server's token or load bar: remove that server"), cycleVnodes])
/** key mod N: add, or remove (click a bucket); it has no tokens to cycle. */
export const moduloWhatIf = live([addServer, removeServer("Click a server's bucket: remove that server")])
