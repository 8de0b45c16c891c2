/**
 * Network partitions: two sub-clusters (side A left, side B right) on faint floor pads, a red
 * fault line between them while partitioned, packets as dots (golden heartbeats, orange vote
 * requests, purple replication, blue client writes) that die at the line and bounce back red.
 * Nodes are orbs in the role colours (golden primary, cyan follower, orange candidate, dark when
 * powered off); each has a box with its role, epoch and data (LWW stamps, vector clocks like
 * [1,0,0,0,0], CRDT slots). Fencing adds the shared disk, dual-ported across the line, showing the
 * token it accepts and flashing red when it refuses a stale primary; STONITH is a red bolt from
 * the primary that pulled the plug. Under the cluster, the verdict says how the sides' data meet.
 */
import { AmbientLight, BoxGeometry, Color, DirectionalLight, DoubleSide, GridHelper, Group, Mesh, MeshBasicMaterial, MeshStandardMaterial, PerspectiveCamera, PlaneGeometry, Scene, Vector3, type Object3D } from 'three'
import type { PartitionSnapshot } from '../../sim/partition/snapshot.ts'
import type { NodeId } from '../../sim/trace.ts'
import { Disposer } from '../primitives/disposer.ts'
import { Orb } from '../primitives/orb.ts'
import { Particles, arcPoint } from '../primitives/particles.ts'
import { Link, linkGeometry } from '../primitives/link.ts'
import { FaultLine } from '../primitives/fault-line.ts'
import { RichLabel, line } from '../primitives/rich-label.ts'
import { StorageStack } from '../primitives/storage-stack.ts'
import { lerp } from '../ease.ts'
import type { Palette } from '../palette.ts'
import type { SceneView, ViewContext, CameraPose } from '../types.ts'
import { staticFrame, transitionFrame, type Frame, type Packet } from './partition/frame.ts'
import { nodeBox, headline, sideCaption, verdict } from './partition/text.ts'
import {
  ORB_RADIUS, LINE_Z, LINE_HEIGHT, DISK, DISK_SIZE, DISK_LABEL, PORTS, CAPTION_Z, HEADLINE_Z, VERDICT, nodePositions, boxAnchor,
} from './partition/layout.ts'

const PARTICLES = 96
const LIFT = 0.35

interface NodeParts {
  orb: Orb
  box: RichLabel
  position: Vector3
  side: number
}

export function createView(ctx: ViewContext): SceneView {
  return new PartitionView(ctx)
}

class PartitionView implements SceneView {
  readonly scene = new Scene()
  readonly camera = new PerspectiveCamera(34, 1.3, 0.1, 100)
  readonly home: CameraPose = { position: new Vector3(0, 8.3, 4.5), target: new Vector3(0, 0, 0.05) }
  private readonly d = new Disposer()
  private readonly scenario: ViewContext['scenario']
  private palette: Palette
  private grid: GridHelper
  private readonly nodes: NodeParts[] = []
  private readonly links: { a: number; b: number; link: Link }[] = []
  private readonly san: { node: number; port: string; link: Link }[] = []
  private readonly pads: Mesh<PlaneGeometry, MeshBasicMaterial>[] = []
  private readonly particles: Particles
  private readonly fault: FaultLine
  private readonly rift: Mesh<PlaneGeometry, MeshBasicMaterial>
  private readonly bolt: Link
  private readonly boltLabel: RichLabel
  private readonly headline: RichLabel
  private readonly captions: RichLabel[] = []
  private readonly verdict: RichLabel
  private readonly disk: { drum: StorageStack; ports: Mesh<BoxGeometry, MeshStandardMaterial>[]; label: RichLabel } | null
  private readonly labels: RichLabel[] = []
  private readonly stamps: boolean
  private readonly tmp = new Vector3()
  private readonly tmpColor = new Color()

  constructor(ctx: ViewContext) {
    this.scenario = ctx.scenario
    this.palette = ctx.palette
    const p = this.palette
    const first = this.scenario.stateAt('start') as PartitionSnapshot
    // LWW's wall-clock stamps are the point of the LWW slide; elsewhere they would only add noise.
    this.stamps = first.resolution === 'lww' && this.scenario.name !== 'split-brain'
    this.scene.background = p.background.clone()
    this.scene.add(new AmbientLight(0xffffff, 1.4))
    const sun = new DirectionalLight(0xffffff, 1.6)
    sun.position.set(3, 8, 5)
    this.scene.add(sun)
    this.grid = this.makeGrid()

    const world = new Group()
    this.scene.add(world)

    // The two sub-clusters' floor pads.
    const padGeo = this.d.track(new PlaneGeometry(3.3, LINE_Z.front - LINE_Z.back + 0.2))
    for (const side of [0, 1]) {
      const pad = new Mesh(padGeo, this.d.track(new MeshBasicMaterial({ color: p.follower, transparent: true, opacity: 0.06, side: DoubleSide, depthWrite: false })))
      pad.rotation.x = -Math.PI / 2
      pad.position.set(side === 0 ? -1.9 : 1.9, 0.005, (LINE_Z.front + LINE_Z.back) / 2)
      this.pads.push(pad)
      world.add(pad)
    }

    const positions = nodePositions(first.sides)
    first.nodes.forEach((n) => {
      const position = positions[n.id]!
      const orb = new Orb(this.d, ORB_RADIUS, p.follower)
      orb.position.copy(position)
      orb.userData.pick = { node: n.id }
      const { position: at, anchor } = boxAnchor(position, n.side)
      const box = this.label('normal', anchor)
      box.position.copy(at)
      world.add(orb, box)
      this.nodes.push({ orb, box, position, side: n.side })
    })
    const linkGeo = linkGeometry(this.d, 0.02)
    for (let a = 0; a < this.nodes.length; a++) {
      for (let b = a + 1; b < this.nodes.length; b++) {
        const link = new Link(this.d, linkGeo, p.muted, 0.3)
        link.between(this.nodes[a]!.position, this.nodes[b]!.position)
        world.add(link)
        this.links.push({ a, b, link })
      }
    }

    this.fault = new FaultLine(this.d, LINE_Z.front - LINE_Z.back, LINE_HEIGHT, p.fault)
    this.fault.rotation.y = Math.PI / 2
    this.fault.position.set(0, 0, (LINE_Z.front + LINE_Z.back) / 2)
    // Seen from above the wall is edge-on: a red band on the floor makes the fault read as a rift.
    this.rift = new Mesh(this.d.track(new PlaneGeometry(0.26, LINE_Z.front - LINE_Z.back)), this.d.track(new MeshBasicMaterial({ color: p.fault, transparent: true, opacity: 0.3, side: DoubleSide, depthWrite: false })))
    this.rift.rotation.x = -Math.PI / 2
    this.rift.position.set(0, 0.01, (LINE_Z.front + LINE_Z.back) / 2)
    world.add(this.fault, this.rift)

    this.headline = this.label('normal', [0.5, 0.5])
    this.headline.position.set(0, 0, HEADLINE_Z)
    world.add(this.headline)
    for (const side of [0, 1]) {
      const caption = this.label('small', [0.5, 0.5])
      caption.position.set(side === 0 ? -1.75 : 1.75, 0, CAPTION_Z)
      this.captions.push(caption)
      world.add(caption)
    }

    this.bolt = new Link(this.d, linkGeometry(this.d, 0.045), p.fault, 0.9)
    this.bolt.visible = false
    this.boltLabel = this.label(['small', 'fault'], [0.5, 1])
    world.add(this.bolt, this.boltLabel)

    this.verdict = this.label('normal', [0.5, 0])
    this.verdict.position.copy(VERDICT)
    world.add(this.verdict)

    if (first.data === 'shared-disk') {
      const drum = new StorageStack(this.d, DISK_SIZE.width, DISK_SIZE.depth, DISK_SIZE.height, p.replica)
      drum.position.copy(DISK)
      const portGeo = this.d.track(new BoxGeometry(0.16, 0.16, 0.16))
      const ports = Object.values(PORTS).map((at) => {
        const port = new Mesh(portGeo, this.d.track(new MeshStandardMaterial({ color: p.muted, roughness: 0.5 })))
        port.position.copy(at)
        world.add(port)
        return port
      })
      const label = this.label('normal', [0, 0.5])
      label.position.copy(DISK_LABEL)
      world.add(drum, label)
      this.disk = { drum, ports, label }
      // SAN cables: each node reaches the disk through its own side's port.
      first.nodes.forEach((n) => {
        const port = n.side === 0 ? 'disk-a' : 'disk-b'
        const link = new Link(this.d, linkGeo, p.replica, 0.3)
        link.between(this.nodes[n.id]!.position, PORTS[port]!)
        world.add(link)
        this.san.push({ node: n.id, port, link })
      })
    } else {
      this.disk = null
    }

    this.particles = new Particles(this.d, PARTICLES, 0.085)
    world.add(this.particles)
  }

  private label(style: ConstructorParameters<typeof RichLabel>[0], anchor: [number, number]): RichLabel {
    const l = new RichLabel(style, anchor)
    this.labels.push(l)
    return l
  }

  private makeGrid(): GridHelper {
    const grid = new GridHelper(16, 32, this.palette.grid, this.palette.grid)
    grid.position.y = -0.01
    this.scene.add(grid)
    return grid
  }

  show(from: string | null, to: string, t: number): void {
    const end = this.scenario.stateAt(to) as PartitionSnapshot
    if (from === null || from === to || t >= 1) {
      this.draw(staticFrame(end))
      return
    }
    const start = this.scenario.stateAt(from) as PartitionSnapshot
    const time = lerp(start.now, end.now, t)
    this.draw(transitionFrame(start, end, this.scenario.eventsBetween(from, to), time))
  }

  showSnapshot(snapshot: unknown): void {
    this.draw(staticFrame(snapshot as PartitionSnapshot))
  }

  private draw(frame: Frame): void {
    const p = this.palette
    const snap = frame.snap
    snap.nodes.forEach((n, i) => {
      const parts = this.nodes[i]
      if (!parts) return
      const color = n.role === 'primary' ? p.leader : n.role === 'candidate' ? p.candidate : n.role === 'stopped' ? p.muted : p.follower
      const alive = n.role !== 'stopped'
      parts.orb.style(color, { alive, glow: n.role === 'primary' ? 0.85 : 0.35, halo: n.role === 'primary' ? 0.6 : n.role === 'candidate' ? 0.35 : 0 })
      parts.box.set(nodeBox(snap, i, { stamps: this.stamps })).tint(n.role === 'primary' ? 'leader' : n.role === 'stopped' ? 'fault' : n.role === 'candidate' ? 'candidate' : '')
    })

    // Links: faint inside a side; across the line they turn red and almost vanish.
    const sideOf = (id: number) => snap.nodes[id]?.side ?? 0
    for (const { a, b, link } of this.links) {
      const off = snap.nodes[a]?.role === 'stopped' || snap.nodes[b]?.role === 'stopped'
      if (snap.partitioned && sideOf(a) !== sideOf(b)) link.style(p.fault, 0.1)
      else link.style(p.muted, off ? 0.08 : 0.28)
    }
    for (const { node, link } of this.san) link.style(p.replica, snap.nodes[node]?.role === 'stopped' ? 0.08 : 0.35)
    this.fault.visible = snap.partitioned
    this.rift.visible = snap.partitioned
    this.headline.set(headline(snap))
    this.captions.forEach((c, side) => c.set(sideCaption(snap, side)))
    this.drawStonith(snap)
    this.drawDisk(snap)
    const v = verdict(snap, { stamps: this.stamps })
    this.verdict.visible = v.length > 0
    this.verdict.set(v)
    this.drawPackets(frame)
  }

  /** A powered-off node: a red bolt from the primary that pulled the plug (the other side's, else any). */
  private drawStonith(snap: PartitionSnapshot): void {
    const off = snap.nodes.find((n) => n.role === 'stopped')
    const by = off ? snap.primaries.find((id) => snap.nodes[id]!.side !== off.side) ?? snap.primaries[0] : undefined
    if (!off || by === undefined) {
      this.bolt.visible = false
      this.boltLabel.visible = false
      return
    }
    const a = this.nodes[by]!.position
    const b = this.nodes[off.id]!.position
    this.bolt.between(a, b)
    this.bolt.style(this.palette.fault, 0.9)
    this.boltLabel.visible = true
    // Along the bolt past the line, near the node it switched off (clear of the packets at the line).
    this.boltLabel.position.lerpVectors(a, b, 0.72)
    this.boltLabel.position.y += 0.2
    this.boltLabel.set([line([{ text: 'STONITH: power cut', bold: true, tone: 'fault' }])])
  }

  private drawDisk(snap: PartitionSnapshot): void {
    if (!this.disk) return
    const s = snap.storage
    const p = this.palette
    const refused = !!s?.last && !s.last.accepted
    this.disk.drum.style(p.replica, refused ? { color: p.fault, strength: 1 } : null)
    for (const port of this.disk.ports) port.material.color.copy(p.muted)
    if (!s) return
    const entry = s.data[0]
    const lines = [
      line([{ text: 'shared disk', bold: true }, { text: ' · accepts token ≥ ', tone: 'muted' }, { text: String(s.highestToken), bold: true, tone: 'leader' }]),
      line(entry ? [{ text: `${entry.key} = ` }, { text: entry.value, bold: true }, { text: ` (token ${entry.token}, n${entry.by})`, tone: 'muted' }] : [{ text: 'empty', tone: 'muted' }], true),
    ]
    if (refused && s.last) {
      lines.push(line([{ text: `✗ REJECTED n${s.last.by}’s write: token ${s.last.token} < ${s.last.highest}`, tone: 'fault', bold: true }], true))
    } else if (s.rejected > 0) {
      lines.push(line([{ text: `${s.rejected} stale write${s.rejected === 1 ? '' : 's'} rejected`, tone: 'fault' }], true))
    }
    this.disk.label.set(lines).tint(refused ? 'fault' : '')
  }

  private position(id: NodeId): Vector3 | null {
    if (typeof id === 'number') return this.nodes[id]?.position ?? null
    return PORTS[id] ?? null
  }

  /** Where a path from a to b crosses the fault line (x = 0), as a fraction; null if it does not. */
  private static crossing(a: Vector3, b: Vector3): number | null {
    return a.x * b.x < 0 ? a.x / (a.x - b.x) : null
  }

  private drawPackets(frame: Frame): void {
    const p = this.palette
    const c = this.tmpColor
    this.particles.begin()
    for (const pk of frame.packets) {
      const a = this.position(pk.from)
      const b = this.position(pk.to)
      if (!a || !b) continue
      const cross = PartitionView.crossing(a, b)
      // A packet that will die at the line only gets as far as the line.
      const along = pk.doomed && cross !== null ? pk.f * cross : pk.f
      arcPoint(a, b, along, LIFT, this.tmp)
      c.copy(this.packetColor(pk))
      if (pk.doomed) c.lerp(p.fault, Math.max(0, (pk.f - 0.6) / 0.4))
      this.particles.put(this.tmp, c, pk.kind === 'heartbeat' ? 0.85 : 1.1)
    }
    for (const bo of frame.bounces) {
      const a = this.position(bo.from)
      const b = this.position(bo.to)
      if (!a || !b) continue
      const cross = PartitionView.crossing(a, b) ?? 0.9
      // Dead at the line, it bounces back towards its sender and shrinks away.
      arcPoint(a, b, cross * (1 - 0.4 * bo.age), LIFT, this.tmp)
      this.particles.put(this.tmp, p.fault, 1.25 - 0.6 * bo.age)
    }
    for (const cw of frame.clients) {
      const node = this.nodes[cw.node]
      if (!node) continue
      this.tmp.copy(node.position)
      this.tmp.y += (1 - cw.f) * 2.2
      this.particles.put(this.tmp, p.client, 1.4)
    }
    this.particles.end()
  }

  private packetColor(pk: Packet): Color {
    const p = this.palette
    switch (pk.kind) {
      case 'heartbeat':
      case 'fence':
        return p.leader
      case 'vote-request':
        return p.candidate
      case 'vote':
        return p.ok
      case 'replicate':
      case 'sync':
        return p.replica
      case 'disk-write':
        return p.client
      case 'disk-reply':
        return pk.refused ? p.fault : p.ok
      case 'stale':
        return p.fault
      default:
        return p.text
    }
  }

  pickables(): Object3D[] {
    return this.nodes.map((n) => n.orb)
  }

  setPalette(palette: Palette): void {
    this.palette = palette
    this.scene.background = palette.background.clone()
    this.fault.setColor(palette.fault)
    this.rift.material.color.copy(palette.fault)
    for (const pad of this.pads) pad.material.color.copy(palette.follower)
    this.scene.remove(this.grid)
    this.disposeGrid()
    this.grid = this.makeGrid()
  }

  private disposeGrid(): void {
    this.grid.geometry.dispose()
    ;(Array.isArray(this.grid.material) ? this.grid.material : [this.grid.material]).forEach((m) => m.dispose())
  }

  dispose(): void {
    this.d.dispose()
    this.disposeGrid()
    this.particles.dispose()
    for (const l of this.labels) l.destroy()
    this.scene.clear()
  }
}
