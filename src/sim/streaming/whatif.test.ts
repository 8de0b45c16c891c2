import { describe, expect, it } from 'vitest'
import { streamingScenarios, type StreamingWorld } from './index.ts'
import { LIVE_SPEED, QUIET, advanceLive } from './whatif.ts'

const live = (scenario: string, checkpoint: string) => {
  const sc = streamingScenarios.find((x) => x.name === scenario)!.create(7)
  return { sc, w: sc.live(checkpoint), whatIf: sc.whatIf! }
}
const act = (whatIf: NonNullable<ReturnType<typeof live>['whatIf']>, w: StreamingWorld, trigger: string, node?: string): string =>
  whatIf.actions.find((a) => a.trigger === trigger)!.run(w, node === undefined ? undefined : { node })
const group = (w: StreamingWorld, name: string) => w.s.snapshot().groups.find((g) => g.name === name)!
const member = (w: StreamingWorld, id: string) => w.s.snapshot().groups.flatMap((g) => g.members).find((m) => m.id === id)!

describe('streaming what-if', () => {
  it('offers per slide only what makes sense there, on keys the deck leaves free', () => {
    const keys = Object.fromEntries(streamingScenarios.map((f) => [f.name, f.create(7).whatIf!.actions.map((a) => a.trigger)]))
    expect(keys).toEqual({
      produce: ['w'],
      'consumer-groups': ['click', 'a', 'z', 'w'],
      rebalance: ['click', 'a', 'z', 'w'],
      'delivery-guarantees': ['click', 'a', 'z', 'w'],
      'queue-vs-stream': ['click', 'z', 'w'],
    })
    for (const f of streamingScenarios) expect(f.create(7).whatIf!.speed).toBe(LIVE_SPEED)
  })

  it('w on the produce slide: one keyed record, appended at the end of the partition its key hashes to', () => {
    const { sc, w, whatIf } = live('produce', 'appended')
    const before = w.s.snapshot().topics[0]!.partitions.map((p) => p.logEndOffset)
    const said = act(whatIf, w, 'w')
    // The script sent 12 records, keys in turn: the 13th gets the first key again.
    expect(said).toMatch(/^shop sends order 13 with key alice; the key's hash picks partition (\d)\.$/)
    const p = Number(/partition (\d)/.exec(said)![1])
    expect(p).toBe(w.s.partitionFor('orders', 'alice'))
    advanceLive(w, 50)
    const after = w.s.snapshot().topics[0]!.partitions
    expect(after.map((x) => x.logEndOffset)).toEqual(before.map((n, i) => (i === p ? n + 1 : n)))
    expect(after[p]!.records.at(-1)).toMatchObject({ key: 'alice', value: 'order 13', offset: before[p] })
    expect(sc.describe(sc.snapshotOf(w))).toMatch(/^Topic orders holds 13 records in 3 partitions\.$/)
  })

  it('a click crashes a consumer; after the session timeout its partitions move; a second click restarts it', () => {
    const { sc, w, whatIf } = live('consumer-groups', 'assign')
    expect(act(whatIf, w, 'click', 'billing-2')).toBe('billing-2 crashes: its heartbeats stop and its partitions (orders-2 and orders-3) sit unread until its session times out after 1000 ms.')
    expect(member(w, 'billing-2').alive).toBe(false)
    // The coordinator has not noticed yet: the dead member still owns its partitions.
    advanceLive(w, 100)
    expect(member(w, 'billing-2').partitions).toEqual(['orders-2', 'orders-3'])
    w.s.advance(1200)
    expect(member(w, 'billing-1').partitions).toEqual(['orders-0', 'orders-1', 'orders-2', 'orders-3'])
    expect(sc.describe(sc.snapshotOf(w))).toContain('billing-2 is down')
    expect(act(whatIf, w, 'click', 'billing-2')).toBe('billing-2 restarts and rejoins billing, which rebalances.')
    w.s.advance(300)
    expect(member(w, 'billing-2')).toMatchObject({ alive: true, partitions: ['orders-2', 'orders-3'] })
    expect(act(whatIf, w, 'click', 'shop')).toBe('Click a consumer to crash it or restart it.')
  })

  it('a adds a member and the group rebalances; past one member per partition the newcomer idles', () => {
    const { w, whatIf } = live('consumer-groups', 'consume')
    expect(act(whatIf, w, 'a')).toBe('billing-3 joins billing, which rebalances.')
    w.s.advance(300)
    expect(group(w, 'billing').members.map((m) => m.partitions.length)).toEqual([2, 1, 1])
    act(whatIf, w, 'a')
    expect(act(whatIf, w, 'a')).toBe('billing-5 joins billing, which rebalances. With 4 partitions and 5 live members, one member will sit idle.')
    w.s.advance(300)
    expect(group(w, 'billing').members.map((m) => m.partitions.length).sort()).toEqual([0, 1, 1, 1, 1])
    expect(act(whatIf, w, 'a')).toBe('billing-6 joins billing, which rebalances. With 4 partitions and 6 live members, one member will sit idle.')
    // Enough: a seventh is refused, and nothing changes.
    expect(act(whatIf, w, 'a')).toBe('billing already has 6 members: with 4 partitions, more would only sit idle.')
    expect(group(w, 'billing').members).toHaveLength(6)
  })

  it('z rewinds the group to offset 0: at least once reads everything again, exactly once refuses the repeats', () => {
    const { w, whatIf } = live('consumer-groups', 'second-group')
    expect(act(whatIf, w, 'z')).toBe('billing seeks back to the first offset of orders-0, orders-1, orders-2 and orders-3 and reads the log again: nothing was deleted when it was read.')
    expect(Object.values(member(w, 'billing-1').positions)).toEqual([0, 0])
    w.s.advance(3000)
    expect(group(w, 'billing').stats).toMatchObject({ distinct: 32, duplicated: 32 })
    // The other group is not affected.
    expect(group(w, 'analytics').stats.duplicated).toBe(0)

    const alo = live('delivery-guarantees', 'at-least-once')
    act(alo.whatIf, alo.w, 'z')
    alo.w.s.advance(3000)
    expect(group(alo.w, 'at-least-once').stats.duplicated).toBeGreaterThan(2)
    const eo = live('delivery-guarantees', 'exactly-once')
    expect(act(eo.whatIf, eo.w, 'z')).toMatch(/^exactly-once seeks back/)
    eo.w.s.advance(3000)
    expect(group(eo.w, 'exactly-once').stats).toMatchObject({ lost: 0, duplicated: 0 })
  })

  it('w sends a burst that every group consumes; a crash mid-batch then shows the step’s guarantee', () => {
    const { w, whatIf } = live('delivery-guarantees', 'at-most-once')
    // The script sent 40: the burst goes on with the customers in turn.
    expect(act(whatIf, w, 'w')).toBe('shop sends 6 orders to payments (keys ed, flo, gus, hal, ivy and jo).')
    // The live member takes its first batch and commits it before processing (at most once).
    expect(w.s.sched.runWhile(() => member(w, 'at-most-once-2').processing !== null, 1000)).toBe(true)
    act(whatIf, w, 'click', 'at-most-once-2')
    act(whatIf, w, 'click', 'at-most-once-2')
    w.s.advance(3000)
    const stats = group(w, 'at-most-once').stats
    expect(stats).toMatchObject({ produced: 46, duplicated: 0, pending: 0 })
    // The batch in hand at the crash is lost on top of the script's three.
    expect(stats.lost).toBeGreaterThan(3)
    expect(group(w, 'at-most-once').lostIds.length).toBe(stats.lost)
  })

  it('w on the queue slide: the task is deleted once acknowledged, the event stays in the log', () => {
    const { w, whatIf } = live('queue-vs-stream', 'stream-replay')
    expect(act(whatIf, w, 'w')).toBe('app puts task 7 on the queue and appends event 7 to the stream.')
    w.s.advance(500)
    const s = w.s.snapshot()
    expect(s.queues[0]).toMatchObject({ ready: [], unacked: [], counters: { enqueued: 7, acked: 7 } })
    expect(s.topics[0]!.partitions[0]!.records.map((r) => r.value).at(-1)).toBe('event 7')
    expect(s.topics[0]!.partitions[0]!.logEndOffset).toBe(7)
  })

  it('live time: slow while a message flies, QUIET times faster when none does, never backwards', () => {
    const { w } = live('produce', 'appended')
    const t0 = w.s.now
    advanceLive(w, -5)
    expect(w.s.now).toBe(t0)
    // Nothing is on the wire after the script: the whole slice plays fast.
    advanceLive(w, 10)
    expect(w.s.now).toBeCloseTo(t0 + 10 * QUIET)
    const p = live('produce', 'produce')
    const t1 = p.w.s.now
    advanceLive(p.w, 1)
    expect(p.w.s.now).toBeCloseTo(t1 + 1)
  })
})
