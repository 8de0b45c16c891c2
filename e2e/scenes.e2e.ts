/**
 * The 3D stage as a person sees it: every scene slide shows its checkpoint at each step
 * (data-step, narration, pixels that differ between steps), forward and back give identical
 * pictures, reloads are pixel-identical, one WebGL context serves the whole deck, nothing leaks,
 * reduced motion jumps, a lost context comes back, and no WebGL still presents the deck.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { chromium } from 'playwright-core'
import { openDeck, deckUrl, loseAndRestoreContext, type DeckPage } from './harness.ts'
import { stats, difference, sceneShot } from './pixels.ts'
import { findChromium, CHROMIUM_ARGS } from '../src/cli/chromium.ts'

interface SceneSlide {
  h: number
  v: number
  kind: string
  scenario: string
  steps: string[]
}

let deck: DeckPage | undefined
afterEach(async () => {
  await deck?.close()
  deck = undefined
})

/** Every slide with a scene, with its step names in order. */
async function sceneSlides(d: DeckPage): Promise<SceneSlide[]> {
  return d.page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('[data-scene]')].map((host) => {
      const slide = host.closest('section')!
      const idx = window.Reveal!.getIndices(slide)
      return {
        h: idx.h,
        v: idx.v ?? 0,
        kind: host.dataset.scene ?? '',
        scenario: host.dataset.scenario ?? '',
        steps: [...slide.querySelectorAll<HTMLElement>('.fragment[data-step]')].map((e) => e.dataset.step ?? ''),
      }
    }),
  )
}

/** The current slide's scene host state once its frame is drawn. */
async function hostState(d: DeckPage): Promise<{ step: string; narration: string; webgl: string | undefined }> {
  await d.page.waitForFunction(() => window.Reveal!.getCurrentSlide()?.querySelector<HTMLElement>('[data-scene]')?.dataset.ready === 'true')
  return d.page.evaluate(() => {
    const host = window.Reveal!.getCurrentSlide()!.querySelector<HTMLElement>('[data-scene]')!
    return { step: host.dataset.step ?? '', narration: host.querySelector('[role="status"]')?.textContent ?? '', webgl: host.dataset.webgl }
  })
}

async function go(d: DeckPage, h: number, v: number, f?: number): Promise<void> {
  await d.page.evaluate(([hh, vv, ff]) => window.Reveal!.slide(hh!, vv!, ff ?? undefined), [h, v, f ?? null] as const)
}

describe('3D scenes', { timeout: 600_000 }, () => {
  it('has at least one scene, each step with its own data-step, narration and picture', async () => {
    deck = await openDeck()
    const slides = await sceneSlides(deck)
    expect(slides.length).toBeGreaterThan(0)
    for (const s of slides) {
      await go(deck, s.h, s.v, -1)
      const seen: { step: string; narration: string; shot: Buffer }[] = []
      let st = await hostState(deck)
      expect(st.step).toBe('')
      seen.push({ ...st, shot: await sceneShot(deck.page) })
      for (const name of s.steps) {
        await deck.page.keyboard.press('ArrowRight')
        st = await hostState(deck)
        expect(st.step, `${s.kind}/${s.scenario}`).toBe(name)
        const shot = await sceneShot(deck.page)
        const px = stats(shot)
        expect(px.colours, `${s.kind}/${s.scenario} ${name}: not blank`).toBeGreaterThan(20)
        expect(px.busy).toBeGreaterThan(0.02)
        seen.push({ ...st, shot })
      }
      for (let i = 1; i < seen.length; i++) {
        expect(seen[i]!.narration, `${s.kind}/${s.scenario}: narration changes at ${seen[i]!.step}`).not.toBe(seen[i - 1]!.narration)
        expect(difference(seen[i]!.shot, seen[i - 1]!.shot), `${s.kind}/${s.scenario}: picture changes at ${seen[i]!.step}`).toBeGreaterThan(0.001)
      }
    }
    expect(deck.errors).toEqual([])
  })

  it('forward then back gives the identical picture, and so does a deep link', async () => {
    deck = await openDeck()
    const [s] = await sceneSlides(deck)
    await go(deck, s!.h, s!.v, 1)
    await hostState(deck)
    const before = await sceneShot(deck.page)
    await deck.page.keyboard.press('ArrowRight')
    await hostState(deck)
    await deck.page.keyboard.press('ArrowLeft')
    expect((await hostState(deck)).step).toBe(s!.steps[1])
    expect(difference(await sceneShot(deck.page), before)).toBe(0)
    await deck.close()
    deck = await openDeck(`#/${s!.h}/${s!.v}/1`)
    expect((await hostState(deck)).step).toBe(s!.steps[1])
    expect(difference(await sceneShot(deck.page), before)).toBe(0)
  })

  it('one WebGL context for the whole deck, and renderer memory back to its baseline', async () => {
    deck = await openDeck('', { countContexts: true })
    const slides = await sceneSlides(deck)
    await go(deck, slides[0]!.h, slides[0]!.v, -1)
    await hostState(deck)
    await go(deck, 0, 0)
    const baseline = await deck.page.evaluate(() => window.deckDebug!.scenes.memory())
    // Every slide and every step, there and back.
    const total = await deck.page.evaluate(() => window.Reveal!.getTotalSlides() + document.querySelectorAll('.fragment').length)
    for (let i = 0; i < total; i++) await deck.page.evaluate(() => window.Reveal!.next())
    for (let i = 0; i < total; i++) await deck.page.evaluate(() => window.Reveal!.prev())
    await deck.page.waitForTimeout(200)
    const after = await deck.page.evaluate(() => ({
      contexts: (window as unknown as { __contexts: number }).__contexts,
      canvases: document.querySelectorAll('canvas').length,
      memory: window.deckDebug!.scenes.memory(),
    }))
    expect(after.contexts).toBe(1)
    expect(after.canvases).toBeLessThanOrEqual(1)
    expect(after.memory?.geometries).toBe(baseline?.geometries)
    expect(after.memory?.textures).toBe(baseline?.textures)
    expect(deck.errors).toEqual([])
  })

  it('two loads of the same URL give identical pixels', async () => {
    deck = await openDeck()
    const [s] = await sceneSlides(deck)
    const url = `#/${s!.h}/${s!.v}/2`
    await deck.close()
    deck = await openDeck(url)
    await hostState(deck)
    const a = await sceneShot(deck.page)
    await deck.close()
    deck = await openDeck(url)
    await hostState(deck)
    expect(difference(await sceneShot(deck.page), a)).toBe(0)
  })

  it('animates a step with motion allowed, and jumps with reduced motion', async () => {
    deck = await openDeck('', { reducedMotion: 'no-preference' })
    const [s] = await sceneSlides(deck)
    await go(deck, s!.h, s!.v, 0)
    await hostState(deck)
    await deck.page.keyboard.press('ArrowRight')
    await hostState(deck)
    expect(await deck.page.evaluate(() => window.Reveal!.getCurrentSlide()!.querySelector<HTMLElement>('[data-scene]')!.dataset.animating)).toBe('true')
    await deck.page.waitForFunction(() => window.Reveal!.getCurrentSlide()!.querySelector<HTMLElement>('[data-scene]')!.dataset.animating === 'false', undefined, { timeout: 5000 })
    await deck.close()
    deck = await openDeck('', { reducedMotion: 'reduce' })
    await go(deck, s!.h, s!.v, 0)
    await hostState(deck)
    await deck.page.keyboard.press('ArrowRight')
    await hostState(deck)
    expect(await deck.page.evaluate(() => window.Reveal!.getCurrentSlide()!.querySelector<HTMLElement>('[data-scene]')!.dataset.animating)).toBe('false')
  })

  it('recovers from a lost WebGL context and draws the same state again', async () => {
    deck = await openDeck()
    const [s] = await sceneSlides(deck)
    await go(deck, s!.h, s!.v, 2)
    await hostState(deck)
    const before = await sceneShot(deck.page)
    await loseAndRestoreContext(deck.page, 0)
    await deck.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))))
    const after = await sceneShot(deck.page)
    expect(stats(after).colours).toBeGreaterThan(20)
    // The restored context draws the same state; SwiftShader antialiases edges a little
    // differently after a restore, so compare with a tolerance that a blank canvas cannot pass.
    expect(difference(after, before, 40)).toBeLessThan(0.01)
    expect(deck.errors.filter((e) => !/context/i.test(e))).toEqual([])
  })

  it('without WebGL the deck still presents: a clear message and the narration', async () => {
    const browser = await chromium.launch({ executablePath: findChromium(), args: [...CHROMIUM_ARGS, '--disable-3d-apis'], headless: true })
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 720 } })
      const errors: string[] = []
      page.on('pageerror', (e) => errors.push(e.message))
      await page.goto(deckUrl())
      await page.waitForSelector('html[data-deck-ready="true"]')
      const slide = await page.evaluate(() => {
        const host = document.querySelector<HTMLElement>('[data-scene]')!
        const idx = window.Reveal!.getIndices(host.closest('section')!)
        return { h: idx.h, v: idx.v ?? 0 }
      })
      await page.evaluate(([h, v]) => window.Reveal!.slide(h!, v!, 1), [slide.h, slide.v])
      await page.waitForFunction(() => window.Reveal!.getCurrentSlide()?.querySelector<HTMLElement>('[data-scene]')?.dataset.ready === 'true')
      const state = await page.evaluate(() => {
        const host = window.Reveal!.getCurrentSlide()!.querySelector<HTMLElement>('[data-scene]')!
        const fallback = host.querySelector<HTMLElement>('.scene-fallback')!
        return {
          webgl: host.dataset.webgl,
          step: host.dataset.step,
          message: getComputedStyle(fallback).display !== 'none' ? fallback.textContent : null,
          narration: host.querySelector('[role="status"]')?.textContent ?? '',
          canvases: document.querySelectorAll('canvas').length,
        }
      })
      expect(state.webgl).toBe('off')
      expect(state.message).toMatch(/needs WebGL/)
      expect(state.narration.length).toBeGreaterThan(20)
      expect(state.canvases).toBe(0)
      expect(errors).toEqual([])
    } finally {
      await browser.close()
    }
  })

  it('the print view replaces every scene by an image of its own page’s step', async () => {
    deck = await openDeck('?print-pdf', { waitReady: false })
    // Every scene page of the whole deck is rendered: allow for SwiftShader on a busy machine.
    await deck.page.waitForSelector('html[data-print-ready="true"]', { timeout: 240_000 })
    const pages = await deck.page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('.pdf-page')]
        .filter((p) => p.querySelector('[data-scene]'))
        .map((p) => {
          const host = p.querySelector<HTMLElement>('[data-scene]')!
          const visible = [...p.querySelectorAll<HTMLElement>('.fragment[data-step].visible')].map((e) => e.dataset.step)
          const img = host.querySelector<HTMLImageElement>('img.scene-snapshot')
          return { step: host.dataset.step, expected: visible[visible.length - 1] ?? '', src: img?.src.slice(0, 22) ?? null, size: img?.src.length ?? 0 }
        }),
    )
    expect(pages.length).toBeGreaterThan(1)
    for (const p of pages) {
      expect(p.step).toBe(p.expected)
      expect(p.src).toBe('data:image/jpeg;base64')
      expect(p.size).toBeGreaterThan(10_000)
    }
    expect(new Set(pages.map((p) => p.size)).size).toBeGreaterThan(1)
    expect(await deck.page.evaluate(() => document.querySelectorAll('canvas').length)).toBe(0)
  })
})
