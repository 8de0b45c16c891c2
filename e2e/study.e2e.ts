/**
 * Self-study and browsing: ?study and T open the notes panel with the current step's notes and the
 * scene controls (step, play, scrubber, speed); the place is remembered and offered on return; the
 * overview shows every scene as an image of its step; the help overlay lists the deck's keys.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { openDeck, indices, deckUrl, type DeckPage } from './harness.ts'
import { sceneShot, difference } from './pixels.ts'

let deck: DeckPage | undefined
afterEach(async () => {
  await deck?.close()
  deck = undefined
})

async function firstSceneSlide(d: DeckPage): Promise<{ h: number; v: number; stepNotes: string[] }> {
  return d.page.evaluate(() => {
    const host = document.querySelector<HTMLElement>('[data-scene]')!
    const section = host.closest('section')!
    const idx = window.Reveal!.getIndices(section)
    return {
      h: idx.h,
      v: idx.v ?? 0,
      stepNotes: [...section.querySelectorAll<HTMLElement>('.fragment[data-step]')].map((e) => e.querySelector('aside.notes')?.textContent?.trim() ?? ''),
    }
  })
}

const panelText = (d: DeckPage) => d.page.evaluate(() => (document.querySelector<HTMLElement>('.study-panel')?.hidden ? null : document.querySelector('.study-notes')?.textContent ?? ''))
const ready = (d: DeckPage) => d.page.waitForFunction(() => window.Reveal!.getCurrentSlide()?.querySelector<HTMLElement>('[data-scene]')?.dataset.ready === 'true')

describe('study mode', () => {
  it('is closed unless asked for', async () => {
    deck = await openDeck()
    expect(await panelText(deck)).toBeNull()
    expect(await deck.page.evaluate(() => document.documentElement.classList.contains('study'))).toBe(false)
  })

  it('?study shows the current step’s notes beside the slide; T closes and reopens it', async () => {
    deck = await openDeck('?study')
    const s = await firstSceneSlide(deck)
    await deck.page.evaluate(([h, v]) => window.Reveal!.slide(h!, v!, 0), [s.h, s.v])
    await deck.page.waitForFunction((note) => document.querySelector('.study-notes')?.textContent?.includes(note), s.stepNotes[0]!.slice(0, 60))
    await deck.page.keyboard.press('ArrowRight')
    await deck.page.waitForFunction((note) => document.querySelector('.study-notes')?.textContent?.includes(note), s.stepNotes[1]!.slice(0, 60))
    expect(await deck.page.evaluate(() => document.querySelector('.study-step')?.textContent)).toMatch(/^Step 2 of \d+/)
    // The slide makes room for the panel.
    const widths = await deck.page.evaluate(() => [document.querySelector<HTMLElement>('.reveal')!.getBoundingClientRect().width, window.innerWidth])
    expect(widths[0]).toBeLessThan(widths[1]! - 300)
    await deck.page.keyboard.press('t')
    expect(await panelText(deck)).toBeNull()
    await deck.page.keyboard.press('t')
    expect(await panelText(deck)).toContain(s.stepNotes[1]!.slice(0, 60))
    expect(deck.errors).toEqual([])
  })

  it('the scene controls step, play and scrub the scenario timeline', async () => {
    deck = await openDeck('?study')
    const s = await firstSceneSlide(deck)
    await deck.page.evaluate(([h, v]) => window.Reveal!.slide(h!, v!, -1), [s.h, s.v])
    await ready(deck)
    await deck.page.click('.study-panel [data-act=forward]')
    expect((await indices(deck.page)).f).toBe(0)
    await deck.page.click('.study-panel [data-act=back]')
    expect((await indices(deck.page)).f ?? -1).toBe(-1)
    await ready(deck)
    const before = await sceneShot(deck.page)
    // Scrub to 60% of the scenario: the picture changes while dragging...
    await deck.page.evaluate(() => {
      const input = document.querySelector<HTMLInputElement>('.study-panel input[type=range]')!
      input.value = '600'
      input.dispatchEvent(new Event('input', { bubbles: true }))
    })
    expect(difference(await sceneShot(deck.page), before)).toBeGreaterThan(0.001)
    // ...and on release the deck lands on the nearest step, so data-step and the picture agree.
    await deck.page.evaluate(() => document.querySelector<HTMLInputElement>('.study-panel input[type=range]')!.dispatchEvent(new Event('change', { bubbles: true })))
    await ready(deck)
    const landed = await deck.page.evaluate(() => {
      const host = window.Reveal!.getCurrentSlide()!.querySelector<HTMLElement>('[data-scene]')!
      return { step: host.dataset.step, f: window.Reveal!.getIndices().f }
    })
    expect(landed.f).toBeGreaterThanOrEqual(0)
    expect(landed.step).not.toBe('')
    // Play walks on through the steps by itself.
    const f0 = (await indices(deck.page)).f ?? -1
    await deck.page.click('.study-panel [data-act=speed]')
    expect(await deck.page.textContent('.study-panel [data-act=speed]')).toBe('2×')
    await deck.page.click('.study-panel [data-act=play]')
    await deck.page.waitForFunction((f) => (window.Reveal!.getIndices().f ?? -1) > f, f0, { timeout: 10_000 })
    await deck.page.click('.study-panel [data-act=play]')
    expect(deck.errors).toEqual([])
  })

  it('remembers the place and offers it on return', async () => {
    deck = await openDeck('?study')
    const s = await firstSceneSlide(deck)
    await deck.page.evaluate(([h, v]) => window.Reveal!.slide(h!, v!, 1), [s.h, s.v])
    await ready(deck)
    // Come back later through the plain URL (no #/h/v/f): same browser, same localStorage.
    await deck.page.goto('about:blank')
    await deck.page.goto(deckUrl('?study'))
    await deck.page.waitForSelector('html[data-deck-ready="true"]')
    expect((await indices(deck.page)).h).toBe(0)
    await deck.page.waitForSelector('.study-resume:not([hidden])')
    await deck.page.click('.study-resume [data-act=resume]')
    expect(await indices(deck.page)).toMatchObject({ h: s.h, v: s.v, f: 1 })
  })
})

describe('overview and help', () => {
  it('the overview shows every scene as an image of its current step, and removes them after', async () => {
    deck = await openDeck()
    const hosts = await deck.page.evaluate(() => document.querySelectorAll('[data-scene]').length)
    await deck.page.keyboard.press('Escape')
    await deck.page.waitForFunction((n) => document.querySelectorAll('img.scene-snapshot').length === n, hosts, { timeout: 60_000 })
    const imgs = await deck.page.evaluate(() => [...document.querySelectorAll<HTMLImageElement>('img.scene-snapshot')].map((i) => i.src.length))
    expect(Math.min(...imgs)).toBeGreaterThan(2_000)
    await deck.page.keyboard.press('Escape')
    await deck.page.waitForFunction(() => document.querySelectorAll('img.scene-snapshot').length === 0)
    expect(deck.errors).toEqual([])
  })

  it('the help overlay (?) lists the deck’s own keys beside reveal.js’s', async () => {
    deck = await openDeck()
    await deck.page.keyboard.press('Shift+Slash')
    const text = await deck.page.waitForFunction(() => document.querySelector('.r-overlay-help')?.textContent ?? null)
    const help = String(await text.jsonValue())
    for (const key of ['Study mode', 'What-if', 'R']) expect(help).toContain(key)
  })
})
