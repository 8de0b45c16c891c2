/**
 * What-if: on a scene slide the viewer may poke the simulation (click a node, P, W, ...). The
 * scenario's model is replayed to the current checkpoint and runs on live from there (still
 * seeded: advancing in real-time slices processes the same events in the same order). R, or any
 * step or slide change, returns to the script.
 */
import type { RevealApi } from 'reveal.js'
import type { Scenario, WhatIfAction } from '../sim/scenario.ts'
import type { SceneBinding } from './scene-binding.ts'

/** Real seconds a live simulation keeps running after the last action. */
const LIVE_SECONDS = 30
/** How often the narration follows the live state (aria-live must not chatter). */
const NARRATE_MS = 1000

interface LiveRun {
  host: HTMLElement
  scenario: Scenario<unknown, unknown>
  model: unknown
  idleMs: number
  sinceNarration: number
}

export class WhatIfController {
  private run: LiveRun | null = null
  private pointer: { x: number; y: number } | null = null

  constructor(
    private readonly deck: RevealApi,
    private readonly scenes: SceneBinding,
  ) {
    document.addEventListener('keydown', this.onKey, true)
    document.addEventListener('pointerdown', this.onPointerDown, true)
    document.addEventListener('pointerup', this.onPointerUp, true)
  }

  get live(): boolean {
    return this.run !== null
  }

  /** Leave live mode (the caller shows the scripted step again). */
  stop(): void {
    if (!this.run) return
    delete this.run.host.dataset.live
    this.run = null
    this.scenes.currentStage?.live(null)
  }

  /** R: back to the step's scripted state and the default camera. */
  async reset(): Promise<void> {
    const slide = this.deck.getCurrentSlide()
    this.stop()
    if (slide) {
      const host = slide.querySelector<HTMLElement>('[data-scene]')
      if (host) delete host.dataset.shownStep
      await this.scenes.sync(slide, false)
    }
    this.scenes.currentStage?.resetCamera()
  }

  /** Run the action `trigger` (a key or 'click') on the current scene, if it has one. */
  async act(trigger: string, target?: { node?: number | string }): Promise<boolean> {
    const slide = this.deck.getCurrentSlide()
    const host = slide?.querySelector<HTMLElement>('[data-scene]')
    const stage = this.scenes.currentStage
    const view = this.scenes.currentView
    if (!slide || !host || !stage || !view || stage.currentHost !== host) return false
    const scenario = await this.scenes.scenarioFor(host)
    const whatIf = scenario.whatIf
    const action = whatIf?.actions.find((a: WhatIfAction<unknown>) => a.trigger === trigger)
    if (!whatIf || !action) return false
    if (!this.run || this.run.host !== host) {
      this.stop()
      this.run = { host, scenario, model: scenario.live(host.dataset.shownStep || 'start'), idleMs: 0, sinceNarration: 0 }
      host.dataset.live = 'true'
    }
    const run = this.run
    const said = action.run(run.model, target)
    run.idleMs = 0
    this.scenes.narrate(host, `${said} ${scenario.describe(scenario.snapshotOf(run.model))}`)
    stage.live((dt) => {
      if (this.run !== run) return false
      whatIf.advance(run.model, (dt / 1000) * whatIf.speed)
      const snap = scenario.snapshotOf(run.model)
      view.showSnapshot(snap)
      run.idleMs += dt
      run.sinceNarration += dt
      if (run.sinceNarration >= NARRATE_MS) {
        run.sinceNarration = 0
        this.scenes.narrate(host, scenario.describe(snap))
      }
      return run.idleMs < LIVE_SECONDS * 1000
    })
    return true
  }

  private readonly onKey = (e: KeyboardEvent): void => {
    if (e.ctrlKey || e.metaKey || e.altKey || this.deck.isOverview()) return
    const target = e.target as HTMLElement | null
    if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return
    const key = e.key.toLowerCase()
    if (key === 'r') {
      e.preventDefault()
      e.stopImmediatePropagation()
      void this.reset()
      return
    }
    if (key.length !== 1 || !this.hasAction(key)) return
    // Handled here, so reveal.js's own binding for the key (P = previous) does not also fire.
    e.preventDefault()
    e.stopImmediatePropagation()
    void this.act(key)
  }

  /** Whether the current scene's scenario has an action for `key` (sync: scenarios are cached). */
  private hasAction(key: string): boolean {
    const host = this.deck.getCurrentSlide()?.querySelector<HTMLElement>('[data-scene]')
    const sc = host ? this.scenes.cachedScenario(host) : null
    return !!sc?.whatIf?.actions.some((a) => a.trigger === key)
  }

  private readonly onPointerDown = (e: PointerEvent): void => {
    this.pointer = (e.target as Element | null)?.closest?.('canvas.scene-canvas') ? { x: e.clientX, y: e.clientY } : null
  }

  private readonly onPointerUp = (e: PointerEvent): void => {
    const start = this.pointer
    this.pointer = null
    // A click, not the end of an orbit drag.
    if (!start || Math.hypot(e.clientX - start.x, e.clientY - start.y) > 5) return
    const hit = this.scenes.currentStage?.pick(e.clientX, e.clientY)
    const pick = hit?.userData.pick as { node?: number | string } | undefined
    if (pick) void this.act('click', pick)
  }

  dispose(): void {
    this.stop()
    document.removeEventListener('keydown', this.onKey, true)
    document.removeEventListener('pointerdown', this.onPointerDown, true)
    document.removeEventListener('pointerup', this.onPointerUp, true)
  }
}
