/**
 * Concept 08, load balancing: each of the five story slides (round robin, least connections,
 * weighted, IP hash, health checks) shows every checkpoint (data-step, the narration describe()
 * gives, the labels and the row of picks that carry the model's state, a picture that changes),
 * and every what-if action changes the state it names: W sends a burst that round robin spreads,
 * a click crashes a backend (its requests time out, or the health checks eject it and its IP-hash
 * clients move) and restarts it, C opens long-lived connections that stay open, X cycles the
 * weights. R restores the scripted picture exactly. No console errors; the scene stays within
 * its triangle and draw-call budget.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { openDeck, sceneSlides, waitForNarration, openScene, type DeckPage, type SceneSlide } from './harness.ts'
import { difference, sceneShot, stats } from './pixels.ts'
import { loadBalancingScenarios } from '../src/sim/load-balancing/scenarios.ts'

/** How long a live run may take to reach a narration. */
const NARRATION_MS = 15_000

let deck: DeckPage | undefined
afterEach(async () => {
  await deck?.close()
  deck = undefined
})

const scenarios = Object.fromEntries(loadBalancingScenarios.map((f) => [f.name, f.create(7)]))

interface HostState {
  step: string
  narration: string
  live: string | undefined
  /** Every label on show, one string each (a card's title and rows run together). */
  labels: string[]
}

async function hostState(d: DeckPage): Promise<HostState> {
  await d.page.waitForFunction(() => window.Reveal!.getCurrentSlide()?.querySelector<HTMLElement>('[data-scene]')?.dataset.ready === 'true')
  return d.page.evaluate(() => {
    const host = window.Reveal!.getCurrentSlide()!.querySelector<HTMLElement>('[data-scene]')!
    const labels = [...host.querySelectorAll<HTMLElement>('.scene-labels .scene-label')].filter((e) => e.style.display !== 'none').map((e) => e.textContent ?? '')
    return { step: host.dataset.step ?? '', narration: host.querySelector('[role="status"]')?.textContent ?? '', live: host.dataset.live, labels }
  })
}

/** The picks row, oldest first: the tiles' letters are the only one-letter labels. */
const picksOf = (st: HostState): string => st.labels.filter((l) => /^[a-z]$/.test(l)).join(' ')

/** A spec "backend b|ejected" holds when one label contains every part. */
const hasLabel = (labels: readonly string[], spec: string): boolean => labels.some((l) => spec.split('|').every((part) => l.includes(part)))

async function go(d: DeckPage, s: SceneSlide, f: number): Promise<void> {
  await d.page.evaluate(([h, v, ff]) => window.Reveal!.slide(h!, v!, ff!), [s.h, s.v, f])
  await hostState(d)
}

/** Wait until one label on show holds every part of `spec` ("backend a|5 served"). */
async function waitForLabel(d: DeckPage, spec: string, timeout = 30_000): Promise<void> {
  await d.page.waitForFunction(
    (sp) => [...(window.Reveal!.getCurrentSlide()?.querySelectorAll<HTMLElement>('[data-scene] .scene-labels .scene-label') ?? [])].some((e) => e.style.display !== 'none' && sp.split('|').every((part) => (e.textContent ?? '').includes(part))),
    spec,
    { timeout },
  )
}

/** Click a backend's orb where it is on screen. */
async function clickBackend(d: DeckPage, name: string): Promise<void> {
  const at = await d.page.evaluate((n) => {
    const view = window.deckDebug!.scenes.currentView!
    const orb = view.pickables().find((o) => (o.userData.pick as { node?: string }).node === n)!
    const v = orb.getWorldPosition(orb.position.clone()).project(view.camera)
    const rect = document.querySelector('canvas.scene-canvas')!.getBoundingClientRect()
    return { x: rect.left + ((v.x + 1) / 2) * rect.width, y: rect.top + ((1 - v.y) / 2) * rect.height }
  }, name)
  await d.page.mouse.click(at.x, at.y)
}

/** R: back to the script; the picture must equal `before` exactly. */
async function resetAndCompare(d: DeckPage, step: string, scenario: string, before: Buffer): Promise<void> {
  await d.page.keyboard.press('r')
  await d.page.waitForFunction(() => window.Reveal!.getCurrentSlide()!.querySelector<HTMLElement>('[data-scene]')!.dataset.live === undefined)
  const st = await hostState(d)
  expect(st.step).toBe(step)
  expect(st.narration).toBe(scenarios[scenario]!.describe(scenarios[scenario]!.stateAt(step)))
  await d.page.waitForTimeout(900) // the camera eases home
  expect(difference(await sceneShot(d.page), before)).toBe(0)
}

/** Labels each checkpoint must show (parts of one label joined by |), and its row of picks. */
const EXPECT: Record<string, Record<string, { labels: string[]; picks?: string }>> = {
  'round-robin': {
    start: { labels: ['backend a|0 served · 0 open', 'load balancer|round robin|next → a', 'picks: none yet', 'client-1', 'served', 'failed', 'open'], picks: '' },
    requests: { labels: ['backend a|1 served · 0 open', 'backend b|0 served · 1 open', 'backend c|0 served · 1 open', 'next → a'], picks: 'a b c' },
    rotate: { labels: ['backend a|3 served · 0 open', 'backend b|3 served · 0 open', 'backend c|3 served · 0 open', 'next → a'], picks: 'a b c a b c a b c' },
  },
  'least-connections': {
    start: { labels: ['load balancer|round robin', 'client-3'], picks: '' },
    'long-lived': { labels: ['backend a|0 served · 3 open', 'backend b|3 served · 0 open', 'backend c|3 served · 0 open', 'load balancer|round robin'] },
    least: { labels: ['load balancer|least connections|fewest open wins', 'backend a|0 served · 3 open', 'backend b|3 served · 3 open', 'backend c|3 served · 3 open'], picks: 'a b c a b c b c c b b c' },
  },
  weighted: {
    start: { labels: ['backend a|weight 5 · score 0', 'backend b|weight 1 · score 0', 'smooth weighted round robin|highest score wins'], picks: '' },
    weights: { labels: ['backend a|weight 5 · score −2|0 served · 1 open', 'backend b|weight 1 · score +1', 'backend c|weight 1 · score +1'], picks: 'a' },
    smooth: { labels: ['backend a|weight 5 · score 0|5 served · 0 open', 'backend b|weight 1 · score 0|1 served', 'backend c|weight 1 · score 0|1 served'], picks: 'a a b a c a a' },
  },
  'ip-hash': {
    start: { labels: ['10.0.0.1 → c', '10.0.0.2 → a', 'IP hash|hash(client IP) mod 3|probe every 500 ms'], picks: '' },
    sticky: { labels: ['10.0.0.1 → c', '10.0.0.2 → a', '10.0.0.4 → b', 'backend a|9 served', 'backend b|3 served', 'backend c|6 served'] },
    remap: { labels: ['10.0.0.1 → b|moved, was c', '10.0.0.5 → b|moved, was c', '10.0.0.2 → a', 'backend c|ejected · 3/3 probes failed'] },
  },
  'health-check': {
    start: { labels: ['load balancer|round robin|probe every 1 s'], picks: '' },
    'probe-fails': { labels: ['backend b|3 served · 2 failed · 0 open|down · 1/3 probes failed', 'backend a|6 served · 0 open'] },
    ejected: { labels: ['backend b|3 served · 7 failed · 0 open|ejected · 3/3 probes failed', 'backend a|13 served'] },
    restored: { labels: ['backend b|3 served · 7 failed · 1 open|restored · 2/2 probes ok'] },
  },
}

describe('load-balancing scenes', () => {
  it('has the five story slides, each step with its checkpoint, narration, labels, picks and a new picture', async () => {
    deck = await openDeck()
    const slides = await sceneSlides(deck, 'load-balancing')
    expect(Object.fromEntries(slides.map((s) => [s.scenario, s.steps]))).toEqual({
      'round-robin': ['requests', 'rotate'],
      'least-connections': ['long-lived', 'least'],
      weighted: ['weights', 'smooth'],
      'ip-hash': ['sticky', 'remap'],
      'health-check': ['probe-fails', 'ejected', 'restored'],
    })
    for (const s of slides) {
      const sc = scenarios[s.scenario]!
      await go(deck, s, -1)
      let st = await hostState(deck)
      expect(st.step).toBe('')
      expect(st.narration).toBe(sc.describe(sc.stateAt('start')))
      let prev = await sceneShot(deck.page)
      let prevNarration = st.narration
      for (const name of ['start', ...s.steps]) {
        if (name !== 'start') {
          await deck.page.keyboard.press('ArrowRight')
          st = await hostState(deck)
          expect(st.step).toBe(name)
          expect(st.narration).toBe(sc.describe(sc.stateAt(name)))
          expect(st.narration).not.toBe(prevNarration)
          const shot = await sceneShot(deck.page)
          expect(stats(shot).colours, `${s.scenario}/${name}: not blank`).toBeGreaterThan(20)
          expect(difference(shot, prev), `${s.scenario}/${name}: the picture changes`).toBeGreaterThan(0.002)
          prev = shot
          prevNarration = st.narration
        }
        const want = EXPECT[s.scenario]![name]!
        for (const spec of want.labels) expect(hasLabel(st.labels, spec), `${s.scenario}/${name}: a label with "${spec}" in ${JSON.stringify(st.labels)}`).toBe(true)
        if (want.picks !== undefined) expect(picksOf(st), `${s.scenario}/${name}: picks`).toBe(want.picks)
      }
    }
    expect(deck.errors).toEqual([])
  })

  it('health checks: after the ejection no b among the last picks; after the restore b is picked again', async () => {
    deck = await openScene('load-balancing', 'health-check', 1)
    const ejected = picksOf(await hostState(deck)).split(' ')
    expect(ejected.slice(-6)).not.toContain('b')
    await deck.page.keyboard.press('ArrowRight')
    expect(picksOf(await hostState(deck)).split(' ').at(-1)).toBe('b')
  })

  it('stays within budget: ≤ 50k triangles and ≤ 150 draw calls on every slide', async () => {
    deck = await openDeck()
    for (const s of await sceneSlides(deck, 'load-balancing')) {
      await go(deck, s, s.steps.length - 1)
      const info = await deck.page.evaluate(() => {
        const stage = window.deckDebug!.scenes.currentStage!
        stage.draw()
        return { ...stage.renderer.info.render }
      })
      expect(info.triangles, s.scenario).toBeGreaterThan(1000)
      expect(info.triangles, s.scenario).toBeLessThanOrEqual(50_000)
      expect(info.calls, s.scenario).toBeLessThanOrEqual(150)
    }
  })

  it('round robin: W sends a burst spread a, b, c; a click crashes b and its requests time out; R restores', async () => {
    deck = await openScene('load-balancing', 'round-robin', 1)
    const before = await sceneShot(deck.page)
    await deck.page.keyboard.press('w')
    await waitForNarration(deck, /^The clients send a burst of 6 requests\./, NARRATION_MS)
    expect((await hostState(deck)).live).toBe('true')
    for (const b of ['a', 'b', 'c']) await waitForLabel(deck, `backend ${b}|5 served · 0 open`)
    expect(picksOf(await hostState(deck))).toBe('a b c a b c a b c a b c')
    expect(difference(await sceneShot(deck.page), before)).toBeGreaterThan(0.002)
    await clickBackend(deck, 'b')
    await waitForNarration(deck, /^Backend b crashed; this balancer has no health checks, so b keeps its turn and those requests time out\./, NARRATION_MS)
    await waitForLabel(deck, 'backend b|down: requests time out')
    await deck.page.keyboard.press('w')
    // b's turn comes round: its request times out (a second of simulated time) and counts as failed.
    await waitForLabel(deck, 'backend b|5 served · 2 failed', 90_000)
    await waitForNarration(deck, /^Live with round robin: .*b down, 5 served, 2 failed, 0 open/, 15_000)
    await resetAndCompare(deck, 'rotate', 'round-robin', before)
    expect(deck.errors).toEqual([])
  })

  it('least connections: C opens long-lived connections, one more on each backend, and they stay open; R restores', async () => {
    deck = await openScene('load-balancing', 'least-connections', 1)
    const before = await sceneShot(deck.page)
    await deck.page.keyboard.press('c')
    await waitForNarration(deck, /^3 clients open long-lived connections \(WebSockets, say\) that stay open\./, NARRATION_MS)
    await waitForLabel(deck, 'backend a|0 served · 4 open')
    await waitForLabel(deck, 'backend b|3 served · 4 open')
    await waitForLabel(deck, 'backend c|3 served · 4 open')
    await waitForNarration(deck, /^Live with least connections: a 0 served, 4 open; b 3 served, 4 open; c 3 served, 4 open\./, NARRATION_MS)
    expect(difference(await sceneShot(deck.page), before)).toBeGreaterThan(0.002)
    await resetAndCompare(deck, 'least', 'least-connections', before)
    expect(deck.errors).toEqual([])
  })

  it('weighted: X cycles the weights, W sends one cycle, whose smooth sequence appears in the picks; R restores', async () => {
    deck = await openScene('load-balancing', 'weighted', 1)
    const before = await sceneShot(deck.page)
    await deck.page.keyboard.press('x')
    await waitForNarration(deck, /^The weights are now a 1, b 1, c 1; the smooth cycle starts afresh\./, NARRATION_MS)
    for (const b of ['a', 'b', 'c']) await waitForLabel(deck, `backend ${b}|weight 1 · score 0`)
    await deck.page.keyboard.press('x')
    await waitForNarration(deck, /^The weights are now a 3, b 2, c 1;/, NARRATION_MS)
    await waitForLabel(deck, 'backend a|weight 3')
    await waitForLabel(deck, 'backend b|weight 2')
    await deck.page.keyboard.press('w')
    await waitForNarration(deck, /^The clients send a burst of 6 requests\./, NARRATION_MS)
    // The last 12 picks: the scripted a a b a c a a, then one cycle of 3/2/1: a b a c b a.
    await deck.page.waitForFunction(
      () => [...window.Reveal!.getCurrentSlide()!.querySelectorAll<HTMLElement>('[data-scene] .scene-labels .scene-label')].filter((e) => e.style.display !== 'none' && /^[a-z]$/.test(e.textContent ?? '')).map((e) => e.textContent).join(' ') === 'a b a c a a a b a c b a',
      undefined,
      { timeout: 60_000 },
    )
    await waitForLabel(deck, 'backend a|weight 3 · score 0|8 served')
    expect(difference(await sceneShot(deck.page), before)).toBeGreaterThan(0.002)
    await resetAndCompare(deck, 'smooth', 'weighted', before)
    expect(deck.errors).toEqual([])
  })

  it('IP hash: a click crashes c, the probes eject it and its clients move to another backend; R restores', async () => {
    deck = await openScene('load-balancing', 'ip-hash', 0)
    const before = await sceneShot(deck.page)
    expect(hasLabel((await hostState(deck)).labels, 'moved')).toBe(false)
    await clickBackend(deck, 'c')
    await waitForNarration(deck, /^Backend c crashed; the health checks eject it after 3 failed probes in a row\./, NARRATION_MS)
    await waitForLabel(deck, 'backend c|down')
    await waitForLabel(deck, 'backend c|ejected · 3/3 probes failed', 90_000)
    await waitForLabel(deck, '10.0.0.1 → b|moved, was c')
    await waitForLabel(deck, '10.0.0.5 → b|moved, was c')
    // Every other client keeps its backend.
    const st = await hostState(deck)
    for (const spec of ['10.0.0.2 → a', '10.0.0.3 → a', '10.0.0.4 → b', '10.0.0.6 → a']) expect(hasLabel(st.labels, spec), spec).toBe(true)
    // The live narration follows once a second.
    await waitForNarration(deck, /c down and ejected/, NARRATION_MS)
    expect(difference(await sceneShot(deck.page), before)).toBeGreaterThan(0.002)
    await resetAndCompare(deck, 'sticky', 'ip-hash', before)
    expect(deck.errors).toEqual([])
  })

  it('health checks: a click crashes a, its failed probes eject it, a second click restarts it and good probes restore it; R restores', async () => {
    deck = await openScene('load-balancing', 'health-check', 2)
    const before = await sceneShot(deck.page)
    await clickBackend(deck, 'a')
    await waitForNarration(deck, /^Backend a crashed; the health checks eject it after 3 failed probes in a row\./, NARRATION_MS)
    await waitForLabel(deck, 'backend a|down · 0/3 probes failed')
    await waitForLabel(deck, 'backend a|down · 1/3 probes failed', 60_000)
    await waitForLabel(deck, 'backend a|ejected · 3/3 probes failed', 90_000)
    await waitForNarration(deck, /a down and ejected/, NARRATION_MS)
    expect(difference(await sceneShot(deck.page), before)).toBeGreaterThan(0.002)
    await clickBackend(deck, 'a')
    await waitForNarration(deck, /^Backend a is running again; it rejoins the pool after 2 good probes\./, NARRATION_MS)
    await waitForLabel(deck, 'backend a|restored · 2/2 probes ok', 90_000)
    await resetAndCompare(deck, 'restored', 'health-check', before)
    expect(deck.errors).toEqual([])
  })

  it('a step change leaves the live run and shows the scripted step', async () => {
    deck = await openScene('load-balancing', 'weighted', 0)
    await deck.page.keyboard.press('x')
    await waitForNarration(deck, /^The weights are now a 1, b 1, c 1/, NARRATION_MS)
    await deck.page.keyboard.press('ArrowRight')
    await deck.page.waitForFunction(() => window.Reveal!.getCurrentSlide()!.querySelector<HTMLElement>('[data-scene]')!.dataset.live === undefined)
    const st = await hostState(deck)
    expect(st.step).toBe('smooth')
    expect(st.narration).toBe(scenarios.weighted!.describe(scenarios.weighted!.stateAt('smooth')))
    expect(hasLabel(st.labels, 'backend a|weight 5 · score 0')).toBe(true)
    expect(deck.errors).toEqual([])
  })
})
