import type { WhatIf, WhatIfAction } from '../scenario.ts'
import type { StreamingWorld } from './scenarios.ts'
import type { GroupView } from './types.ts'

/**
 * What-if on a live streaming world (the deck's live mode): the viewer pokes the broker and its
 * clients and watches the real protocol cope.
 * - click a consumer: crash it (its heartbeats stop; the coordinator notices only when the
 *   session times out), or restart it if it is down (it rejoins; the group rebalances);
 * - `a`: a new consumer joins the step's group (the group rebalances; past one member per
 *   partition, the extra member sits idle);
 * - `z`: every live member of the step's group seeks back to the start of its partitions and
 *   reads them again (a stream keeps what was read; a queue could not do this);
 * - `w`: the producer sends: one record with the next key (the produce slide), a burst of six
 *   keyed orders (the consumer slides), or one task and one event (queue versus stream).
 *
 * Speed: a compromise between watching messages fly (2–6 simulated ms each) and waiting for a
 * session timeout (1 s in these scenarios, a few real seconds); live time runs QUIET times faster
 * while nothing is on the wire (processing, waiting for the next heartbeat).
 * Both only decide how much simulated time passes per real second; the model still runs event by
 * event, seeded.
 */
export type StreamingAction = 'crash' | 'add' | 'replay' | 'produce'

/** Simulated ms per real second while a message is on the wire. */
export const LIVE_SPEED = 150
/** How many times faster stretches with nothing on the wire play. */
export const QUIET = 4
/** The produce slide's keys, in the order `w` uses them (those of its script). */
const KEYS = ['alice', 'bob', 'carol', 'dave']
/** The customers a burst of orders comes from (those of the scripts). */
const CUSTOMERS = ['ada', 'bo', 'cy', 'di', 'ed', 'flo', 'gus', 'hal', 'ivy', 'jo', 'kim', 'oli']
const BURST = 6
/** `a` stops here: past one member per partition the newcomers only idle, and the picture fills up. */
export const MAX_GROUP_MEMBERS = 6
const BURST_GAP_MS = 15

const list = (xs: readonly string[]): string => (xs.length <= 1 ? (xs[0] ?? 'nothing') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`)

export interface StreamingWhatIfSpec {
  readonly actions: readonly StreamingAction[]
  /** Which group `a` and `z` act on: the first with members, or the last (one group per step). */
  readonly group: 'first' | 'last'
  /** What `w` sends. */
  readonly produce: 'one' | 'burst' | 'task-and-event'
}

/** Run the live world for `ms` of simulated time at watching speed; quiet stretches play faster. */
export function advanceLive(w: StreamingWorld, ms: number): void {
  const s = w.s
  // A frame's timestamp can precede the moment live mode started: a negative slice is no time.
  let left = Math.max(0, ms)
  if (left > 0 && !s.busy()) {
    const start = s.now
    // Stops right after the event that puts a message on the wire, or after left × QUIET.
    s.sched.runWhile(() => s.busy(), left * QUIET)
    left = Math.max(0, left - (s.now - start) / QUIET)
  }
  if (left > 0) s.advance(left)
}

/** The group `a` and `z` act on, if any group has members. */
export function stepGroup(w: StreamingWorld, which: 'first' | 'last'): GroupView | null {
  const groups = w.s.snapshot().groups.filter((g) => g.members.length > 0)
  return (which === 'first' ? groups[0] : groups[groups.length - 1]) ?? null
}

/** A fresh member id in the group's own naming ("billing-3", "consumer-4"). */
export function nextMemberId(w: StreamingWorld, g: GroupView): string {
  const prefix = g.members[0]?.id.replace(/-\d+$/, '') ?? g.name
  const taken = new Set(w.s.snapshot().groups.flatMap((x) => x.members.map((m) => m.id)))
  let n = g.members.length + 1
  while (taken.has(`${prefix}-${n}`)) n++
  return `${prefix}-${n}`
}

function clickConsumer(w: StreamingWorld, target?: { node?: number | string }): string {
  const id = String(target?.node ?? '')
  const g = w.s.snapshot().groups.find((x) => x.members.some((m) => m.id === id))
  const m = g?.members.find((x) => x.id === id)
  if (!g || !m) return 'Click a consumer to crash it or restart it.'
  w.focus = 'live'
  if (m.alive) {
    w.s.crash(id)
    const owns = m.partitions.length > 0 ? `its partitions (${list(m.partitions)}) sit unread` : 'it owned nothing'
    return `${id} crashes: its heartbeats stop and ${owns} until its session times out after ${g.config.sessionTimeoutMs} ms.`
  }
  w.s.restart(id)
  return `${id} restarts and rejoins ${g.name}, which rebalances.`
}

function addConsumer(w: StreamingWorld, which: 'first' | 'last'): string {
  const g = stepGroup(w, which)
  if (!g) return 'There is no consumer group to join here.'
  const partitions = Object.keys(g.committed).length
  if (g.members.length >= MAX_GROUP_MEMBERS) return `${g.name} already has ${g.members.length} members: with ${partitions} partitions, more would only sit idle.`
  w.focus = 'live'
  const id = nextMemberId(w, g)
  w.s.addConsumer(g.name, id)
  const live = g.members.filter((m) => m.alive).length + 1
  const idle = live > partitions ? ` With ${partitions} partitions and ${live} live members, one member will sit idle.` : ''
  return `${id} joins ${g.name}, which rebalances.${idle}`
}

function replay(w: StreamingWorld, which: 'first' | 'last'): string {
  const g = stepGroup(w, which)
  if (!g) return 'There is no consumer group to rewind here.'
  w.focus = 'live'
  const starts = new Map<string, number>()
  for (const t of w.s.snapshot().topics) for (const p of t.partitions) starts.set(`${t.name}-${p.partition}`, p.logStartOffset)
  const rewound: string[] = []
  for (const m of g.members) {
    if (!m.alive) continue
    for (const tp of Object.keys(m.positions)) {
      const i = tp.lastIndexOf('-')
      const offset = starts.get(tp) ?? 0
      w.s.seek(m.id, tp.slice(0, i), Number(tp.slice(i + 1)), offset)
      rewound.push(tp)
    }
  }
  if (rewound.length === 0) return `Nobody in ${g.name} owns a partition to rewind yet.`
  return `${g.name} seeks back to the first offset of ${list(rewound)} and reads the log again: nothing was deleted when it was read.`
}

function produce(w: StreamingWorld, how: StreamingWhatIfSpec['produce']): string {
  const snap = w.s.snapshot()
  const producer = snap.producers[0]
  const topic = snap.topics[0]
  if (!producer || !topic) return 'There is no producer here.'
  w.focus = 'live'
  const n = producer.sent + 1
  if (how === 'one') {
    const key = KEYS[producer.sent % KEYS.length]!
    w.s.produce(producer.id, topic.name, key, `order ${n}`)
    return `${producer.id} sends order ${n} with key ${key}; the key's hash picks partition ${w.s.partitionFor(topic.name, key)}.`
  }
  if (how === 'task-and-event') {
    const q = snap.queues[0]
    const k = (q?.counters.enqueued ?? 0) + 1
    if (q) w.s.enqueue(producer.id, q.name, `task ${k}`)
    w.s.produce(producer.id, topic.name, null, `event ${k}`)
    return `${producer.id} puts task ${k} on the queue and appends event ${k} to the stream.`
  }
  const keys: string[] = []
  for (let i = 0; i < BURST; i++) {
    const key = CUSTOMERS[(producer.sent + i) % CUSTOMERS.length]!
    keys.push(key)
    w.s.sched.after(i * BURST_GAP_MS, () => w.s.produce(producer.id, topic.name, key, `order ${n + i}`))
  }
  return `${producer.id} sends ${BURST} orders to ${topic.name} (keys ${list(keys)}).`
}

export function streamingWhatIf(spec: StreamingWhatIfSpec): WhatIf<StreamingWorld> {
  const all: Record<StreamingAction, WhatIfAction<StreamingWorld>> = {
    crash: { trigger: 'click', label: 'Click a consumer: crash it, or restart it if it is down', run: clickConsumer },
    add: { trigger: 'a', label: 'A: a new consumer joins the group', run: (w) => addConsumer(w, spec.group) },
    replay: { trigger: 'z', label: 'Z: the group rewinds to offset 0 and replays the log', run: (w) => replay(w, spec.group) },
    produce: {
      trigger: 'w',
      label: spec.produce === 'one' ? 'W: the producer sends one keyed record' : spec.produce === 'burst' ? 'W: the producer sends a burst of six orders' : 'W: one more task on the queue and one more event on the stream',
      run: (w) => produce(w, spec.produce),
    },
  }
  return { speed: LIVE_SPEED, advance: advanceLive, actions: spec.actions.map((a) => all[a]) }
}
