/**
 * Consistent hashing. Ring scenarios: the hash ring as a thick band, each stretch in the colour of
 * the server that owns it (a fixed ramp, hashing/colours.ts), a fin per token, the sample keys as
 * dots coloured by owner on an inner track, the key being looked up as a white dot walking
 * clockwise to its owner, and beside the ring a bar per server (keys held, the spread as std/mean).
 * key mod N: a bucket per server with the keys stacked in it, flying to new buckets when N changes.
 * The headline (at the top of the bars' column, or above the buckets) counts what a change moved:
 * "k of K keys moved (x%)" beside what the other scheme would move.
 *
 * Between checkpoints the view replays the trace (hashing/timeline.ts): servers join one after
 * another, a new server's arcs grow back from its tokens, leaving arcs shrink into the successor's,
 * moved keys hop and change colour. What-if snapshots animate the same way over LIVE_MS.
 */
import { AmbientLight, DirectionalLight, GridHelper, PerspectiveCamera, Scene, Vector3, type Object3D } from 'three'
import type { HashingSnapshot } from '../../sim/hashing/model.ts'
import { Disposer } from '../primitives/disposer.ts'
import { Label } from '../primitives/labels.ts'
import { clamp01, easeInOutCubic } from '../ease.ts'
import type { Palette } from '../palette.ts'
import type { CameraPose, SceneView, ViewContext } from '../types.ts'
import { RingPart } from './hashing/ring-part.ts'
import { LoadPanel } from './hashing/panel.ts'
import { BucketsPart } from './hashing/buckets-part.ts'
import { SETTLED, livePhases, scriptedPhases, type Phases } from './hashing/timeline.ts'
import { headline } from './hashing/headline.ts'

/** How long a what-if change takes to play (real ms): servers first, then the keys. */
const LIVE_MS = 1600
const RING_CENTRE = new Vector3(-1.9, 0, 0.15)
const PANEL_ORIGIN = new Vector3(0.5, 0, -0.95)

export function createView(ctx: ViewContext): SceneView {
  return new HashingView(ctx)
}

class HashingView implements SceneView {
  readonly scene = new Scene()
  readonly camera = new PerspectiveCamera(34, 600 / 460, 0.1, 100)
  readonly home: CameraPose
  private readonly d = new Disposer()
  private readonly scenario: ViewContext['scenario']
  private palette: Palette
  private readonly grid: GridHelper
  private readonly ring: RingPart | null = null
  private readonly panel: LoadPanel | null = null
  private readonly buckets: BucketsPart | null = null
  private readonly title = new Label('', 'strong')
  /** What the picture shows now (what a what-if change animates from). */
  private shown: HashingSnapshot | null = null
  private live: { sig: string; from: HashingSnapshot; start: number } | null = null
  private drawn = ''

  constructor(ctx: ViewContext) {
    this.scenario = ctx.scenario
    this.palette = ctx.palette
    const start = this.snap('start')
    this.scene.background = this.palette.background.clone()
    this.scene.add(new AmbientLight(0xffffff, 1.5))
    const sun = new DirectionalLight(0xffffff, 1.5)
    sun.position.set(2, 8, 6)
    this.scene.add(sun)
    this.grid = new GridHelper(16, 32, this.palette.grid, this.palette.grid)
    this.grid.position.y = -0.02
    this.scene.add(this.grid)
    this.title.element.style.whiteSpace = 'pre-line'
    this.title.element.style.fontSize = '15px'
    this.scene.add(this.title)

    if (start.mode === 'ring') {
      this.ring = new RingPart(this.d, this.palette)
      this.ring.position.copy(RING_CENTRE)
      // One bar scale for the whole scene, so a bar's length means the same at every step.
      const full = Math.max(0.3, ...this.scenario.checkpoints.flatMap((c) => this.snap(c).servers.map((s) => (this.snap(c).totalKeys > 0 ? s.keys / this.snap(c).totalKeys : s.share))))
      this.panel = new LoadPanel(this.d, this.palette, full)
      this.panel.position.copy(PANEL_ORIGIN)
      this.scene.add(this.ring, this.panel)
      // The headline heads the panel's column, left-aligned with the bars.
      // Anchored at its bottom-left corner, so one, two or three lines grow upwards only.
      this.title.center.set(0, 1)
      this.title.element.style.textAlign = 'left'
      this.title.position.set(PANEL_ORIGIN.x, 0.2, PANEL_ORIGIN.z - 0.62)
      this.home = { position: new Vector3(-0.2, 9.2, 4.75), target: new Vector3(-0.2, 0, 0) }
    } else {
      this.buckets = new BucketsPart(this.d, this.palette)
      this.scene.add(this.buckets)
      this.title.position.set(0, 0.2, -1.55)
      this.home = { position: new Vector3(0, 7.4, 4.6), target: new Vector3(0, 0, 0.25) }
    }
    this.camera.position.copy(this.home.position)
    this.camera.lookAt(this.home.target)
  }

  private snap(name: string): HashingSnapshot {
    return this.scenario.stateAt(name) as HashingSnapshot
  }

  show(from: string | null, to: string, t: number): void {
    const target = this.snap(to)
    this.live = null
    this.shown = target
    if (from === null || from === to || t >= 1) {
      this.draw(target, target, SETTLED, `step:${to}`)
      return
    }
    const ph = scriptedPhases(this.scenario.eventsBetween(from, to), this.scenario.timeOf(from), this.scenario.timeOf(to), t)
    this.draw(this.snap(from), target, ph, `step:${from}>${to}@${t}`)
  }

  showSnapshot(snapshot: unknown): void {
    const snap = snapshot as HashingSnapshot
    const sig = signature(snap)
    const now = performance.now()
    if (!this.live || this.live.sig !== sig) this.live = { sig, from: this.shown ?? snap, start: now }
    const t = clamp01((now - this.live.start) / LIVE_MS)
    this.shown = snap
    if (t >= 1) this.draw(snap, snap, SETTLED, `live:${sig}`)
    else this.draw(this.live.from, snap, livePhases(easeInOutCubic(t)), `live:${sig}@${t}`)
  }

  /** Draw the picture between `prev` and `target`; `key` names it, so an unchanged frame is skipped. */
  private draw(prev: HashingSnapshot, target: HashingSnapshot, ph: Phases, key: string): void {
    if (key === this.drawn) return
    this.drawn = key
    this.ring?.draw(prev, target, ph)
    this.panel?.draw(prev, target, ph)
    this.buckets?.draw(prev, target, ph)
    this.title.set(headline(target))
  }

  pickables(): Object3D[] {
    return [...(this.ring?.pickables() ?? []), ...(this.panel?.pickables() ?? []), ...(this.buckets?.pickables() ?? [])]
  }

  setPalette(palette: Palette): void {
    this.palette = palette
    this.scene.background = palette.background.clone()
    this.ring?.setPalette(palette)
    this.panel?.setPalette(palette)
    this.buckets?.setPalette(palette)
    this.drawn = ''
  }

  dispose(): void {
    this.d.dispose()
    this.grid.geometry.dispose()
    ;(Array.isArray(this.grid.material) ? this.grid.material : [this.grid.material]).forEach((m) => m.dispose())
    this.ring?.dispose()
    this.panel?.dispose()
    this.buckets?.dispose()
    this.title.element.remove()
    this.scene.clear()
  }
}

/** What a live snapshot shows, compactly: a change of any of it starts a new animation. */
function signature(s: HashingSnapshot): string {
  return [s.focus, s.vnodes, s.servers.map((x) => `${x.name}:${x.keys}`).join(','), s.totalKeys, s.probe?.owner ?? '', s.probe?.tokenAngle ?? '', s.moved?.count ?? ''].join('|')
}

