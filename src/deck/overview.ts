/**
 * Overview mode (Esc): reveal.js shows every slide at once, but only the current scene host has
 * the canvas. Every other scene gets an image of its own current step, made with the one renderer;
 * leaving the overview removes them again.
 */
import type { SceneView } from '../scenes/index.ts'
import { currentStep } from './steps.ts'
import { HOST_SELECTOR, type SceneBinding } from './scene-binding.ts'
import { placeSnapshot } from './print.ts'

const OVERVIEW_PIXEL_RATIO = 0.5
const FALLBACK_SIZE = { width: 620, height: 470 }

export class OverviewSnapshots {
  private generation = 0
  private readonly placed = new Map<HTMLElement, Node[]>()

  constructor(private readonly scenes: SceneBinding) {}

  /** Fill every scene host except the live one with an image of its current step. */
  async show(): Promise<void> {
    const gen = ++this.generation
    const live = this.scenes.currentStage?.currentHost ?? null
    const views = new Map<string, SceneView | null>()
    try {
      for (const host of document.querySelectorAll<HTMLElement>(HOST_SELECTOR)) {
        if (host === live || this.placed.has(host)) continue
        const section = host.closest('section')
        if (!section) continue
        const key = `${host.dataset.scene}/${host.dataset.scenario}/${host.dataset.seed}`
        if (!views.has(key)) views.set(key, await this.scenes.viewFor(host))
        // Leaving the overview while images are being made: stop.
        if (gen !== this.generation) return
        const view = views.get(key)
        const stage = this.scenes.currentStage
        if (!view || !stage) continue
        const surface = host.querySelector<HTMLElement>('.scene-surface') ?? host
        const step = currentStep(section) || 'start'
        const kept = [...surface.childNodes]
        // Slides far from the current one may not be laid out (display: none): use the usual
        // size of a scene in the left column then.
        const width = surface.clientWidth || FALLBACK_SIZE.width
        const height = surface.clientHeight || FALLBACK_SIZE.height
        const snap = stage.snapshot(view, step, width, height, OVERVIEW_PIXEL_RATIO, { type: 'image/jpeg', quality: 0.8 })
        const readyBefore = host.dataset.ready
        placeSnapshot(host, snap, step)
        if (readyBefore !== undefined) host.dataset.ready = readyBefore
        this.placed.set(host, kept)
        // Let the page breathe between renders.
        await new Promise((r) => setTimeout(r, 0))
      }
    } finally {
      for (const v of views.values()) v?.dispose()
    }
  }

  /** Put the hosts back as they were. */
  hide(): void {
    this.generation++
    for (const [host, kept] of this.placed) {
      const surface = host.querySelector<HTMLElement>('.scene-surface') ?? host
      surface.replaceChildren(...kept)
    }
    this.placed.clear()
  }
}
