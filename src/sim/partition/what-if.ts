import type { WhatIf, WhatIfAction } from '../scenario.ts'
import type { PartitionCluster } from './cluster.ts'

/**
 * What-if on a partition scene (the deck runs the cluster on live from the current step):
 * - `p`: partition the two sub-clusters, or heal (replicated data then exchanges and merges);
 * - `w`: a client write, on side A then side B, alternately (from the live run's first press), to
 *   the node that side's clients reach: its primary if it has one, else its first running node
 *   (which refuses: a minority without a primary cannot take writes);
 * - click a node: STONITH (power it off out of band), or power it back on.
 */

/** Simulated ms per real second: a message (2–6 ms) flies for about a tenth of a second and an election (150–300 ms) takes a few seconds, slow enough to follow. */
export const WHAT_IF_SPEED = 40

const SIDE_NAMES = ['A', 'B'] as const
const NAMES = ['carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy'] as const

/** How many what-if writes each live model has had (the model itself stays the sim's plain class). */
const writesByModel = new WeakMap<PartitionCluster, number>()

const idsOf = (m: PartitionCluster): number[] => Array.from({ length: m.size }, (_, id) => id)

/** The node a client on `side` reaches: a running primary there, else the first running node, else null. */
export function entryNode(m: PartitionCluster, side: number): number | null {
  const running = idsOf(m).filter((id) => m.side(id) === side && m.role(id) !== 'stopped')
  return running.find((id) => m.role(id) === 'primary') ?? running[0] ?? null
}

function togglePartition(m: PartitionCluster): string {
  if (m.partitioned) {
    m.heal()
    return m.data === 'replicated'
      ? 'Healed: the two sides reach each other again and send each other their data to merge.'
      : 'Healed: the two sides reach each other again.'
  }
  m.partition()
  return `Partitioned: side A {${m.sides[0]!.join(', ')}} and side B {${m.sides[1]!.join(', ')}} can no longer reach each other.`
}

function clientWrite(m: PartitionCluster): string {
  const n = writesByModel.get(m) ?? 0
  writesByModel.set(m, n + 1)
  const side = n % 2
  const node = entryNode(m, side)
  const where = `A client on side ${SIDE_NAMES[side]}`
  if (node === null) return `${where} finds every node there powered off: the write goes nowhere.`
  const role = m.role(node)
  const epoch = m.epoch(node)
  let what: string
  let id: number
  if (m.resolution === 'crdt' && m.data === 'replicated') {
    what = 'likes +1'
    id = m.update(node, 'likes', { type: 'pn-counter', delta: 1 })
  } else {
    const key = m.data === 'shared-disk' ? 'config' : m.keys()[0] ?? 'seat-12A'
    const value = m.data === 'shared-disk' ? `v${m.writes().length + 1}` : NAMES[m.writes().length % NAMES.length]!
    what = `${key} = ${value}`
    id = m.write(node, key, value)
  }
  const w = m.writes()[id - 1]!
  const outcome = w.status === 'refused'
    ? `refused: ${w.reason}`
    : w.status === 'pending'
      ? `on its way to the shared disk with fencing token ${w.epoch}`
      : 'taken'
  return `${where} sends ${what} to node ${node} (${role}, epoch ${epoch}): ${outcome}.`
}

function togglePower(m: PartitionCluster, target?: { node?: number | string }): string {
  const id = Number(target?.node)
  if (!Number.isInteger(id) || id < 0 || id >= m.size) return 'That is not a node.'
  if (m.role(id) === 'stopped') {
    m.restart(id)
    return `Node ${id} is powered back on as a follower in epoch ${m.epoch(id)}.`
  }
  // Whoever is primary elsewhere pulls the plug (for the trace); an operator if nobody is.
  const primaries = m.primaries().filter((p) => p !== id)
  const by = primaries.find((p) => m.side(p) !== m.side(id)) ?? primaries[0] ?? null
  m.stonith(id, by)
  return `STONITH: node ${id} is powered off through its power switch${by === null ? '' : ` (by node ${by})`}.`
}

export const partitionActions: readonly WhatIfAction<PartitionCluster>[] = [
  { trigger: 'p', label: 'Partition the two sides, or heal the network', run: (m) => togglePartition(m) },
  { trigger: 'w', label: 'Send a client write, to side A then side B alternately', run: (m) => clientWrite(m) },
  { trigger: 'click', label: 'Click a node: power it off (STONITH) or back on', run: togglePower },
]

export const partitionWhatIf: WhatIf<PartitionCluster> = {
  // The deck's first live frame can report a slightly negative real dt (a rAF timestamp taken
  // before the live run started): time never runs backwards, so clamp it.
  advance: (m, ms) => m.advance(Math.max(0, ms)),
  speed: WHAT_IF_SPEED,
  actions: partitionActions,
}
