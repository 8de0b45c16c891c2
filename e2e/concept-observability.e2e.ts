/**
 * Concept 05, observability: each of the three story slides (logs, metrics, traces) shows every
 * checkpoint (data-step, the narration describe() gives, what its labels say, a picture that
 * changes) within the triangle and draw-call budget, and every what-if action changes the state
 * it names: a click cycles a service slow → failing → healthy, W sends a request the scene
 * follows, Q turns steady traffic on or off, and the metrics update live. R restores the
 * scripted picture exactly. No console errors.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { sceneSlides, waitForNarration, pickOnScreen, openScene, type DeckPage } from './harness.ts'
import { difference, sceneShot, stats } from './pixels.ts'
import { logsScenario, metricsScenario, tracesScenario } from '../src/sim/observability/scenarios.ts'

/** How long a live run may take to reach a narration. */
const NARRATION_MS = 20_000

let deck: DeckPage | undefined
afterEach(async () => {
  await deck?.close()
  deck = undefined
})

const scenarios = { logs: logsScenario.create(7), metrics: metricsScenario.create(7), traces: tracesScenario.create(7) }
type Name = keyof typeof scenarios

interface HostState {
  step: string
  narration: string
  live: string | undefined
  labels: string
}

async function hostState(d: DeckPage): Promise<HostState> {
  await d.page.waitForFunction(() => window.Reveal!.getCurrentSlide()?.querySelector<HTMLElement>('[data-scene]')?.dataset.ready === 'true')
  return d.page.evaluate(() => {
    const host = window.Reveal!.getCurrentSlide()!.querySelector<HTMLElement>('[data-scene]')!
    const labels = [...host.querySelectorAll<HTMLElement>('.scene-labels .scene-label')].filter((e) => e.style.display !== 'none').map((e) => e.innerText)
    return { step: host.dataset.step ?? '', narration: host.querySelector('[role="status"]')?.textContent ?? '', live: host.dataset.live, labels: labels.join('\n') }
  })
}

/** Wait until some visible label's text (as laid out: a panel's rows on their own lines) matches `pattern`; returns it. */
async function waitForLabel(d: DeckPage, pattern: RegExp, timeout = 20_000): Promise<string> {
  const handle = await d.page
    .waitForFunction(
    ([src, flags]) => [...(window.Reveal!.getCurrentSlide()?.querySelectorAll<HTMLElement>('[data-scene] .scene-labels .scene-label') ?? [])].find((e) => e.style.display !== 'none' && new RegExp(src!, flags).test(e.innerText))?.innerText ?? false,
      [pattern.source, pattern.flags],
      { timeout },
    )
    .catch(async (e: unknown) => {
      // Say what the labels did read, not only that the wait timed out.
      throw new Error(`no label matched ${pattern}; labels:\n${(await hostState(d)).labels}\n${String(e)}`)
    })
  return String(await handle.jsonValue())
}

async function budget(d: DeckPage): Promise<{ triangles: number; calls: number }> {
  return d.page.evaluate(() => {
    const stage = window.deckDebug!.scenes.currentStage!
    stage.draw()
    const r = stage.renderer.info.render
    return { triangles: r.triangles, calls: r.calls }
  })
}

/** R, then the scripted picture once the camera is home. */
async function reset(d: DeckPage): Promise<Buffer> {
  await d.page.keyboard.press('r')
  await d.page.waitForFunction(() => window.Reveal!.getCurrentSlide()!.querySelector<HTMLElement>('[data-scene]')!.dataset.live === undefined)
  await hostState(d)
  await d.page.waitForTimeout(900)
  return sceneShot(d.page)
}

/** What each checkpoint's labels must say (the model's real state, drawn). */
const expected: Record<Name, Record<string, RegExp[]>> = {
  logs: {
    start: [/no log lines yet/, /collector · 0 logs · 0 spans · 0 traces/],
    request: [/traceparent header:\s*00-e58d7ffd…-85255707…-01/, /stdout of 1 process/, /checkout started/],
    emit: [/stdout of 5 processes: JSON lines, all with trace_id e58d7ffd/, /inventory reserve stock received/, /"service":"inventory"/, /collector · 0 logs/],
    correlate: [/collector query\s+trace_id = e58d7ffd…\s+→ 14 lines from 6 processes/, /client\s+checkout succeeded/, /collector · 14 logs · 7 spans · 1 trace$/m],
  },
  metrics: {
    start: [/gateway request_duration_ms · 0 requests/, /objective: p99 ≤ 100 ms/],
    traffic: [/71 requests · 40 req\/s/, /p99 48 ms/, /^65$/m],
    'slow-dependency': [/inventory · p99 14 ms · slow/, /85 requests/, /objective: p99 ≤ 100 ms/],
    'p99-spike': [/ALERT: p99 287 ms > 100 ms/, /inventory · p99 287 ms · slow/, /^15$/m, /^169$/m],
  },
  traces: {
    start: [/no trace yet/],
    request: [/traceparent header/, /client · checkout/, /running…/],
    spans: [/database · INSERT order/, /6\.8 ms own · most/, /^27 ms total$/m, /^30 ms$/m],
    'slow-span': [/database · slow/, /123 ms slow/, /124 ms slow · most/, /^270 ms total$/m, /^270 ms$/m],
  },
}

describe('observability scenes', () => {
  for (const name of ['logs', 'metrics', 'traces'] as const) {
    it(`${name}: every checkpoint has its step, narration, labels and its own picture, within budget`, async () => {
      const sc = scenarios[name]
      deck = await openScene('observability', name, -1)
      const slide = (await sceneSlides(deck, 'observability')).find((x) => x.scenario === name)!
      expect(slide.steps).toEqual(sc.checkpoints.slice(1))
      let st = await hostState(deck)
      expect(st.step).toBe('')
      expect(st.narration).toBe(sc.describe(sc.stateAt('start')))
      for (const re of expected[name].start ?? []) expect(st.labels, `start: ${re}`).toMatch(re)
      let prev = await sceneShot(deck.page)
      for (const step of slide.steps) {
        await deck.page.keyboard.press('ArrowRight')
        st = await hostState(deck)
        expect(st.step).toBe(step)
        expect(st.narration).toBe(sc.describe(sc.stateAt(step)))
        for (const re of expected[name][step] ?? []) expect(st.labels, `${step}: ${re}`).toMatch(re)
        const shot = await sceneShot(deck.page)
        expect(stats(shot).colours, `${step}: not blank`).toBeGreaterThan(20)
        expect(difference(shot, prev), `${step}: the picture changes`).toBeGreaterThan(0.002)
        prev = shot
        const b = await budget(deck)
        expect(b.triangles).toBeGreaterThan(1000)
        expect(b.triangles).toBeLessThanOrEqual(50_000)
        expect(b.calls).toBeLessThanOrEqual(150)
      }
      expect(deck.errors).toEqual([])
    })
  }

  it('a click cycles a service slow → failing → healthy; the next request shows it; R restores the script', async () => {
    deck = await openScene('observability', 'traces', 1)
    const before = await sceneShot(deck.page)
    expect((await hostState(deck)).labels).not.toMatch(/auth · slow/)
    const auth = await pickOnScreen(deck, 'auth')
    await deck.page.mouse.click(auth.x, auth.y)
    await waitForNarration(deck, /^auth turns slow: every request it handles takes 150 ms longer\./, NARRATION_MS)
    await waitForLabel(deck, /^auth · slow$/)
    expect((await hostState(deck)).live).toBe('true')
    expect(difference(await sceneShot(deck.page), before)).toBeGreaterThan(0.001)
    // W: a new request; its auth span grows red, and once it is done it has the most own time.
    await deck.page.keyboard.press('w')
    await waitForNarration(deck, /The client sends checkout request 2 with trace id [0-9a-f]{8}\./, NARRATION_MS)
    await waitForLabel(deck, /^\d+ ms slow$/)
    await waitForLabel(deck, /^1\d\d ms slow · most$/, 30_000)
    await waitForNarration(deck, /because auth is slowed by 150 ms, its span tree shows one slow span: auth \(verify token\)/, NARRATION_MS)
    // Click again: failing, and the next request fails at auth.
    await deck.page.mouse.click(auth.x, auth.y)
    await waitForNarration(deck, /^auth now fails every request/, NARRATION_MS)
    await waitForLabel(deck, /^auth · failing$/)
    await deck.page.keyboard.press('w')
    await waitForLabel(deck, /error$/)
    await waitForNarration(deck, /failed: because auth is failing 100% of requests, auth \(verify token\) returned an error/, 30_000)
    // And again: healthy.
    await deck.page.mouse.click(auth.x, auth.y)
    await waitForNarration(deck, /^auth is healthy again\./, NARRATION_MS)
    expect((await hostState(deck)).labels).not.toMatch(/auth · (slow|failing)/)
    expect(difference(await reset(deck), before)).toBe(0)
    expect((await hostState(deck)).narration).toBe(scenarios.traces.describe(scenarios.traces.stateAt('spans')))
    expect(deck.errors).toEqual([])
  })

  it('W sends a request whose log lines the viewer follows by its new trace id; R restores the script', async () => {
    deck = await openScene('observability', 'logs', 2)
    const before = await sceneShot(deck.page)
    await deck.page.keyboard.press('w')
    const said = await waitForNarration(deck, /The client sends checkout request 2 with trace id [0-9a-f]{8}\./, NARRATION_MS)
    const id = /trace id ([0-9a-f]{8})/.exec(said)![1]!
    expect(id).not.toBe('e58d7ffd')
    await waitForLabel(deck, new RegExp(`stdout of \\d process(es)?: JSON lines, all with trace_id ${id}`))
    // The whole request, shipped: the collector query now matches the new id.
    await waitForLabel(deck, new RegExp(`collector query\\s+trace_id = ${id}…\\s+→ 14 lines from 6 processes`), 30_000)
    await waitForLabel(deck, /collector · 28 logs · 14 spans · 2 traces/)
    expect(difference(await reset(deck), before)).toBe(0)
    expect(deck.errors).toEqual([])
  })

  it('the metrics update live: a failing dependency adds errors, Q stops and starts the traffic; R restores', async () => {
    deck = await openScene('observability', 'metrics', 2)
    const before = await sceneShot(deck.page)
    expect((await hostState(deck)).labels).not.toMatch(/errors/)
    const inventory = await pickOnScreen(deck, 'inventory')
    // Scripted slow → failing.
    await deck.page.mouse.click(inventory.x, inventory.y)
    await waitForNarration(deck, /^inventory now fails every request/, NARRATION_MS)
    await waitForLabel(deck, /inventory · p99 .* · failing/)
    const errors = await waitForLabel(deck, /gateway request_duration_ms · \d+ requests · \d+ errors · 40 req\/s/)
    expect(Number(/(\d+) requests/.exec(errors)![1])).toBeGreaterThan(198)
    await deck.page.keyboard.press('q')
    await waitForNarration(deck, /^Traffic stops/, NARRATION_MS)
    await waitForLabel(deck, /^gateway request_duration_ms · \d+ requests · \d+ errors$/m)
    await deck.page.keyboard.press('q')
    await waitForNarration(deck, /^Traffic starts: 40 checkout requests per second\./, NARRATION_MS)
    await waitForLabel(deck, /^gateway request_duration_ms · \d+ requests · \d+ errors · 40 req\/s$/m)
    expect(difference(await reset(deck), before)).toBe(0)
    expect((await hostState(deck)).labels).toMatch(/ALERT: p99 287 ms > 100 ms/)
    expect(deck.errors).toEqual([])
  })

  it('Q on a quiet scene starts traffic and the collector fills; a step change returns to the script', async () => {
    deck = await openScene('observability', 'logs', 2)
    await deck.page.keyboard.press('q')
    await waitForNarration(deck, /^Traffic starts/, NARRATION_MS)
    const text = await waitForLabel(deck, /collector · (\d{3,}) logs/, 30_000)
    expect(Number(/(\d+) logs/.exec(text)![1])).toBeGreaterThan(14)
    await deck.page.keyboard.press('ArrowLeft')
    const st = await hostState(deck)
    expect(st.step).toBe('emit')
    expect(st.live).toBeUndefined()
    expect(st.narration).toBe(scenarios.logs.describe(scenarios.logs.stateAt('emit')))
    expect(deck.errors).toEqual([])
  })
})
