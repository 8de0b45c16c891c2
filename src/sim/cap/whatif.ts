import type { WhatIf } from '../scenario.ts'
import type { CapStore } from './store.ts'

/**
 * What-if on a live CAP store (the deck's live mode): the viewer splits the network, sends a
 * client write to the minority side and flips CP/AP, and watches the same request be refused
 * (CP) or accepted and diverge (AP).
 *
 * The store has no crash: a replica is either connected or cut off. Clicking a replica isolates
 * it in a group of its own, or, if it already stands alone, puts it back; once every replica is
 * back in one group that is a heal, which runs the store's anti-entropy (LWW by HLC).
 */

/** The key every what-if write goes to: the one the `cap` scenario's story is about. */
export const WHAT_IF_KEY = 'balance'
/** Simulated ms per real second: a 2–6 ms hop stays on screen for a moment, and a CP coordinator's
 *  100 ms quorum timeout takes about three seconds, long enough to watch the request wait. */
export const LIVE_SPEED = 30
/** How much each what-if write adds to the value the target replica holds (a deposit). */
export const DEPOSIT = 10
/** The split `p` makes, as in the scenario: replica 2 alone against the majority {0, 1}. */
export const SPLIT: readonly (readonly number[])[] = [[0, 1], [2]]

const setText = (ids: readonly number[]): string => `{${ids.join(', ')}}`

/** The groups in force, or everyone in one group when healthy. */
function currentGroups(m: CapStore): number[][] {
  return m.groups() ?? [Array.from({ length: m.size }, (_, i) => i)]
}

/** Click a replica: cut it off alone, or (if it already stands alone) reconnect it. */
export function toggleReplica(m: CapStore, target?: { node?: number | string }): string {
  const id = Number(target?.node)
  if (!Number.isInteger(id) || id < 0 || id >= m.size) return 'That is not a replica.'
  const groups = currentGroups(m)
  const mine = groups.find((g) => g.includes(id))!
  if (mine.length > 1) {
    const rest = groups.map((g) => g.filter((n) => n !== id)).filter((g) => g.length > 0)
    m.partition([...rest, [id]])
    return `Replica ${id} is cut off from the others: its client can still reach it, but no replica message crosses.`
  }
  // Rejoin the largest other group (ties: the one holding the lowest id), so the majority regrows.
  const others = groups.filter((g) => g !== mine).sort((a, b) => b.length - a.length || Math.min(...a) - Math.min(...b))
  const home = others[0]!
  const merged = [...home, id].sort((a, b) => a - b)
  const next = [merged, ...others.slice(1)]
  if (next.length === 1) {
    m.heal()
    return `Replica ${id} is reconnected and the network is whole again; every replica pushes its data to the others and the newest write by HLC wins.`
  }
  m.partition(next)
  return `Replica ${id} rejoins ${setText(home)}; the network is now split into ${next.map(setText).join(' and ')}.`
}

/** `p`: split {0, 1} | {2}, or heal whatever split is in force. */
export function togglePartition(m: CapStore): string {
  if (m.groups()) {
    m.heal()
    return 'The partition heals; every replica pushes its data to the others and the newest write by HLC wins.'
  }
  m.partition(SPLIT)
  return `A partition splits the replicas into ${SPLIT.map(setText).join(' and ')}.`
}

/**
 * The replica a minority-side client talks to: the highest id in the smallest group (replica 2
 * under the scenario's split); when the network is whole, the last replica (the one `p` cuts off).
 */
export function minorityReplica(m: CapStore): number {
  const groups = m.groups()
  if (!groups) return m.size - 1
  const smallest = [...groups].sort((a, b) => a.length - b.length || Math.max(...b) - Math.max(...a))[0]!
  return Math.max(...smallest)
}

/** `w`: a client deposits DEPOSIT into the balance at a replica on the minority side. */
export function minorityWrite(m: CapStore): string {
  const node = minorityReplica(m)
  const held = m.get(node, WHAT_IF_KEY)?.value
  const value = (typeof held === 'number' ? held : 0) + DEPOSIT
  m.write(node, WHAT_IF_KEY, value)
  const side = m.groups() ? 'on the minority side' : 'while the network is whole'
  const expect = m.mode === 'CP'
    ? 'In CP mode it must reach a majority before it may answer.'
    : 'In AP mode it answers at once and replicates in the background.'
  return `A client writes ${WHAT_IF_KEY} = ${value} at replica ${node}, ${side}. ${expect}`
}

/** `m`: switch between CP and AP (requests under way finish under the mode they started in). */
export function toggleMode(m: CapStore): string {
  const next = m.mode === 'CP' ? 'AP' : 'CP'
  m.setMode(next)
  return next === 'CP'
    ? 'Switched to CP mode: every read and write now needs a majority, or it is refused.'
    : 'Switched to AP mode: every replica now answers on its own, at once.'
}

export const capWhatIf: WhatIf<CapStore> = {
  advance(m, ms) {
    // The stage's first live frame can report a slightly negative real-time delta (a rAF
    // timestamp earlier than the performance.now() taken when live mode started); time never
    // runs backwards here.
    m.advance(Math.max(0, ms))
  },
  speed: LIVE_SPEED,
  actions: [
    { trigger: 'click', label: 'Click a replica: cut it off from the others, or reconnect it', run: toggleReplica },
    { trigger: 'p', label: 'Partition {0, 1} | {2}, or heal', run: togglePartition },
    { trigger: 'w', label: 'A client writes to a replica on the minority side', run: minorityWrite },
    { trigger: 'm', label: 'Switch the store between CP and AP', run: toggleMode },
  ],
}
