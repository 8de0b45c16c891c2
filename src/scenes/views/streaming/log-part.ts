/**
 * The broker: a gold slab holding one row per partition. A row is an append-only strip of slots,
 * offsets growing to the right: each record a gold block with its offset written on it (its key
 * above it on the produce slide), the next free slot at the end where the next record will land.
 * Long logs show their newest slots ("…" marks the hidden older ones).
 *
 * Along the rows, per consumer group (cyan, a second group violet): a line under the records the
 * group has committed, ending in a cap at the committed offset, and a flat arrow at each member's
 * read position (on the row's far side for the first group, near side for the second, so two
 * groups reading the same row at different offsets never hide each other; red when its member
 * is dead). A record being processed rises and takes its reader's colour. Records that wait on a partition nobody is reading (its owner
 * crashed, or has not received its new assignment yet) turn red: that is lag growing. On the
 * delivery slide a record's colour says what happened to it for the step's group: green once,
 * orange more than once, red lost.
 *
 * The group coordinator (it tracks members, sessions and committed offsets) is a gold puck in
 * the slab's far right corner.
 */
import { Color, CylinderGeometry, DoubleSide, Group, Mesh, MeshBasicMaterial, MeshStandardMaterial, PlaneGeometry, Vector3 } from 'three'
import type { StreamingScenarioSnapshot } from '../../../sim/streaming/index.ts'
import { Boxes } from '../../primitives/boxes.ts'
import type { Disposer } from '../../primitives/disposer.ts'
import { Label } from '../../primitives/labels.ts'
import { Markers } from '../../primitives/markers.ts'
import { RichLabel, line } from '../../primitives/rich-label.ts'
import type { Palette } from '../../palette.ts'
import type { ShownGroup } from './groups.ts'
import { BLOCK_HEIGHT, ROW_LABEL_ROOM, rowEndX, slotX, type StreamLayout } from './layout.ts'
import { groupColor, inkOn } from './style.ts'

/** The width of a group's committed line. */
const LINE = 0.05
/** How far a row's records fade toward red when nobody reads them. */
const LAG_TINT = 0.6

export interface RowInfo {
  readonly tp: string
  readonly z: number
  /** The offset in slot 0, and the next free offset (the log end). */
  readonly first: number
  readonly end: number
}

export class LogPart extends Group {
  private readonly slab: Mesh<PlaneGeometry, MeshBasicMaterial>
  private readonly boxes: Boxes
  private readonly markers: Markers
  private readonly puck: Mesh<CylinderGeometry, MeshStandardMaterial>
  private readonly rowLabels: RichLabel[] = []
  private readonly numbers: Label[] = []
  private readonly tags: Label[] = []
  private readonly title: RichLabel
  /** The queue slide's second title, over the stream's row. */
  private readonly streamTitle: RichLabel
  private readonly puckLabel: Label
  private readonly c = new Color()
  private readonly tip = new Vector3()
  /** Where the rows are, as last drawn (the view aims messages at them). */
  rows: RowInfo[] = []

  constructor(d: Disposer, private readonly layout: StreamLayout, p: Palette, private readonly slabZ: readonly [number, number]) {
    super()
    const l = layout
    const x0 = l.x0 - ROW_LABEL_ROOM
    const x1 = rowEndX(l) + 0.2
    this.slab = new Mesh(d.track(new PlaneGeometry(1, 1)), d.track(new MeshBasicMaterial({ color: p.leader, transparent: true, opacity: 0.1, side: DoubleSide, depthWrite: false })))
    this.slab.rotation.x = -Math.PI / 2
    this.slab.scale.set(x1 - x0, slabZ[1] - slabZ[0], 1)
    this.slab.position.set((x0 + x1) / 2, 0.004, (slabZ[0] + slabZ[1]) / 2)
    this.boxes = new Boxes(d, l.rowZ.length * l.cols + 96)
    this.markers = new Markers(d, 48, 0.16, 0.05)
    this.puck = new Mesh(d.track(new CylinderGeometry(0.17, 0.17, 0.1, 24)), d.track(new MeshStandardMaterial({ color: p.leader, emissive: p.leader, emissiveIntensity: 0.3 })))
    // In the slab's far right corner; on the queue slide, between the queue and the stream.
    const pz = layout.queue ? (layout.queue.z + Math.min(...layout.rowZ)) / 2 : slabZ[0] + 0.28
    this.puck.position.set(x1 - 0.3, 0.05, pz)
    this.puckLabel = new Label('coordinator', 'small')
    this.puckLabel.center.set(1, 0.5)
    this.puckLabel.position.set(x1 - 0.52, 0.05, pz)
    // On the slab's far edge, outside it: clear of the rows and whatever is written above them.
    this.title = new RichLabel('small', [0, 1])
    this.title.position.set(x0, 0.05, slabZ[0] - 0.04)
    // Under the row: above it is where the replay arc goes.
    this.streamTitle = new RichLabel('small', [0, 0])
    this.streamTitle.position.set(l.x0, 0.05, Math.max(...l.rowZ) + l.depth / 2 + 0.14)
    this.streamTitle.visible = !!layout.queue
    this.add(this.slab, this.boxes, this.markers, this.puck, this.puckLabel, this.title, this.streamTitle)
    l.rowZ.forEach((z) => {
      const label = new RichLabel('small', [1, 0.5])
      label.position.set(l.x0 - 0.1, 0.05, z)
      this.rowLabels.push(label)
      this.add(label)
      for (let k = 0; k < l.cols; k++) {
        const n = plain(new Label('', ['small', 'strong']))
        n.position.set(slotX(l, k), BLOCK_HEIGHT + 0.02, z)
        const tag = plain(new Label('', 'small'))
        tag.center.set(0.5, 1)
        tag.position.set(slotX(l, k), 0.05, z - l.depth / 2 - 0.04)
        this.numbers.push(n)
        this.tags.push(tag)
        this.add(n, tag)
      }
    })
  }

  /** The coordinator's position (messages between members and it). */
  get coordinator(): Vector3 {
    return this.puck.position
  }

  /** The next free slot of a partition row (where a produced record lands), or null. */
  slotOf(tp: string, offset: number, out: Vector3): Vector3 | null {
    const r = this.rows.find((x) => x.tp === tp)
    if (!r) return null
    const col = Math.max(0, Math.min(this.layout.cols - 1, offset - r.first))
    return out.set(slotX(this.layout, col), BLOCK_HEIGHT, r.z)
  }

  draw(s: StreamingScenarioSnapshot, groups: readonly ShownGroup[], scenario: string, p: Palette): void {
    const l = this.layout
    const topic = s.topics[0]
    const b = this.boxes
    b.begin()
    this.markers.begin()
    const x0 = l.x0 - ROW_LABEL_ROOM
    const x1 = rowEndX(l) + 0.2
    this.frame(x0, x1, this.slabZ[0], this.slabZ[1], p.leader)
    const hasGroups = groups.some((g) => g.members.length > 0)
    this.puck.visible = hasGroups
    this.puckLabel.visible = hasGroups
    this.title.set([line([{ text: 'broker', tone: 'leader', bold: true }, { text: l.queue ? '' : ` · topic ${topic?.name ?? ''}`, tone: 'leader' }])])
    const kept = topic?.partitions.reduce((a, x) => a + x.logEndOffset - x.logStartOffset, 0) ?? 0
    this.streamTitle.set([line([{ text: `stream: topic ${topic?.name ?? ''}`, tone: 'leader', bold: true }]), line([{ text: `${kept} record${kept === 1 ? '' : 's'}, kept after reading`, tone: kept > 0 ? 'ok' : 'muted' }], true)])

    this.rows = (topic?.partitions ?? []).slice(0, l.rowZ.length).map((part, r) => {
      const tp = `${topic!.name}-${part.partition}`
      const end = part.logEndOffset
      return { tp, z: l.rowZ[r]!, end, first: Math.max(part.logStartOffset, end - (l.cols - 1)) }
    })
    const first = groups[0]
    const delivery = scenario === 'delivery-guarantees' ? first : undefined
    this.rows.forEach((row, r) => {
      const part = topic!.partitions[r]!
      const byOffset = new Map(part.records.map((x) => [x.offset, x]))
      const orphan = first ? orphaned(first, row.tp) : false
      const committed0 = first?.view.committed[row.tp] ?? 0
      for (let k = 0; k < l.cols; k++) {
        const offset = row.first + k
        const rec = byOffset.get(offset)
        const n = this.numbers[r * l.cols + k]!
        const tag = this.tags[r * l.cols + k]!
        tag.visible = false
        if (!rec || offset >= row.end) {
          // An empty slot: a flat tile; the next free one (where the next record goes) framed in gold.
          b.box(slotX(l, k), 0.006, row.z, l.block, 0.012, l.depth, this.c.copy(p.grid))
          if (offset === row.end) this.outline(slotX(l, k), row.z, p.leader)
          n.visible = false
          continue
        }
        // Who is working on it, if anyone: it rises and takes the reader's colour.
        const reader = groups.find((g) => g.members.some((m) => m.view.processing?.tp === row.tp && m.view.processing.offset === offset))
        this.c.copy(p.leader)
        // On the delivery slide shape says it too: a lost record sinks, a repeated one is stacked.
        let h = BLOCK_HEIGHT
        let layers = 1
        if (delivery) {
          const times = delivery.view.processedTimes[rec.id] ?? 0
          if (delivery.view.lostIds.includes(rec.id)) {
            this.c.copy(p.fault)
            h = BLOCK_HEIGHT * 0.35
          } else if (times > 1) {
            this.c.copy(p.candidate)
            layers = Math.min(3, times)
          } else if (times === 1) this.c.copy(p.ok)
        } else if (orphan && offset >= committed0) {
          this.c.lerp(p.fault, LAG_TINT)
        }
        if (reader) {
          this.c.lerp(groupColor(reader.index, p), 0.85)
          h = BLOCK_HEIGHT * 1.9
        }
        for (let i = 0; i < layers; i++) b.box(slotX(l, k), h / 2 + i * (h + 0.04), row.z, l.block, h, l.depth, this.c)
        h = layers * h + (layers - 1) * 0.04
        n.visible = l.numberEvery === 1 || offset % l.numberEvery === 0 || offset === row.end - 1
        n.set(String(offset))
        n.position.y = h + 0.02
        n.element.style.color = inkOn(this.c, p)
        // The produce slide writes each record's key above it; the queue slide how often it was read.
        if (scenario === 'produce' && rec.key !== null) {
          tag.visible = true
          tag.set(rec.key)
        } else if (scenario === 'queue-vs-stream' && first) {
          const times = first.view.processedTimes[rec.id] ?? 0
          tag.visible = times > 1
          tag.set(`×${times}`)
        }
      }
      this.drawGroupsOnRow(row, groups, p)
      // Red while its records wait for a reader (lag growing).
      const waiting = orphan && (first?.view.lag[row.tp] ?? 0) > 0
      this.rowLabels[r]!.set([line([{ text: `P${part.partition}`, tone: waiting ? 'fault' : 'leader', bold: true }])]).tint(waiting ? 'fault' : '')
    })
    for (let r = this.rows.length; r < this.rowLabels.length; r++) this.rowLabels[r]!.visible = false
    b.end()
    this.markers.end()
  }

  /** Each group's committed line and each member's read-position arrow on one row. */
  private drawGroupsOnRow(row: RowInfo, groups: readonly ShownGroup[], p: Palette): void {
    const l = this.layout
    // The left edge of an offset's slot (offsets left of the window sit on its left edge).
    const edge = (offset: number): number => slotX(l, Math.max(0, Math.min(l.cols - 1, offset - row.first))) - l.pitch / 2
    for (const g of groups) {
      if (g.members.length === 0) continue
      const side = g.index % 2 === 0 ? -1 : 1
      const color = groupColor(g.index, p)
      const committed = g.view.committed[row.tp]
      if (committed !== undefined) {
        // A line along the row's side under the committed records, a cap standing at the committed offset.
        const z = row.z + side * (l.depth / 2 + 0.05)
        const x0 = l.x0 + 0.02
        const x1 = edge(committed)
        if (x1 > x0) this.boxes.box((x0 + x1) / 2, 0.02, z, x1 - x0, 0.03, LINE, color)
        this.boxes.box(x1, 0.09, row.z + side * 0.06, LINE, 0.18, l.depth / 2 + 0.1, color)
      }
      for (const m of g.members) {
        const pos = m.view.positions[row.tp]
        // A dead member's arrows stay (red) only while the coordinator still counts it the owner.
        if (pos === undefined || (!m.view.alive && !m.view.partitions.includes(row.tp))) continue
        const col = Math.max(0, Math.min(l.cols - 1, pos - row.first))
        this.tip.set(slotX(l, col), 0.05, row.z + side * (l.depth / 2 + 0.015))
        this.markers.put(this.tip, side < 0 ? 0 : Math.PI, m.view.alive ? color : p.fault, 1)
      }
    }
  }

  /** A thin frame around a slot. */
  private outline(x: number, z: number, color: Color): void {
    const l = this.layout
    const w = 0.025
    const [hx, hz] = [l.block / 2, l.depth / 2]
    this.boxes.box(x, 0.02, z - hz, l.block + w, 0.03, w, color)
    this.boxes.box(x, 0.02, z + hz, l.block + w, 0.03, w, color)
    this.boxes.box(x - hx, 0.02, z, w, 0.03, l.depth, color)
    this.boxes.box(x + hx, 0.02, z, w, 0.03, l.depth, color)
  }

  /** A thin gold outline around the slab. */
  private frame(x0: number, x1: number, z0: number, z1: number, color: Color): void {
    const w = 0.035
    this.boxes.box((x0 + x1) / 2, 0.01, z0, x1 - x0, 0.02, w, color)
    this.boxes.box((x0 + x1) / 2, 0.01, z1, x1 - x0, 0.02, w, color)
    this.boxes.box(x0, 0.01, (z0 + z1) / 2, w, 0.02, z1 - z0, color)
    this.boxes.box(x1, 0.01, (z0 + z1) / 2, w, 0.02, z1 - z0, color)
  }

  setPalette(p: Palette): void {
    this.slab.material.color.copy(p.leader)
    this.puck.material.color.copy(p.leader)
    this.puck.material.emissive.copy(p.leader)
  }

  release(): void {
    this.boxes.dispose()
    this.markers.dispose()
    for (const x of [...this.rowLabels, ...this.numbers, ...this.tags, this.title, this.streamTitle, this.puckLabel]) x.element.remove()
  }
}

/** A partition whose records nobody in the group is reading: its owner is dead, or has not got it yet. */
export function orphaned(g: ShownGroup, tp: string): boolean {
  if (g.view.generation === 0 || g.members.length === 0) return false
  const owner = g.view.members.find((m) => m.partitions.includes(tp))
  if (!owner || !owner.alive) return true
  return owner.generation < g.view.generation && !(tp in owner.positions)
}

/** A label with no box: text written straight on the floor or a block. */
function plain(label: Label): Label {
  const st = label.element.style
  st.background = 'transparent'
  st.border = 'none'
  st.padding = '0'
  return label
}
