/**
 * Concept 06, service mesh: each of the four story slides (mTLS, retries, circuit breaker,
 * canary) shows every checkpoint (data-step, the narration describe() gives, the labels that carry
 * the model's state, a picture that changes), and every what-if action changes the state it names:
 * I sends the intruder (refused), W sends a request, X toggles jitter, a click fails or heals a
 * service (the breaker then opens), C cycles the canary weights. R restores the scripted picture
 * exactly. No console errors; the scene stays within its triangle and draw-call budget.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { openDeck, sceneSlides, waitForNarration, pickOnScreen, openScene, type DeckPage, type SceneSlide } from './harness.ts'
import { difference, sceneShot, stats } from './pixels.ts'
import { meshScenarios } from '../src/sim/mesh/scenarios.ts'

/** How long a live run may take to reach a narration. */
const NARRATION_MS = 60_000

let deck: DeckPage | undefined
afterEach(async () => {
  await deck?.close()
  deck = undefined
})

const scenarios = Object.fromEntries(meshScenarios.map((f) => [f.name, f.create(7)]))

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
    const labels = [...host.querySelectorAll<HTMLElement>('.scene-labels .scene-label')].filter((e) => e.style.display !== 'none').map((e) => e.textContent ?? '')
    return { step: host.dataset.step ?? '', narration: host.querySelector('[role="status"]')?.textContent ?? '', live: host.dataset.live, labels: labels.join('\n') }
  })
}

async function go(d: DeckPage, s: SceneSlide, f: number): Promise<void> {
  await d.page.evaluate(([h, v, ff]) => window.Reveal!.slide(h!, v!, ff!), [s.h, s.v, f])
  await hostState(d)
}

async function waitForLabel(d: DeckPage, text: string, timeout = 60_000): Promise<void> {
  await d.page.waitForFunction(
    (t) => [...(window.Reveal!.getCurrentSlide()?.querySelectorAll<HTMLElement>('[data-scene] .scene-labels .scene-label') ?? [])].some((e) => e.style.display !== 'none' && (e.textContent ?? '').includes(t)),
    text,
    { timeout },
  )
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

/** Labels each checkpoint must show: the model's state, as drawn. */
const EXPECT_LABELS: Record<string, Record<string, string[]>> = {
  mtls: {
    start: ['cert #1', 'cert #2', 'expires in 4.0 s', 'handshakes: 0 accepted · 0 refused'],
    handshake: ['mTLS · certs #1 ↔ #2', 'handshakes: 1 accepted'],
    rotate: ['cert #3 · renewed', 'cert #4 · renewed', 'mTLS · certs #3 ↔ #4'],
    intruder: ['intruder · no mesh identity', 'self-signed certificate', 'handshake refused: untrusted issuer', '2 accepted · 1 refused'],
  },
  retries: {
    start: ['payments · failing', 'no jitter'],
    failure: ['try · 503', 'wait 100 ms', 'random 0–100 ms'],
    'retry-1': ['retry 1', 'wait 100 ms'],
    'retry-2': ['retry 1 · 503', 'wait 200 ms', 'random 0–200 ms', 'retry 2'],
    recovered: ['retry 2 · 200', 'wait 200 ms'],
  },
  'circuit-breaker': {
    start: ['CLOSED', '0 of 0 calls failed'],
    failing: ['CLOSED', '4 of 8 calls failed', 'payments · failing'],
    open: ['OPEN', 'failing fast: 3 calls refused'],
    'half-open': ['HALF-OPEN', 'trial calls: 2 of 3 let through'],
    closed: ['CLOSED', '0 of 2 calls failed'],
  },
  canary: {
    start: ['weight 90%', 'weight 10%', '0 requests'],
    split: ['18 requests · 94.7%', '1 request · 5.3%', 'configured: v1 90 / v2 10'],
    counters: ['537 requests · 89.5%', '63 requests · 10.5%', 'v1 89.0%', 'v2 11.0%'],
    shift: ['weight 50%', '738 requests · 73.8%', 'configured: v1 50 / v2 50', 'v1 50.5%'],
  },
}

describe('service mesh scenes', () => {
  it('has the four story slides, each step with its checkpoint, narration, labels and a new picture', async () => {
    deck = await openDeck()
    const slides = await sceneSlides(deck, 'mesh')
    expect(Object.fromEntries(slides.map((s) => [s.scenario, s.steps]))).toEqual({
      mtls: ['handshake', 'rotate', 'intruder'],
      retries: ['failure', 'retry-1', 'retry-2', 'recovered'],
      'circuit-breaker': ['failing', 'open', 'half-open', 'closed'],
      canary: ['split', 'counters', 'shift'],
    })
    for (const s of slides) {
      const sc = scenarios[s.scenario]!
      await go(deck, s, -1)
      let st = await hostState(deck)
      expect(st.step).toBe('')
      expect(st.narration).toBe(sc.describe(sc.stateAt('start')))
      for (const text of EXPECT_LABELS[s.scenario]!.start!) expect(st.labels, `${s.scenario}/start: label "${text}"`).toContain(text)
      let prev = await sceneShot(deck.page)
      let prevNarration = st.narration
      for (const name of s.steps) {
        await deck.page.keyboard.press('ArrowRight')
        st = await hostState(deck)
        expect(st.step).toBe(name)
        expect(st.narration).toBe(sc.describe(sc.stateAt(name)))
        expect(st.narration).not.toBe(prevNarration)
        for (const text of EXPECT_LABELS[s.scenario]![name] ?? []) expect(st.labels, `${s.scenario}/${name}: label "${text}"`).toContain(text)
        const shot = await sceneShot(deck.page)
        expect(stats(shot).colours, `${s.scenario}/${name}: not blank`).toBeGreaterThan(20)
        expect(difference(shot, prev), `${s.scenario}/${name}: the picture changes`).toBeGreaterThan(0.002)
        prev = shot
        prevNarration = st.narration
      }
    }
    expect(deck.errors).toEqual([])
  })

  it('stays within budget: ≤ 50k triangles and ≤ 150 draw calls on its busiest steps', async () => {
    deck = await openDeck()
    for (const s of await sceneSlides(deck, 'mesh')) {
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

  it('mTLS: I sends the intruder, refused at the payments sidecar; W sends a request; R restores the picture', async () => {
    deck = await openScene('mesh', 'mtls', 0)
    const before = await sceneShot(deck.page)
    expect((await hostState(deck)).labels).not.toContain('handshake refused')
    await deck.page.keyboard.press('i')
    await waitForNarration(deck, /An intruder with a self-signed certificate calls payments/, NARRATION_MS)
    expect((await hostState(deck)).live).toBe('true')
    await waitForLabel(deck, 'handshake refused: untrusted issuer')
    await waitForLabel(deck, 'intruder · no mesh identity')
    await waitForNarration(deck, /^Live: \d+ handshakes accepted and 1 refused \(last refusal: untrusted issuer\)/, NARRATION_MS)
    expect(difference(await sceneShot(deck.page), before)).toBeGreaterThan(0.005)
    await deck.page.keyboard.press('w')
    await waitForNarration(deck, /The frontend sends request 3 to payments, through its own sidecar/, NARRATION_MS)
    await resetAndCompare(deck, 'handshake', 'mtls', before)
    expect(deck.errors).toEqual([])
  })

  it('retries: X turns on full jitter, a click fails payments, W sends a request whose tries and waits appear; R restores', async () => {
    deck = await openScene('mesh', 'retries', 3)
    const before = await sceneShot(deck.page)
    await deck.page.keyboard.press('x')
    await waitForNarration(deck, /Backoff now uses full jitter/, NARRATION_MS)
    await waitForLabel(deck, 'full jitter')
    const at = await pickOnScreen(deck, 'payments')
    await deck.page.mouse.click(at.x, at.y)
    await waitForNarration(deck, /payments now answers every call with 503/, NARRATION_MS)
    await waitForLabel(deck, 'payments · failing')
    expect((await hostState(deck)).labels).toContain('retry 2 · 200')
    await deck.page.keyboard.press('w')
    await waitForNarration(deck, /The frontend sends request 2 to payments/, NARRATION_MS)
    // The timeline switches to request 2 (request 1's successful retry 2 leaves it), its first
    // try fails and its first wait is drawn at random below the 100 ms ceiling.
    await deck.page.waitForFunction(
      () => {
        const labels = [...window.Reveal!.getCurrentSlide()!.querySelectorAll<HTMLElement>('[data-scene] .scene-labels .scene-label')].filter((e) => e.style.display !== 'none').map((e) => e.textContent ?? '')
        const wait = labels.map((t) => /^wait (\d+) ms$/.exec(t)).find(Boolean)
        return !labels.includes('retry 2 · 200') && labels.includes('try · 503') && !!wait && Number(wait[1]) < 100
      },
      undefined,
      { timeout: 30_000 },
    )
    await waitForNarration(deck, /^Live: request 2 (is backing off|is on try|failed).*\(full jitter\)/, 30_000)
    expect(difference(await sceneShot(deck.page), before)).toBeGreaterThan(0.005)
    await resetAndCompare(deck, 'recovered', 'retries', before)
    expect(deck.errors).toEqual([])
  })

  it('circuit breaker: a click fails payments and the live traffic opens the circuit; R restores', async () => {
    deck = await openScene('mesh', 'circuit-breaker', 3)
    const before = await sceneShot(deck.page)
    const at = await pickOnScreen(deck, 'payments')
    await deck.page.mouse.click(at.x, at.y)
    await waitForNarration(deck, /payments now answers every call with 503/, NARRATION_MS)
    await waitForLabel(deck, 'payments · failing')
    // Ten calls at 100 simulated ms apart, at 40 ms/s (quiet gaps 25× faster): several seconds,
    // longer when SwiftShader's frame rate drops (the stage caps each frame's step).
    await waitForLabel(deck, 'OPEN', 90_000)
    await waitForNarration(deck, /^Live: payments is failing every call; the circuit is open/, 15_000)
    expect(difference(await sceneShot(deck.page), before)).toBeGreaterThan(0.005)
    await deck.page.mouse.click(at.x, at.y)
    await waitForNarration(deck, /payments is healthy again/, NARRATION_MS)
    await resetAndCompare(deck, 'closed', 'circuit-breaker', before)
    expect(deck.errors).toEqual([])
  })

  it('canary: C cycles the weights 50/50 → 0/100 → 90/10, a click fails the canary; R restores', async () => {
    deck = await openScene('mesh', 'canary', 1)
    const before = await sceneShot(deck.page)
    await deck.page.keyboard.press('c')
    await waitForNarration(deck, /The canary weights are now v1 50 \/ v2 50/, NARRATION_MS)
    await waitForLabel(deck, 'configured: v1 50 / v2 50')
    const half = await sceneShot(deck.page)
    expect(difference(half, before)).toBeGreaterThan(0.005)
    await deck.page.keyboard.press('c')
    await waitForNarration(deck, /The canary weights are now v1 0 \/ v2 100/, NARRATION_MS)
    await waitForLabel(deck, 'weight 100%')
    await waitForLabel(deck, 'weight 0%')
    await waitForNarration(deck, /^Live: the weights are v1 0 \/ v2 100/, NARRATION_MS)
    await deck.page.keyboard.press('c')
    await waitForNarration(deck, /The canary weights are now v1 90 \/ v2 10/, NARRATION_MS)
    const at = await pickOnScreen(deck, 'reviews-v2')
    await deck.page.mouse.click(at.x, at.y)
    await waitForNarration(deck, /reviews-v2 now answers every call with 503/, NARRATION_MS)
    await waitForLabel(deck, 'reviews v2 · canary · failing')
    await resetAndCompare(deck, 'counters', 'canary', before)
    expect(deck.errors).toEqual([])
  })

  it('a step change leaves the live run and shows the scripted step', async () => {
    deck = await openScene('mesh', 'canary', 0)
    await deck.page.keyboard.press('c')
    await waitForNarration(deck, /The canary weights are now v1 50 \/ v2 50/, NARRATION_MS)
    await deck.page.keyboard.press('ArrowRight')
    await deck.page.waitForFunction(() => window.Reveal!.getCurrentSlide()!.querySelector<HTMLElement>('[data-scene]')!.dataset.live === undefined)
    const st = await hostState(deck)
    expect(st.step).toBe('counters')
    expect(st.narration).toBe(scenarios.canary!.describe(scenarios.canary!.stateAt('counters')))
    expect(st.labels).toContain('configured: v1 90 / v2 10')
    expect(deck.errors).toEqual([])
  })
})
