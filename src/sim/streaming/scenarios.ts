import { defineScenario, type ScenarioFactory } from '../scenario.ts'
import { Streaming } from './streaming.ts'
import type { Delivery, StreamingSnapshot } from './types.ts'
import { describeStreaming, type StreamingFocus } from './describe.ts'
import { streamingWhatIf, type StreamingWhatIfSpec } from './whatif.ts'

/** A streaming scene: the broker world plus what the current step is about. */
export interface StreamingWorld {
  readonly s: Streaming
  focus: StreamingFocus
}

export type StreamingScenarioSnapshot = StreamingSnapshot & { readonly focus: StreamingFocus }

const DEFAULT_SEED = 7
const KEYS = ['alice', 'bob', 'carol', 'dave']
/** Customers chosen so every partition of a four- or six-partition topic gets some (three each on four). */
const CUSTOMERS = ['ada', 'bo', 'cy', 'di', 'ed', 'flo', 'gus', 'hal', 'ivy', 'jo', 'kim', 'oli']

interface Spec {
  name: string
  title: string
  checkpoints: readonly string[]
  setup(s: Streaming): void
  script(w: StreamingWorld, mark: (name: string) => void): void
  /** What the viewer may do live (whatif.ts). */
  whatIf: StreamingWhatIfSpec
}

const at = (w: StreamingWorld, mark: (name: string) => void, name: string, focus: StreamingFocus): void => {
  w.focus = focus
  mark(name)
}

const until = (s: Streaming, done: () => boolean, limitMs = 60_000): void => {
  if (!s.sched.runWhile(done, limitMs)) throw new Error(`streaming scenario: a step did not happen within ${limitMs} ms`)
}

const appended = (s: Streaming, topic: string): number => s.snapshot().topics.find((t) => t.name === topic)!.partitions.reduce((a, p) => a + p.logEndOffset, 0)
const group = (s: Streaming, name: string) => s.snapshot().groups.find((g) => g.name === name)!
const committedTotal = (s: Streaming, name: string): number => Object.values(s.committed(name)).reduce((a, x) => a + x, 0)

/** `count` keyed records from the shop, one every `everyMs`, keys in turn. */
const orders = (s: Streaming, topic: string, count: number, everyMs: number, keys: readonly string[] = CUSTOMERS): void => {
  for (let i = 0; i < count; i++) s.sched.after(i * everyMs, () => s.produce('shop', topic, keys[i % keys.length]!, `order ${i + 1}`))
}

/** Scenario groups use Kafka's protocol with times shrunk (session 45 s → 1 s) so a step takes seconds. */
const FAST = { sessionTimeoutMs: 1000, heartbeatMs: 200, fetchMaxWaitMs: 300, initialRebalanceDelayMs: 100 }

const specs: Spec[] = [
  {
    name: 'produce',
    title: 'Producing to a partitioned log',
    checkpoints: ['produce', 'partitioned', 'appended'],
    whatIf: { actions: ['produce'], group: 'first', produce: 'one' },
    setup(s) {
      s.addTopic({ name: 'orders', partitions: 3 })
      s.addProducer('shop')
    },
    script(w, mark) {
      const s = w.s
      s.advance(10)
      for (const key of KEYS) s.produce('shop', 'orders', key, `${key}'s first order`)
      s.advance(1)
      at(w, mark, 'produce', 'produce')
      until(s, () => appended(s, 'orders') === 4)
      at(w, mark, 'partitioned', 'partitioned')
      orders(s, 'orders', 8, 15, KEYS)
      until(s, () => appended(s, 'orders') === 12 && s.snapshot().producers[0]!.pending === 0)
      at(w, mark, 'appended', 'appended')
    },
  },
  {
    name: 'consumer-groups',
    title: 'Consumer groups share partitions; groups read independently',
    checkpoints: ['assign', 'consume', 'second-group'],
    whatIf: { actions: ['crash', 'add', 'replay', 'produce'], group: 'first', produce: 'burst' },
    setup(s) {
      s.addTopic({ name: 'orders', partitions: 4 })
      s.addProducer('shop')
      orders(s, 'orders', 32, 0)
      s.advance(100)
      s.addGroup('billing', { topics: ['orders'], assignor: 'range', maxPollRecords: 4, processMs: 40, ...FAST })
      s.addGroup('analytics', { topics: ['orders'], assignor: 'range', maxPollRecords: 4, processMs: 90, ...FAST })
    },
    script(w, mark) {
      const s = w.s
      s.addConsumer('billing', 'billing-1')
      s.addConsumer('billing', 'billing-2')
      until(s, () => {
        const g = group(s, 'billing')
        return g.generation === 1 && g.members.every((m) => m.generation === 1)
      })
      at(w, mark, 'assign', 'assign')
      until(s, () => committedTotal(s, 'billing') >= 12)
      at(w, mark, 'consume', 'consume')
      s.addConsumer('analytics', 'analytics-1')
      until(s, () => committedTotal(s, 'analytics') >= 8)
      at(w, mark, 'second-group', 'second-group')
    },
  },
  {
    name: 'rebalance',
    title: 'A consumer crashes; the group rebalances after the session timeout',
    checkpoints: ['crash', 'session-timeout', 'rebalanced'],
    whatIf: { actions: ['crash', 'add', 'replay', 'produce'], group: 'first', produce: 'burst' },
    setup(s) {
      s.addTopic({ name: 'orders', partitions: 6 })
      s.addProducer('shop')
      s.addGroup('billing', { topics: ['orders'], assignor: 'sticky', maxPollRecords: 3, processMs: 25, ...FAST })
      for (const id of ['consumer-1', 'consumer-2', 'consumer-3']) s.addConsumer('billing', id)
      orders(s, 'orders', 200, 25)
    },
    script(w, mark) {
      const s = w.s
      s.advance(1500)
      s.crash('consumer-2')
      s.advance(300)
      at(w, mark, 'crash', 'crash')
      until(s, () => group(s, 'billing').members.find((m) => m.id === 'consumer-2')!.partitions.length === 0)
      s.advance(1)
      at(w, mark, 'session-timeout', 'session-timeout')
      const g = () => group(s, 'billing')
      until(s, () => g().members.filter((m) => m.alive).every((m) => m.generation === g().generation))
      s.advance(400)
      at(w, mark, 'rebalanced', 'rebalanced')
    },
  },
  {
    name: 'delivery-guarantees',
    title: 'At most once, at least once, exactly once',
    checkpoints: ['at-most-once', 'at-least-once', 'exactly-once'],
    // One group per step: `a` and `z` act on the step's own (the last one created).
    whatIf: { actions: ['crash', 'add', 'replay', 'produce'], group: 'last', produce: 'burst' },
    setup(s) {
      s.addTopic({ name: 'payments', partitions: 2 })
      s.addProducer('shop', { delivery: 'exactly-once' })
      orders(s, 'payments', 40, 0)
      s.advance(100)
    },
    script(w, mark) {
      // The same crash for each guarantee: the first consumer dies in the middle of a batch.
      for (const delivery of ['at-most-once', 'at-least-once', 'exactly-once'] as Delivery[]) {
        runWithCrash(w.s, delivery)
        at(w, mark, delivery, delivery)
      }
    },
  },
  {
    name: 'queue-vs-stream',
    title: 'A queue deletes on ack; a stream keeps the log and replays it',
    checkpoints: ['queue', 'ack-deletes', 'stream-replay'],
    whatIf: { actions: ['crash', 'replay', 'produce'], group: 'first', produce: 'task-and-event' },
    setup(s) {
      s.addQueue('tasks')
      s.addTopic({ name: 'events', partitions: 1 })
      s.addProducer('app')
      s.addQueueConsumer('worker-1', 'tasks', { processMs: 80 })
      s.addQueueConsumer('worker-2', 'tasks', { processMs: 80 })
      s.addGroup('billing', { topics: ['events'], maxPollRecords: 3, processMs: 40, ...FAST })
      s.addConsumer('billing', 'billing-1')
      s.advance(50)
    },
    script(w, mark) {
      const s = w.s
      for (let i = 1; i <= 6; i++) {
        s.sched.after(i * 10, () => {
          s.enqueue('app', 'tasks', `task ${i}`)
          s.produce('app', 'events', null, `event ${i}`)
        })
      }
      until(s, () => s.snapshot().queues[0]!.unacked.length === 2 && s.snapshot().queues[0]!.ready.length >= 2)
      at(w, mark, 'queue', 'queue')
      until(s, () => s.snapshot().queues[0]!.counters.acked === 6 && s.committed('billing')['events-0'] === 6)
      s.advance(20)
      at(w, mark, 'ack-deletes', 'ack-deletes')
      s.seek('billing-1', 'events', 0, 0)
      until(s, () => group(s, 'billing').stats.processed === 12)
      s.advance(20)
      at(w, mark, 'stream-replay', 'stream-replay')
    },
  },
]

/** A fresh group with two consumers reads the whole topic; the first consumer crashes mid-batch. */
function runWithCrash(s: Streaming, delivery: Delivery): void {
  const name = delivery
  const [a, b] = [`${name}-1`, `${name}-2`]
  s.addGroup(name, { topics: ['payments'], delivery, assignor: 'sticky', maxPollRecords: 5, processMs: 20, ...FAST })
  s.addConsumer(name, a)
  s.addConsumer(name, b)
  const first = () => group(s, name).members.find((m) => m.id === a)!
  // Mid-batch: two records of a five-record batch done, the third in hand.
  until(s, () => first().processed >= 5 && first().processed % 5 === 2 && first().processing !== null)
  s.crash(a)
  until(s, () => {
    const g = group(s, name)
    return g.stats.pending === 0 && g.members.every((m) => !m.alive || m.processing === null)
  })
  s.advance(50)
}

export const streamingScenarios: ScenarioFactory<StreamingScenarioSnapshot, StreamingWorld>[] = specs.map((spec) => {
  const factory = defineScenario<StreamingWorld, StreamingScenarioSnapshot>({
    kind: 'streaming',
    name: spec.name,
    title: spec.title,
    checkpoints: spec.checkpoints,
    setup(seed) {
      const s = new Streaming({ seed })
      spec.setup(s)
      return { s, focus: 'start' }
    },
    script: (w, mark) => spec.script(w, mark),
    snapshot: (w) => ({ ...w.s.snapshot(), focus: w.focus }),
    time: (w) => w.s.now,
    trace: (w) => w.s.trace.all(),
    describe: describeStreaming,
    whatIf: streamingWhatIf(spec.whatIf),
  })
  return { ...factory, create: (seed: number = DEFAULT_SEED) => factory.create(seed) }
})
