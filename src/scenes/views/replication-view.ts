/**
 * Replication: a client (blue), the primary (cyan) and its replicas (purple) at the back; in
 * front, a table of logs on the floor, one row per machine and one column per write:
 *
 * - client row: what the client was told — faint blue while it waits, green once acknowledged,
 *   red when it reads back and finds an acknowledged write gone;
 * - node rows: the entries each node holds, in its role colour (faint until the client has been
 *   told), flat red tiles for entries a replica still lacks (lag), red blocks for acknowledged
 *   writes the current primary never had (lost at a failover).
 *
 * Messages fly as particles (write blue, replicate cyan, acks and the client's "ok" green);
 * entries queued at the primary for a slow link wait as small beads at the start of that link.
 * The client wears a ring that fills while it waits; under semi-sync the primary wears the
 * timeout ring that drains until it falls back to async. Red badges say how far a replica is
 * behind; the client's label carries the measured write latency.
 */
import { AmbientLight, Color, DirectionalLight, DoubleSide, GridHelper, Group, Mesh, MeshBasicMaterial, PerspectiveCamera, PlaneGeometry, Scene, Vector3, type Object3D } from 'three'
import type { ReplicationSnapshot } from '../../sim/replication/snapshot.ts'
import type { NodeId } from '../../sim/trace.ts'
import { Disposer } from '../primitives/disposer.ts'
import { Orb } from '../primitives/orb.ts'
import { Label } from '../primitives/labels.ts'
import { Particles, arcPoint } from '../primitives/particles.ts'
import { Link, linkGeometry } from '../primitives/link.ts'
import { TimerRing } from '../primitives/timer-ring.ts'
import { FaultLine } from '../primitives/fault-line.ts'
import { StatusStrips } from '../primitives/status-strips.ts'
import { flights, inFlightAt } from '../flight.ts'
import { lerp } from '../ease.ts'
import type { Palette } from '../palette.ts'
import type { SceneView, ViewContext, CameraPose } from '../types.ts'
import { frameOf, interpolate, wireOf, type Frame, type FrameNode } from './replication/frame.ts'
import { CLIENT_POS, CLIENT_RADIUS, COLUMNS, NODE_RADIUS, ORB_Y, TABLE, nodePosition, rowZ } from './replication/layout.ts'

/** One full turn of the client's waiting ring, ms (a sync write here takes ~27 ms). */
const WAIT_RING_MS = 30
const QUEUE_BEADS = 8
/** How much a colour fades toward the background to read as "not yet" (pending, missing). */
const FAINT = 0.6

interface NodeParts {
  orb: Orb
  label: Label
  badge: Label
  position: Vector3
}

export function createView(ctx: ViewContext): SceneView {
  return new ReplicationView(ctx)
}

class ReplicationView implements SceneView {
  readonly scene = new Scene()
  readonly camera = new PerspectiveCamera(36, 4 / 3, 0.1, 100)
  readonly home: CameraPose = { position: new Vector3(0, 9.8, 5.0), target: new Vector3(0, 0, -0.95) }
  private readonly d = new Disposer()
  private readonly scenario: ViewContext['scenario']
  private palette: Palette
  private grid: GridHelper
  private readonly nodes: NodeParts[] = []
  private readonly client: { orb: Orb; name: Label; label: Label; ring: TimerRing }
  private readonly timeoutRing: TimerRing
  /** Links: client→node i at index i, node pairs after (a < b). */
  private readonly clientLinks: Link[] = []
  private readonly nodeLinks: { a: number; b: number; link: Link }[] = []
  private readonly particles: Particles
  private readonly queue: Particles
  private readonly strips: StatusStrips
  private readonly rowLabels: Label[] = []
  /** Column headers: the write id of each column (w1, w2, ...). */
  private readonly columnLabels: Label[] = []
  private readonly modeLabel: Label
  private readonly fault: FaultLine
  private readonly band: Mesh<PlaneGeometry, MeshBasicMaterial>
  private readonly tmp = new Vector3()
  private readonly tmp2 = new Vector3()
  private readonly tmp3 = new Vector3()
  private readonly tmp4 = new Vector3()
  private readonly colour = new Color()

  constructor(ctx: ViewContext) {
    this.scenario = ctx.scenario
    this.palette = ctx.palette
    const p = this.palette
    const count = (this.scenario.stateAt('start') as ReplicationSnapshot).nodes.length
    this.scene.background = p.background.clone()
    this.scene.add(new AmbientLight(0xffffff, 1.4))
    const sun = new DirectionalLight(0xffffff, 1.6)
    sun.position.set(3, 8, 5)
    this.scene.add(sun)
    this.grid = this.makeGrid(p)

    const world = new Group()
    this.scene.add(world)
    const linkGeo = linkGeometry(this.d, 0.03)

    const clientOrb = new Orb(this.d, CLIENT_RADIUS, p.client)
    clientOrb.position.copy(CLIENT_POS)
    // The client's name to its left (above, it would meet the primary's name); what it was told
    // (waiting, ok in N ms, writes lost) below it.
    const clientName = new Label('client', 'strong')
    clientName.position.set(CLIENT_POS.x - CLIENT_RADIUS - 0.45, ORB_Y, CLIENT_POS.z)
    const clientLabel = new Label('', 'normal')
    clientLabel.position.set(CLIENT_POS.x + 0.15, 0, CLIENT_POS.z + CLIENT_RADIUS + 0.5)
    const ring = new TimerRing(this.d, CLIENT_RADIUS * 1.5, CLIENT_RADIUS * 1.8, p.client)
    ring.position.set(CLIENT_POS.x, 0.02, CLIENT_POS.z)
    world.add(clientOrb, clientName, clientLabel, ring)
    this.client = { orb: clientOrb, name: clientName, label: clientLabel, ring }

    for (let i = 0; i < count; i++) {
      const position = nodePosition(i, count)
      const orb = new Orb(this.d, NODE_RADIUS, i === 0 ? p.follower : p.replica)
      orb.position.copy(position)
      orb.userData.pick = { node: i }
      const label = new Label(`node ${i}`, 'strong')
      label.position.set(position.x, ORB_Y + NODE_RADIUS + 0.55, position.z)
      const badge = new Label('', 'small')
      // Under the orb, unless another replica sits lower on the diagonal: then to its right.
      // The primary's goes below right, clear of the client's label below the client.
      if (i > 0 && i < count - 1) badge.position.set(position.x + NODE_RADIUS + 0.85, ORB_Y, position.z)
      else if (i === 0) badge.position.set(position.x + 0.55, 0, position.z + NODE_RADIUS + 0.4)
      else badge.position.set(position.x, 0, position.z + NODE_RADIUS + 0.42)
      world.add(orb, label, badge)
      this.nodes.push({ orb, label, badge, position })
      const link = new Link(this.d, linkGeo, p.client, 0.5)
      link.between(CLIENT_POS, position)
      world.add(link)
      this.clientLinks.push(link)
    }
    for (let a = 0; a < count; a++) {
      for (let b = a + 1; b < count; b++) {
        const pa = this.nodes[a]!.position
        const pb = this.nodes[b]!.position
        const link = new Link(this.d, linkGeo, p.muted, 0.4)
        link.between(pa, pb)
        world.add(link)
        this.nodeLinks.push({ a, b, link })
      }
    }
    this.timeoutRing = new TimerRing(this.d, NODE_RADIUS * 1.45, NODE_RADIUS * 1.7, p.candidate)
    world.add(this.timeoutRing)

    this.particles = new Particles(this.d, 48, 0.1)
    this.queue = new Particles(this.d, QUEUE_BEADS * count, 0.085)
    world.add(this.particles, this.queue)

    this.strips = new StatusStrips(this.d, (count + 1) * COLUMNS, {
      origin: (row, out) => out.set(TABLE.firstX, TABLE.y, rowZ(row)),
      pitch: TABLE.pitch,
      block: TABLE.block,
    })
    world.add(this.strips)
    for (let row = 0; row <= count; row++) {
      const label = new Label(row === 0 ? 'client' : `node ${row - 1}`, 'small')
      label.position.set(TABLE.labelX, TABLE.y, rowZ(row))
      world.add(label)
      this.rowLabels.push(label)
    }
    for (let col = 1; col <= COLUMNS; col++) {
      const label = new Label('', 'small')
      label.position.set(TABLE.firstX + (col - 1) * TABLE.pitch, TABLE.y, rowZ(0) - 0.45)
      world.add(label)
      this.columnLabels.push(label)
    }
    this.modeLabel = new Label('', 'normal')
    this.modeLabel.position.set(0, 0, rowZ(count + 1) - 0.05)
    world.add(this.modeLabel)

    this.fault = new FaultLine(this.d, 3.4, 1.4, p.fault)
    this.fault.visible = false
    // The camera looks down nearly along the wall when it stands between primary and replicas:
    // a red band on the floor keeps the partition visible from any side.
    this.band = new Mesh(this.d.track(new PlaneGeometry(3.4, 0.28)), this.d.track(new MeshBasicMaterial({ color: p.fault, transparent: true, opacity: 0.55, depthWrite: false, side: DoubleSide })))
    this.band.rotation.x = -Math.PI / 2
    this.band.position.y = 0.02
    this.fault.add(this.band)
    world.add(this.fault)
  }

  private makeGrid(p: Palette): GridHelper {
    const grid = new GridHelper(16, 32, p.grid, p.grid)
    grid.position.y = -0.01
    this.scene.add(grid)
    return grid
  }

  show(from: string | null, to: string, t: number): void {
    const target = this.scenario.stateAt(to) as ReplicationSnapshot
    if (from === null || from === to || t >= 1) {
      this.draw(frameOf(target, wireOf(target)))
      return
    }
    const start = this.scenario.stateAt(from) as ReplicationSnapshot
    const time = lerp(start.now, target.now, t)
    const events = this.scenario.eventsBetween(from, to)
    const all = flights(events, start.inFlight)
    this.draw(interpolate(start, target, events, all, time, inFlightAt(all, time)))
  }

  showSnapshot(snapshot: unknown): void {
    const snap = snapshot as ReplicationSnapshot
    this.draw(frameOf(snap, wireOf(snap)))
  }

  private draw(f: Frame): void {
    const p = this.palette
    const primary = f.nodes[f.primary]
    const primaryLog = new Set(primary?.log ?? [])
    const lost = new Set<number>(f.failover?.lostAcknowledged ?? [])
    for (const w of f.writes) if (w.status === 'lost') lost.add(w.id)
    const status = new Map(f.writes.map((w) => [w.id, w.status]))
    const pending = f.writes.filter((w) => w.status === 'pending')
    const oldest = pending[0]
    const replicaSet = f.nodes.filter((n) => n.id !== f.primary && n.acked !== null)

    // ---- nodes ----
    f.nodes.forEach((node, i) => {
      const parts = this.nodes[i]
      if (!parts) return
      const colour = this.roleColour(node)
      const isPrimary = node.id === f.primary
      parts.orb.style(node.alive ? colour : p.fault, { alive: node.alive, glow: isPrimary ? 0.75 : 0.35, halo: isPrimary && node.alive ? 0.5 : 0 })
      // A replica's link lag is why it trails: name it with the replica.
      const role = !node.alive ? 'crashed' : isPrimary ? 'primary' : `replica · link +${Math.round(node.linkLagMs)} ms`
      parts.label.set(`node ${i} · ${role}`).tint(cssOf(node.alive ? colour : p.fault))
      setFault(parts.label, !node.alive)
      this.badge(parts.badge, f, node, primary, replicaSet.length)
    })

    // ---- client ----
    const last = f.writes.at(-1)
    const acked = f.writes.filter((w) => w.ackedAt !== null)
    const lostCount = f.writes.filter((w) => w.status === 'lost').length
    let clientText = ''
    if (lostCount > 0) clientText = `${lostCount} acked ${lostCount === 1 ? 'write' : 'writes'} lost`
    else if (oldest) clientText = `waiting ${ms(f.time - oldest.invokedAt)}`
    else if (last?.ackedAt != null) {
      // The measured write latency: the last write's, and the mean once there are several.
      const latest = `ok in ${ms(last.ackedAt - last.invokedAt)}`
      clientText = acked.length > 1 ? `${latest} · mean ${ms(mean(acked.map((w) => w.ackedAt! - w.invokedAt)))}` : latest
    }
    this.client.label.visible = clientText !== ''
    this.client.label.set(clientText).tint(cssOf(lostCount > 0 ? p.fault : p.client))
    this.client.name.tint(cssOf(p.client))
    setFault(this.client.label, lostCount > 0)
    this.client.orb.style(p.client, { glow: oldest ? 0.7 : 0.4 })
    this.client.ring.material.color.copy(p.client)
    this.client.ring.setFraction(oldest ? (f.time - oldest.invokedAt) / WAIT_RING_MS : 0)

    // Semi-sync's timeout drains around the primary while it waits for an ack.
    const waitingSemi = f.semiSync?.active && oldest && primary?.alive
    if (waitingSemi && primary) {
      const pos = this.nodes[primary.id]!.position
      this.timeoutRing.position.set(pos.x, 0.02, pos.z)
      this.timeoutRing.material.color.copy(p.candidate)
      this.timeoutRing.setFraction(1 - (f.time - oldest.invokedAt) / f.semiSync!.timeoutMs)
    } else {
      this.timeoutRing.setFraction(0)
    }

    // ---- links ----
    f.nodes.forEach((node, i) => {
      const link = this.clientLinks[i]!
      if (i !== f.primary) link.style(p.client, 0)
      else link.style(split(f.partition, 'client', i) ? p.fault : p.client, node.alive ? 0.55 : 0.15)
    })
    for (const { a, b, link } of this.nodeLinks) {
      const replica = a === f.primary ? f.nodes[b] : b === f.primary ? f.nodes[a] : undefined
      if (!replica || !primary) {
        link.style(p.muted, 0)
        continue
      }
      const cut = split(f.partition, a, b)
      link.style(cut ? p.fault : p.muted, cut ? 0.3 : replica.alive && primary.alive ? 0.5 : 0.15)
    }
    this.placeFault(f.partition)

    // ---- messages in flight, and entries queued at the primary ----
    this.particles.begin()
    for (const { flight, f: along } of f.wire) {
      const a = this.positionOf(flight.from)
      const b = this.positionOf(flight.to)
      if (!a || !b) continue
      const [colour, scale] = this.messageStyle(flight.kind)
      // From surface to surface: a message just sent (as at many checkpoints) is already visible.
      const dir = this.tmp2.subVectors(b, a).normalize()
      const start = this.tmp3.copy(a).addScaledVector(dir, radiusOf(flight.from) + 0.12)
      const end = this.tmp4.copy(b).addScaledVector(dir, -radiusOf(flight.to) - 0.12)
      // A dropped message stops halfway and turns red: it hits the partition.
      const k = flight.dropped ? Math.min(along, 0.5) : along
      arcPoint(start, end, k, 0.45, this.tmp)
      this.particles.put(this.tmp, flight.dropped && along > 0.45 ? p.fault : colour, scale)
    }
    this.particles.end()
    this.queue.begin()
    if (primary) {
      const from = this.nodes[primary.id]!.position
      for (const node of f.nodes) {
        if (node.id === primary.id || node.backlog <= 0) continue
        const to = this.nodes[node.id]!.position
        const dir = this.tmp.subVectors(to, from).normalize()
        this.colour.copy(this.roleColour(primary))
        for (let k = 0; k < Math.min(QUEUE_BEADS, node.backlog); k++) {
          const at = from.clone().addScaledVector(dir, NODE_RADIUS + 0.3 + k * 0.22)
          this.queue.put(at, this.colour)
        }
      }
    }
    this.queue.end()

    // ---- the log table ----
    let maxId = 0
    for (const w of f.writes) maxId = Math.max(maxId, w.id)
    for (const n of f.nodes) for (const id of n.log) maxId = Math.max(maxId, id)
    const first = Math.max(1, maxId - COLUMNS + 1)
    const bg = p.background
    this.strips.begin()
    for (const w of f.writes) {
      if (w.id < first) continue
      const col = w.id - first + 1
      if (w.status === 'pending') this.strips.block(0, col, this.colour.copy(p.client).lerp(bg, 0.45))
      else if (w.status === 'acked') this.strips.block(0, col, this.colour.copy(p.ok))
      else if (w.status === 'lost') this.strips.block(0, col, this.colour.copy(p.fault))
      else this.strips.block(0, col, this.colour.copy(p.muted).lerp(bg, FAINT), 0.3)
    }
    f.nodes.forEach((node, i) => {
      const row = i + 1
      const held = new Set(node.log)
      const colour = this.roleColour(node)
      for (let id = first; id <= maxId; id++) {
        const col = id - first + 1
        if (held.has(id)) {
          if (lost.has(id)) this.colour.copy(p.fault)
          else {
            this.colour.copy(colour)
            if (status.get(id) === 'pending') this.colour.lerp(bg, FAINT)
          }
          // A dead node's copy is out of reach: grey, except the lost writes it alone holds.
          if (!node.alive && !lost.has(id)) this.colour.copy(p.muted).lerp(bg, 0.45)
          this.strips.block(row, col, this.colour)
        } else if ((node.alive && node.id !== f.primary && primaryLog.has(id)) || (node.id === f.primary && lost.has(id))) {
          // A slot: the primary has it and this replica not yet (lag), or an acknowledged
          // write the (new) primary never had (a hole where it should be).
          this.strips.block(row, col, this.colour.copy(p.fault).lerp(bg, 0.3), 0.2, 0.45)
        }
      }
      const rowLabel = this.rowLabels[row]!
      rowLabel.set(`node ${i}`).tint(cssOf(node.alive ? colour : p.fault))
    })
    this.strips.end()
    this.rowLabels[0]!.set('client').tint(cssOf(p.client))
    this.columnLabels.forEach((label, k) => {
      const id = first + k
      label.visible = id <= maxId
      label.set(`w${id}`)
    })

    // ---- the mode, as a caption under the table ----
    const replicas = replicaSet.length
    let mode: string
    if (f.mode === 'sync') mode = `sync: ok only when all ${replicas} replicas have it`
    else if (f.mode === 'async') mode = 'async: ok as soon as the primary has it'
    else if (f.semiSync?.active) mode = `semi-sync: ok when ${f.semiSync.acks} replica has it (timeout ${seconds(f.semiSync.timeoutMs)})`
    else mode = `semi-sync timed out after ${seconds(f.semiSync?.timeoutMs ?? 0)}: now async`
    this.modeLabel.set(mode)
    setFault(this.modeLabel, f.mode === 'semi-sync' && !f.semiSync?.active)
  }

  /** Under a node: how far a replica trails, or how many acks the primary still waits for. */
  private badge(badge: Label, f: Frame, node: FrameNode, primary: FrameNode | undefined, replicas: number): void {
    const isPrimary = node.id === f.primary
    let text = ''
    let fault = false
    if (!node.alive) {
      text = ''
    } else if (isPrimary) {
      const waiting = f.writes.find((w) => w.status === 'pending')
      const lsn = waiting ? node.log.indexOf(waiting.id) + 1 : 0
      const need = f.mode === 'sync' ? replicas : f.semiSync?.active ? f.semiSync.acks : 0
      if (waiting && lsn > 0 && need > 0) {
        const got = f.nodes.filter((n) => n.id !== node.id && n.acked !== null && n.acked >= lsn).length
        text = `acks ${Math.min(got, need)}/${need}`
      }
    } else if (primary) {
      const behind = primary.log.filter((id) => !node.log.includes(id)).length
      if (behind > 0) {
        fault = true
        text = `${behind} behind${node.lagMs ? ` · ${ms(node.lagMs)}` : ''}`
      } else if (primary.log.length > 0) {
        text = 'up to date'
      }
    }
    badge.visible = text !== ''
    badge.set(text)
    setFault(badge, fault)
  }

  private roleColour(node: FrameNode): Color {
    return node.role === 'primary' ? this.palette.follower : this.palette.replica
  }

  private positionOf(id: NodeId): Vector3 | undefined {
    return id === 'client' ? CLIENT_POS : this.nodes[Number(id)]?.position
  }

  private messageStyle(kind: string): [Color, number] {
    const p = this.palette
    switch (kind) {
      case 'write':
        return [p.client, 1.1]
      case 'replicate':
        return [p.follower, 1]
      case 'ack':
        return [p.ok, 0.8]
      case 'write-ok':
        return [p.ok, 1.3]
      default:
        return [p.text, 0.9]
    }
  }

  private placeFault(groups: readonly (readonly NodeId[])[] | null): void {
    if (!groups || groups.length < 2) {
      this.fault.visible = false
      return
    }
    const centroid = (g: readonly NodeId[]) => g.reduce((acc, id) => acc.add(this.positionOf(id) ?? new Vector3()), new Vector3()).multiplyScalar(1 / Math.max(1, g.length))
    const [g0, g1] = [...groups].sort((x, y) => y.length - x.length)
    const a = centroid(g0!)
    const b = centroid(g1!)
    const mid = a.clone().add(b).multiplyScalar(0.5)
    const dir = b.clone().sub(a)
    this.fault.visible = true
    this.fault.position.set(mid.x, 0, mid.z)
    this.fault.rotation.y = Math.atan2(dir.x, dir.z)
  }

  pickables(): Object3D[] {
    return this.nodes.map((n) => n.orb)
  }

  setPalette(palette: Palette): void {
    this.palette = palette
    this.scene.background = palette.background.clone()
    this.fault.setColor(palette.fault)
    this.band.material.color.copy(palette.fault)
    this.disposeGrid()
    this.grid = this.makeGrid(palette)
  }

  private disposeGrid(): void {
    this.scene.remove(this.grid)
    this.grid.geometry.dispose()
    ;(Array.isArray(this.grid.material) ? this.grid.material : [this.grid.material]).forEach((m) => m.dispose())
  }

  dispose(): void {
    this.d.dispose()
    this.disposeGrid()
    this.particles.dispose()
    this.queue.dispose()
    this.strips.dispose()
    for (const n of this.nodes) {
      n.label.element.remove()
      n.badge.element.remove()
    }
    for (const l of [...this.rowLabels, ...this.columnLabels]) l.element.remove()
    this.client.label.element.remove()
    this.client.name.element.remove()
    this.modeLabel.element.remove()
    this.scene.clear()
  }
}

function radiusOf(id: NodeId): number {
  return id === 'client' ? CLIENT_RADIUS : NODE_RADIUS
}

function split(groups: readonly (readonly NodeId[])[] | null, a: NodeId, b: NodeId): boolean {
  if (!groups) return false
  const ga = groups.findIndex((g) => g.includes(a))
  const gb = groups.findIndex((g) => g.includes(b))
  return ga !== gb
}

function setFault(label: Label, on: boolean): void {
  label.element.classList.toggle('fault', on)
}

function cssOf(c: Color): string {
  return `#${c.getHexString()}`
}

function ms(x: number): string {
  return x >= 1000 ? `${(x / 1000).toFixed(1)} s` : `${Math.round(x)} ms`
}

function seconds(x: number): string {
  return `${Math.round(x / 1000)} s`
}

function mean(xs: number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length
}
