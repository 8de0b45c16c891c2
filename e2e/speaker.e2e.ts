/**
 * The speaker view (S) with 3D slides: its "current" copy shows the current step and its
 * "upcoming" copy the NEXT STEP (the next fragment's state), both as cheap receiver copies; the
 * notes panel shows the current step's notes; the timer runs.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Frame, Page } from 'playwright-core'
import { openDeck, type DeckPage } from './harness.ts'

let deck: DeckPage | undefined
afterEach(async () => {
  await deck?.close()
  deck = undefined
})

function copy(popup: Page, which: 'current' | 'upcoming'): Frame {
  const frame = popup.frames().find((f) => f.url().includes('receiver') && (which === 'current' ? f.url().includes('postMessageEvents=true') : f.url().includes('controls=false')))
  if (!frame) throw new Error(`no ${which} copy in the speaker view`)
  return frame
}

/** The step shown by a copy's current scene ('' before the first, null if its slide has none). */
function sceneStep(frame: Frame): Promise<string | null> {
  return frame.evaluate(() => {
    const host = window.Reveal?.getCurrentSlide()?.querySelector<HTMLElement>('[data-scene]')
    return host && host.dataset.ready === 'true' ? (host.dataset.step ?? '') : null
  })
}

async function until(what: () => Promise<unknown>, expected: unknown, label: string): Promise<void> {
  const deadline = Date.now() + 20_000
  let last: unknown
  while (Date.now() < deadline) {
    last = await what().catch((e: unknown) => `error: ${String(e)}`)
    if (JSON.stringify(last) === JSON.stringify(expected)) return
    await new Promise((r) => setTimeout(r, 150))
  }
  throw new Error(`${label}: expected ${JSON.stringify(expected)}, last saw ${JSON.stringify(last)}`)
}

describe('speaker view', () => {
  it('shows the current step and the next step of a 3D slide, with that step’s notes', async () => {
    deck = await openDeck()
    const { page, context } = deck
    const slide = await page.evaluate(() => {
      const host = document.querySelector<HTMLElement>('[data-scene]')!
      const section = host.closest('section')!
      const idx = window.Reveal!.getIndices(section)
      const steps = [...section.querySelectorAll<HTMLElement>('.fragment[data-step]')]
      return { h: idx.h, v: idx.v ?? 0, steps: steps.map((e) => e.dataset.step ?? ''), notes: steps.map((e) => e.querySelector('aside.notes')?.textContent?.trim() ?? '') }
    })
    expect(slide.steps.length).toBeGreaterThanOrEqual(3)
    await page.evaluate(([h, v]) => window.Reveal!.slide(h!, v!), [slide.h, slide.v])

    const [popup] = await Promise.all([context.waitForEvent('page'), page.keyboard.press('s')])
    await popup.waitForLoadState()
    // Before the first step the current copy shows the scene's start. (reveal.js moves the upcoming
    // copy one step ahead on the first state change, so it is checked from there on.)
    await until(async () => sceneStep(copy(popup, 'current')), '', 'current copy before the first step')

    await page.bringToFront()
    await page.keyboard.press('ArrowRight')
    expect(await page.evaluate(() => window.Reveal!.getIndices().f)).toBe(0)
    await until(async () => sceneStep(copy(popup, 'current')), slide.steps[0], 'current copy at step 0')
    await until(async () => sceneStep(copy(popup, 'upcoming')), slide.steps[1], 'upcoming copy shows the next step')
    await until(async () => popup.evaluate(() => document.querySelector('.speaker-controls-notes .value')?.textContent?.trim()), slide.notes[0], 'notes of step 0')

    // The main window steps on; both copies follow, and the notes are the new step's.
    await page.keyboard.press('ArrowRight')
    expect(await page.evaluate(() => window.Reveal!.getIndices().f)).toBe(1)
    await until(async () => sceneStep(copy(popup, 'current')), slide.steps[1], 'current copy at step 1')
    await until(async () => sceneStep(copy(popup, 'upcoming')), slide.steps[2], 'upcoming copy at step 2')
    await until(async () => popup.evaluate(() => document.querySelector('.speaker-controls-notes .value')?.textContent?.trim()), slide.notes[1], 'notes of step 1')

    // Receiver copies render cheaply: device pixel ratio 1 and no transitions.
    const cheap = await copy(popup, 'upcoming').evaluate(() => {
      const canvas = document.querySelector<HTMLCanvasElement>('canvas.scene-canvas')
      const host = window.Reveal!.getCurrentSlide()!.querySelector<HTMLElement>('[data-scene]')!
      return { animating: host.dataset.animating, ratio: canvas ? canvas.width / canvas.clientWidth : null }
    })
    expect(cheap.animating).toBe('false')
    expect(cheap.ratio).not.toBeNull()
    expect(cheap.ratio!).toBeLessThanOrEqual(1.01)
    // The timer runs.
    const t0 = await popup.evaluate(() => document.querySelector('.speaker-controls-time .timer')?.textContent)
    await popup.waitForTimeout(1500)
    expect(await popup.evaluate(() => document.querySelector('.speaker-controls-time .timer')?.textContent)).not.toBe(t0)
    expect(deck.errors).toEqual([])
    await popup.close()
  })
})
