/**
 * What every browser test needs: a page on the built deck in a fresh context, with every console
 * error, page error and non-local request collected so a test can assert there were none.
 */
import { inject } from 'vitest'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

export interface DeckPage {
  page: Page
  context: BrowserContext
  /** Console errors, uncaught exceptions and unhandled rejections, in order. */
  errors: string[]
  /** Requests that left the page's origin. */
  foreign: string[]
  close(): Promise<void>
}

let shared: Promise<Browser> | null = null
export function browser(): Promise<Browser> {
  shared ??= chromium.connect(inject('wsEndpoint'))
  return shared
}

export function deckUrl(path = ''): string {
  return new URL(path, inject('baseUrl')).toString()
}

export interface OpenOptions {
  viewport?: { width: number; height: number }
  reducedMotion?: 'reduce' | 'no-preference'
  /** Wait for <html data-deck-ready="true"> (default true). */
  waitReady?: boolean
  /** Count WebGL contexts created in the page as window.__contexts. */
  countContexts?: boolean
}

export async function openDeck(path = '', opts: OpenOptions = {}): Promise<DeckPage> {
  const b = await browser()
  const context = await b.newContext({
    viewport: opts.viewport ?? { width: 1280, height: 720 },
    deviceScaleFactor: 1,
    reducedMotion: opts.reducedMotion ?? 'reduce',
  })
  const page = await context.newPage()
  if (opts.countContexts) {
    await page.addInitScript(() => {
      const w = window as unknown as { __contexts: number }
      w.__contexts = 0
      const original = HTMLCanvasElement.prototype.getContext
      const seen = new WeakSet<object>()
      // Count distinct WebGL contexts (getContext on the same canvas returns the same one).
      HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement, type: string, ...rest: unknown[]) {
        const ctx = (original as (this: HTMLCanvasElement, t: string, ...r: unknown[]) => RenderingContext | null).call(this, type, ...rest)
        if (ctx && /webgl/.test(type) && !seen.has(ctx)) {
          seen.add(ctx)
          w.__contexts++
        }
        return ctx
      } as typeof original
    })
  }
  const errors: string[] = []
  const foreign: string[] = []
  const origin = new URL(inject('baseUrl')).origin
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`)
  })
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`))
  page.on('request', (r) => {
    const u = r.url()
    if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')) foreign.push(u)
  })
  await page.goto(deckUrl(path))
  if (opts.waitReady !== false) await page.waitForSelector('html[data-deck-ready="true"]', { timeout: 30_000 })
  return { page, context, errors, foreign, close: () => context.close() }
}

/** reveal.js's current indices. */
export function indices(page: Page): Promise<{ h: number; v: number; f?: number }> {
  return page.evaluate(() => window.Reveal!.getIndices())
}

/** The names of the visible <Step> fragments on the current slide, in reveal order. */
export function visibleSteps(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const slide = window.Reveal!.getCurrentSlide()
    if (!slide) return []
    return [...slide.querySelectorAll<HTMLElement>('.fragment[data-step].visible')].map((e) => e.dataset.step ?? '')
  })
}

/** A slide that holds a <Scene>: where it is, its scenario and its step names in reveal order. */
export interface SceneSlide {
  h: number
  v: number
  scenario: string
  steps: string[]
}

/** Every slide with a <Scene kind={kind}>, in deck order. */
export function sceneSlides(d: DeckPage, kind: string): Promise<SceneSlide[]> {
  return d.page.evaluate((k) =>
    [...document.querySelectorAll<HTMLElement>(`[data-scene="${k}"]`)].map((host) => {
      const slide = host.closest('section')!
      const idx = window.Reveal!.getIndices(slide)
      return { h: idx.h, v: idx.v ?? 0, scenario: host.dataset.scenario ?? '', steps: [...slide.querySelectorAll<HTMLElement>('.fragment[data-step]')].map((e) => e.dataset.step ?? '') }
    }),
  kind)
}

export interface HostState {
  step: string
  narration: string
  live: string | undefined
  /** Each visible label's text, its lines joined by " | ". */
  labels: string[]
}

/** What the current slide's scene shows, once its step is drawn (data-ready). */
export async function hostState(d: DeckPage): Promise<HostState> {
  await d.page.waitForFunction(() => window.Reveal!.getCurrentSlide()?.querySelector<HTMLElement>('[data-scene]')?.dataset.ready === 'true')
  return d.page.evaluate(() => {
    const host = window.Reveal!.getCurrentSlide()!.querySelector<HTMLElement>('[data-scene]')!
    const labels = [...host.querySelectorAll<HTMLElement>('.scene-labels .scene-label')]
      .filter((e) => e.style.display !== 'none')
      .map((e) => [...e.children].map((c) => c.textContent).join(' | ') || (e.textContent ?? ''))
    return { step: host.dataset.step ?? '', narration: host.querySelector('[role="status"]')?.textContent ?? '', live: host.dataset.live, labels }
  })
}

/**
 * Lose the page's WebGL context (WEBGL_lose_context), wait `lostMs` and restore it; resolves once
 * the canvas has heard webglcontextrestored. (Restoring is allowed only after the lost event has
 * finished dispatching, so lostMs ≥ 0 always waits a task.)
 */
export function loseAndRestoreContext(page: Page, lostMs: number): Promise<void> {
  return page.evaluate(async (ms) => {
    const canvas = document.querySelector('canvas.scene-canvas') as HTMLCanvasElement
    const ext = (canvas.getContext('webgl2') as WebGL2RenderingContext).getExtension('WEBGL_lose_context')!
    const lost = new Promise((r) => canvas.addEventListener('webglcontextlost', r, { once: true }))
    ext.loseContext()
    await lost
    await new Promise((r) => setTimeout(r, ms))
    const restored = new Promise((r) => canvas.addEventListener('webglcontextrestored', r, { once: true }))
    ext.restoreContext()
    await restored
  }, lostMs)
}

/**
 * Open the deck on the slide with <Scene kind={kind} scenario={scenario}> (the first of its kind
 * when scenario is null), at fragment `f` (-1: before the first step), its scene drawn.
 */
export async function openScene(kind: string, scenario: string | null, f: number): Promise<DeckPage> {
  const d = await openDeck()
  const s = (await sceneSlides(d, kind)).find((x) => scenario === null || x.scenario === scenario)
  if (!s) throw new Error(`no slide with <Scene kind="${kind}"${scenario === null ? '' : ` scenario="${scenario}"`}>`)
  await d.page.evaluate(([h, v, ff]) => window.Reveal!.slide(h, v, ff), [s.h, s.v, f] as const)
  await hostState(d)
  return d
}

/** Wait until the current scene's narration matches `pattern`; returns it. */
export async function waitForNarration(d: DeckPage, pattern: RegExp, timeout: number): Promise<string> {
  await d.page.waitForFunction((src) => new RegExp(src).test(window.Reveal!.getCurrentSlide()?.querySelector('[data-scene] [role="status"]')?.textContent ?? ''), pattern.source, { timeout })
  return (await hostState(d)).narration
}

/** Client coordinates of the current view's pickable object whose userData.pick.node is `node`. */
export function pickOnScreen(d: DeckPage, node: string | number): Promise<{ x: number; y: number }> {
  return d.page.evaluate((n) => {
    const view = window.deckDebug!.scenes.currentView!
    const orb = view.pickables().find((o) => (o.userData.pick as { node?: string | number }).node === n)!
    const v = orb.getWorldPosition(orb.position.clone()).project(view.camera)
    const rect = document.querySelector('canvas.scene-canvas')!.getBoundingClientRect()
    return { x: rect.left + ((v.x + 1) / 2) * rect.width, y: rect.top + ((1 - v.y) / 2) * rect.height }
  }, node)
}
