/**
 * key mod N: one bucket (a tray in the server's colour) per server, numbered 0 … N−1 in the order
 * the servers were added, and the sample keys as dots stacked in the bucket hash(key) mod N
 * names. Adding a server opens bucket N; placing the keys again sends most of them flying to
 * another bucket, and the ones that moved keep a ring under them.
 */
import {
  BoxGeometry, Color, DynamicDrawUsage, Group, InstancedMesh, Matrix4, Mesh, MeshBasicMaterial, MeshStandardMaterial,
  Quaternion, RingGeometry, SphereGeometry, Vector3, type Object3D,
} from 'three'
import type { HashingSnapshot } from '../../../sim/hashing/model.ts'
import type { Disposer } from '../../primitives/disposer.ts'
import { Label } from '../../primitives/labels.ts'
import type { Palette } from '../../palette.ts'
import { clamp01, lerp } from '../../ease.ts'
import type { Phases } from './timeline.ts'
import { fmt, serverColor, serverCss } from './colours.ts'

const BINS = 10
const KEY_CAPACITY = 64
const KEY_RADIUS = 0.1
const PITCH = 0.3
const TRAY_DEPTH = 1.7
const SPAN = 6.2

const m = new Matrix4()
const q = new Quaternion()
const p = new Vector3()
const a = new Vector3()
const b = new Vector3()
const s = new Vector3()
const c = new Color()
const c2 = new Color()

const METER_WIDTH = 4.8
const METER_Z = TRAY_DEPTH / 2 + 1.25

interface Bin {
  tray: Mesh<BoxGeometry, MeshStandardMaterial>
  label: Label
}

/** Where bucket `index` of `n` sits along x, and how wide a bucket is. */
function layout(n: number): { x: (index: number) => number; width: number; cols: number } {
  const pitch = Math.min(1.3, SPAN / Math.max(1, n))
  const width = pitch * 0.86
  return { x: (i) => (i - (n - 1) / 2) * pitch, width, cols: Math.max(2, Math.floor((width - 0.08) / PITCH)) }
}

export class BucketsPart extends Group {
  private readonly bins: Bin[] = []
  private readonly keys: InstancedMesh<SphereGeometry, MeshStandardMaterial>
  private readonly marks: InstancedMesh<RingGeometry, MeshBasicMaterial>
  /** How many keys moved, as a bar across the scene, with a tick where a ring would stop. */
  private readonly meter: Mesh<BoxGeometry, MeshBasicMaterial>
  private readonly meterFill: Mesh<BoxGeometry, MeshBasicMaterial>
  private readonly meterTick: Mesh<BoxGeometry, MeshBasicMaterial>
  private readonly meterLabel = new Label('', 'small')
  private readonly tickLabel = new Label('', 'small')
  readonly labels: Label[]

  constructor(
    d: Disposer,
    private palette: Palette,
  ) {
    super()
    const tray = d.track(new BoxGeometry(1, 0.1, TRAY_DEPTH))
    tray.translate(0, 0.05, 0)
    for (let i = 0; i < BINS; i++) {
      const mesh = new Mesh(tray, d.track(new MeshStandardMaterial({ roughness: 0.7 })))
      const label = new Label('', 'small')
      label.element.style.whiteSpace = 'pre-line'
      this.add(mesh, label)
      this.bins.push({ tray: mesh, label })
    }
    this.keys = new InstancedMesh(d.track(new SphereGeometry(KEY_RADIUS, 14, 10)), d.track(new MeshStandardMaterial({ roughness: 0.4 })), KEY_CAPACITY)
    this.keys.instanceMatrix.setUsage(DynamicDrawUsage)
    this.keys.setColorAt(0, c.set(0xffffff))
    this.keys.frustumCulled = false
    const ring = d.track(new RingGeometry(KEY_RADIUS * 1.15, KEY_RADIUS * 1.42, 24))
    ring.rotateX(-Math.PI / 2)
    this.marks = new InstancedMesh(ring, d.track(new MeshBasicMaterial()), KEY_CAPACITY)
    this.marks.instanceMatrix.setUsage(DynamicDrawUsage)
    this.marks.setColorAt(0, c.set(0xffffff))
    this.marks.frustumCulled = false
    const bar = d.track(new BoxGeometry(1, 0.06, 0.24))
    bar.translate(0.5, 0.03, 0)
    this.meter = new Mesh(bar, d.track(new MeshBasicMaterial()))
    this.meterFill = new Mesh(bar, d.track(new MeshBasicMaterial()))
    this.meterTick = new Mesh(d.track(new BoxGeometry(0.04, 0.12, 0.44)), d.track(new MeshBasicMaterial()))
    this.meter.position.set(-METER_WIDTH / 2, 0, METER_Z)
    this.meter.scale.x = METER_WIDTH
    this.meterFill.position.set(-METER_WIDTH / 2, 0.01, METER_Z)
    this.meterLabel.center.set(0, 0.5)
    this.add(this.keys, this.marks, this.meter, this.meterFill, this.meterTick, this.meterLabel, this.tickLabel)
    this.labels = [...this.bins.map((bin) => bin.label), this.meterLabel, this.tickLabel]
    this.setPalette(palette)
  }

  setPalette(palette: Palette): void {
    this.palette = palette
    this.meter.material.color.copy(palette.grid).lerp(palette.muted, 0.25)
    this.meterFill.material.color.copy(palette.text)
    this.meterTick.material.color.copy(palette.ok)
  }

  /** The share of keys that moved (mod N) against what a ring would have moved. */
  private drawMeter(target: HashingSnapshot, k: number): void {
    const m = target.moved
    const on = m !== null
    for (const o of [this.meter, this.meterFill, this.meterTick, this.meterLabel, this.tickLabel]) o.visible = on
    if (!m) return
    const fill = m.fraction * k
    this.meterFill.scale.x = Math.max(0.001, fill * METER_WIDTH)
    this.meterLabel.set(`key mod N: ${Math.round(fill * 100)}% of the keys moved`)
    this.meterLabel.position.set(-METER_WIDTH / 2, 0.05, METER_Z - 0.42)
    const ring = m.added ? 1 / (m.before + 1) : 1 / m.before
    this.meterTick.position.set(-METER_WIDTH / 2 + ring * METER_WIDTH, 0.06, METER_Z)
    this.tickLabel.set(`a ring: ≈ ${Math.round(ring * 100)}%`).tint(`#${this.palette.ok.getHexString()}`)
    this.tickLabel.position.set(-METER_WIDTH / 2 + ring * METER_WIDTH, 0.05, METER_Z + 0.45)
  }

  draw(prev: HashingSnapshot, target: HashingSnapshot, ph: Phases): void {
    const pal = this.palette
    const was = prev.servers.map((x) => x.name)
    const now = target.servers.map((x) => x.name)
    const all = [...now]
    was.forEach((name, i) => {
      if (!all.includes(name)) all.splice(Math.min(i, all.length), 0, name)
    })
    const lay0 = layout(was.length)
    const lay1 = layout(now.length)
    // Buckets slide to their new places while a server joins or leaves.
    const changing = all.filter((n) => !was.includes(n) || !now.includes(n))
    const move = changing.length > 0 && prev !== target ? Math.min(...changing.map((n) => (now.includes(n) ? ph.join(n) : ph.leave(n)))) : 1
    const place = new Map<string, { x: number; width: number; cols: number; grow: number }>()
    for (const name of all) {
      const i0 = was.indexOf(name)
      const i1 = now.indexOf(name)
      const x0 = i0 >= 0 ? lay0.x(i0) : lay1.x(i1)
      const x1 = i1 >= 0 ? lay1.x(i1) : lay0.x(i0)
      const grow = i0 < 0 ? move : i1 < 0 ? 1 - move : 1
      place.set(name, { x: lerp(x0, x1, move), width: lerp(i0 >= 0 ? lay0.width : lay1.width, i1 >= 0 ? lay1.width : lay0.width, move), cols: (i1 >= 0 ? lay1 : lay0).cols, grow })
    }

    const counts = new Map(target.servers.map((x) => [x.name, x.keys]))
    this.bins.forEach((bin, i) => {
      const name = all[i]
      const at = name ? place.get(name) : undefined
      bin.tray.visible = !!at && at.grow > 0
      bin.label.visible = bin.tray.visible
      if (!name || !at || !bin.tray.visible) return
      bin.tray.position.set(at.x, 0, 0)
      bin.tray.scale.set(at.width * at.grow, 1, at.grow)
      // A dim tray, so the bright key dots on it stay readable.
      bin.tray.material.color.copy(serverColor(name, pal, c).lerp(pal.background, 0.7))
      bin.tray.userData.pick = now.includes(name) ? { node: name } : undefined
      const index = now.indexOf(name)
      const keys = counts.get(name)
      bin.label.set(`${index >= 0 ? `#${index}` : 'gone'} ${name}\n${target.totalKeys > 0 && keys !== undefined ? `${fmt(keys)} keys` : ' '}`)
      bin.label.tint(serverCss(name, pal))
      bin.label.position.set(at.x, 0.1, TRAY_DEPTH / 2 + 0.4)
    })

    // Each key's slot: its rank among its bucket's sample keys, in rows across the tray.
    const slots = (snap: HashingSnapshot): Map<string, { owner: string; rank: number }> => {
      const rank = new Map<string, number>()
      return new Map(
        snap.keys.map((k) => {
          const r = rank.get(k.owner) ?? 0
          rank.set(k.owner, r + 1)
          return [k.key, { owner: k.owner, rank: r }]
        }),
      )
    }
    const from = slots(prev)
    const to = slots(target)
    const slotPoint = (owner: string, rank: number, out: Vector3): Vector3 => {
      const at = place.get(owner)
      if (!at) return out.set(0, 0, 0)
      const col = rank % at.cols
      const row = Math.floor(rank / at.cols)
      const perLayer = at.cols * Math.floor((TRAY_DEPTH - 0.1) / PITCH)
      const layer = Math.floor(rank / perLayer)
      return out.set(at.x + (col - (at.cols - 1) / 2) * PITCH, 0.1 + KEY_RADIUS + layer * PITCH, -TRAY_DEPTH / 2 + 0.2 + (row % (perLayer / at.cols)) * PITCH)
    }
    let used = 0
    let marked = 0
    for (const key of target.keys) {
      if (used >= KEY_CAPACITY) break
      const dest = to.get(key.key)!
      const src = from.get(key.key)
      const k = clamp01(ph.key(key.key))
      const appear = src ? 1 : k
      if (appear <= 0) continue
      slotPoint(dest.owner, dest.rank, b)
      if (src) {
        slotPoint(src.owner, src.rank, a)
        p.lerpVectors(a, b, k)
        // A key that changes bucket flies over the others.
        if (src.owner !== dest.owner) p.y += Math.sin(Math.PI * k) * 1.2
      } else {
        p.copy(b)
        p.y += (1 - k) * 1.5
      }
      m.compose(p, q.identity(), s.setScalar(appear))
      this.keys.setMatrixAt(used, m)
      serverColor(dest.owner, pal, c)
      if (src && src.owner !== dest.owner) c.lerpColors(serverColor(src.owner, pal, c2), serverColor(dest.owner, pal, new Color()), k)
      this.keys.setColorAt(used++, c)
      if (key.movedFrom && k >= 1) {
        p.y -= KEY_RADIUS - 0.005
        m.compose(p, q.identity(), s.setScalar(1))
        this.marks.setMatrixAt(marked, m)
        this.marks.setColorAt(marked++, pal.text)
      }
    }
    this.drawMeter(target, target.keys[0] ? clamp01(ph.key(target.keys[0].key)) : 1)
    this.keys.count = used
    this.keys.instanceMatrix.needsUpdate = true
    if (this.keys.instanceColor) this.keys.instanceColor.needsUpdate = true
    this.marks.count = marked
    this.marks.instanceMatrix.needsUpdate = true
    if (this.marks.instanceColor) this.marks.instanceColor.needsUpdate = true
  }

  pickables(): Object3D[] {
    return this.bins.filter((bin) => bin.tray.visible && bin.tray.userData.pick).map((bin) => bin.tray)
  }

  /** Also removes the label elements and the instanced buffers, which the Disposer does not track. */
  override dispose(): void {
    super.dispose()
    for (const l of this.labels) l.element.remove()
    this.keys.dispose()
    this.marks.dispose()
  }
}
