import { expectArg } from '../errors.ts'

export interface TopicPartition {
  readonly topic: string
  readonly partition: number
}

/** member id → the partitions it owns, each list in (topic, partition) order. */
export type Assignment = Record<string, TopicPartition[]>

export const ASSIGNORS = ['range', 'round-robin', 'sticky'] as const
export type AssignorName = (typeof ASSIGNORS)[number]

/** Kafka's TopicPartition.toString(): "orders-2". */
export const tpKey = (tp: TopicPartition): string => `${tp.topic}-${tp.partition}`

const byTp = (a: TopicPartition, b: TopicPartition): number => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition)
const sortedIds = (members: readonly string[]): string[] => [...members].sort()

export interface AssignInput {
  /** Member ids; every member subscribes to every topic listed. */
  readonly members: readonly string[]
  /** topic → number of partitions. */
  readonly topics: Readonly<Record<string, number>>
  /** The assignment before this rebalance (used by the sticky assignor only). */
  readonly previous?: Readonly<Assignment>
}

export function assign(name: AssignorName, input: AssignInput): Assignment {
  expectArg((ASSIGNORS as readonly string[]).includes(name), 'assignor', name, `one of ${ASSIGNORS.join(', ')}`)
  if (input.members.length === 0) return {}
  if (name === 'range') return rangeAssign(input)
  if (name === 'round-robin') return roundRobinAssign(input)
  return stickyAssign(input)
}

export function allPartitions(topics: Readonly<Record<string, number>>): TopicPartition[] {
  return Object.keys(topics)
    .sort()
    .flatMap((topic) => Array.from({ length: topics[topic]! }, (_, partition) => ({ topic, partition })))
}

const empty = (members: readonly string[]): Assignment => Object.fromEntries(sortedIds(members).map((m) => [m, [] as TopicPartition[]]))

/**
 * Kafka's RangeAssignor: topic by topic, members in id order each take a contiguous range;
 * the first P mod N members take one extra. Two members, two topics of three partitions:
 * C0 [t0p0 t0p1 t1p0 t1p1], C1 [t0p2 t1p2] — the first member is favoured on every topic.
 */
function rangeAssign({ members, topics }: AssignInput): Assignment {
  const out = empty(members)
  const ids = sortedIds(members)
  for (const topic of Object.keys(topics).sort()) {
    const p = topics[topic]!
    const per = Math.floor(p / ids.length)
    const extra = p % ids.length
    ids.forEach((m, i) => {
      const start = per * i + Math.min(i, extra)
      const len = per + (i < extra ? 1 : 0)
      for (let k = start; k < start + len; k++) out[m]!.push({ topic, partition: k })
    })
  }
  return out
}

/**
 * Kafka's RoundRobinAssignor: all partitions of all topics in (topic, partition) order, dealt to
 * members in id order like cards: C0 [t0p0 t0p2 t1p1], C1 [t0p1 t1p0 t1p2].
 */
function roundRobinAssign({ members, topics }: AssignInput): Assignment {
  const out = empty(members)
  const ids = sortedIds(members)
  allPartitions(topics).forEach((tp, i) => out[ids[i % ids.length]!]!.push(tp))
  return out
}

/**
 * A sticky assignor in the spirit of Kafka's StickyAssignor: keep every partition where it was if
 * its owner is still here, hand orphaned partitions to the least-loaded members, then move as few
 * partitions as it takes to leave no member more than one partition ahead of another. When a
 * member leaves, the survivors keep all they had and only the leaver's partitions move.
 */
function stickyAssign({ members, topics, previous = {} }: AssignInput): Assignment {
  const out = empty(members)
  const valid = new Set(allPartitions(topics).map(tpKey))
  const taken = new Set<string>()
  for (const m of sortedIds(members)) {
    for (const tp of previous[m] ?? []) {
      const k = tpKey(tp)
      if (valid.has(k) && !taken.has(k)) {
        taken.add(k)
        out[m]!.push({ topic: tp.topic, partition: tp.partition })
      }
    }
  }
  const leastLoaded = (): string => sortedIds(members).reduce((best, m) => (out[m]!.length < out[best]!.length ? m : best))
  const mostLoaded = (): string => sortedIds(members).reduce((best, m) => (out[m]!.length > out[best]!.length ? m : best))
  for (const tp of allPartitions(topics)) if (!taken.has(tpKey(tp))) out[leastLoaded()]!.push(tp)
  for (;;) {
    const hi = mostLoaded()
    const lo = leastLoaded()
    if (out[hi]!.length - out[lo]!.length <= 1) break
    out[lo]!.push(out[hi]!.pop()!)
  }
  for (const m of Object.keys(out)) out[m]!.sort(byTp)
  return out
}
