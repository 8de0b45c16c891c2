/**
 * Failure tests: a WebGL context lost in the middle of a transition, a tiny viewport (reveal.js's
 * scroll view), and offline use (every request stays on the page's origin). No WebGL and reduced
 * motion are covered in scenes.e2e.ts.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { loseAndRestoreContext, openDeck, type DeckPage } from './harness.ts'
import { sceneShot, difference, stats } from './pixels.ts'

let deck: DeckPage | undefined
afterEach(async () => {
  await deck?.close()
  deck = undefined
})

async function firstScene(d: DeckPage): Promise<{ h: number; v: number; steps: string[] }> {
  return d.page.evaluate(() => {
    const s = document.querySelector<HTMLElement>('[data-scene]')!.closest('section')!
    const i = window.Reveal!.getIndices(s)
    return { h: i.h, v: i.v ?? 0, steps: [...s.querySelectorAll<HTMLElement>('.fragment[data-step]')].map((e) => e.dataset.step ?? '') }
  })
}

const ready = (d: DeckPage) => d.page.waitForFunction(() => window.Reveal!.getCurrentSlide()?.querySelector<HTMLElement>('[data-scene]')?.dataset.ready === 'true', undefined, { timeout: 30_000 })

describe('failures', { timeout: 600_000 }, () => {
  it('a context lost in the middle of a transition comes back showing the new step', async () => {
    deck = await openDeck('', { reducedMotion: 'no-preference' })
    const s = await firstScene(deck)
    await deck.page.evaluate(([h, v]) => window.Reveal!.slide(h!, v!, 0), [s.h, s.v])
    await ready(deck)
    await deck.page.waitForFunction(() => window.Reveal!.getCurrentSlide()!.querySelector<HTMLElement>('[data-scene]')!.dataset.animating !== 'true')
    await deck.page.keyboard.press('ArrowRight')
    await loseAndRestoreContext(deck.page, 300)
    await deck.page.waitForFunction(() => window.Reveal!.getCurrentSlide()!.querySelector<HTMLElement>('[data-scene]')!.dataset.animating === 'false', undefined, { timeout: 10_000 })
    await deck.page.waitForTimeout(100)
    const after = await sceneShot(deck.page)
    expect(await deck.page.evaluate(() => window.Reveal!.getCurrentSlide()!.querySelector<HTMLElement>('[data-scene]')!.dataset.step)).toBe(s.steps[1])
    expect(stats(after).colours).toBeGreaterThan(20)
    // The same step drawn in a fresh page, without any loss: the same picture (antialiasing aside).
    const url = await deck.page.evaluate(() => location.hash)
    await deck.close()
    deck = await openDeck(url)
    await ready(deck)
    expect(difference(after, await sceneShot(deck.page), 40)).toBeLessThan(0.01)
    expect(deck.errors).toEqual([])
  })

  it('a tiny viewport: reveal.js\'s scroll view keeps deep links, scrolls step by step over a scene, and hands back one canvas', async () => {
    const narrow = { viewport: { width: 400, height: 800 } }
    deck = await openDeck('', narrow)
    // isScrollView() exists at run time but is missing from reveal.js 6's types.
    const scrollView = () => deck!.page.evaluate(() => (window.Reveal as unknown as { isScrollView(): boolean }).isScrollView())
    expect(await scrollView()).toBe(true)
    const s = await firstScene(deck)
    await deck.close()
    const host = () => deck!.page.evaluate(() => {
      const el = window.Reveal!.getCurrentSlide()!.querySelector<HTMLElement>('[data-scene]')
      return { step: el?.dataset.step, ready: el?.dataset.ready, narration: el?.querySelector('[role="status"]')?.textContent ?? '', canvases: document.querySelectorAll('canvas').length, f: window.Reveal!.getIndices().f }
    })
    const settled = (step: string) => deck!.page.waitForFunction((want) => {
      const el = window.Reveal!.getCurrentSlide()?.querySelector<HTMLElement>('[data-scene]')
      return el?.dataset.step === want && el.dataset.ready === 'true'
    }, step, { timeout: 30_000 })

    // A deep link to the second step lands on it (reveal.js alone would scroll to the slide's top).
    deck = await openDeck(`#/${s.h}/${s.v}/1`, narrow)
    await settled(s.steps[1]!)
    const first = await host()
    expect(first.narration.length).toBeGreaterThan(20)
    expect(stats(await sceneShot(deck.page)).colours).toBeGreaterThan(20)

    // The wheel over the scene scrolls the page to the next step: it does not zoom the camera.
    const box = (await deck.page.evaluate(() => {
      const r = window.Reveal!.getCurrentSlide()!.querySelector('[data-scene]')!.getBoundingClientRect()
      return { x: r.x + r.width / 2, y: r.y + r.height / 2 }
    }))
    await deck.page.mouse.move(box.x, box.y)
    await deck.page.mouse.wheel(0, 800)
    await settled(s.steps[2]!)
    expect((await host()).narration).not.toBe(first.narration)

    // Wider again: reveal.js rebuilds the slides from a snapshot; the scene comes back at the same
    // step with exactly one canvas (not a dead copy beside it), and narrowing keeps the step too.
    await deck.page.setViewportSize({ width: 1280, height: 720 })
    await deck.page.waitForFunction(() => !(window.Reveal as unknown as { isScrollView(): boolean }).isScrollView())
    await settled(s.steps[2]!)
    expect(await host()).toMatchObject({ canvases: 1, f: 2 })
    expect(stats(await sceneShot(deck.page)).colours).toBeGreaterThan(20)
    await deck.page.setViewportSize(narrow.viewport)
    await deck.page.waitForFunction(() => (window.Reveal as unknown as { isScrollView(): boolean }).isScrollView())
    await settled(s.steps[2]!)
    expect(await host()).toMatchObject({ canvases: 1, f: 2 })
    expect(deck.errors).toEqual([])
  })

  it('offline: visiting every slide and step never requests anything off the page’s origin', async () => {
    deck = await openDeck()
    const total = await deck.page.evaluate(() => window.Reveal!.getTotalSlides() + document.querySelectorAll('.fragment').length)
    for (let i = 0; i < total; i++) await deck.page.evaluate(() => window.Reveal!.next())
    await deck.page.waitForLoadState('networkidle')
    expect(deck.foreign).toEqual([])
    expect(deck.errors).toEqual([])
  })
})
