import type { GroupView, StreamingSnapshot } from './types.ts'

export type StreamingFocus =
  | 'start' | 'produce' | 'partitioned' | 'appended'
  | 'assign' | 'consume' | 'second-group'
  | 'crash' | 'session-timeout' | 'rebalanced'
  | 'at-most-once' | 'at-least-once' | 'exactly-once'
  | 'queue' | 'ack-deletes' | 'stream-replay'
  /** What-if mode: the viewer changed the script, so the narration sums up the state as it is. */
  | 'live'

const list = (xs: readonly string[]): string => (xs.length <= 1 ? (xs[0] ?? 'nothing') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`)
const owners = (g: GroupView): string => list(g.members.filter((m) => m.partitions.length > 0).map((m) => `${m.id} owns ${list(m.partitions)}`))
const sum = (r: Readonly<Record<string, number>>): number => Object.values(r).reduce((a, x) => a + x, 0)

/**
 * One or two plain sentences about a streaming snapshot. With a `focus` (scenario snapshots) it
 * says what the step shows; without one it summarises topics, groups and queues.
 */
export function describeStreaming(s: StreamingSnapshot & { readonly focus?: StreamingFocus }): string {
  const topic = s.topics[0]
  const parts = topic?.partitions ?? []
  const records = parts.reduce((a, p) => a + p.logEndOffset, 0)
  const g0 = s.groups[0]
  const byKey = (): string => {
    const where = new Map<string, number>()
    for (const p of parts) for (const r of p.records) if (r.key !== null) where.set(r.key, p.partition)
    return list([...where].map(([k, p]) => `${k} → partition ${p}`))
  }
  switch (s.focus) {
    case 'produce':
      return `The producer sends ${s.inFlight.filter((f) => f.kind === 'produce').length} keyed records to the broker; none is stored yet.`
    case 'partitioned':
      return `Each record went to the partition its key hashes to (${byKey()}), so one key's records always share a partition and stay in order.`
    case 'appended':
      return `${records} records are appended: ${list(parts.map((p) => `partition ${p.partition} holds offsets 0 to ${p.logEndOffset - 1}`))}. The producer has all its acknowledgements.`
    case 'assign':
      return g0 ? `Group ${g0.name} has ${g0.members.length} members and the ${g0.assignor} assignor splits the partitions: ${owners(g0)}. Each partition has exactly one owner in the group.` : 'No group yet.'
    case 'consume':
      return g0 ? `The members fetch, process and commit: ${sum(g0.committed)} of ${records} records are committed for ${g0.name}, and ${sum(g0.lag)} wait.` : 'No group yet.'
    case 'second-group': {
      const [a, b] = s.groups
      return `A second group, ${b?.name}, reads the same topic on its own: it has committed ${sum(b?.committed ?? {})} records while ${a?.name} is at ${sum(a?.committed ?? {})}. Neither affects the other.`
    }
    case 'crash': {
      const dead = g0?.members.find((m) => !m.alive)
      return `${dead?.id ?? 'A consumer'} crashed. The coordinator has not noticed yet, so its partitions (${list(dead?.partitions ?? [])}) sit unread and their lag grows.`
    }
    case 'session-timeout':
      return `No heartbeat arrived for ${g0?.config.sessionTimeoutMs ?? '?'} ms, so the coordinator removed the crashed member and started generation ${g0?.generation ?? '?'}. The new assignment is on its way.`
    case 'rebalanced':
      return g0 ? `Rebalanced with the ${g0.assignor} assignor: ${owners(g0)}. The survivors kept their partitions and resumed the orphans from the last committed offset.` : 'Rebalanced.'
    case 'at-most-once':
    case 'at-least-once':
    case 'exactly-once': {
      const g = s.groups.find((x) => x.delivery === s.focus) ?? g0
      const st = g?.stats
      const how = s.focus === 'at-most-once' ? 'commits before processing' : s.focus === 'at-least-once' ? 'commits after processing' : 'commits its results and offsets in one transaction'
      return `${s.focus === 'at-most-once' ? 'At most once' : s.focus === 'at-least-once' ? 'At least once' : 'Exactly once'}: the consumer ${how} and crashed mid-batch. Result: ${st?.lost ?? 0} lost and ${st?.duplicated ?? 0} duplicated out of ${st?.produced ?? 0}.`
    }
    case 'queue': {
      const q = s.queues[0]
      return `The queue hands each task to one of the competing workers: ${list((q?.unacked ?? []).map((m) => `${m.consumer} has ${m.value}`))}; ${q?.ready.length ?? 0} wait.`
    }
    case 'ack-deletes': {
      const q = s.queues[0]
      return `Every task was acknowledged and so deleted: the queue is empty (${q?.counters.acked ?? 0} acked). The stream still holds all ${records} events, and ${g0?.name ?? 'its group'} has committed them.`
    }
    case 'stream-replay':
      return `${g0?.name ?? 'The group'} rewound to offset 0 and read all ${records} events again (${g0?.stats.processed ?? 0} processed in all). The queue cannot do this: its tasks are gone.`
    case 'live':
      return describeLive(s)
    default: {
      const q = s.queues.length > 0 ? ` It also hosts a work queue, ${s.queues[0]!.name}.` : ''
      const n = (k: number, what: string): string => `${k} ${what}${k === 1 ? '' : 's'}`
      const topics = s.topics.length === 0 ? 'no topics' : list(s.topics.map((t) => `topic ${t.name} (${n(t.partitions.length, 'partition')}, ${n(t.partitions.reduce((a, p) => a + p.logEndOffset, 0), 'record')})`))
      return `A broker with ${topics}, ${n(s.groups.length, 'consumer group')} and ${n(s.producers.length, 'producer')}.${q}`
    }
  }
}

/** A live (what-if) state in a few sentences: the topic, each group that has members, the queue. */
function describeLive(s: StreamingSnapshot): string {
  const out: string[] = []
  for (const t of s.topics) {
    const n = t.partitions.reduce((a, p) => a + p.logEndOffset, 0)
    out.push(`Topic ${t.name} holds ${n} record${n === 1 ? '' : 's'} in ${t.partitions.length} partition${t.partitions.length === 1 ? '' : 's'}.`)
  }
  for (const g of s.groups) {
    if (g.members.length === 0) continue
    const who = list(g.members.map((m) => (!m.alive ? `${m.id} is down` : m.partitions.length === 0 ? `${m.id} owns nothing` : `${m.id} owns ${list(m.partitions)}`)))
    const total = Object.keys(g.lag).reduce((a, tp) => a + g.committed[tp]! + g.lag[tp]!, 0)
    const faults = g.stats.lost > 0 || g.stats.duplicated > 0 ? `, ${g.stats.lost} lost and ${g.stats.duplicated} duplicated` : ''
    out.push(`Group ${g.name}, generation ${g.generation}: ${who}; ${sum(g.committed)} of ${total} committed${faults}.`)
  }
  for (const q of s.queues) out.push(`Queue ${q.name}: ${q.ready.length} waiting, ${q.unacked.length} being worked on, ${q.counters.acked} acknowledged and deleted.`)
  return out.join(' ')
}
