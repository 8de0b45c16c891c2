/**
 * CAP: three purple replicas of one key in a triangle, each with its value written above it
 * ("balance = 120"); a blue client beside each replica whose bubble shows its requests and the
 * replies (green values, red "no quorum" errors); replica messages as particles (grey queries,
 * green acks, purple data) that stop red at the fault line when a partition drops them; a C/A/P
 * emblem that lights the two properties the store keeps; and, on heal, LWW's verdict.
 *
 * Everything is drawn from a CapFrame (cap/frame.ts): a checkpoint's snapshot, a live snapshot,
 * or the trace replayed between two checkpoints, so show(null, step, 1) is always the same picture.
 */
import { AmbientLight, DirectionalLight, DoubleSide, GridHelper, Group, Mesh, MeshBasicMaterial, PerspectiveCamera, PlaneGeometry, Scene, Vector3, type Color, type Object3D } from 'three'
import type { CapSnapshot } from '../../sim/cap/snapshot.ts'
import type { Scenario } from '../../sim/scenario.ts'
import { Disposer } from '../primitives/disposer.ts'
import { Orb } from '../primitives/orb.ts'
import { Particles, arcPoint } from '../primitives/particles.ts'
import { Link, linkGeometry } from '../primitives/link.ts'
import { FaultLine } from '../primitives/fault-line.ts'
import { LineLabel, toneColor } from '../primitives/line-label.ts'
import type { Palette } from '../palette.ts'
import type { SceneView, ViewContext, CameraPose } from '../types.ts'
import { frameAt, frameBetween, frameOfSnapshot, previousCheckpoint, type CapFrame } from './cap/frame.ts'
import { clientLines, inMinority, modeLines, reconciliationLines, replicaLines } from './cap/text.ts'
import { CapEmblem } from './cap/emblem.ts'
import {
  CLIENT_RADIUS, EMBLEM_POSITION, EMBLEM_SIZE, FAULT_HEIGHT, FAULT_LENGTH, FAULT_RAY_LENGTH, MODE_POSITION, ORB_RADIUS, ORB_Y, VERDICT_POSITION,
  centroid, clientAtBack, clientOnRight, clientPosition, replicaPosition,
} from './cap/layout.ts'

interface ReplicaParts {
  orb: Orb
  label: LineLabel
  position: Vector3
}

interface ClientParts {
  orb: Orb
  link: Link
  bubble: LineLabel
  position: Vector3
}

/** A wall of the fault line and how it cuts links: the fraction along a→b where it stands. */
interface Wall {
  crossing(a: number, b: number): number
}

export function createView(ctx: ViewContext): SceneView {
  return new CapView(ctx)
}

class CapView implements SceneView {
  readonly scene = new Scene()
  readonly camera = new PerspectiveCamera(36, 4 / 3, 0.1, 100)
  readonly home: CameraPose = { position: new Vector3(0, 8.4, 5.9), target: new Vector3(0, 0, 0.35) }
  private readonly d = new Disposer()
  private readonly scenario: Scenario<CapSnapshot, unknown>
  private palette: Palette
  private readonly replicas: ReplicaParts[] = []
  private readonly clients: ClientParts[] = []
  private readonly links: { a: number; b: number; link: Link }[] = []
  private readonly faults: FaultLine[] = []
  private readonly particles: Particles
  private grid: GridHelper
  private readonly emblem: CapEmblem
  private readonly modeLabel = new LineLabel('strong')
  private readonly verdict = new LineLabel()
  private readonly labels: LineLabel[] = []
  private last: CapFrame | null = null
  /** The checkpoint last shown: a live run continues from it. */
  private step: string | null = null
  private bandMaterial: MeshBasicMaterial | null = null
  private readonly tmp = new Vector3()

  constructor(ctx: ViewContext) {
    this.scenario = ctx.scenario as Scenario<CapSnapshot, unknown>
    this.palette = ctx.palette
    const p = this.palette
    const n = this.scenario.stateAt('start').nodes.length
    this.scene.background = p.background.clone()
    this.scene.add(new AmbientLight(0xffffff, 1.4))
    const sun = new DirectionalLight(0xffffff, 1.6)
    sun.position.set(3, 8, 5)
    this.scene.add(sun)
    this.grid = this.makeGrid(p)

    const world = new Group()
    this.scene.add(world)
    const linkGeo = linkGeometry(this.d, 0.03)
    for (let i = 0; i < n; i++) {
      const position = replicaPosition(i, n)
      const orb = new Orb(this.d, ORB_RADIUS, p.replica)
      orb.position.copy(position)
      orb.userData.pick = { node: i }
      const label = this.label(new LineLabel())
      label.position.set(position.x, ORB_Y + ORB_RADIUS + 0.55, position.z)
      label.center.set(0.5, 1)
      world.add(orb, label)
      this.replicas.push({ orb, label, position })

      const cpos = clientPosition(i, n)
      const corb = new Orb(this.d, CLIENT_RADIUS, p.client)
      corb.position.copy(cpos)
      const clink = new Link(this.d, linkGeo, p.client, 0.4).between(cpos, position)
      const bubble = this.label(new LineLabel())
      // Bubbles go away from the triangle (above a client at the back, below the others) and
      // lean inward at the frame's edges, so they never cover a replica's label.
      const back = clientAtBack(i, n)
      bubble.position.set(cpos.x, cpos.y + (back ? 0.35 : -0.35), cpos.z + (back ? 0 : 0.25))
      bubble.center.set(clientOnRight(i, n) ? 0.7 : 0.3, back ? 1 : 0)
      world.add(corb, clink, bubble)
      this.clients.push({ orb: corb, link: clink, bubble, position: cpos })
    }
    for (let a = 0; a < n; a++) {
      for (let b = a + 1; b < n; b++) {
        const link = new Link(this.d, linkGeo, p.muted, 0.35).between(this.replicas[a]!.position, this.replicas[b]!.position)
        world.add(link)
        this.links.push({ a, b, link })
      }
    }
    // One wall for a two-way split, one per cut link for a three-way one.
    const bandGeo = this.d.track(new PlaneGeometry(1, 0.22))
    const bandMat = this.d.track(new MeshBasicMaterial({ color: p.fault, transparent: true, opacity: 0.5, depthWrite: false, side: DoubleSide }))
    this.bandMaterial = bandMat
    for (let i = 0; i < Math.max(3, n); i++) {
      const wall = new FaultLine(this.d, 1, FAULT_HEIGHT, p.fault)
      // Seen from the front a wall is nearly edge-on: a red band on the floor makes the line read.
      const band = new Mesh(bandGeo, bandMat)
      band.rotation.x = -Math.PI / 2
      band.position.y = 0.005
      wall.add(band)
      wall.visible = false
      world.add(wall)
      this.faults.push(wall)
    }
    this.particles = new Particles(this.d, 64, 0.1)
    world.add(this.particles)

    this.emblem = new CapEmblem(this.d, EMBLEM_SIZE, p.muted)
    this.emblem.position.copy(EMBLEM_POSITION)
    world.add(this.emblem)
    this.modeLabel.position.copy(MODE_POSITION)
    this.modeLabel.center.set(1, 0.5)
    this.verdict.position.copy(VERDICT_POSITION)
    this.label(this.modeLabel)
    this.label(this.verdict)
    world.add(this.modeLabel, this.verdict)
  }

  /** The floor grid (its colours are vertex colours, so a new palette needs a new grid). */
  private makeGrid(p: Palette): GridHelper {
    const grid = new GridHelper(14, 28, p.grid, p.grid)
    grid.position.y = -0.01
    this.scene.add(grid)
    return grid
  }

  private disposeGrid(): void {
    this.grid.removeFromParent()
    this.grid.geometry.dispose()
    ;(Array.isArray(this.grid.material) ? this.grid.material : [this.grid.material]).forEach((m) => m.dispose())
  }

  private label(l: LineLabel): LineLabel {
    this.labels.push(l)
    return l
  }

  show(from: string | null, to: string, t: number): void {
    this.step = to
    const frame = from === null || from === to || t >= 1 ? frameAt(this.scenario, to) : frameBetween(this.scenario, from, to, t)
    this.draw(frame)
  }

  /**
   * A live run starts from the step on screen (what-if.ts replays the script to it), so its
   * bubbles keep that step's requests and add the viewer's: the first live frame matches the
   * scripted one, apart from what the viewer changed.
   */
  showSnapshot(snapshot: unknown): void {
    const snap = snapshot as CapSnapshot
    const since = this.step ? this.scenario.timeOf(previousCheckpoint(this.scenario, this.step)) : 0
    this.draw(frameOfSnapshot(snap, since, null))
  }

  private draw(frame: CapFrame): void {
    this.last = frame
    const p = this.palette
    const split = frame.partition !== null && frame.partition.length > 1
    const pending = new Set(frame.ops.filter((o) => o.status === 'pending').map((o) => o.node))

    this.replicas.forEach((r, i) => {
      const minority = inMinority(frame, i)
      const busy = pending.has(i)
      r.orb.style(p.replica, { glow: busy ? 0.75 : 0.4, halo: minority || busy ? 0.6 : 0 })
      // A cut-off replica keeps its colour (it is alive) but wears a red ring.
      if (minority) r.orb.halo.material.color.copy(p.fault)
      else if (busy) r.orb.halo.material.color.copy(p.client)
      r.label.setLines(replicaLines(frame, i)).tint(toneColor(minority ? 'fault' : 'replica'))
    })

    this.clients.forEach((c, i) => {
      const { lines, refused, idle } = clientLines(frame, i)
      c.bubble.setLines(lines).tint(toneColor(refused ? 'fault' : 'client'))
      c.bubble.element.style.opacity = idle ? '0.85' : ''
      c.orb.style(p.client, { glow: idle ? 0.3 : 0.6 })
      c.link.style(p.client, idle ? 0.25 : 0.55)
    })

    const walls = this.placeFaults(frame.partition)
    for (const { a, b, link } of this.links) {
      const cut = split && groupIndex(frame.partition, a) !== groupIndex(frame.partition, b)
      link.style(cut ? p.fault : p.muted, cut ? 0.18 : 0.4)
    }

    this.particles.begin()
    for (const m of frame.wire) {
      const a = this.replicas[m.from]?.position
      const b = this.replicas[m.to]?.position
      if (!a || !b) continue
      const [color, scale] = messageStyle(m.kind, p)
      const stop = m.dropped ? Math.max(0, crossingOf(walls, m.from, m.to) - 0.06) : 1
      arcPoint(a, b, Math.min(m.f, stop), 0.35, this.tmp)
      this.particles.put(this.tmp, m.dropped && m.f >= stop ? p.fault : color, scale)
    }
    // Dropped messages pile up on their sender's side of the wall (they "bounce").
    const piles = new Map<string, number>()
    for (const drop of frame.drops) {
      const a = this.replicas[drop.from]?.position
      const b = this.replicas[drop.to]?.position
      if (!a || !b) continue
      const k = `${drop.from}>${drop.to}`
      const slot = piles.get(k) ?? 0
      piles.set(k, slot + 1)
      const len = a.distanceTo(b)
      const f = Math.max(0, crossingOf(walls, drop.from, drop.to) - (0.16 + 0.24 * slot) / len)
      this.tmp.lerpVectors(a, b, f)
      this.tmp.y = ORB_Y + 0.1
      this.particles.put(this.tmp, p.fault, 0.9)
    }
    for (const cf of frame.clientFlights) {
      const r = this.replicas[cf.node]?.position
      const c = this.clients[cf.node]?.position
      if (!r || !c) continue
      if (cf.phase === 'request') arcPoint(c, r, cf.f, 0.25, this.tmp)
      else arcPoint(r, c, cf.f, 0.25, this.tmp)
      this.particles.put(this.tmp, cf.phase === 'request' ? p.client : cf.ok ? p.ok : p.fault, 1.15)
    }
    this.particles.end()

    this.emblem.update(frame.mode, split, p)
    this.modeLabel.setLines(modeLines(frame)).tint(toneColor(frame.mode === 'CP' ? 'follower' : 'leader'))
    const verdict = reconciliationLines(frame)
    this.verdict.visible = verdict.length > 0
    this.verdict.setLines(verdict).tint(toneColor('ok'))
  }

  /** Stand the fault walls between the groups; returns how each wall cuts the links. */
  private placeFaults(groups: CapFrame['partition']): Wall | null {
    for (const w of this.faults) w.visible = false
    if (!groups || groups.length < 2) return null
    const pos = (id: number) => this.replicas[id]!.position
    if (groups.length === 2) {
      const centre = (g: readonly number[]) => g.reduce((acc, id) => acc.add(pos(id)), new Vector3()).multiplyScalar(1 / Math.max(1, g.length))
      const a = centre(groups[0]!)
      const b = centre(groups[1]!)
      const mid = a.clone().add(b).multiplyScalar(0.5)
      const normal = b.clone().sub(a).setY(0).normalize()
      const wall = this.faults[0]!
      wall.visible = true
      wall.position.set(mid.x, 0, mid.z)
      wall.rotation.y = Math.atan2(normal.x, normal.z)
      wall.scale.set(FAULT_LENGTH, 1, 1)
      return {
        crossing: (from, to) => {
          const pa = pos(from)
          const along = pos(to).clone().sub(pa)
          const den = along.dot(normal)
          return den === 0 ? 0.5 : Math.min(1, Math.max(0, mid.clone().sub(pa).dot(normal) / den))
        },
      }
    }
    // Three or more groups: a ray from the middle out across each cut link, at its midpoint.
    const middle = centroid(this.replicas.length).setY(0)
    let used = 0
    for (const { a, b } of this.links) {
      if (groupIndex(groups, a) === groupIndex(groups, b) || used >= this.faults.length) continue
      const edgeMid = pos(a).clone().add(pos(b)).multiplyScalar(0.5).setY(0)
      const out = edgeMid.clone().sub(middle)
      const len = out.length() + FAULT_RAY_LENGTH / 2
      out.normalize()
      const wall = this.faults[used++]!
      wall.visible = true
      wall.position.copy(middle).addScaledVector(out, len / 2)
      wall.rotation.y = Math.atan2(-out.z, out.x)
      wall.scale.set(len, 1, 1)
    }
    return { crossing: () => 0.5 }
  }

  pickables(): Object3D[] {
    return this.replicas.map((r) => r.orb)
  }

  setPalette(palette: Palette): void {
    this.palette = palette
    this.scene.background = palette.background.clone()
    for (const f of this.faults) f.setColor(palette.fault)
    this.bandMaterial?.color.copy(palette.fault)
    this.disposeGrid()
    this.grid = this.makeGrid(palette)
    if (this.last) this.draw(this.last)
  }

  dispose(): void {
    this.d.dispose()
    this.disposeGrid()
    this.particles.dispose()
    for (const l of this.labels) l.element.remove()
    for (const el of this.emblem.labelElements()) el.remove()
    this.scene.clear()
  }
}

function groupIndex(groups: CapFrame['partition'], id: number): number {
  return groups ? groups.findIndex((g) => g.includes(id)) : 0
}

function crossingOf(walls: Wall | null, from: number, to: number): number {
  return walls ? walls.crossing(from, to) : 0.5
}

/** Queries grey, acknowledgements green, messages carrying a value purple (and larger). */
function messageStyle(kind: string, p: Palette): [Color, number] {
  switch (kind) {
    case 'query':
      return [p.muted, 0.85]
    case 'query-ok':
    case 'store-ok':
      return [p.ok, 0.8]
    default:
      return [p.replica, 1.15]
  }
}
