/**
 * Binds scene hosts (<Scene> → `[data-scene]`) to the stage. On every slide or fragment change it
 * re-reads the current slide, resolves the step from the visible <Step> fragments and asks the
 * stage to show that checkpoint: nothing is accumulated from reveal.js events (DESIGN.md §1).
 *
 * DOM contract (DESIGN.md §4) on each host: data-scene, data-step (current step, '' before the
 * first), data-ready="true" once the frame for that state is drawn, and a role="status" child
 * holding the narration from the scenario's describe().
 */
import type { Scenario } from '../sim/scenario.ts'
import type { Stage, SceneView } from '../scenes/index.ts'
import { currentStep } from './steps.ts'

import type * as ScenesNamespace from '../scenes/index.ts'
import type * as CatalogNamespace from '../sim/catalog.ts'

type ScenesModule = typeof ScenesNamespace
type CatalogModule = typeof CatalogNamespace

export const HOST_SELECTOR = '[data-scene]'

export interface BindingOptions {
  receiver: boolean
  displayScale: () => number
  reducedMotion: () => boolean
  /** Whether the pointer may orbit scenes (not in reveal.js's scroll view). */
  interactive: () => boolean
}

interface Live {
  host: HTMLElement
  key: string
  view: SceneView
}

export class SceneBinding {
  private scenes: Promise<ScenesModule> | null = null
  private catalog: Promise<CatalogModule> | null = null
  private stage: Stage | null = null
  private noWebGL = false
  private live: Live | null = null
  private readonly scenarios = new Map<string, Scenario<unknown, unknown>>()
  private generation = 0
  private transitionScale = 1

  constructor(private readonly options: BindingOptions) {}

  /** Start loading three.js and the simulation in the background (after the first slide paints). */
  prefetch(): void {
    void this.loadScenes().catch(() => {})
    void this.loadCatalog().catch(() => {})
  }

  get webgl(): boolean {
    return !this.noWebGL
  }

  get currentStage(): Stage | null {
    return this.stage
  }

  get currentView(): SceneView | null {
    return this.live?.view ?? null
  }

  /** Show the current slide's scene at its step. Resolves once that frame is drawn. */
  async sync(slide: Element | undefined, animate: boolean): Promise<void> {
    const gen = ++this.generation
    const host = slide?.querySelector<HTMLElement>(HOST_SELECTOR) ?? null
    this.stage?.removeStaleCopies()
    if (!host || !slide) {
      this.release()
      return
    }
    const step = currentStep(slide)
    const previous = host.dataset.shownStep ?? null
    host.dataset.step = step
    host.dataset.ready = 'false'
    const scenario = await this.scenarioFor(host)
    if (gen !== this.generation) return
    const checkpoint = step || 'start'
    this.narrate(host, scenario.describe(scenario.stateAt(checkpoint)))

    if (!this.noWebGL) {
      try {
        await this.showLive(host, scenario, previous, checkpoint, animate && !this.options.reducedMotion() && !this.options.receiver, gen)
      } catch (e) {
        if (!(e instanceof Error && e.name === 'NoWebGLError')) throw e
        this.noWebGL = true
      }
    }
    if (gen !== this.generation) return
    if (this.noWebGL) this.markNoWebGL()
    host.dataset.shownStep = checkpoint
    host.dataset.ready = 'true'
  }

  private async showLive(host: HTMLElement, scenario: Scenario<unknown, unknown>, previous: string | null, checkpoint: string, animate: boolean, gen: number): Promise<void> {
    const mod = await this.loadScenes()
    if (gen !== this.generation) return
    const stage = this.ensureStage(mod)
    const key = `${host.dataset.scene}/${scenario.name}/${scenario.seed}`
    if (!this.live || this.live.host !== host || this.live.key !== key) {
      const factory = await mod.loadView(host.dataset.scene ?? '')
      if (gen !== this.generation) return
      this.release()
      const view = factory({ scenario, palette: mod.readPalette() })
      this.live = { host, key, view }
    }
    stage.mount(host, this.live.view)
    stage.setInteractive(this.options.interactive())
    const from = previous && previous !== checkpoint && scenario.checkpoints.indexOf(previous) < scenario.checkpoints.indexOf(checkpoint) ? previous : null
    stage.show(from, checkpoint, animate && from !== null)
  }

  private ensureStage(mod: ScenesModule): Stage {
    if (this.stage) return this.stage
    this.stage = new mod.Stage({
      pixelRatio: () => (this.options.receiver ? 1 : window.devicePixelRatio || 1),
      displayScale: this.options.displayScale,
      transitionMs: () => (this.options.reducedMotion() || this.options.receiver ? 0 : 1000 * this.transitionScale),
      onFrame: (host) => {
        const animating = String(this.stage?.busy ?? false)
        if (host.dataset.animating !== animating) host.dataset.animating = animating
      },
    })
    return this.stage
  }

  /** Dispose the live view (its geometries and materials) and take the canvas out of its host. */
  release(): void {
    if (!this.live) return
    this.stage?.unmount()
    this.live.view.dispose()
    this.live = null
  }

  /** The scenario a host names, if it was already created (synchronous). */
  cachedScenario(host: HTMLElement): Scenario<unknown, unknown> | null {
    return this.scenarios.get(`${host.dataset.scene}/${host.dataset.scenario}/${Number(host.dataset.seed ?? 7)}`) ?? null
  }

  /** The scenario a host names (created once per kind/scenario/seed and cached). */
  async scenarioFor(host: HTMLElement): Promise<Scenario<unknown, unknown>> {
    const { findScenario } = await this.loadCatalog()
    const kind = host.dataset.scene ?? ''
    const name = host.dataset.scenario ?? ''
    const seed = Number(host.dataset.seed ?? 7)
    const key = `${kind}/${name}/${seed}`
    let sc = this.scenarios.get(key)
    if (!sc) {
      const factory = findScenario(kind, name)
      if (!factory) throw new Error(`Unknown scene ${kind}/${name}`)
      sc = factory.create(seed)
      this.scenarios.set(key, sc)
    }
    return sc
  }

  /** A view for rendering snapshots (print, overview): the caller disposes it. */
  async viewFor(host: HTMLElement): Promise<SceneView | null> {
    if (this.noWebGL) return null
    const mod = await this.loadScenes()
    try {
      this.ensureStage(mod)
    } catch {
      this.noWebGL = true
      return null
    }
    const factory = await mod.loadView(host.dataset.scene ?? '')
    return factory({ scenario: await this.scenarioFor(host), palette: mod.readPalette() })
  }

  narrate(host: HTMLElement, text: string): void {
    const status = host.querySelector<HTMLElement>('[role="status"]')
    if (status && status.textContent !== text) status.textContent = text
  }

  private markNoWebGL(): void {
    for (const host of document.querySelectorAll<HTMLElement>(HOST_SELECTOR)) host.dataset.webgl = 'off'
    document.documentElement.dataset.webgl = 'off'
  }

  private loadScenes(): Promise<ScenesModule> {
    this.scenes ??= import('../scenes/index.ts')
    return this.scenes
  }

  private loadCatalog(): Promise<CatalogModule> {
    this.catalog ??= import('../sim/catalog.ts')
    return this.catalog
  }

  /** Slow transitions down or speed them up (study mode's speed control). */
  setTransitionScale(scale: number): void {
    this.transitionScale = Math.min(4, Math.max(0.25, scale))
  }

  /** What the renderer holds now (tests and the benchmark check it returns to its baseline). */
  memory(): { geometries: number; textures: number; programs: number } | null {
    const r = this.stage?.renderer
    return r ? { geometries: r.info.memory.geometries, textures: r.info.memory.textures, programs: r.info.programs?.length ?? 0 } : null
  }

  dispose(): void {
    this.release()
    this.stage?.dispose()
    this.stage = null
  }
}
