/**
 * Navigation fuzzing: a seeded random walk of everything a lecturer or a student does — next,
 * previous, up, down, home, end, URL jumps, overview, resize, reload on a deep link, what-if
 * actions, study mode — checking after every action that each visible scene shows the step its
 * visible fragments imply, that one canvas and one WebGL context serve the deck, and that nothing
 * was logged as an error. A failure prints the seed and the action list that replays it
 * (FUZZ_SEED=<seed> FUZZ_ACTIONS=<n> to replay).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { Random } from '../src/sim/random.ts'
import { openDeck, deckUrl, type DeckPage } from './harness.ts'

const SEED = Number(process.env.FUZZ_SEED ?? 20261124)
const ACTIONS = Number(process.env.FUZZ_ACTIONS ?? 1000)
const RELOAD_EVERY = 150

type Action =
  | { kind: 'key'; key: string }
  | { kind: 'jump'; hash: string }
  | { kind: 'resize'; width: number; height: number }
  | { kind: 'reload' }
  | { kind: 'click-scene' }

let deck: DeckPage | undefined
afterEach(async () => {
  await deck?.close()
  deck = undefined
})

function pick(rng: Random, slides: number[][]): Action {
  const r = rng.next()
  if (r < 0.3) return { kind: 'key', key: 'ArrowRight' }
  if (r < 0.45) return { kind: 'key', key: 'ArrowLeft' }
  if (r < 0.52) return { kind: 'key', key: 'ArrowDown' }
  if (r < 0.58) return { kind: 'key', key: 'ArrowUp' }
  if (r < 0.6) return { kind: 'key', key: rng.chance(0.5) ? 'Home' : 'End' }
  if (r < 0.68) {
    const h = rng.int(0, slides.length - 1)
    const v = rng.int(0, slides[h]!.length - 1)
    const f = rng.int(-1, slides[h]![v]! - 1)
    return { kind: 'jump', hash: f >= 0 ? `#/${h}/${v}/${f}` : `#/${h}/${v}` }
  }
  if (r < 0.72) return { kind: 'key', key: 'Escape' }
  // 400 px wide: reveal.js's scroll view (below 435 px), switched on and off mid-run.
  if (r < 0.75) return { kind: 'resize', width: rng.pick([1280, 1024, 800, 1600, 400]), height: rng.pick([720, 600, 900]) }
  if (r < 0.8) return { kind: 'key', key: rng.pick(['p', 'w', 'r']) }
  if (r < 0.84) return { kind: 'click-scene' }
  if (r < 0.87) return { kind: 'key', key: 't' }
  if (r < 0.88) return { kind: 'reload' }
  return { kind: 'key', key: 'Space' }
}

function describeAction(a: Action): string {
  switch (a.kind) {
    case 'key': return a.key
    case 'jump': return `goto ${a.hash}`
    case 'resize': return `resize ${a.width}x${a.height}`
    case 'reload': return 'reload'
    case 'click-scene': return 'click scene'
  }
}

/** Wait until the deck has settled: ready, and the current scene (if any) drawn for its step. */
async function settle(d: DeckPage): Promise<void> {
  await d.page.waitForFunction(
    () => {
      if (document.documentElement.dataset.deckReady !== 'true') return false
      const slide = window.Reveal?.getCurrentSlide()
      const host = slide?.querySelector<HTMLElement>('[data-scene]')
      return !host || host.dataset.ready === 'true'
    },
    undefined,
    { timeout: 15_000 },
  )
}

/** The invariants, read in one go from the page. */
function check(d: DeckPage) {
  return d.page.evaluate(() => {
    const problems: string[] = []
    const R = window.Reveal!
    const slide = R.getCurrentSlide()
    if (slide) {
      for (const host of slide.querySelectorAll<HTMLElement>('[data-scene]')) {
        const visible = [...slide.querySelectorAll<HTMLElement>('.fragment[data-step].visible')]
          .sort((a, b) => Number(a.dataset.fragmentIndex) - Number(b.dataset.fragmentIndex))
          .map((e) => e.dataset.step ?? '')
        const implied = visible[visible.length - 1] ?? ''
        if (host.dataset.step !== implied) problems.push(`scene ${host.dataset.scene}/${host.dataset.scenario} shows "${host.dataset.step}" but its fragments imply "${implied}"`)
      }
    }
    const canvases = document.querySelectorAll('canvas').length
    if (canvases > 1) problems.push(`${canvases} canvases`)
    const contexts = (window as unknown as { __contexts?: number }).__contexts ?? 0
    if (contexts > 1) problems.push(`${contexts} WebGL contexts`)
    return problems
  })
}

describe('navigation fuzzing', { timeout: 1_200_000 }, () => {
  it(`${ACTIONS} seeded random actions keep every scene on the step its fragments imply (seed ${SEED})`, async () => {
    const rng = new Random(SEED)
    deck = await openDeck('', { countContexts: true, viewport: { width: 1280, height: 720 } })
    const slides = await deck.page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('.reveal .slides > section')].map((top) => {
        const inner = [...top.querySelectorAll<HTMLElement>(':scope > section')]
        return (inner.length ? inner : [top]).map((s) => s.querySelectorAll('.fragment').length)
      }),
    )
    const done: string[] = []
    // Actions taken while reveal.js was in its scroll view: the run must really go there.
    let inScrollView = 0
    const fail = (why: string): never => {
      throw new Error(`${why}\nReplay: FUZZ_SEED=${SEED} FUZZ_ACTIONS=${done.length} (last actions: ${done.slice(-25).join(', ')})\nAll actions: ${done.join(', ')}`)
    }
    for (let i = 0; i < ACTIONS; i++) {
      const action = i > 0 && i % RELOAD_EVERY === 0 ? ({ kind: 'reload' } as const) : pick(rng, slides)
      done.push(describeAction(action))
      const { page } = deck
      switch (action.kind) {
        case 'key':
          await page.keyboard.press(action.key)
          break
        case 'jump':
          await page.evaluate((h) => (location.hash = h), action.hash)
          break
        case 'resize':
          await page.setViewportSize({ width: action.width, height: action.height })
          break
        case 'reload': {
          // Reload on a deep link: the deck must come back on the same step.
          const hash = await page.evaluate(() => location.hash)
          await page.goto(deckUrl(`${hash}`))
          await page.reload()
          break
        }
        case 'click-scene': {
          const box = await page.evaluate(() => {
            const c = window.Reveal!.getCurrentSlide()?.querySelector('canvas.scene-canvas')
            const r = c?.getBoundingClientRect()
            return r && r.width > 0 ? { x: r.left + r.width / 2, y: r.top + r.height * 0.3 } : null
          })
          if (box) await page.mouse.click(box.x, box.y)
          break
        }
      }
      try {
        await settle(deck)
      } catch {
        fail(`action ${i + 1} (${done[i]}): the deck did not settle within 15 s`)
      }
      // isScrollView() exists at run time but is missing from reveal.js 6's types.
      if (await deck.page.evaluate(() => (window.Reveal as unknown as { isScrollView(): boolean }).isScrollView())) inScrollView++
      const problems = await check(deck)
      if (problems.length) fail(`action ${i + 1} (${done[i]}): ${problems.join('; ')}`)
      if (deck.errors.length) fail(`action ${i + 1} (${done[i]}): console error: ${deck.errors.join(' | ')}`)
    }
    expect(done.length).toBe(ACTIONS)
    if (ACTIONS >= 1000) expect(inScrollView, 'actions taken in the scroll view').toBeGreaterThan(0)
    console.log(`fuzz: ${inScrollView} of ${ACTIONS} actions in reveal.js's scroll view`)
  })
})
