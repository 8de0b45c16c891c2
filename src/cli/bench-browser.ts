/**
 * The browser half of `npm run bench`: headless Chromium (SwiftShader WebGL, DESIGN.md §5) on the
 * built deck, at 1280×720 and DPR 1.
 *
 * Every page gets PROBE (an init script, installed before any of the page's own code runs) that
 * timestamps, with performance.now() (0 = navigation start):
 * - reveal.js's `ready` event (it bubbles from .reveal; a capture listener on window sees it),
 * - `<html data-deck-ready="true">` and every scene host's `data-ready` becoming "true" (with
 *   its data-step), through a MutationObserver — at the mutation, not at the next poll,
 * - every keydown (a capture listener on window runs before reveal.js's own handler).
 * Timings are then differences of in-page timestamps: no Node ↔ page round trip is measured.
 *
 * Functions passed to page.evaluate() are serialised into the page: they must not define named
 * inner functions (tsx's esbuild would wrap them in a `__name` helper the page does not have).
 */
import { chromium, type Browser, type BrowserContext, type CDPSession, type Frame, type Page } from 'playwright-core'
import { CHROMIUM_ARGS } from './chromium.ts'
import { summarize } from './bench-stats.ts'
import { heapBreakdown, type HeapBreakdown } from './bench-heap.ts'
import type { FirstFrameResult, FirstSlideSide, MemoryPoint, MemoryResult, RendererMemory, SceneResult, SpeakerViewResult, StepLatencyResult, StepSample } from './bench-report.ts'

export const VIEWPORT = { width: 1280, height: 720 } as const
export const DEVICE_SCALE_FACTOR = 1
/** Generous: the machine may be shared and SwiftShader draws on the CPU. */
const TIMEOUT_MS = 90_000

export type Motion = 'reduce' | 'no-preference'

/** What PROBE keeps in the page (window.__bench). */
interface Probe {
  deckReady: number | null
  revealReady: number | null
  keys: { key: string; t: number }[]
  /** A scene host's data-ready became "true": host = index among [data-scene] in document order. */
  ready: { host: number; step: string; t: number; programs: number | null }[]
}
type ProbeWindow = Window & { __bench: Probe }

export const PROBE = `(() => {
  if (window.__bench) return;
  const b = { deckReady: null, revealReady: null, keys: [], ready: [] };
  window.__bench = b;
  window.addEventListener('ready', () => { if (b.revealReady === null) b.revealReady = performance.now(); }, true);
  window.addEventListener('keydown', (e) => { b.keys.push({ key: e.key, t: performance.now() }); }, true);
  const observer = new MutationObserver((records) => {
    const now = performance.now();
    const groups = new Map();
    for (const r of records) {
      const key = r.target;
      let g = groups.get(key);
      if (!g) { g = new Map(); groups.set(key, g); }
      let list = g.get(r.attributeName);
      if (!list) { list = []; g.set(r.attributeName, list); }
      list.push(r.oldValue);
    }
    for (const [el, byName] of groups) {
      for (const [name, olds] of byName) {
        // The value after record i is the old value of record i + 1, or the current value.
        const news = olds.slice(1).concat([el.getAttribute(name)]);
        let became = false;
        for (let i = 0; i < olds.length; i++) if (news[i] === 'true' && olds[i] !== 'true') became = true;
        if (!became) continue;
        if (name === 'data-deck-ready' && el === document.documentElement) {
          if (b.deckReady === null) b.deckReady = now;
        } else if (name === 'data-ready' && el.hasAttribute('data-scene')) {
          const host = Array.prototype.indexOf.call(document.querySelectorAll('[data-scene]'), el);
          // The renderer's compiled programs at this moment: a step that needed a new shader shows here.
          let programs = null;
          try { const m = window.deckDebug && window.deckDebug.scenes.memory(); programs = m ? m.programs : null; } catch (e) { programs = null; }
          b.ready.push({ host, step: el.getAttribute('data-step') || '', t: now, programs });
        }
      }
    }
  });
  observer.observe(document, { subtree: true, attributes: true, attributeOldValue: true, attributeFilter: ['data-deck-ready', 'data-ready'] });
})();`

export async function launchBrowser(executablePath: string): Promise<{ browser: Browser; version: string }> {
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true })
  return { browser, version: `Chromium ${browser.version()}` }
}

export interface Opened {
  context: BrowserContext
  page: Page
  close(): Promise<void>
}

/** A fresh context (no cache, no storage) with PROBE installed; navigation starts but is not awaited. */
export async function openPage(browser: Browser, url: string, motion: Motion, errors: string[]): Promise<Opened> {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: DEVICE_SCALE_FACTOR, reducedMotion: motion })
  const page = await context.newPage()
  page.setDefaultTimeout(TIMEOUT_MS)
  page.on('pageerror', (e) => errors.push(`${url}: page error: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`${url}: console error: ${m.text()}`)
  })
  await page.addInitScript({ content: PROBE })
  await page.goto(url, { waitUntil: 'commit', timeout: TIMEOUT_MS })
  return { context, page, close: () => context.close() }
}

async function waitDeckReady(page: Page): Promise<void> {
  await page.waitForFunction(() => (window as unknown as ProbeWindow).__bench.deckReady !== null, undefined, { polling: 50 })
}

// ---------------------------------------------------------------------------------------------
// Time to first slide

interface ColdLoad {
  ready: number
  revealReady: number
  fcp: number
  /** Resources (JS, CSS, fonts) requested before ready. */
  requested: string[]
}

/** One cold load in a fresh context: navigation start → ready, and first-contentful-paint. */
async function coldLoad(browser: Browser, url: string, which: 'deck' | 'plain', errors: string[]): Promise<ColdLoad> {
  const o = await openPage(browser, url, 'no-preference', errors)
  try {
    await o.page.waitForFunction((w) => {
      const b = (window as unknown as ProbeWindow).__bench
      return w === 'deck' ? b.deckReady !== null : b.revealReady !== null
    }, which, { polling: 50 })
    await o.page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0, undefined, { timeout: 10_000 }).catch(() => {})
    return await o.page.evaluate((w) => {
      const b = (window as unknown as ProbeWindow).__bench
      const ready = (w === 'deck' ? b.deckReady : b.revealReady) ?? Number.NaN
      const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN
      const requested = performance
        .getEntriesByType('resource')
        .filter((e) => e.startTime <= ready)
        .map((e) => new URL(e.name).pathname.replace(/^\//, ''))
      return { ready, revealReady: b.revealReady ?? Number.NaN, fcp, requested }
    }, which)
  } finally {
    await o.close()
  }
}

export interface FirstSlideRaw {
  deck: FirstSlideSide & { revealReadyMs: number[] }
  plain: FirstSlideSide
  requestedBeforeReady: string[]
}

/**
 * `runs` cold loads of each deck, interleaved (deck, plain, plain, deck, ...) so that a change in
 * the machine's load hits both alike, after one discarded warm-up load of each.
 */
export async function measureFirstSlide(browser: Browser, deckUrl: string, plainUrl: string, runs: number, errors: string[], progress: (s: string) => void): Promise<FirstSlideRaw> {
  await coldLoad(browser, deckUrl, 'deck', errors)
  await coldLoad(browser, plainUrl, 'plain', errors)
  const deck: ColdLoad[] = []
  const plain: ColdLoad[] = []
  for (let i = 0; i < runs; i++) {
    progress(`first slide: load ${i + 1}/${runs}`)
    const order = i % 2 === 0 ? (['deck', 'plain'] as const) : (['plain', 'deck'] as const)
    for (const which of order) {
      if (which === 'deck') deck.push(await coldLoad(browser, deckUrl, 'deck', errors))
      else plain.push(await coldLoad(browser, plainUrl, 'plain', errors))
    }
  }
  const side = (xs: ColdLoad[]): FirstSlideSide => ({
    readyMs: xs.map((x) => x.ready),
    fcpMs: xs.map((x) => x.fcp),
    ready: summarize(xs.map((x) => x.ready)),
    fcp: summarize(xs.map((x) => x.fcp)),
  })
  return {
    deck: { ...side(deck), revealReadyMs: deck.map((x) => x.revealReady) },
    plain: side(plain),
    requestedBeforeReady: (deck[0]?.requested ?? []).filter((p) => /\.(m?js|css|woff2?)$/.test(p)),
  }
}

// ---------------------------------------------------------------------------------------------
// The deck's scene hosts

export interface HostInfo {
  /** Index among [data-scene] in document order (what PROBE records). */
  host: number
  h: number
  v: number
  kind: string
  scenario: string
  source: string
  /** <Step> names in reveal order. */
  steps: string[]
  /** Fragments on the slide (steps and any others): ArrowRight presses before the slide changes. */
  fragments: number
  /** The highest data-fragment-index on the slide (-1: none). */
  lastFragment: number
}

export function sceneHosts(page: Page): Promise<HostInfo[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('[data-scene]')].map((host, i) => {
      const slide = host.closest('section')!
      const idx = window.Reveal!.getIndices(slide)
      const frags = [...slide.querySelectorAll<HTMLElement>('.fragment')].filter((f) => f.closest('section') === slide)
      const indexed = frags.map((f, k) => {
        const raw = Number(f.getAttribute('data-fragment-index') ?? Number.NaN)
        return { index: Number.isFinite(raw) ? raw : k, step: f.dataset.step ?? null }
      })
      return {
        host: i,
        h: idx.h,
        v: idx.v ?? 0,
        kind: host.dataset.scene ?? '',
        scenario: host.dataset.scenario ?? '',
        source: slide.dataset.source ?? '',
        steps: indexed
          .filter((f) => f.step !== null)
          .sort((a, b) => a.index - b.index)
          .map((f) => f.step!),
        fragments: frags.length,
        lastFragment: indexed.reduce((m, f) => Math.max(m, f.index), -1),
      }
    }),
  )
}

/** Go to slide (h, v) at fragment f; returns the in-page time just before the call. */
function slideTo(page: Page, h: number, v: number, f: number): Promise<number> {
  return page.evaluate(
    ([hh, vv, ff]) => {
      const t = performance.now()
      window.Reveal!.slide(hh, vv, ff)
      return t
    },
    [h, v, f] as const,
  )
}

/** The in-page time `host` became ready at `step` (any step if null), at or after `since`. */
async function hostReady(page: Page, host: number, step: string | null, since: number): Promise<Probe['ready'][number]> {
  const handle = await page.waitForFunction(
    ([h, s, t0]) => (window as unknown as ProbeWindow).__bench.ready.find((r) => r.host === h && r.t >= t0 && (s === null || r.step === s)) ?? false,
    [host, step, since] as const,
    { polling: 20, timeout: TIMEOUT_MS },
  )
  return (await handle.jsonValue()) as Probe['ready'][number]
}

/** Wait until the host's transition and camera easing are over (data-animating is not "true"). */
async function settled(page: Page, host: number): Promise<void> {
  await page.waitForFunction((h) => document.querySelectorAll<HTMLElement>('[data-scene]')[h]?.dataset.animating !== 'true', host, { polling: 50, timeout: 20_000 }).catch(() => {})
}

// ---------------------------------------------------------------------------------------------
// Per-scene render cost

/** Every host at its final step: render cost (median of `reps`), triangles and draw calls. */
export async function measureScenes(browser: Browser, url: string, reps: number, errors: string[], progress: (s: string) => void): Promise<SceneResult[]> {
  const o = await openPage(browser, url, 'reduce', errors)
  try {
    await waitDeckReady(o.page)
    const hosts = await sceneHosts(o.page)
    const out: SceneResult[] = []
    for (const h of hosts) {
      progress(`scenes: ${h.kind}/${h.scenario} (${out.length + 1}/${hosts.length})`)
      const step = h.steps.at(-1) ?? ''
      const since = await slideTo(o.page, h.h, h.v, h.lastFragment)
      await hostReady(o.page, h.host, step, since)
      await settled(o.page, h.host)
      const r = await o.page.evaluate((n) => {
        const scenes = window.deckDebug?.scenes
        const stage = scenes?.currentStage
        const view = scenes?.currentView
        if (!stage || !view) return null
        const renderer = stage.renderer
        const gl = renderer.getContext()
        const px = new Uint8Array(4)
        renderer.render(view.scene, view.camera)
        gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px)
        const info = { ...renderer.info.render }
        renderer.render(view.scene, view.camera)
        gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px)
        const times: number[] = []
        for (let i = 0; i < n; i++) {
          const t0 = performance.now()
          renderer.render(view.scene, view.camera)
          gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px)
          times.push(performance.now() - t0)
        }
        return { times, triangles: info.triangles, calls: info.calls, lines: info.lines, points: info.points, width: gl.drawingBufferWidth, height: gl.drawingBufferHeight }
      }, reps)
      if (!r) throw new Error(`${h.kind}/${h.scenario}: no stage or view after data-ready (WebGL off?)`)
      out.push({ host: h.host, source: h.source, kind: h.kind, scenario: h.scenario, step, render: summarize(r.times), triangles: r.triangles, calls: r.calls, lines: r.lines, points: r.points, width: r.width, height: r.height })
    }
    return out
  } finally {
    await o.close()
  }
}

// ---------------------------------------------------------------------------------------------
// First frame of each scene kind

/**
 * Wait for the deck's background prefetch (three.js and the simulation, requested once the first
 * slide is up): SceneBinding keeps the two import promises; await them if they are there, else
 * fall back to the network going quiet. Returns whether the prefetch was seen to finish.
 */
async function prefetched(page: Page): Promise<boolean> {
  // The binding starts the prefetch in requestIdleCallback after data-deck-ready.
  const started = await page
    .waitForFunction(
      () => {
        const b = window.deckDebug?.scenes as unknown as { scenes?: unknown; catalog?: unknown } | undefined
        return !!b && !!b.scenes && !!b.catalog
      },
      undefined,
      { polling: 50, timeout: 15_000 },
    )
    .then(
      () => true,
      () => false,
    )
  if (started) {
    await page.evaluate(async () => {
      const b = window.deckDebug?.scenes as unknown as { scenes?: Promise<unknown>; catalog?: Promise<unknown> }
      await Promise.all([b.scenes, b.catalog])
    })
  } else {
    await page.waitForLoadState('networkidle').catch(() => {})
  }
  // Let the page go idle (module evaluation, GC) before timing.
  await page.waitForTimeout(500)
  return started
}

/** For the first host of each kind, in a fresh page: Reveal.slide() → data-ready. */
export async function measureFirstFrames(browser: Browser, url: string, hosts: readonly HostInfo[], errors: string[], progress: (s: string) => void): Promise<FirstFrameResult[]> {
  const firsts = hosts.filter((h, i) => hosts.findIndex((x) => x.kind === h.kind) === i)
  const out: FirstFrameResult[] = []
  for (const h of firsts) {
    progress(`first frame: ${h.kind} (${out.length + 1}/${firsts.length})`)
    const o = await openPage(browser, url, 'reduce', errors)
    try {
      await waitDeckReady(o.page)
      const pre = await prefetched(o.page)
      const since = await slideTo(o.page, h.h, h.v, -1)
      const r = await hostReady(o.page, h.host, null, since)
      out.push({ kind: h.kind, scenario: h.scenario, source: h.source, ms: r.t - since, prefetched: pre, programs: r.programs })
    } finally {
      await o.close()
    }
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// Step latency

/** Main-thread CPU time of the page's renderer, ms (CDP Performance.getMetrics ThreadTime). */
async function threadTimeMs(cdp: CDPSession): Promise<number> {
  const { metrics } = await cdp.send('Performance.getMetrics')
  const m = metrics.find((x) => x.name === 'ThreadTime')
  return m ? m.value * 1000 : Number.NaN
}

/** ArrowRight through every step of every scene slide; one sample per press. */
async function sweepSteps(page: Page, hosts: readonly HostInfo[], cdp: CDPSession | null, label: string, progress: (s: string) => void): Promise<StepSample[]> {
  const samples: StepSample[] = []
  for (const h of hosts) {
    progress(`step latency (${label}): ${h.kind}/${h.scenario} (${hosts.indexOf(h) + 1}/${hosts.length})`)
    const since = await slideTo(page, h.h, h.v, -1)
    await hostReady(page, h.host, '', since)
    await settled(page, h.host)
    await page.waitForTimeout(300) // reveal.js's slide transition
    for (let k = 0; k < h.fragments; k++) {
      const before = await page.evaluate(() => ({ keys: (window as unknown as ProbeWindow).__bench.keys.length, programs: window.deckDebug?.scenes.memory()?.programs ?? null }))
      const cpu0 = cdp ? await threadTimeMs(cdp) : Number.NaN
      await page.keyboard.press('ArrowRight')
      const keyT = await page.evaluate((n) => (window as unknown as ProbeWindow).__bench.keys[n]?.t ?? Number.NaN, before.keys)
      if (!Number.isFinite(keyT)) throw new Error('the keydown was not seen by the page')
      const r = await hostReady(page, h.host, null, keyT)
      const cpu = cdp ? (await threadTimeMs(cdp)) - cpu0 : undefined
      const compiled = r.programs !== null && before.programs !== null ? Math.max(0, r.programs - before.programs) : null
      samples.push({ source: h.source, kind: h.kind, scenario: h.scenario, step: r.step, ms: r.t - keyT, compiled, ...(cpu === undefined ? {} : { cpuMs: cpu }) })
      await settled(page, h.host)
    }
  }
  return samples
}

/**
 * ArrowRight through every step of every scene slide, with transitions on (as in a lecture):
 * latency = keydown (in the page) → the host's data-ready="true" for the new step. Each press
 * waits for the previous transition to finish, as a lecturer would.
 *
 * Then the same with reduced motion, also reading the page's main-thread CPU time around each
 * press (keydown → data-ready, nothing runs after it without a transition): the work a step
 * costs, which other processes on a shared machine do not inflate the way they inflate wall time.
 */
export async function measureStepLatency(browser: Browser, url: string, errors: string[], progress: (s: string) => void): Promise<StepLatencyResult> {
  const o = await openPage(browser, url, 'no-preference', errors)
  try {
    await waitDeckReady(o.page)
    const hosts = await sceneHosts(o.page)
    await prefetched(o.page)
    const samples = await sweepSteps(o.page, hosts, null, 'transitions on', progress)
    await o.page.emulateMedia({ reducedMotion: 'reduce' })
    const cdp = await o.context.newCDPSession(o.page)
    await cdp.send('Performance.enable')
    const reduced = await sweepSteps(o.page, hosts, cdp, 'reduced motion', progress)
    return {
      motion: 'no-preference',
      samples,
      summary: summarize(samples.map((s) => s.ms)),
      reduced: { samples: reduced, summary: summarize(reduced.map((s) => s.ms)), cpu: summarize(reduced.map((s) => s.cpuMs ?? Number.NaN)) },
    }
  } finally {
    await o.close()
  }
}

// ---------------------------------------------------------------------------------------------
// The speaker view's cost to the main window

/** The step a speaker-view copy shows on its current slide's scene (null: not ready or no scene). */
function copyStep(frame: Frame): Promise<string | null> {
  return frame.evaluate(() => {
    const host = window.Reveal?.getCurrentSlide()?.querySelector<HTMLElement>('[data-scene]')
    return host && host.dataset.ready === 'true' ? (host.dataset.step ?? '') : null
  })
}

/**
 * Step latency in the main window without and with the speaker view open (S: a popup with two
 * receiver copies of the deck, which follow every step). Same page, same sweep (reduced motion,
 * so each press is measured alone): a warm-up sweep, the sweep without, then S and the sweep with.
 */
export async function measureSpeakerView(browser: Browser, url: string, errors: string[], progress: (s: string) => void): Promise<SpeakerViewResult> {
  const o = await openPage(browser, url, 'reduce', errors)
  try {
    await waitDeckReady(o.page)
    const hosts = await sceneHosts(o.page)
    await prefetched(o.page)
    await sweepSteps(o.page, hosts, null, 'speaker view: warm-up', progress)
    const without = await sweepSteps(o.page, hosts, null, 'speaker view: closed', progress)
    await slideTo(o.page, 0, 0, -1)
    const [popup] = await Promise.all([o.context.waitForEvent('page'), o.page.keyboard.press('s')])
    popup.on('pageerror', (e) => errors.push(`speaker view: page error: ${e.message}`))
    await popup.waitForLoadState()
    const copies = async (): Promise<Frame[]> => {
      const frames = popup.frames().filter((f) => f.url().includes('receiver'))
      const ready = await Promise.all(frames.map((f) => f.evaluate(() => document.documentElement.dataset.deckReady === 'true').catch(() => false)))
      return frames.length === 2 && ready.every(Boolean) ? frames : []
    }
    const deadline = Date.now() + TIMEOUT_MS
    while ((await copies()).length === 0) {
      if (Date.now() > deadline) throw new Error('the speaker view did not show its two copies of the deck')
      await o.page.waitForTimeout(100)
    }
    const withOpen = await sweepSteps(o.page, hosts, null, 'speaker view: open', progress)
    // The copies kept up: the "current" one shows the main window's last step.
    const current = (await copies()).find((f) => f.url().includes('postMessageEvents=true'))
    const last = withOpen.at(-1)?.step ?? null
    let followed = false
    for (let i = 0; i < 50 && !followed; i++) {
      followed = current !== undefined && (await copyStep(current).catch(() => null)) === last
      if (!followed) await o.page.waitForTimeout(100)
    }
    await popup.close()
    const a = summarize(without.map((x) => x.ms))
    const b = summarize(withOpen.map((x) => x.ms))
    return { without: a, with: b, ratio: b.median / a.median, p95Ratio: b.p95 / a.p95, copiesFollowed: followed }
  } finally {
    await o.close()
  }
}

// ---------------------------------------------------------------------------------------------
// Memory over repeated passes

/** A heap snapshot of the page (it collects garbage first), summed by kind of memory. */
async function heapSnapshot(cdp: CDPSession): Promise<HeapBreakdown> {
  const chunks: string[] = []
  const onChunk = (e: { chunk: string }): void => {
    chunks.push(e.chunk)
  }
  cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk)
  try {
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false })
  } finally {
    cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk)
  }
  return heapBreakdown(chunks.join(''))
}

/**
 * Baseline: after visiting the first scene slide and returning to slide 0. Then `passes` full
 * passes (Reveal.next() to the end, each scene step waited for until drawn; Reveal.slide(0, 0)),
 * with reduced motion; JS heap (after a forced GC, through CDP) and the renderer's geometries and
 * textures (window.deckDebug.scenes.memory()) after each.
 */
export async function measureMemory(browser: Browser, url: string, passes: number, errors: string[], progress: (s: string) => void): Promise<MemoryResult> {
  const o = await openPage(browser, url, 'reduce', errors)
  try {
    await waitDeckReady(o.page)
    const cdp = await o.context.newCDPSession(o.page)
    const hosts = await sceneHosts(o.page)
    const first = hosts[0]
    if (first) {
      const since = await slideTo(o.page, first.h, first.v, -1)
      await hostReady(o.page, first.host, '', since)
    }
    await slideTo(o.page, 0, 0, -1)
    await o.page.waitForTimeout(300)
    const point = async (n: number): Promise<MemoryPoint> => {
      await cdp.send('HeapProfiler.collectGarbage')
      await cdp.send('HeapProfiler.collectGarbage')
      const heap = await cdp.send('Runtime.getHeapUsage')
      const renderer = (await o.page.evaluate(() => window.deckDebug?.scenes.memory() ?? null)) as RendererMemory | null
      return { passes: n, heapUsed: heap.usedSize, heap: await heapSnapshot(cdp), renderer }
    }
    const points: MemoryPoint[] = [await point(0)]
    const passMs: number[] = []
    for (let p = 1; p <= passes; p++) {
      progress(`memory: pass ${p}/${passes}`)
      const t0 = performance.now()
      await o.page.evaluate(async (timeoutMs) => {
        const R = window.Reveal!
        for (let guard = 0; guard < 10_000; guard++) {
          if (R.isLastSlide() && !R.availableFragments().next) break
          const before = JSON.stringify(R.getIndices())
          R.next()
          if (JSON.stringify(R.getIndices()) === before) break
          const host = R.getCurrentSlide()?.querySelector<HTMLElement>('[data-scene]')
          if (!host) continue
          const t = performance.now()
          while (host.dataset.ready !== 'true') {
            if (performance.now() - t > timeoutMs) throw new Error(`not ready: ${host.dataset.scene}/${host.dataset.scenario} '${host.dataset.step}'`)
            await new Promise((r) => setTimeout(r, 2))
          }
        }
        R.slide(0, 0, -1)
        await new Promise((r) => setTimeout(r, 100))
      }, TIMEOUT_MS)
      passMs.push(performance.now() - t0)
      points.push(await point(p))
    }
    const base = points[0]!
    const one = points.find((p) => p.passes === 1) ?? base
    const last = points.at(-1)!
    const same = (a: RendererMemory | null, b: RendererMemory | null): boolean => !!a && !!b && a.geometries === b.geometries && a.textures === b.textures
    return {
      points,
      passMs,
      heapGrowth: (last.heapUsed - one.heapUsed) / one.heapUsed,
      objectsGrowth: (last.heap.objects - one.heap.objects) / one.heap.objects,
      rendererBackToBaseline: points.every((p) => same(p.renderer, base.renderer)),
    }
  } finally {
    await o.close()
  }
}
