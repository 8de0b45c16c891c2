/**
 * Service mesh: every workload is a blue service orb with a small gold sidecar orb beside it, in a
 * faint pod outline; a failing service turns red, an outsider is grey. Messages fly only through
 * sidecars (service → own sidecar → peer sidecar → peer service and back): requests in the text
 * colour, handshakes gold, answers green (2xx) or red (5xx). Each scenario adds its own part
 * (src/scenes/views/mesh/*-panel.ts): certificates and locks (mTLS), a timeline of tries and
 * backoff waits (retries), a switch that opens on the sidecar link (circuit breaker), the weighted
 * split with live counters (canary).
 *
 * Between two checkpoints the view replays the trace (mesh/frame.ts): messages fly, services fail
 * and heal, certificates rotate, the breaker moves, counters count, exactly as in the simulation.
 */
import { AmbientLight, DirectionalLight, GridHelper, Group, Mesh, MeshBasicMaterial, PerspectiveCamera, RingGeometry, Scene, Vector3, DoubleSide, type Object3D } from 'three'
import type { MeshSnapshot } from '../../sim/mesh/types.ts'
import type { Scenario } from '../../sim/scenario.ts'
import { Disposer } from '../primitives/disposer.ts'
import { Orb } from '../primitives/orb.ts'
import { Label, type LabelStyle } from '../primitives/labels.ts'
import { Particles, arcPoint } from '../primitives/particles.ts'
import { Link, linkGeometry } from '../primitives/link.ts'
import type { Palette } from '../palette.ts'
import type { SceneView, ViewContext, CameraPose } from '../types.ts'
import { CLIENT, Transition, frameOf, type FlightFrame, type MeshFrame } from './mesh/frame.ts'
import { layoutFor, type MeshLayout, type Slot } from './mesh/layout.ts'
import { multiline, tone } from './mesh/text.ts'
import { LIFT, refusedAt, type Panel, type PanelHost } from './mesh/panel.ts'
import { MtlsPanel } from './mesh/mtls-panel.ts'
import { RetriesPanel } from './mesh/retries-panel.ts'
import { BreakerPanel } from './mesh/breaker-panel.ts'
import { CanaryPanel } from './mesh/canary-panel.ts'

const SERVICE_RADIUS = 0.4
const SIDECAR_RADIUS = 0.2
const PARTICLES = 192
/**
 * The largest share of a transition that stretches with nothing on the wire may take (the rest
 * goes to messages in flight). Retries play simulated time evenly: the growing waits are the lesson.
 */
const QUIET_SHARE: Record<string, number> = { retries: 1 }

interface WorkloadParts {
  service: Orb
  sidecar: Orb
  pod: Mesh<RingGeometry, MeshBasicMaterial>
  hop: Link
  name: Label
  slot: Slot
}

export function createView(ctx: ViewContext): SceneView {
  return new MeshView(ctx)
}

/** The service the scenario's frontend calls (payments, or reviews for the canary). */
function calledService(scenario: Scenario<unknown, unknown>): string {
  const last = scenario.stateAt(scenario.checkpoints[scenario.checkpoints.length - 1]!) as MeshSnapshot
  return last.workloads.find((w) => w.trusted && w.name !== CLIENT)?.service ?? 'payments'
}

class MeshView implements SceneView, PanelHost {
  readonly scene = new Scene()
  readonly camera = new PerspectiveCamera(38, 4 / 3, 0.1, 100)
  readonly home: CameraPose
  readonly d = new Disposer()
  readonly world = new Group()
  readonly layout: MeshLayout
  readonly links = new Map<string, Link>()
  private readonly workloads = new Map<string, WorkloadParts>()
  private readonly picks: Object3D[] = []
  private readonly particles: Particles
  private readonly grid: GridHelper
  private readonly labels: Label[] = []
  private readonly panel: Panel | null
  private readonly service: string
  private readonly scenario: Scenario<unknown, unknown>
  private pal: Palette
  private transition: { key: string; t: Transition } | null = null
  private readonly tmp = new Vector3()

  constructor(ctx: ViewContext) {
    this.scenario = ctx.scenario
    this.pal = ctx.palette
    this.layout = layoutFor(this.scenario.name)
    this.home = { position: this.layout.camera.position.clone(), target: this.layout.camera.target.clone(), fov: this.layout.camera.fov }
    this.camera.fov = this.layout.camera.fov
    this.service = calledService(this.scenario)
    const p = this.pal
    this.scene.background = p.background.clone()
    this.scene.add(new AmbientLight(0xffffff, 1.4))
    const sun = new DirectionalLight(0xffffff, 1.6)
    sun.position.set(3, 8, 5)
    this.scene.add(sun)
    this.grid = new GridHelper(16, 32, p.grid, p.grid)
    this.grid.position.y = -0.01
    this.scene.add(this.grid, this.world)

    const linkGeo = linkGeometry(this.d, 0.028)
    const podGeo = this.d.track(new RingGeometry(0.96, 1, 64))
    for (const [name, slot] of Object.entries(this.layout.slots)) {
      const service = new Orb(this.d, SERVICE_RADIUS, p.client)
      service.position.copy(slot.service)
      const sidecar = new Orb(this.d, SIDECAR_RADIUS, p.leader)
      sidecar.position.copy(slot.sidecar)
      // The pod: a flat ellipse around the service and its sidecar (they share a network namespace).
      const pod = new Mesh(podGeo, this.d.track(new MeshBasicMaterial({ color: p.muted, transparent: true, opacity: 0.45, side: DoubleSide, depthWrite: false })))
      pod.rotation.x = -Math.PI / 2
      pod.position.set((slot.service.x + slot.sidecar.x) / 2, 0.01, slot.service.z)
      pod.scale.set(Math.abs(slot.service.x - slot.sidecar.x) / 2 + 0.62, 0.68, 1)
      const hop = new Link(this.d, linkGeo, p.muted, 0.45).between(slot.service, slot.sidecar)
      const label = this.label(name, 'strong', true)
      // Anchored at the edge next to the orb, so a second line (a live counter) grows away from it.
      if (slot.labelBelow) {
        label.center.set(0.5, 0)
        label.position.set(slot.service.x, 0, slot.service.z + SERVICE_RADIUS + 0.3)
      } else {
        label.center.set(0.5, 1)
        label.position.set(slot.service.x, slot.service.y + SERVICE_RADIUS + 0.2, slot.service.z - 0.2)
      }
      this.world.add(service, sidecar, pod, hop, label)
      this.workloads.set(name, { service, sidecar, pod, hop, name: label, slot })
    }
    for (const [a, b] of this.layout.links) {
      const sa = this.layout.slots[a]
      const sb = this.layout.slots[b]
      if (!sa || !sb) continue
      const link = new Link(this.d, linkGeo, p.muted, 0.45).between(sa.sidecar, sb.sidecar)
      this.world.add(link)
      this.links.set(`${a}>${b}`, link)
    }
    // The services the frontend calls are clickable: a click fails or heals them (what-if).
    for (const [name, parts] of this.workloads) {
      if (name === CLIENT || name === 'intruder') continue
      parts.service.userData.pick = { node: name }
      this.picks.push(parts.service)
    }
    this.particles = new Particles(this.d, PARTICLES, 0.085)
    this.world.add(this.particles)
    this.panel = this.makePanel()
  }

  private makePanel(): Panel | null {
    switch (this.scenario.name) {
      case 'mtls': return new MtlsPanel(this)
      case 'retries': return new RetriesPanel(this)
      case 'circuit-breaker': return new BreakerPanel(this)
      case 'canary': return new CanaryPanel(this)
      default: return null
    }
  }

  palette(): Palette {
    return this.pal
  }

  label(text: string, style: LabelStyle | LabelStyle[] = 'small', lines = false): Label {
    const l = lines ? multiline(text, style) : new Label(text, style)
    this.labels.push(l)
    return l
  }

  show(from: string | null, to: string, t: number): void {
    const target = this.scenario.stateAt(to) as MeshSnapshot
    if (from === null || from === to || t >= 1) {
      this.draw(frameOf(target, this.service))
      return
    }
    const key = `${from}>${to}`
    if (this.transition?.key !== key) {
      const start = this.scenario.stateAt(from) as MeshSnapshot
      this.transition = { key, t: new Transition(start, target, this.scenario.eventsBetween(from, to), this.service, QUIET_SHARE[this.scenario.name] ?? 0.3) }
    }
    this.draw(this.transition.t.at(this.transition.t.timeAt(t)))
  }

  showSnapshot(snapshot: unknown): void {
    this.draw(frameOf(snapshot as MeshSnapshot, this.service))
  }

  /** Every object set from the frame: the same frame always gives the same picture. */
  private draw(frame: MeshFrame): void {
    const p = this.pal
    for (const [name, parts] of this.workloads) {
      const w = frame.workloads.find((x) => x.name === name)
      const present = !!w
      for (const o of [parts.service, parts.sidecar, parts.pod, parts.hop, parts.name]) o.visible = present
      if (!w) continue
      const failing = w.trusted && w.errorRate > 0
      const body = !w.trusted ? p.muted : failing ? p.fault : p.client
      parts.service.style(body, { glow: failing ? 0.6 : 0.35, halo: failing ? 0.5 : 0 })
      parts.sidecar.style(w.trusted ? p.leader : p.muted, { glow: 0.5 })
      parts.pod.material.color.copy(failing ? p.fault : p.muted)
      parts.hop.style(p.muted, 0.45)
      const version = this.scenario.name === 'canary' && w.service !== CLIENT ? `${w.service} ${w.version}${w.version === 'v2' ? ' · canary' : ''}` : name
      const caption = this.panel?.caption?.(frame, name)
      const title = failing ? `${version} · failing` : !w.trusted ? `${name} · no mesh identity` : version
      parts.name.set(caption ? `${title}\n${caption}` : title)
      tone(parts.name, failing ? p.fault : !w.trusted ? p.muted : null)
    }
    for (const [key, link] of this.links) {
      const [a, b] = key.split('>') as [string, string]
      const both = frame.workloads.some((x) => x.name === a) && frame.workloads.some((x) => x.name === b)
      link.style(p.muted, both ? 0.45 : 0)
    }
    this.panel?.draw(frame)
    this.drawFlights(frame.flights)
  }

  private at(node: string): Vector3 | null {
    const proxy = node.endsWith('.proxy')
    const parts = this.workloads.get(proxy ? node.slice(0, -'.proxy'.length) : node)
    if (!parts) return null
    return proxy ? parts.slot.sidecar : parts.slot.service
  }

  private drawFlights(flights: readonly FlightFrame[]): void {
    const p = this.pal
    this.particles.begin()
    for (const fl of flights) {
      const a = this.at(fl.from)
      const b = this.at(fl.to)
      if (!a || !b) continue
      const distance = a.distanceTo(b)
      const lift = LIFT * distance
      // A refused handshake stops at the refusing sidecar's shell and turns red.
      const along = fl.dropped ? Math.min(fl.f, refusedAt(distance)) : fl.f
      arcPoint(a, b, along, lift, this.tmp)
      let color = p.text
      let scale = 1
      if (fl.kind === 'tls-hello' || fl.kind === 'tls-accept') {
        color = p.leader
        scale = 1.25
      } else if (fl.kind === 'tls-alert') {
        color = p.fault
      } else if (fl.kind === 'response') {
        color = (fl.payload.status ?? 200) < 500 ? p.ok : p.fault
        scale = 0.9
      }
      if (fl.dropped && fl.f > 0.6) color = p.fault
      this.particles.put(this.tmp, color, scale)
    }
    this.particles.end()
  }

  pickables(): Object3D[] {
    return this.picks
  }

  setPalette(palette: Palette): void {
    this.pal = palette
    this.scene.background = palette.background.clone()
    this.panel?.setPalette?.(palette)
  }

  dispose(): void {
    this.d.dispose()
    this.grid.geometry.dispose()
    ;(Array.isArray(this.grid.material) ? this.grid.material : [this.grid.material]).forEach((m) => m.dispose())
    this.particles.dispose()
    for (const l of this.labels) {
      l.element.remove()
      l.removeFromParent()
    }
    this.labels.length = 0
    this.scene.clear()
  }
}
