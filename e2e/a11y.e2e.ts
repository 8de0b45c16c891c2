/**
 * Accessibility: axe-core on every slide in both themes with zero serious or critical violations,
 * narration announced on every step (aria-live), and the deck fully usable from the keyboard.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createRequire } from 'node:module'
import { openDeck, type DeckPage } from './harness.ts'

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js')

let deck: DeckPage | undefined
afterEach(async () => {
  await deck?.close()
  deck = undefined
})

interface Finding {
  slide: string
  id: string
  impact: string
  help: string
  targets: string[]
  why: string
}

/** Run axe on the current slide (and the page chrome around it); serious and critical only. */
async function audit(d: DeckPage, rules?: string[]): Promise<Finding[]> {
  return d.page.evaluate(async (only) => {
    const slide = window.Reveal!.getCurrentSlide()!
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[]; failureSummary?: string }[] }[] }> } }).axe
    const result = await axe.run(
      { include: [['.reveal .slides section.present:not(.stack)'], ['.reveal > .controls'], ['.study-panel']] },
      { resultTypes: ['violations'], ...(only ? { runOnly: { type: 'rule', values: only } } : {}) },
    )
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ slide: slide.dataset.source ?? '?', id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')), why: v.nodes[0]?.failureSummary?.split('\n').slice(1).join(' ').trim() ?? '' }))
  }, rules ?? null)
}

async function everySlide(d: DeckPage, visit: () => Promise<void>): Promise<void> {
  const slides = await d.page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.reveal .slides section')].filter((s) => !s.querySelector('section')).map((s) => {
      const i = window.Reveal!.getIndices(s)
      return [i.h, i.v ?? 0, s.querySelectorAll('.fragment').length] as const
    }),
  )
  for (const [h, v, fragments] of slides) {
    // Every step revealed: the most text, and the scene at its last step.
    await d.page.evaluate(([hh, vv, ff]) => window.Reveal!.slide(hh, vv, ff - 1), [h, v, fragments] as const)
    await d.page.waitForFunction(() => {
      const host = window.Reveal!.getCurrentSlide()?.querySelector<HTMLElement>('[data-scene]')
      return !host || host.dataset.ready === 'true'
    })
    // reveal.js fades slides and fragments in; axe must see the settled colours.
    // (Transitions only: reveal.js's controls bounce on a 100-second animation.)
    await d.page.evaluate(() => Promise.all(document.getAnimations().filter((a) => a instanceof CSSTransition).map((a) => a.finished.catch(() => undefined))))
    await visit()
  }
}

describe('accessibility', { timeout: 900_000 }, () => {
  for (const theme of ['dark', 'light'] as const) {
    it(`axe finds no serious or critical violation on any slide (${theme} theme)`, async () => {
      deck = await openDeck(theme === 'light' ? '?theme=light' : '')
      await deck.page.addScriptTag({ path: axePath })
      const findings: Finding[] = []
      // The dark theme gets every rule; the light one is there for its colours.
      await everySlide(deck, async () => {
        findings.push(...(await audit(deck!, theme === 'light' ? ['color-contrast'] : undefined)))
      })
      expect(findings).toEqual([])
    })
  }

  it('the narration is a polite live region and changes on every step', async () => {
    deck = await openDeck()
    const hosts = await deck.page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('[data-scene]')].map((h) => {
        const s = h.closest('section')!
        const i = window.Reveal!.getIndices(s)
        const status = h.querySelector('[role="status"]')
        return { h: i.h, v: i.v ?? 0, steps: s.querySelectorAll('.fragment[data-step]').length, live: status?.getAttribute('aria-live') }
      }),
    )
    expect(hosts.length).toBeGreaterThan(0)
    for (const host of hosts) {
      expect(host.live).toBe('polite')
      const said: string[] = []
      for (let f = -1; f < host.steps; f++) {
        await deck.page.evaluate(([h, v, ff]) => window.Reveal!.slide(h, v, ff), [host.h, host.v, f] as const)
        await deck.page.waitForFunction(() => window.Reveal!.getCurrentSlide()?.querySelector<HTMLElement>('[data-scene]')?.dataset.ready === 'true')
        said.push(await deck.page.evaluate(() => window.Reveal!.getCurrentSlide()!.querySelector('[role="status"]')!.textContent ?? ''))
      }
      for (let i = 1; i < said.length; i++) expect(said[i], `slide ${host.h}/${host.v} step ${i}`).not.toBe(said[i - 1])
    }
  })

  it('works from the keyboard alone: steps, slides, overview, study mode and help', async () => {
    deck = await openDeck()
    const { page } = deck
    await page.keyboard.press('End')
    const last = await page.evaluate(() => window.Reveal!.getIndices().h)
    expect(last).toBeGreaterThan(5)
    await page.keyboard.press('Home')
    expect(await page.evaluate(() => window.Reveal!.getIndices().h)).toBe(0)
    await page.keyboard.press('ArrowRight')
    expect(await page.evaluate(() => window.Reveal!.getIndices().h + (window.Reveal!.getIndices().f ?? -1) + 1)).toBeGreaterThan(0)
    await page.keyboard.press('Escape')
    expect(await page.evaluate(() => window.Reveal!.isOverview())).toBe(true)
    await page.keyboard.press('Escape')
    expect(await page.evaluate(() => window.Reveal!.isOverview())).toBe(false)
    await page.keyboard.press('t')
    expect(await page.evaluate(() => document.documentElement.classList.contains('study'))).toBe(true)
    // The study panel's controls are reachable with Tab and work with Enter.
    let focused = ''
    for (let i = 0; i < 30 && focused !== 'forward'; i++) {
      await page.keyboard.press('Tab')
      focused = await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.act ?? '')
    }
    expect(focused).toBe('forward')
    await page.keyboard.press('t')
    expect(deck.errors).toEqual([])
  })
})
