/**
 * Message queues and event streaming. Left to right, the way a message travels: the producer (a
 * blue orb) sends keyed records; each flies to the partition its key hashes to and lands in the
 * next free slot at the end of that row on the broker (a gold slab; each partition an append-only
 * strip of gold blocks with their offsets written on them). On the right the consumer groups
 * (cyan orbs in a cyan band; a second group violet): lines from each partition row to the member
 * that owns it, an arrow at each member's read position on the row and an upright bar at the
 * group's committed offset. Crashes are red: the orb, its draining session ring, the records that
 * pile up unread. The delivery slide colours each record by what happened to it (green once,
 * orange twice, red lost) beside a scoreboard; the queue slide adds a work queue whose tasks
 * disappear once acknowledged, above the stream's row whose records stay and can be replayed.
 *
 * Between two checkpoints the trace is replayed (streaming/frame.ts): the real messages fly,
 * records are appended, members crash and receive their assignments when the simulation did it.
 */
import { AmbientLight, Color, DirectionalLight, GridHelper, PerspectiveCamera, Scene, Vector3, type Object3D } from 'three'
import { BROKER, type StreamingScenarioSnapshot } from '../../sim/streaming/index.ts'
import type { NodeId } from '../../sim/trace.ts'
import type { Flight } from '../flight.ts'
import { Disposer } from '../primitives/disposer.ts'
import { Orb } from '../primitives/orb.ts'
import { Particles, arcPoint } from '../primitives/particles.ts'
import { RichLabel, line } from '../primitives/rich-label.ts'
import type { Palette } from '../palette.ts'
import type { CameraPose, SceneView, ViewContext } from '../types.ts'
import { Transition, frameOf, payloadOf, type StreamFrame } from './streaming/frame.ts'
import { placeGroups, visibleGroups } from './streaming/groups.ts'
import { GroupPart } from './streaming/group-part.ts'
import { CONSUMER_RADIUS, PRODUCER_RADIUS, layoutFor, rowEndX, type StreamLayout } from './streaming/layout.ts'
import { LogPart } from './streaming/log-part.ts'
import { Panels } from './streaming/panels.ts'
import { QueuePart } from './streaming/queue-part.ts'
import { COORDINATOR_KINDS, messageStyle } from './streaming/style.ts'

const PARTICLE_RADIUS = 0.075
/** How high a message arcs on its way, per world unit travelled. */
const LIFT = 0.12

export function createView(ctx: ViewContext): SceneView {
  return new StreamingView(ctx)
}

class StreamingView implements SceneView {
  readonly scene = new Scene()
  readonly camera: PerspectiveCamera
  readonly home: CameraPose
  private readonly d = new Disposer()
  private readonly scenario: ViewContext['scenario']
  private palette: Palette
  private readonly layout: StreamLayout
  private readonly grid: GridHelper
  private readonly log: LogPart
  private readonly groups: GroupPart
  private readonly queue: QueuePart | null
  private readonly panels: Panels
  private readonly producer: Orb
  private readonly producerLabel: RichLabel
  private readonly particles: Particles
  /** Members each group reaches by the last step: their places are kept from the first step on. */
  private readonly reserve = new Map<string, number>()
  private transition: { key: string; t: Transition } | null = null
  /** The producer drawn (messages from and to it start and end at its orb). */
  private producerId = ''
  private readonly a = new Vector3()
  private readonly b = new Vector3()
  private readonly tmp = new Vector3()
  private readonly color = new Color()

  constructor(ctx: ViewContext) {
    this.scenario = ctx.scenario
    this.palette = ctx.palette
    const p = this.palette
    const names = this.scenario.checkpoints
    const first = this.scenario.stateAt(names[0]!) as StreamingScenarioSnapshot
    const name = this.scenario.name
    this.layout = layoutFor(name, first.topics[0]?.partitions.length ?? 1)
    const l = this.layout
    for (const s of names.map((n) => this.scenario.stateAt(n) as StreamingScenarioSnapshot)) {
      for (const g of visibleGroups(s, name)) this.reserve.set(g.name, Math.max(this.reserve.get(g.name) ?? 0, g.members.length))
    }
    this.camera = new PerspectiveCamera(l.camera.fov ?? 40, 1.3, 0.1, 100)
    this.home = { position: l.camera.position.clone(), target: l.camera.target.clone(), fov: l.camera.fov }

    this.scene.background = p.background.clone()
    this.scene.add(new AmbientLight(0xffffff, 1.4))
    const sun = new DirectionalLight(0xffffff, 1.6)
    sun.position.set(3, 8, 5)
    this.scene.add(sun)
    this.grid = new GridHelper(18, 36, p.grid, p.grid)
    this.grid.position.y = -0.01
    this.scene.add(this.grid)

    // Room at the far edge for the coordinator, or for the queue's two-line title.
    const top = l.queue ? l.queue.z - 1.3 : Math.min(...l.rowZ) - l.depth / 2 - 0.62
    const bottom = Math.max(...l.rowZ) + l.depth / 2 + 0.28
    this.log = new LogPart(this.d, l, p, [top, bottom])
    this.groups = new GroupPart(this.d, l, p)
    this.queue = l.queue ? new QueuePart(this.d, l, l.queue, p) : null
    this.panels = new Panels(this.d, l, name)
    this.producer = new Orb(this.d, PRODUCER_RADIUS, p.client)
    this.producer.position.copy(l.producer)
    this.producerLabel = new RichLabel('small', [0.5, 0])
    this.producerLabel.position.set(l.producer.x, 0.05, l.producer.z + PRODUCER_RADIUS + 0.14)
    this.particles = new Particles(this.d, 256, PARTICLE_RADIUS, [10, 7])
    this.scene.add(this.log, this.groups, this.panels, this.producer, this.producerLabel, this.particles)
    if (this.queue) this.scene.add(this.queue)
  }

  show(from: string | null, to: string, t: number): void {
    const target = this.scenario.stateAt(to) as StreamingScenarioSnapshot
    const cps = this.scenario.checkpoints
    // Backwards (the stage jumps there anyway) the step is simply shown: replays run forward in time.
    if (from === null || from === to || t >= 1 || cps.indexOf(from) > cps.indexOf(to)) {
      this.draw(frameOf(target))
      return
    }
    const key = `${from}>${to}`
    if (this.transition?.key !== key) {
      const start = this.scenario.stateAt(from) as StreamingScenarioSnapshot
      this.transition = { key, t: new Transition(start, target, this.scenario.eventsBetween(from, to)) }
    }
    const tr = this.transition.t
    this.draw(tr.at(tr.timeAt(Math.max(0, t))))
  }

  showSnapshot(snapshot: unknown): void {
    this.draw(frameOf(snapshot as StreamingScenarioSnapshot))
  }

  /** Every object is set from the frame: the same frame always gives the same picture. */
  private draw(frame: StreamFrame): void {
    const p = this.palette
    const s = frame.snap
    const groups = placeGroups(s, this.scenario.name, this.layout, this.reserve)
    this.log.draw(s, groups, this.scenario.name, p)
    this.groups.draw(groups, this.log.rows, s.now, p)
    this.queue?.draw(s, p)
    this.panels.draw(s, groups, this.log.rows, frame.wire, p)
    const producer = s.producers[0]
    this.producerId = producer?.id ?? ''
    this.producer.visible = !!producer
    this.producerLabel.visible = !!producer
    this.producer.style(p.client, { glow: producer && producer.pending > 0 ? 0.7 : 0.4, halo: producer && producer.pending > 0 ? 0.45 : 0 })
    if (producer) {
      this.producerLabel.set([
        line([{ text: producer.id, tone: 'client', bold: true }, { text: ' producer', tone: 'client' }]),
        line([{ text: `${producer.sent} sent · ${producer.acked} acked`, tone: 'muted' }], true),
      ])
    }
    this.drawWire(frame)
  }

  private drawWire(frame: StreamFrame): void {
    const p = this.palette
    this.particles.begin()
    for (const { flight, f } of frame.wire) {
      const ra = this.at(flight.from, flight, this.a)
      const rb = this.at(flight.to, flight, this.b)
      if (ra < 0 || rb < 0) continue
      // Leave and land on an orb's surface, not its centre, so a message just sent is seen.
      const dir = this.tmp.subVectors(this.b, this.a)
      const len = dir.length()
      if (len > ra + rb) {
        dir.multiplyScalar(1 / len)
        this.a.addScaledVector(dir, ra)
        this.b.addScaledVector(dir, -rb)
      }
      const [color, scale] = messageStyle(flight.kind, flight.payload, p, this.color)
      const along = flight.dropped ? Math.min(f, 0.5) : f
      arcPoint(this.a, this.b, along, 0.15 + LIFT * len, this.tmp)
      this.particles.put(this.tmp, flight.dropped && f > 0.45 ? p.fault : color, scale)
    }
    this.particles.end()
  }

  /**
   * Where a message leaves or lands at node `id`, into `out`: an orb's centre (returns its radius),
   * a slot of a partition row, the coordinator, the queue (returns 0); -1 if not in the picture.
   */
  private at(id: NodeId, flight: Flight, out: Vector3): number {
    const node = String(id)
    const pay = payloadOf(flight.payload)
    if (node === BROKER) {
      if (flight.kind === 'produce' || flight.kind === 'ack') {
        const tp = `${pay.topic ?? ''}-${pay.partition ?? 0}`
        const row = this.log.rows.find((r) => r.tp === tp)
        // A record lands in the next free slot; its acknowledgement leaves from where it was written.
        const offset = flight.kind === 'ack' && (pay.offset ?? -1) >= 0 ? pay.offset! : (row?.end ?? 0)
        return row && this.log.slotOf(tp, offset, out) ? 0 : -1
      }
      if (COORDINATOR_KINDS.has(flight.kind)) {
        out.copy(this.log.coordinator).setY(0.12)
        return 0
      }
      if (flight.kind === 'fetch' || flight.kind === 'records') {
        const other = String(String(flight.from) === BROKER ? flight.to : flight.from)
        const member = this.groups.at.get(other)
        if (!member) return -1
        out.set(rowEndX(this.layout) + 0.1, 0.12, member.z)
        return 0
      }
      if (!this.queue) return -1
      out.copy(flight.kind === 'enqueue' ? this.queue.tail : this.queue.head)
      return 0
    }
    if (node === this.producerId) {
      out.copy(this.producer.position)
      return PRODUCER_RADIUS
    }
    const member = this.groups.at.get(node) ?? this.queue?.workerAt(node)
    if (!member) return -1
    out.copy(member)
    return CONSUMER_RADIUS
  }

  pickables(): Object3D[] {
    return this.groups.pickables()
  }

  setPalette(palette: Palette): void {
    this.palette = palette
    this.scene.background = palette.background.clone()
    this.log.setPalette(palette)
  }

  dispose(): void {
    this.d.dispose()
    this.grid.geometry.dispose()
    ;(Array.isArray(this.grid.material) ? this.grid.material : [this.grid.material]).forEach((m) => m.dispose())
    this.particles.dispose()
    this.log.release()
    this.groups.release()
    this.queue?.release()
    this.panels.release()
    this.producerLabel.element.remove()
    this.scene.clear()
  }
}
