import type { PartitionNodeView, PartitionSnapshot } from './snapshot.ts'

const ids = (xs: readonly number[]): string => (xs.length === 1 ? `node ${xs[0]}` : `nodes ${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`)
const shown = (v: PartitionNodeView['data'][number]['value']): string =>
  v === null ? 'nothing' : typeof v === 'number' ? String(v) : v.length === 1 ? v[0]! : `{${v.join(', ')}}`

/** For a key, which live nodes hold which value: "alice on nodes 0, 1 and 2 and bob on nodes 3 and 4". */
function spread(s: PartitionSnapshot, key: string): string {
  const by = new Map<string, number[]>()
  for (const n of s.nodes) {
    if (n.role === 'stopped') continue
    const v = shown(n.data.find((d) => d.key === key)?.value ?? null)
    by.set(v, [...(by.get(v) ?? []), n.id])
  }
  return [...by.entries()].map(([v, who]) => `${v} on ${ids(who)}`).join(' and ')
}

/** One or two plain sentences about a partition snapshot, for screen readers. */
export function describePartition(s: PartitionSnapshot): string {
  const net = s.partitioned
    ? `The network is split between {${s.sides[0]!.join(', ')}} and {${s.sides[1]!.join(', ')}}`
    : 'The network is whole'
  const epochOf = (id: number) => s.nodes[id]!.epoch
  const who = s.primaries.length > 1
    ? `, and both sides have a primary: ${s.primaries.map((p) => `node ${p} (epoch ${epochOf(p)})`).join(' and ')}`
    : s.primaries.length === 1 ? `; node ${s.primaries[0]} is primary in epoch ${epochOf(s.primaries[0]!)}` : '; there is no primary'
  return `${net}${who}. ${s.storage ? storageSentence(s) : dataSentence(s)}`
}

function storageSentence(s: PartitionSnapshot): string {
  const disk = s.storage!
  const stopped = s.nodes.filter((n) => n.role === 'stopped').map((n) => n.id)
  const entry = disk.data[0]
  const held = entry ? `${entry.key} = ${entry.value} (token ${entry.token})` : 'nothing yet'
  if (stopped.length > 0) return `STONITH powered off ${ids(stopped)} through its power switch, so it can serve nothing at all; the disk now holds ${held}.`
  if (disk.last && !disk.last.accepted) return `Node ${disk.last.by} still thought it was primary, but the disk rejected its write with stale token ${disk.last.token} because it has seen token ${disk.last.highest}.`
  const stale = s.primaries.filter((p) => s.nodes[p]!.epoch < disk.highestToken)
  if (stale.length > 0) return `The disk now refuses tokens below ${disk.highestToken}, though ${ids(stale)} still believes it is primary and would write with token ${s.nodes[stale[0]!]!.epoch}.`
  const tokens = disk.highestToken > 0 ? ` and accepts tokens from ${disk.highestToken} up` : ''
  return `The shared disk holds ${held}${tokens}${s.partitioned ? '; heartbeats can no longer cross between the sides, but both sides still reach the disk' : ''}.`
}

function dataSentence(s: PartitionSnapshot): string {
  const keys = [...new Set(s.nodes.flatMap((n) => n.data.map((d) => d.key)))]
  const live = s.nodes.filter((n) => n.role !== 'stopped')
  if (s.conflicts.length > 0) {
    const siblings = live[0]?.data.find((d) => d.key === s.conflicts[0])?.versions
    const same = new Set(live.map((n) => JSON.stringify(n.data.find((d) => d.key === s.conflicts[0])?.value))).size === 1
    if (same && siblings && siblings.length > 1) {
      return `Their vector clocks ${siblings.map((v) => v.clock).join(' and ')} are concurrent, so every node keeps ${siblings.map((v) => v.value).join(' and ')} as siblings of ${s.conflicts[0]} for the application to resolve.`
    }
    const what = s.conflicts.map((k) => `${k} is ${spread(s, k)}`).join('; ')
    if (s.partitioned && s.resolution === 'crdt') return `Both sides accepted updates, so the replicas have diverged until they can merge: ${what}.`
    return s.partitioned ? `Both sides accepted writes, so they conflict: ${what}.` : `The sides are exchanging their data: ${what}.`
  }
  const d = s.discarded.at(-1)
  if (d) return `Last-writer-wins kept ${d.key} = ${d.kept.value} (stamped ${d.kept.at} ms by node ${d.kept.node}) and discarded ${d.lost.value} (stamped ${d.lost.at} ms by node ${d.lost.node}); that write is lost.`
  const values = keys.map((k) => `${k} = ${shown(live[0]?.data.find((x) => x.key === k)?.value ?? null)}`).join(' and ')
  if (s.resolution === 'crdt' && !s.partitioned && s.writes.length > 0 && keys.length > 0) return `The CRDTs merged without conflict: every node has ${values}.`
  if (s.partitioned && s.drops.length > 0) return `Packets that try to cross are dropped (${s.drops.length} in the last 100 ms), while every node still holds ${values || 'no data'}.`
  return keys.length > 0 ? `Every node holds ${values}.` : 'No data has been written yet.'
}
