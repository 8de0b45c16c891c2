/**
 * Load balancing: blue clients on the left, the purple balancer (a hexagonal prism) in the middle,
 * cyan backends on the right, each circled in its own identity colour (colours.ts). Requests fly
 * client → balancer → backend and the answers back (load-balancing/frame.ts reads them off the
 * trace); between the balancer and a backend they take that backend's colour, so the rotation
 * can be seen. Each backend's counters are a card and bars on the floor (served, failed, open
 * connections); in front, the row of the balancer's last picks. Per algorithm the balancer's
 * label says how it chooses (round robin: which backend is next), the weighted cards show weight
 * and smooth-weighted score, and with IP hash every client shows the backend hash(ip) sends it
 * to. Health checks are small purple pulses from the balancer to every backend; a crashed
 * backend turns red and counts its failed probes, an ejected one goes grey with its link cut, a
 * restored one gets a green border on its card.
 */
import { AmbientLight, Color, DirectionalLight, GridHelper, PerspectiveCamera, Scene, Vector3, type Object3D } from 'three'
import type { LoadBalancingSnapshot } from '../../sim/load-balancing/balancer.ts'
import type { Scenario } from '../../sim/scenario.ts'
import { Disposer } from '../primitives/disposer.ts'
import { HexPrism } from '../primitives/prism.ts'
import { Particles, arcPoint } from '../primitives/particles.ts'
import { Boxes } from '../primitives/boxes.ts'
import { linkGeometry } from '../primitives/link.ts'
import { TextPanel, type Row } from '../primitives/text-panel.ts'
import { timeWarp } from '../primitives/time-warp.ts'
import type { Palette } from '../palette.ts'
import type { SceneView, ViewContext, CameraPose } from '../types.ts'
import { BALANCER as LB_ID, Replay, frameOf, indexScript, type FlightFrame, type LbFrame, type ScriptIndex } from './load-balancing/frame.ts'
import { Backends, type Units } from './load-balancing/backends.ts'
import { Clients } from './load-balancing/clients.ts'
import { Picks } from './load-balancing/picks.ts'
import { backendColor, css } from './load-balancing/colours.ts'
import {
  BACKEND_RADIUS, BALANCER, BALANCER_HEIGHT, BALANCER_RADIUS, BAR_MAX, CLIENT_RADIUS, HOME, LEGEND, UNIT_MAX,
} from './load-balancing/layout.ts'

const PARTICLES = 160
const PARTICLE_RADIUS = 0.095
/** How high a request arcs on its way, per unit of distance; probes arc higher, as pulses above the traffic. */
const LIFT = 0.08
const PROBE_LIFT = 0.35
/** A typical hop's time on the wire (the model's links take 2–6 ms): the longest idle gap a transition plays. */
const HOP_MS = 4

const ALGORITHM_NAMES: Record<string, string> = {
  'round-robin': 'round robin',
  'least-connections': 'least connections',
  weighted: 'smooth weighted round robin',
  'ip-hash': 'IP hash',
  random: 'random',
  'two-choices': 'power of two choices',
}

export function createView(ctx: ViewContext): SceneView {
  return new LoadBalancingView(ctx)
}

class LoadBalancingView implements SceneView {
  readonly scene = new Scene()
  readonly camera = new PerspectiveCamera(HOME.fov ?? 38, 1.3, 0.1, 100)
  readonly home: CameraPose = { position: HOME.position.clone(), target: HOME.target.clone(), fov: HOME.fov }
  private readonly d = new Disposer()
  private readonly scenario: Scenario<LoadBalancingSnapshot, unknown>
  private palette: Palette
  private readonly grid: GridHelper
  private readonly balancer: HexPrism
  private readonly balancerLabel = new TextPanel()
  private readonly legend = new TextPanel()
  private readonly clients: Clients
  private readonly backends: Backends
  private readonly picks: Picks
  private readonly particles: Particles
  private readonly bars: Boxes
  private readonly names: string[]
  /** The scripted bar units: one scale for every step of the slide, so bars compare across steps. */
  private readonly units: Units
  private script: ScriptIndex | null = null
  private replay: { key: string; replay: Replay; warp: (t: number) => number } | null = null
  private readonly a = new Vector3()
  private readonly b = new Vector3()
  private readonly tmp = new Vector3()
  private readonly tmpColor = new Color()

  constructor(ctx: ViewContext) {
    this.scenario = ctx.scenario as Scenario<LoadBalancingSnapshot, unknown>
    this.palette = ctx.palette
    const p = this.palette
    const first = this.scenario.stateAt('start')
    this.names = first.backends.map((b) => b.name)
    this.scene.background = p.background.clone()
    this.scene.add(new AmbientLight(0xffffff, 1.4))
    const sun = new DirectionalLight(0xffffff, 1.6)
    sun.position.set(3, 8, 5)
    this.scene.add(sun)
    this.grid = new GridHelper(18, 36, p.grid, p.grid)
    this.grid.position.y = -0.01
    this.scene.add(this.grid)

    const links = linkGeometry(this.d, 0.022)
    this.clients = new Clients(this.d, first.clients.map((c) => c.id), links, p)
    this.backends = new Backends(this.d, this.names, links, p)
    this.balancer = new HexPrism(this.d, BALANCER_RADIUS, BALANCER_HEIGHT, p.replica)
    this.balancer.position.copy(BALANCER)
    // Above the prism (behind it), a little to the left of the links that fan out to the backends.
    this.balancerLabel.center.set(0.5, 1)
    this.balancerLabel.position.set(BALANCER.x - 0.2, 0, BALANCER.z - BALANCER_RADIUS - 0.3)
    this.balancerLabel.element.style.fontSize = '13px'
    this.legend.center.set(1, 0.5)
    this.legend.position.copy(LEGEND)
    this.picks = new Picks()
    this.particles = new Particles(this.d, PARTICLES, PARTICLE_RADIUS, [10, 8])
    this.bars = new Boxes(this.d, 160)
    this.scene.add(this.clients, this.backends, this.balancer, this.balancerLabel, this.legend, this.picks, this.particles, this.bars)

    let served = 1
    let open = 1
    for (const name of this.scenario.checkpoints) {
      for (const b of this.scenario.stateAt(name).backends) {
        served = Math.max(served, b.served + b.errors)
        open = Math.max(open, b.active)
      }
    }
    this.units = { served: Math.min(UNIT_MAX, BAR_MAX / served), open: Math.min(UNIT_MAX, BAR_MAX / open) }
  }

  show(from: string | null, to: string, t: number): void {
    const target = this.scenario.stateAt(to)
    const cps = this.scenario.checkpoints
    // Going back, or arriving: the checkpoint as it is (the stage jumps when going backwards).
    if (from === null || from === to || t >= 1 || cps.indexOf(from) > cps.indexOf(to)) {
      this.draw(frameOf(target), this.units)
      return
    }
    const key = `${from}>${to}`
    if (this.replay?.key !== key) {
      this.script ??= indexScript(this.scenario.trace(), target.balancer.activeChecks)
      const events = this.scenario.eventsBetween(from, to)
      const begin = this.scenario.timeOf(from)
      const end = this.scenario.timeOf(to)
      // Idle stretches (a backend holding a request, the wait for the next probe) are squeezed to
      // about one hop, so something is nearly always on its way and the counters tick steadily.
      const warp = timeWarp(events.map((e) => e.at), begin, end, HOP_MS)
      this.replay = { key, replay: new Replay(this.scenario.stateAt(from), events, this.script), warp }
    }
    this.draw(this.replay.replay.at(this.replay.warp(Math.max(0, t))), this.units)
  }

  showSnapshot(snapshot: unknown): void {
    const s = snapshot as LoadBalancingSnapshot
    // Live counts grow past the script's: shrink the units so the longest bar still fits.
    const served = Math.max(1, ...s.backends.map((b) => b.served + b.errors))
    const open = Math.max(1, ...s.backends.map((b) => b.active))
    this.draw(frameOf(s), { served: Math.min(this.units.served, BAR_MAX / served), open: Math.min(this.units.open, BAR_MAX / open) })
  }

  private readonly indexOf = (name: string): number => Math.max(0, this.names.indexOf(name))

  private draw(frame: LbFrame, units: Units): void {
    const p = this.palette
    this.bars.begin()
    this.clients.draw(frame, p, this.indexOf)
    this.backends.draw(frame, p, this.bars, units)
    this.picks.draw(frame, p, this.bars, this.indexOf)
    this.bars.end()
    this.balancer.style(p.replica, { glow: 0.4, halo: frame.flights.some((f) => f.kind === 'probe') ? 0.6 : 0 })
    this.balancerLabel.set([{ text: 'load balancer', color: css(p.replica), bold: true }], this.balancerRows(frame))
    this.legend.set([], [[
      { text: '■', color: css(p.follower) }, { text: ' served  ' },
      { text: '■', color: css(p.fault) }, { text: ' failed  ' },
      { text: '■', color: css(p.client) }, { text: ' open' },
    ]])
    this.drawFlights(frame)
  }

  /** How the algorithm chooses, in a line, and its state where it has one worth showing. */
  private balancerRows(frame: LbFrame): Row[] {
    const p = this.palette
    const rows: Row[] = [[{ text: ALGORITHM_NAMES[frame.algorithm] ?? frame.algorithm, bold: true }]]
    switch (frame.algorithm) {
      case 'round-robin':
        if (frame.next) rows.push([{ text: 'next → ' }, { text: frame.next, color: css(backendColor(this.indexOf(frame.next), p)), bold: true }])
        break
      case 'least-connections':
        rows.push([{ text: 'fewest open wins' }])
        break
      case 'weighted':
        rows.push([{ text: 'highest score wins' }])
        break
      case 'ip-hash':
        rows.push([{ text: `hash(client IP) mod ${frame.backends.length}` }])
        break
      default:
        break
    }
    if (frame.checks) rows.push([{ text: `probe every ${seconds(frame.checks.intervalMs)}`, color: css(p.muted) }])
    return rows
  }

  private drawFlights(frame: LbFrame): void {
    const p = this.palette
    this.particles.begin()
    for (const fl of frame.flights) {
      if (!this.endpoints(fl)) continue
      const probe = fl.kind === 'probe' || fl.kind === 'probe-reply'
      const lift = (probe ? PROBE_LIFT : LIFT) * this.a.distanceTo(this.b)
      // A message sent to a crashed backend is lost on arrival: it turns red as it gets there.
      const lost = fl.dropped || this.toDownBackend(fl, frame)
      arcPoint(this.a, this.b, fl.f, lift, this.tmp)
      const [color, scale] = this.messageStyle(fl, frame)
      this.particles.put(this.tmp, lost && fl.f > 0.55 ? p.fault : color, scale)
    }
    this.particles.end()
  }

  private toDownBackend(fl: FlightFrame, frame: LbFrame): boolean {
    return frame.backends.some((b) => b.name === fl.to && !b.up)
  }

  /** Where a message leaves and lands: on the surfaces of its ends, so one just sent is seen. */
  private endpoints(fl: FlightFrame): boolean {
    const at = (id: string, out: Vector3): number => {
      if (id === LB_ID) {
        out.set(BALANCER.x, BALANCER_HEIGHT * 0.55, BALANCER.z)
        return BALANCER_RADIUS
      }
      const backend = this.backends.nodes.find((n) => n.name === id)
      if (backend) {
        out.copy(backend.position)
        return BACKEND_RADIUS
      }
      const client = this.clients.nodes.find((n) => n.id === id)
      if (client) {
        out.copy(client.position)
        return CLIENT_RADIUS
      }
      return -1
    }
    const ra = at(fl.from, this.a)
    const rb = at(fl.to, this.b)
    if (ra < 0 || rb < 0) return false
    const dir = this.tmp.subVectors(this.b, this.a).normalize()
    this.a.addScaledVector(dir, ra + PARTICLE_RADIUS)
    this.b.addScaledVector(dir, -(rb + PARTICLE_RADIUS))
    return true
  }

  /**
   * The colour of a message is the backend that handles it: balancer ↔ backend in that backend's
   * colour; client → balancer blue (with IP hash: the colour of the client's sticky backend,
   * already known from its address); answers to clients neutral, failures (5xx, timeouts) red;
   * probes small and purple (the balancer's), a failed probe reply red.
   */
  private messageStyle(fl: FlightFrame, frame: LbFrame): [Color, number] {
    const p = this.palette
    const sticky = (client: string): string | null => frame.clients.find((c) => c.id === client)?.sticky ?? null
    const tint = (name: string): Color => backendColor(this.indexOf(name), p, this.tmpColor)
    switch (fl.kind) {
      case 'request': {
        if (fl.from === LB_ID) return [tint(fl.to), 1.15]
        const s = sticky(fl.from)
        return [s ? tint(s) : p.client, 1.15]
      }
      case 'response': {
        if ((fl.payload.status ?? 200) >= 500) return [p.fault, 0.9]
        if (fl.to === LB_ID) return [tint(fl.from), 0.8]
        const s = sticky(fl.to)
        return [s ? tint(s) : this.tmpColor.copy(p.muted), 0.8]
      }
      case 'probe':
        return [p.replica, 0.6]
      case 'probe-reply':
        return [fl.payload.ok === false ? p.fault : p.replica, 0.6]
      default:
        return [p.text, 0.8]
    }
  }

  pickables(): Object3D[] {
    return this.backends.nodes.map((n) => n.orb)
  }

  setPalette(palette: Palette): void {
    this.palette = palette
    this.scene.background = palette.background.clone()
  }

  dispose(): void {
    this.d.dispose()
    this.grid.geometry.dispose()
    ;(Array.isArray(this.grid.material) ? this.grid.material : [this.grid.material]).forEach((m) => m.dispose())
    this.particles.dispose()
    this.bars.dispose()
    this.clients.release()
    this.backends.release()
    this.picks.release()
    this.balancerLabel.destroy()
    this.legend.destroy()
    this.scene.clear()
  }
}

const seconds = (ms: number): string => (ms >= 1000 ? `${+(ms / 1000).toFixed(1)} s` : `${ms} ms`)
