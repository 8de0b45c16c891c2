/**
 * Observability: a request crossing a small service graph (client → gateway → auth, orders →
 * inventory → database) while every service ships its three signals to the golden collector
 * (purple logs, cyan spans, green metrics). In front of the graph each scenario has its
 * instrument: the log viewer (logs), the gateway's latency histogram with p50/p95/p99 (metrics),
 * or the trace waterfall (traces). Between checkpoints the trace is replayed: calls fly, buffers
 * fill and empty into the collector, log lines appear, spans grow, the histogram fills.
 *
 * What-if: clicking a service makes it slow, then failing, then healthy; W sends a request; Q
 * turns steady traffic on or off. The live snapshot redraws every frame.
 */
import { AmbientLight, DirectionalLight, GridHelper, Group, PerspectiveCamera, Scene, Vector3, type Object3D } from 'three'
import type { ObservabilitySnapshot } from '../../sim/observability/snapshot.ts'
import type { TraceEvent } from '../../sim/trace.ts'
import type { Flight } from '../flight.ts'
import { Disposer } from '../primitives/disposer.ts'
import { Boxes } from '../primitives/boxes.ts'
import type { Palette } from '../palette.ts'
import type { CameraPose, SceneView, ViewContext } from '../types.ts'
import { Warp, frameBetween, frameOfSnapshot, transitionFlights, warpedWire, type Frame } from './observability/frame.ts'
import { ServiceGraph, type GraphOptions } from './observability/graph.ts'
import { LogsPanel } from './observability/logs-panel.ts'
import { MetricsPanel } from './observability/metrics-panel.ts'
import { Waterfall } from './observability/waterfall.ts'

/**
 * During a transition a message stays on screen for at least this share of it, less when there
 * are many (steady traffic would otherwise paint solid lines of them).
 */
const MIN_VISIBLE_SHARE = 0.1
const MIN_VISIBLE_BUDGET = 30
/** Live: at least this many real seconds. */
const MIN_VISIBLE_LIVE_S = 0.25

interface Instrument {
  draw(frame: Frame, p: Palette, boxes: Boxes): void
  dispose(): void
}

export function createView(ctx: ViewContext): SceneView {
  return new ObservabilityView(ctx)
}

class ObservabilityView implements SceneView {
  readonly scene = new Scene()
  readonly camera = new PerspectiveCamera(22, 640 / 462, 0.1, 100)
  readonly home: CameraPose = { position: new Vector3(0, 12, 13.5), target: new Vector3(-0.2, 0, 1.6) }
  private readonly d = new Disposer()
  private readonly grid: GridHelper
  private readonly graph: ServiceGraph
  private readonly boxes: Boxes
  private readonly instrument: Instrument
  private readonly graphOptions: GraphOptions
  private palette: Palette
  private readonly scenario: ViewContext['scenario']
  /** The flights of the last transition asked for (replaying a transition asks every frame). */
  private cached: { from: string; to: string; events: readonly TraceEvent[]; all: Flight[]; warp: Warp } | null = null

  constructor(ctx: ViewContext) {
    this.scenario = ctx.scenario
    this.palette = ctx.palette
    const p = this.palette
    this.scene.background = p.background.clone()
    this.scene.add(new AmbientLight(0xffffff, 1.4))
    const sun = new DirectionalLight(0xffffff, 1.5)
    sun.position.set(3, 8, 5)
    this.scene.add(sun)
    this.grid = new GridHelper(16, 32, p.grid, p.grid)
    this.grid.position.y = -0.01
    this.scene.add(this.grid)

    const world = new Group()
    this.scene.add(world)
    this.graph = new ServiceGraph(world, this.d, p)
    this.boxes = new Boxes(this.d, 256)
    world.add(this.boxes)
    const name = this.scenario.name
    // Under steady traffic every buffer is always full: chips would only be noise there.
    this.graphOptions = name === 'metrics' ? { p99: true, chips: false } : { p99: false, chips: true }
    if (name === 'metrics') this.instrument = new MetricsPanel(world)
    else if (name === 'traces') this.instrument = new Waterfall(world)
    else {
      const logs = new LogsPanel(world)
      this.instrument = { draw: (f, pal) => logs.draw(f, pal), dispose: () => logs.dispose() }
    }
    this.graph.showLegend(world)
  }

  show(from: string | null, to: string, t: number): void {
    const end = this.scenario.stateAt(to) as ObservabilitySnapshot
    if (from === null || from === to || t >= 1) {
      this.draw(frameOfSnapshot(end, null))
      return
    }
    const start = this.scenario.stateAt(from) as ObservabilitySnapshot
    if (!this.cached || this.cached.from !== from || this.cached.to !== to) {
      const events = this.scenario.eventsBetween(from, to)
      this.cached = { from, to, events, all: transitionFlights(start, events), warp: new Warp(start.now, end.now, events.map((e) => e.at)) }
    }
    const { events, all, warp } = this.cached
    this.draw(frameBetween(start, end, events, all, warp.time(t), warpedWire(warp, t, Math.min(MIN_VISIBLE_SHARE, MIN_VISIBLE_BUDGET / Math.max(1, all.length)))))
  }

  showSnapshot(snapshot: unknown): void {
    const speed = this.scenario.whatIf?.speed ?? 50
    this.draw(frameOfSnapshot(snapshot as ObservabilitySnapshot, speed * MIN_VISIBLE_LIVE_S))
  }

  private draw(frame: Frame): void {
    const p = this.palette
    this.boxes.begin()
    this.graph.draw(frame, p, this.boxes, this.graphOptions)
    this.instrument.draw(frame, p, this.boxes)
    this.boxes.end()
  }

  pickables(): Object3D[] {
    return this.graph.pickables()
  }

  setPalette(palette: Palette): void {
    this.palette = palette
    this.scene.background = palette.background.clone()
  }

  dispose(): void {
    this.graph.dispose()
    this.instrument.dispose()
    this.boxes.dispose()
    this.d.dispose()
    this.grid.geometry.dispose()
    ;(Array.isArray(this.grid.material) ? this.grid.material : [this.grid.material]).forEach((m) => m.dispose())
    this.scene.clear()
  }
}
