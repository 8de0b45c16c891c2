/**
 * Print and PDF (DESIGN.md §5): reveal.js's print view clones one page per fragment step without
 * copying canvas pixels and fires no fragment events. So for each page we render its scene at
 * that page's own step with the one renderer and replace the host's surface with an <img> (made in
 * the same task as the render) plus the labels as vector text; then <html data-print-ready="true">.
 */
import type { SceneView, Snapshot } from '../scenes/index.ts'
import { currentStep } from './steps.ts'
import { HOST_SELECTOR, type SceneBinding } from './scene-binding.ts'

const PRINT_PIXEL_RATIO = 2
/**
 * Print pages carry JPEG at 2×: encoding a PNG per page dominated the print view's time (over 100
 * scene pages); the labels stay vector text on top, so the picture loses nothing that matters.
 */
export const PRINT_IMAGE = { type: 'image/jpeg', quality: 0.92 } as const

export function placeSnapshot(host: HTMLElement, snap: Snapshot, step: string): void {
  const surface = host.querySelector<HTMLElement>('.scene-surface') ?? host
  const img = document.createElement('img')
  img.className = 'scene-snapshot'
  img.alt = ''
  img.src = snap.image
  img.width = snap.width
  img.height = snap.height
  const labels = document.createElement('div')
  labels.className = 'scene-labels scene-labels-print'
  labels.innerHTML = snap.labels
  surface.replaceChildren(img, labels)
  host.dataset.step = step === 'start' ? '' : step
  host.dataset.ready = 'true'
}

/**
 * Replace every print page's scene by an image of that page's step. A scene that fails keeps its
 * fallback text and narration (and the error is logged); the other pages still print.
 */
export async function snapshotPrintPages(binding: SceneBinding): Promise<void> {
  const hosts = [...document.querySelectorAll<HTMLElement>(`.pdf-page ${HOST_SELECTOR}`)]
  const views = new Map<string, SceneView | null>()
  try {
    for (const host of hosts) {
      const section = host.closest('section')
      if (!section) continue
      const step = currentStep(section) || 'start'
      try {
        await snapshotPage(binding, host, step, views)
      } catch (e) {
        console.error(`Print: the scene ${host.dataset.scene}/${host.dataset.scenario} at step "${step}" (${section.dataset.source ?? 'unknown slide'}) could not be drawn:`, e)
        host.dataset.step = step === 'start' ? '' : step
        host.dataset.webgl = 'off'
        host.dataset.ready = 'true'
      }
    }
  } finally {
    for (const v of views.values()) v?.dispose()
  }
  document.documentElement.dataset.printReady = 'true'
}

async function snapshotPage(binding: SceneBinding, host: HTMLElement, step: string, views: Map<string, SceneView | null>): Promise<void> {
  const scenario = await binding.scenarioFor(host)
  binding.narrate(host, scenario.describe(scenario.stateAt(step)))
  const key = `${host.dataset.scene}/${host.dataset.scenario}/${host.dataset.seed}`
  if (!views.has(key)) views.set(key, await binding.viewFor(host))
  const view = views.get(key) ?? null
  const stage = binding.currentStage
  const surface = host.querySelector<HTMLElement>('.scene-surface') ?? host
  if (!view || !stage) {
    host.dataset.step = step === 'start' ? '' : step
    host.dataset.ready = 'true'
    host.dataset.webgl = 'off'
    return
  }
  placeSnapshot(host, stage.snapshot(view, step, Math.max(1, surface.clientWidth), Math.max(1, surface.clientHeight), PRINT_PIXEL_RATIO, PRINT_IMAGE), step)
}

/**
 * Browser Print (Ctrl+P), decktape and page.pdf() outside the print view: they fire beforeprint.
 * The live canvas would print blank (its drawing buffer is not preserved), so synchronously render
 * the current scene and swap in an image; afterprint puts the live canvas back.
 */
export function bindBrowserPrint(binding: SceneBinding): () => void {
  let restore: (() => void) | null = null
  const before = (): void => {
    const stage = binding.currentStage
    const view = binding.currentView
    const host = stage?.currentHost
    if (!stage || !view || !host) return
    const surface = host.querySelector<HTMLElement>('.scene-surface') ?? host
    const kept = [...surface.childNodes]
    const step = host.dataset.shownStep ?? 'start'
    const snap = stage.snapshot(view, step, Math.max(1, surface.clientWidth), Math.max(1, surface.clientHeight), PRINT_PIXEL_RATIO, PRINT_IMAGE)
    placeSnapshot(host, snap, step)
    restore = () => {
      surface.replaceChildren(...kept)
      stage.resize()
    }
  }
  const after = (): void => {
    restore?.()
    restore = null
  }
  window.addEventListener('beforeprint', before)
  window.addEventListener('afterprint', after)
  return () => {
    window.removeEventListener('beforeprint', before)
    window.removeEventListener('afterprint', after)
  }
}
