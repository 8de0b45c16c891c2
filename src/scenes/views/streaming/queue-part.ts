/**
 * The work queue of the queue-versus-stream slide: a gold tube on the broker, its waiting tasks
 * lined up toward the head (the right end, where workers take from), and the competing workers
 * (cyan orbs in their own band) on the right. A task handed out sits beside its worker until the
 * worker acknowledges it; then it is gone — there is no offset and nothing left to replay.
 */
import { Color, DoubleSide, Group, Mesh, MeshBasicMaterial, PlaneGeometry, Vector3 } from 'three'
import type { StreamingScenarioSnapshot } from '../../../sim/streaming/index.ts'
import { Boxes } from '../../primitives/boxes.ts'
import type { Disposer } from '../../primitives/disposer.ts'
import { Label } from '../../primitives/labels.ts'
import { Orb } from '../../primitives/orb.ts'
import { RichLabel, line } from '../../primitives/rich-label.ts'
import type { Palette } from '../../palette.ts'
import { BAND_RIGHT, BLOCK_HEIGHT, CONSUMER_RADIUS, ORB_Y, rowEndX, slotX, type QueueLayout, type StreamLayout } from './layout.ts'
import { inkOn } from './style.ts'

const WORKERS = 2
const TUBE_DEPTH = 0.62

export class QueuePart extends Group {
  private readonly boxes: Boxes
  private readonly band: Mesh<PlaneGeometry, MeshBasicMaterial>
  private readonly bandLabel: RichLabel
  private readonly title: RichLabel
  /** `id`: the queue consumer drawn there, as last drawn. */
  private readonly workers: { orb: Orb; label: RichLabel; at: Vector3; id: string }[] = []
  private readonly numbers: Label[] = []
  private readonly c = new Color()
  /** The tube's tail (where tasks arrive) and head (where workers take them). */
  readonly tail: Vector3
  readonly head: Vector3

  constructor(d: Disposer, private readonly layout: StreamLayout, private readonly q: QueueLayout, p: Palette) {
    super()
    this.boxes = new Boxes(d, layout.cols + 24)
    this.tail = new Vector3(layout.x0, BLOCK_HEIGHT, q.z)
    this.head = new Vector3(rowEndX(layout), BLOCK_HEIGHT, q.z)
    this.band = new Mesh(d.track(new PlaneGeometry(1, 1)), d.track(new MeshBasicMaterial({ color: p.follower, transparent: true, opacity: 0.1, side: DoubleSide, depthWrite: false })))
    this.band.rotation.x = -Math.PI / 2
    const z0 = Math.min(...q.workerZ) - 0.42
    const z1 = Math.max(...q.workerZ) + 0.42
    this.band.scale.set(BAND_RIGHT + 0.5, z1 - z0, 1)
    this.band.position.set(layout.consumerX + (BAND_RIGHT - 0.5) / 2, 0.003, (z0 + z1) / 2)
    this.bandLabel = new RichLabel('small', [0, 1])
    this.bandLabel.position.set(layout.consumerX - 0.45, 0.05, z0 - 0.2)
    this.title = new RichLabel('small', [0, 1])
    this.title.position.set(layout.x0, 0.05, q.z - TUBE_DEPTH / 2 - 0.1)
    this.add(this.boxes, this.band, this.bandLabel, this.title)
    for (let i = 0; i < WORKERS; i++) {
      const at = new Vector3(layout.consumerX, ORB_Y, q.workerZ[i] ?? q.z)
      const orb = new Orb(d, CONSUMER_RADIUS, p.follower)
      orb.position.copy(at)
      const label = new RichLabel('small', [0, 0.5])
      label.position.set(at.x + CONSUMER_RADIUS + 0.12, 0.05, at.z)
      this.workers.push({ orb, label, at, id: '' })
      this.add(orb, label)
    }
    for (let k = 0; k < layout.cols + WORKERS; k++) {
      const n = new Label('', ['small', 'strong'])
      const st = n.element.style
      st.background = 'transparent'
      st.border = 'none'
      st.padding = '0'
      this.numbers.push(n)
      this.add(n)
    }
  }

  /** Where a worker stands, by id. */
  workerAt(id: string): Vector3 | null {
    return this.workers.find((w) => w.id === id)?.at ?? null
  }

  draw(s: StreamingScenarioSnapshot, p: Palette): void {
    const l = this.layout
    const queue = s.queues[0]
    this.band.material.color.copy(p.follower)
    const b = this.boxes
    b.begin()
    // The tube: two gold walls, open at the head where the workers take from.
    const x0 = l.x0 - 0.1
    const x1 = rowEndX(l) + 0.1
    for (const side of [-1, 1]) b.box((x0 + x1) / 2, 0.06, this.q.z + (side * TUBE_DEPTH) / 2, x1 - x0, 0.12, 0.05, p.leader)
    b.box(x0, 0.06, this.q.z, 0.05, 0.12, TUBE_DEPTH, p.leader)
    for (let k = 0; k < l.cols; k++) b.box(slotX(l, k), 0.004, this.q.z, l.block, 0.008, l.depth, this.c.copy(p.grid))
    let used = 0
    const ready = queue?.ready ?? []
    // The oldest waiting task at the head (right), the newest toward the tail.
    ready.slice(0, l.cols).forEach((m, i) => this.task(slotX(l, l.cols - 1 - i), this.q.z, m.value, p, used++))
    this.workers.forEach((w, i) => {
      const qc = s.queueConsumers[i]
      w.orb.visible = !!qc
      w.label.visible = !!qc
      w.id = qc?.id ?? ''
      if (!qc) return
      const held = queue?.unacked.find((m) => m.consumer === qc.id)
      w.orb.style(p.follower, { glow: held ? 0.75 : 0.35, halo: held ? 0.45 : 0 })
      if (held) this.task(w.at.x - CONSUMER_RADIUS - 0.32, w.at.z, held.value, p, used++)
      w.label.set([
        line([{ text: qc.id, tone: 'follower', bold: true }]),
        line([{ text: held ? `has ${held.value}` : 'idle', tone: held ? 'fg' : 'muted' }, { text: ` · ${qc.processed} acked`, tone: 'muted' }], true),
      ])
    })
    for (let k = used; k < this.numbers.length; k++) this.numbers[k]!.visible = false
    b.end()
    const c = queue?.counters
    this.title.set([
      line([{ text: `queue: ${queue?.name ?? ''}`, tone: 'leader', bold: true }, { text: ` · ${ready.length} waiting`, tone: 'muted' }]),
      line([{ text: `${c?.acked ?? 0} acknowledged, so deleted`, tone: (c?.acked ?? 0) > 0 ? 'fault' : 'muted' }], true),
    ])
    this.bandLabel.set([line([{ text: 'competing workers', tone: 'follower', bold: true }])])
  }

  /** A task box with its number written on it. */
  private task(x: number, z: number, value: string, p: Palette, i: number): void {
    this.boxes.box(x, BLOCK_HEIGHT / 2, z, this.layout.block, BLOCK_HEIGHT, this.layout.depth, p.leader)
    const n = this.numbers[i]
    if (!n) return
    n.visible = true
    n.set(value.replace(/^task /, 't'))
    n.position.set(x, BLOCK_HEIGHT + 0.02, z)
    n.element.style.color = inkOn(p.leader, p)
  }

  release(): void {
    this.boxes.dispose()
    for (const x of [this.bandLabel, this.title, ...this.workers.map((w) => w.label), ...this.numbers]) x.element.remove()
  }
}
