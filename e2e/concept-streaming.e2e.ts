/**
 * Concept 09, message queues and event streaming: each of the five scene slides (produce,
 * consumer groups, rebalance, delivery guarantees, queue versus stream) shows each checkpoint
 * (data-step, the narration describe() gives, the model's state on the labels — records sent and
 * acknowledged, each group's generation and members, keys and partitions, lost and duplicated
 * counts, tasks deleted and events kept — and a picture that changes), and every what-if action
 * changes the state it names: W produces, a click crashes a consumer (the coordinator evicts it
 * after the session timeout and its partitions move) and a second click restarts it, A adds a
 * member (past one per partition it idles), Z rewinds a group (at least once processes everything
 * again, exactly once refuses the repeats). R restores the scripted picture exactly. No console
 * errors; the scene stays within its triangle and draw-call budget.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { openDeck, sceneSlides, hostState, type DeckPage, type HostState } from './harness.ts'
import { difference, sceneShot } from './pixels.ts'
import { streamingScenarios, type StreamingScenarioSnapshot } from '../src/sim/streaming/index.ts'
import type { Scenario } from '../src/sim/scenario.ts'

let deck: DeckPage | undefined
afterEach(async () => {
  await deck?.close()
  deck = undefined
})

/**
 * Live time runs at 150 simulated ms per real second (faster while nothing is on the wire), and
 * each frame advances at most 100 ms of real time: a session timeout (1 s simulated) takes a few
 * seconds, longer on a loaded machine.
 */
const LIVE_WAIT_MS = 60_000

const scenarios = new Map(streamingScenarios.map((f) => [f.name, f.create(7) as Scenario<StreamingScenarioSnapshot>]))
const snapAt = (name: string, step: string): StreamingScenarioSnapshot => scenarios.get(name)!.stateAt(step)
const narrationAt = (name: string, step: string): string => scenarios.get(name)!.describe(snapAt(name, step))

/** Open the deck at the streaming slide showing `scenario`, at step `step` ('' before the first). */
async function openAt(scenario: string, step: string): Promise<DeckPage> {
  const d = await openDeck()
  const s = (await sceneSlides(d, 'streaming')).find((x) => x.scenario === scenario)
  expect(s, `a slide with <Scene kind="streaming" scenario="${scenario}">`).toBeDefined()
  await d.page.evaluate(([h, v, f]) => window.Reveal!.slide(h!, v!, f!), [s!.h, s!.v, s!.steps.indexOf(step)])
  expect((await hostState(d)).step).toBe(step)
  return d
}

/** Wait until the labels match (or the narration, with `narration`); on a timeout say what was shown. */
async function waitFor(d: DeckPage, test: (s: HostState) => boolean, what: string): Promise<HostState> {
  const end = Date.now() + LIVE_WAIT_MS
  let s = await hostState(d)
  while (!test(s)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; the scene showed:\n${s.labels.join('\n')}\nnarration: ${s.narration}`)
    await d.page.waitForTimeout(250)
    s = await hostState(d)
  }
  return s
}

const has = (re: RegExp | string) => (s: HostState): boolean => s.labels.some((l) => (typeof re === 'string' ? l.includes(re) : re.test(l)))

/** Where a consumer's orb is on screen (from the view's pickables). */
async function orbPoint(d: DeckPage, id: string): Promise<{ x: number; y: number }> {
  const pt = await d.page.evaluate((member) => {
    const scenes = window.deckDebug!.scenes
    const view = scenes.currentView!
    const orb = view.pickables().find((o) => (o.userData.pick as { node?: string } | undefined)?.node === member)
    if (!orb) return null
    const p = orb.getWorldPosition(orb.position.clone()).project(view.camera)
    const r = scenes.currentStage!.canvas.getBoundingClientRect()
    return { x: r.left + ((p.x + 1) / 2) * r.width, y: r.top + ((1 - p.y) / 2) * r.height }
  }, id)
  if (!pt) throw new Error(`no pickable orb for ${id}`)
  return pt
}

/** R: back to the script, pixel for pixel. */
async function expectRestored(d: DeckPage, scripted: HostState, before: Buffer): Promise<void> {
  await d.page.keyboard.press('r')
  const st = await waitFor(d, (s) => s.live === undefined && s.narration === scripted.narration, 'R to return to the script')
  expect(st.step).toBe(scripted.step)
  expect(st.labels).toEqual(scripted.labels)
  expect(difference(await sceneShot(d.page), before)).toBe(0)
}

/** What the labels must say at a checkpoint: numbers and names from the snapshot. */
function expectedLabels(scenario: string, s: StreamingScenarioSnapshot): (string | RegExp)[] {
  const out: (string | RegExp)[] = []
  for (const p of s.producers) out.push(`${p.sent} sent · ${p.acked} acked`)
  const topic = s.topics[0]!
  for (const p of topic.partitions) out.push(`P${p.partition}`)
  const withMembers = s.groups.filter((g) => g.members.length > 0)
  for (const g of scenario === 'delivery-guarantees' ? withMembers.slice(-1) : withMembers) {
    out.push(`group ${g.name} · gen ${g.generation}`)
    for (const m of g.members) out.push(new RegExp(`^${m.id}( \\||$)`))
  }
  if (scenario === 'produce') {
    for (const p of topic.partitions) for (const r of p.records) out.push(new RegExp(`${r.key}\\s+→ P${p.partition}`))
  }
  if (scenario === 'delivery-guarantees') {
    for (const g of withMembers) out.push(new RegExp(`${g.delivery.replaceAll('-', ' ')}\\s+${g.stats.lost}\\s+${g.stats.duplicated}`))
  }
  if (scenario === 'queue-vs-stream') {
    const q = s.queues[0]!
    const kept = topic.partitions.reduce((a, p) => a + p.logEndOffset, 0)
    out.push(`${q.counters.acked} acknowledged, so deleted`, `${kept} record${kept === 1 ? '' : 's'}, kept after reading`)
  }
  return out
}

describe('streaming slides', () => {
  it('show each checkpoint: step, narration from describe(), the snapshot’s numbers and a new picture, within budget', async () => {
    deck = await openDeck()
    const slides = await sceneSlides(deck, 'streaming')
    expect(slides.map((s) => s.scenario)).toEqual(['produce', 'consumer-groups', 'rebalance', 'delivery-guarantees', 'queue-vs-stream'])
    for (const s of slides) {
      const sc = scenarios.get(s.scenario)!
      expect(s.steps).toEqual(sc.checkpoints.slice(1))
      await deck.page.evaluate(([h, v]) => window.Reveal!.slide(h!, v!, -1), [s.h, s.v])
      let st = await hostState(deck)
      expect(st.step).toBe('')
      expect(st.narration).toBe(narrationAt(s.scenario, 'start'))
      let shot = await sceneShot(deck.page)
      for (const name of s.steps) {
        await deck.page.keyboard.press('ArrowRight')
        st = await hostState(deck)
        expect(st.step).toBe(name)
        expect(st.narration).toBe(narrationAt(s.scenario, name))
        for (const text of expectedLabels(s.scenario, snapAt(s.scenario, name))) expect(st.labels.some((l) => (typeof text === 'string' ? l.includes(text) : text.test(l))), `${s.scenario}/${name}: a label with ${String(text)}`).toBe(true)
        const next = await sceneShot(deck.page)
        expect(difference(next, shot), `${s.scenario}/${name}: the picture changes`).toBeGreaterThan(0.002)
        shot = next
        const info = await deck.page.evaluate(() => ({ ...window.deckDebug!.scenes.currentStage!.renderer.info.render }))
        expect(info.triangles, `${s.scenario}/${name} triangles`).toBeLessThanOrEqual(50_000)
        expect(info.calls, `${s.scenario}/${name} draw calls`).toBeLessThanOrEqual(150)
      }
    }
    expect(deck.errors).toEqual([])
  })

  it('the pictures say what the narration says: a crashed member counting down, survivors awaiting their partitions, duplicates counted', async () => {
    deck = await openAt('rebalance', 'crash')
    let st = await hostState(deck)
    expect(st.labels).toContain('consumer-2 | crashed | evicted in 600 ms')
    await deck.page.keyboard.press('ArrowRight')
    st = await hostState(deck)
    expect(st.step).toBe('session-timeout')
    expect(st.labels).toContain('consumer-1 | awaiting assignment')
    expect(st.labels).toContain('consumer-3 | awaiting assignment')
    expect(st.labels).toContain('consumer-2 | crashed · evicted')
    await deck.close()
    deck = await openAt('delivery-guarantees', 'at-least-once')
    st = await hostState(deck)
    // The scoreboard's rows run together in the label's text: "…3   0▶ at least once…".
    expect(st.labels.join('\n')).toMatch(/at most once\s+3\s+0\s*▶ at least once\s+0\s+2\s*exactly once\s+–\s+–/)
    expect(st.labels).toContain('at-least-once-1 | crashed · evicted')
    expect(st.labels).toContain('at-least-once-2 | P0 P1 · 35 done')
    expect(deck.errors).toEqual([])
  })

  it('produce: W sends a keyed record that lands at the end of its key’s partition; R restores', async () => {
    deck = await openAt('produce', 'appended')
    const scripted = await hostState(deck)
    const before = await sceneShot(deck.page)
    const alice = (s: HostState): number => s.labels.filter((l) => l === 'alice').length
    expect(alice(scripted)).toBe(3)
    await deck.page.keyboard.press('w')
    const st = await waitFor(deck, has('13 sent · 13 acked'), 'the 13th record to be acknowledged')
    expect(st.live).toBe('true')
    expect(st.narration).toMatch(/^(shop sends order 13 with key alice; the key's hash picks partition 1\. )?Topic orders holds 1[23] records in 3 partitions\.$/)
    // alice's fourth order, at offset 3 of P1.
    expect(alice(st)).toBe(4)
    expect(difference(await sceneShot(deck.page), before)).toBeGreaterThan(0.002)
    await expectRestored(deck, scripted, before)
    expect(deck.errors).toEqual([])
  })

  it('rebalance: a click crashes a consumer, the session timeout evicts it and its partitions move; a second click restarts it; R restores', async () => {
    deck = await openAt('rebalance', 'rebalanced')
    const scripted = await hostState(deck)
    const before = await sceneShot(deck.page)
    let pt = await orbPoint(deck, 'consumer-3')
    await deck.page.mouse.click(pt.x, pt.y)
    let st = await waitFor(deck, (s) => s.live === 'true', 'live mode')
    expect(st.narration).toMatch(/^consumer-3 crashes: its heartbeats stop and its partitions \(orders-2, orders-4 and orders-5\) sit unread until its session times out after 1000 ms\./)
    await waitFor(deck, has(/^consumer-3 \| crashed \| evicted in \d+ ms$/), 'consumer-3 to show its session draining')
    expect(difference(await sceneShot(deck.page), before)).toBeGreaterThan(0.002)
    // Evicted: consumer-1, the only live member, takes every partition (sticky: it keeps its own).
    st = await waitFor(deck, has(/^consumer-1 \| P0 P1 P2 P3 P4 P5 · \d+ done$/), 'consumer-1 to own all six partitions')
    expect(st.labels).toContain('consumer-3 | crashed · evicted')
    pt = await orbPoint(deck, 'consumer-3')
    await deck.page.mouse.click(pt.x, pt.y)
    st = await waitFor(deck, (s) => s.narration.startsWith('consumer-3 restarts and rejoins billing, which rebalances.') || has(/^consumer-3 \| P\d/)(s), 'the restart')
    expect(st.live).toBe('true')
    await waitFor(deck, has(/^consumer-3 \| P\d( P\d)* · \d+ done$/), 'consumer-3 to own partitions again')
    await expectRestored(deck, scripted, before)
    expect(deck.errors).toEqual([])
  })

  it('consumer groups: A adds members until one idles, Z rewinds billing, W sends a burst; R restores', async () => {
    deck = await openAt('consumer-groups', 'second-group')
    const scripted = await hostState(deck)
    const before = await sceneShot(deck.page)
    await deck.page.keyboard.press('a')
    let st = await waitFor(deck, has(/^billing-3 \| P\d/), 'billing-3 to get a partition')
    expect(st.live).toBe('true')
    await deck.page.keyboard.press('a')
    await waitFor(deck, has(/^billing-4 \| P\d/), 'billing-4 to get a partition')
    await deck.page.keyboard.press('a')
    st = await waitFor(deck, has(/^billing-5 \| idle: no partition$/), 'the fifth member to sit idle')
    expect(st.labels.filter((l) => /^billing-\d \| P\d · \d+ done$/.test(l))).toHaveLength(4)
    const done = (s: HostState): number => s.labels.filter((l) => l.startsWith('billing-')).reduce((a, l) => a + Number(/· (\d+) done/.exec(l)?.[1] ?? 0), 0)
    const doneBefore = done(st)
    await deck.page.keyboard.press('z')
    st = await waitFor(deck, (s) => done(s) >= doneBefore + 8, 'billing to read its partitions again')
    // The other group carries on unaffected.
    expect(st.labels.some((l) => /^analytics-1 \| P0 P1 P2 P3 · \d+ done$/.test(l))).toBe(true)
    await deck.page.keyboard.press('w')
    await waitFor(deck, has('38 sent · 38 acked'), 'the burst of six orders')
    expect(difference(await sceneShot(deck.page), before)).toBeGreaterThan(0.002)
    await expectRestored(deck, scripted, before)
    expect(deck.errors).toEqual([])
  })

  it('delivery: Z under at least once processes records twice; under exactly once it does not', async () => {
    deck = await openAt('delivery-guarantees', 'at-least-once')
    let scripted = await hostState(deck)
    let before = await sceneShot(deck.page)
    const dup = (s: HostState, row: string): number => Number(new RegExp(`▶ ${row}\\s+\\d+\\s+(\\d+)`).exec(s.labels.join('\n'))?.[1] ?? -1)
    expect(dup(scripted, 'at least once')).toBe(2)
    await deck.page.keyboard.press('z')
    let st = await waitFor(deck, (s) => dup(s, 'at least once') > 10, 'at least once to count the replayed records as duplicates')
    expect(st.live).toBe('true')
    await expectRestored(deck, scripted, before)

    await deck.page.keyboard.press('ArrowRight')
    scripted = await hostState(deck)
    expect(scripted.step).toBe('exactly-once')
    before = await sceneShot(deck.page)
    const done = (s: HostState): number => Number(/^exactly-once-2 \| P0 P1 · (\d+) done$/m.exec(s.labels.join('\n'))?.[1] ?? 0)
    await deck.page.keyboard.press('z')
    // The member processes a rewound batch, but its transaction aborts (the group's committed
    // offset is not where the batch began) and the member realigns: nothing counts twice.
    st = await waitFor(deck, (s) => done(s) >= done(scripted) + 5, 'exactly-once-2 to process a rewound batch')
    expect(dup(st, 'exactly once')).toBe(0)
    expect(st.labels.join('\n')).toMatch(/▶ exactly once\s+0\s+0/)
    await expectRestored(deck, scripted, before)
    expect(deck.errors).toEqual([])
  })

  it('queue versus stream: W adds a task, deleted once acknowledged, and an event, kept; R restores', async () => {
    deck = await openAt('queue-vs-stream', 'stream-replay')
    const scripted = await hostState(deck)
    const before = await sceneShot(deck.page)
    expect(scripted.labels.some((l) => l.includes('6 acknowledged, so deleted'))).toBe(true)
    await deck.page.keyboard.press('w')
    let st = await waitFor(deck, has('7 acknowledged, so deleted'), 'task 7 to be acknowledged')
    // "<what the action did> <describe()>" at the action, describe() alone a moment later.
    expect(st.narration).toMatch(/^(app puts task 7 on the queue and appends event 7 to the stream\. )?Topic events holds [67] records in 1 partition\. Group billing/)
    st = await waitFor(deck, has('7 records, kept after reading'), 'event 7 to stay in the stream')
    expect(st.labels.some((l) => /^queue: tasks · 0 waiting/.test(l))).toBe(true)
    expect(difference(await sceneShot(deck.page), before)).toBeGreaterThan(0.002)
    await expectRestored(deck, scripted, before)
    expect(deck.errors).toEqual([])
  })
})
