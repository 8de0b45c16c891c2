/**
 * The deck as a person meets it: it boots cleanly, shows every file's slides in order, steps
 * through fragments with the keys (forward and back), has notes everywhere, honours ?theme=light,
 * lands on a valid slide from a bad URL, and never leaves localhost.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { readdirSync, readFileSync } from 'node:fs'
import { parse as parseYaml } from 'yaml'
import { openDeck, indices, visibleSteps, type DeckPage } from './harness.ts'

/** What the files on disk say the deck holds: per file, its title and number of slides. */
function filesOnDisk(): { file: string; title: string; slides: number }[] {
  return readdirSync('slides')
    .filter((f) => f.endsWith('.mdx'))
    .sort()
    .map((file) => {
      const text = readFileSync(`slides/${file}`, 'utf8')
      const m = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text)
      if (!m) throw new Error(`${file}: no front matter`)
      const title = String((parseYaml(m[1]!) as { title: string }).title)
      // Slides are separated by a line holding only --- between blank lines (outside code fences).
      const body = m[2]!.replace(/```[\s\S]*?```/g, '')
      const slides = body.split(/\n\s*\n---\s*\n\s*\n/).filter((s) => s.trim() !== '').length
      return { file, title, slides }
    })
}

let deck: DeckPage | undefined
afterEach(async () => {
  await deck?.close()
  deck = undefined
})

describe('the deck', () => {
  it('boots with window.Reveal, data-deck-ready and no console errors', async () => {
    deck = await openDeck()
    const state = await deck.page.evaluate(() => ({
      hasReveal: typeof window.Reveal?.next === 'function',
      ready: window.Reveal?.isReady(),
      slides: window.Reveal?.getTotalSlides(),
    }))
    expect(state).toEqual({ hasReveal: true, ready: true, slides: expect.any(Number) })
    expect(deck.errors).toEqual([])
    expect(deck.foreign).toEqual([])
  })

  it('has one stack or slide per file, in file order, with the files’ titles and slide counts', async () => {
    deck = await openDeck()
    const inDom = await deck.page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('.reveal .slides > section')].map((s) => ({
        file: s.dataset.file?.replace(/^.*\//, ''),
        title: s.dataset.title,
        slides: s.querySelectorAll(':scope > section').length || 1,
      })),
    )
    expect(inDom).toEqual(filesOnDisk())
  })

  it('every slide has speaker notes', async () => {
    deck = await openDeck()
    const missing = await deck.page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('.reveal .slides section')]
        .filter((s) => !s.querySelector(':scope > section'))
        .filter((s) => ![...s.querySelectorAll(':scope > aside.notes')].some((n) => (n.textContent ?? '').trim().length > 20))
        .map((s) => s.dataset.source ?? s.querySelector('h1,h2')?.textContent),
    )
    expect(missing).toEqual([])
  })

  it('Space walks every fragment and slide in order, Shift+Space walks back, and the visible steps follow', async () => {
    deck = await openDeck()
    const { page } = deck
    const expectedSteps = (): Promise<string[]> =>
      page.evaluate(() => {
        const slide = window.Reveal!.getCurrentSlide()!
        const f = window.Reveal!.getIndices().f ?? -1
        return [...slide.querySelectorAll<HTMLElement>('.fragment[data-step]')]
          .filter((el) => Number(el.dataset.fragmentIndex) <= f)
          .map((el) => el.dataset.step ?? '')
      })
    const forward: string[] = []
    for (let i = 0; i < 400; i++) {
      const at = await indices(page)
      const steps = await visibleSteps(page)
      expect(steps).toEqual(await expectedSteps())
      forward.push(`${at.h}/${at.v}/${at.f ?? -1}:${steps.join(',')}`)
      const done = await page.evaluate(() => window.Reveal!.isLastSlide() && !window.Reveal!.availableFragments().next)
      if (done) break
      await page.keyboard.press('Space')
    }
    const totalSteps = await page.evaluate(() => document.querySelectorAll('.fragment').length)
    const totalSlides = await page.evaluate(() => window.Reveal!.getTotalSlides())
    expect(forward.length).toBe(totalSlides + totalSteps)
    const backward: string[] = []
    for (let i = 0; i < forward.length; i++) {
      const at = await indices(page)
      backward.push(`${at.h}/${at.v}/${at.f ?? -1}:${(await visibleSteps(page)).join(',')}`)
      await page.keyboard.press('Shift+Space')
    }
    expect(backward.reverse()).toEqual(forward)
    expect(deck.errors).toEqual([])
  })

  it('arrow keys: → reveals the next step before leaving a slide, ← hides it, ↓ and ↑ move within a stack', async () => {
    deck = await openDeck()
    const { page } = deck
    // The first slide (in file order) that has steps and sits in a stack.
    const target = await page.evaluate(() => {
      const stacks = [...document.querySelectorAll<HTMLElement>('.reveal .slides > section')]
      for (let h = 0; h < stacks.length; h++) {
        const inner = [...stacks[h]!.querySelectorAll<HTMLElement>(':scope > section')]
        const v = inner.findIndex((s) => s.querySelector('.fragment[data-step]'))
        if (v >= 0) return { h, v, steps: [...inner[v]!.querySelectorAll<HTMLElement>('.fragment[data-step]')].map((e) => e.dataset.step ?? '') }
      }
      return null
    })
    expect(target).not.toBeNull()
    const { h, v, steps } = target!
    await page.evaluate(([hh, vv]) => window.Reveal!.slide(hh!, vv!), [h, v])
    expect(await visibleSteps(page)).toEqual([])
    await page.keyboard.press('ArrowRight')
    expect(await visibleSteps(page)).toEqual(steps.slice(0, 1))
    expect(await page.evaluate(() => document.documentElement.dataset.currentStep)).toBe(steps[0])
    await page.keyboard.press('ArrowRight')
    expect(await visibleSteps(page)).toEqual(steps.slice(0, 2))
    await page.keyboard.press('ArrowLeft')
    expect(await visibleSteps(page)).toEqual(steps.slice(0, 1))
    expect(await indices(page)).toMatchObject({ h, v })
    // ↑ also steps back through fragments before it leaves the slide, like ←.
    await page.keyboard.press('ArrowUp')
    expect(await visibleSteps(page)).toEqual([])
    expect(await indices(page)).toMatchObject({ h, v })
    await page.keyboard.press(v > 0 ? 'ArrowUp' : 'ArrowDown')
    expect(await indices(page)).toMatchObject({ h, v: v > 0 ? v - 1 : 1 })
  })

  it('a deep link #/h/v/f opens on that step', async () => {
    deck = await openDeck()
    const target = await deck.page.evaluate(() => {
      const leaves = [...document.querySelectorAll<HTMLElement>('.reveal .slides section')].filter((s) => !s.querySelector('section'))
      const slide = leaves.find((s) => s.querySelectorAll('.fragment[data-step]').length >= 2)!
      const idx = window.Reveal!.getIndices(slide)
      return { h: idx.h, v: idx.v ?? 0, names: [...slide.querySelectorAll<HTMLElement>('.fragment[data-step]')].map((e) => e.dataset.step ?? '') }
    })
    await deck.close()
    deck = await openDeck(`#/${target.h}/${target.v}/1`)
    expect(await indices(deck.page)).toMatchObject({ h: target.h, v: target.v, f: 1 })
    expect(await visibleSteps(deck.page)).toEqual(target.names.slice(0, 2))
  })

  it('a URL to a slide that does not exist lands on the nearest valid slide', async () => {
    deck = await openDeck()
    const total = await deck.page.evaluate(() => document.querySelectorAll('.reveal .slides > section').length)
    await deck.close()
    deck = await openDeck('#/999')
    expect((await indices(deck.page)).h).toBe(total - 1)
    await deck.close()
    deck = await openDeck('#/1/999')
    const at = await indices(deck.page)
    const stackSize = await deck.page.evaluate(() => Math.max(1, document.querySelectorAll('.reveal .slides > section:nth-child(2) > section').length))
    expect(at).toMatchObject({ h: 1, v: stackSize - 1 })
    await deck.close()
    deck = await openDeck('#/no-such-slide')
    expect(await indices(deck.page)).toMatchObject({ h: 0, v: 0 })
    expect(deck.errors).toEqual([])
  })

  it('?theme=light applies the light theme; the default is dark', async () => {
    deck = await openDeck()
    const dark = await deck.page.evaluate(() => [document.documentElement.dataset.theme, getComputedStyle(document.querySelector('.reveal-viewport') ?? document.body).backgroundColor])
    expect(dark).toEqual(['dark', 'rgb(11, 16, 32)'])
    await deck.close()
    deck = await openDeck('?theme=light')
    const light = await deck.page.evaluate(() => [document.documentElement.dataset.theme, getComputedStyle(document.querySelector('.reveal-viewport') ?? document.body).backgroundColor])
    expect(light).toEqual(['light', 'rgb(255, 255, 255)'])
  })

  it('uses the self-hosted fonts', async () => {
    deck = await openDeck()
    await deck.page.evaluate(() => document.fonts.ready)
    const loaded = await deck.page.evaluate(() => [...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family.replace(/"/g, '')))
    expect(loaded).toContain('Inter')
    expect(deck.foreign).toEqual([])
  })
})
