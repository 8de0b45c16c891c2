/**
 * Beside the ring: one bar per server, as long as its keys (its share of the ring before any key
 * is placed), in the server's colour, so the panel doubles as the colour legend; a tick at the
 * mean; each row labelled with the count and, after a change, how many keys it gained or lost. A
 * server that left keeps a red row with the keys it had to hand over. Below, the load spread
 * (std/mean) as a number and, on the spread step, a small table of the spread against the tokens
 * per server. Bars are meshes, so a click on one picks its server.
 */
import { BoxGeometry, Color, Group, Mesh, MeshBasicMaterial, MeshStandardMaterial, type Object3D } from 'three'
import type { HashingSnapshot } from '../../../sim/hashing/model.ts'
import { spreadOf } from '../../../sim/hashing/stats.ts'
import type { Disposer } from '../../primitives/disposer.ts'
import { Label } from '../../primitives/labels.ts'
import type { Palette } from '../../palette.ts'
import { lerp } from '../../ease.ts'
import type { Phases } from './timeline.ts'
import { fmt, serverColor, serverCss } from './colours.ts'

const ROWS = 11
const SPREAD_ROWS = 6
const BAR_MAX = 1.3
const BAR_DEPTH = 0.2
const ROW_PITCH = 0.33
const SPREAD_PITCH = 0.27

interface Row {
  bar: Mesh<BoxGeometry, MeshStandardMaterial>
  label: Label
}

export class LoadPanel extends Group {
  private readonly rows: Row[] = []
  private readonly spreadRows: Row[] = []
  private readonly meanTick: Mesh<BoxGeometry, MeshBasicMaterial>
  private readonly title = new Label('', 'small')
  private readonly spreadTitle = new Label('', 'small')
  readonly spreadLabel = new Label('', 'strong')
  private readonly labels: Label[]

  constructor(
    d: Disposer,
    private palette: Palette,
    /** The longest bar: a share this large fills BAR_MAX (fixed per scene, so steps compare). */
    private readonly fullShare: number,
  ) {
    super()
    const geometry = d.track(new BoxGeometry(1, 0.08, BAR_DEPTH))
    geometry.translate(0.5, 0.04, 0)
    for (let i = 0; i < ROWS; i++) {
      const bar = new Mesh(geometry, d.track(new MeshStandardMaterial({ roughness: 0.5 })))
      const label = new Label('', 'small')
      label.center.set(0, 0.5)
      this.add(bar, label)
      this.rows.push({ bar, label })
    }
    const thin = d.track(new BoxGeometry(1, 0.05, BAR_DEPTH * 0.7))
    thin.translate(0.5, 0.025, 0)
    const spreadMaterial = d.track(new MeshStandardMaterial({ roughness: 0.5 }))
    for (let i = 0; i < SPREAD_ROWS; i++) {
      const bar = new Mesh(thin, spreadMaterial)
      const label = new Label('', 'small')
      label.center.set(0, 0.5)
      this.add(bar, label)
      this.spreadRows.push({ bar, label })
    }
    this.meanTick = new Mesh(d.track(new BoxGeometry(0.025, 0.02, 1)), d.track(new MeshBasicMaterial()))
    this.title.center.set(0, 0.5)
    this.spreadTitle.center.set(0, 0.5)
    this.spreadLabel.center.set(0, 0.5)
    this.add(this.meanTick, this.title, this.spreadTitle, this.spreadLabel)
    this.labels = [this.title, this.spreadTitle, this.spreadLabel, ...this.rows.map((r) => r.label), ...this.spreadRows.map((r) => r.label)]
    this.setPalette(palette)
  }

  setPalette(palette: Palette): void {
    this.palette = palette
    this.meanTick.material.color.copy(palette.muted)
    this.spreadRows[0]?.bar.material.color.copy(palette.muted)
  }

  draw(prev: HashingSnapshot, target: HashingSnapshot, ph: Phases): void {
    const pal = this.palette
    const keyed = target.totalKeys > 0
    const settle = target.keys[0] ? ph.key(target.keys[0].key) : ph.key('')
    // Rows: the target's servers in order, then any server that left: known from the previous
    // snapshot while it leaves, and afterwards from the keys it still holds or the moved summary.
    const names = target.servers.map((s) => s.name)
    const departed = [...prev.servers.map((s) => s.name), ...target.keys.map((k) => k.owner), ...(target.moved?.removed ? [target.moved.removed] : [])]
    for (const name of departed) if (!names.includes(name)) names.push(name)
    const before = new Map(prev.servers.map((s) => [s.name, s]))
    const after = new Map(target.servers.map((s) => [s.name, s]))
    const amount = (s: { keys: number; share: number } | undefined): number => (s ? (keyed ? s.keys / Math.max(1, target.totalKeys) : s.share) : 0)
    // Keys still held by a departed server until they are placed again (the snapshot's counts
    // cover current servers only): the total minus what the others hold.
    const orphaned = keyed ? target.totalKeys - target.servers.reduce((a, s) => a + s.keys, 0) : 0

    // A what-if can pile more on one server than any scripted step: then the scale grows to fit.
    const full = Math.max(this.fullShare, ...target.servers.map((s) => amount(s)), ...prev.servers.map((s) => amount(s)))
    this.title.visible = names.length > 0
    this.title.set(keyed ? `keys per server (of ${fmt(target.totalKeys)})` : 'share of the ring per server')
    this.title.position.set(0, 0.05, -0.36)
    let shown = 0
    const values: number[] = []
    names.slice(0, ROWS).forEach((name, i) => {
      const row = this.rows[i]!
      const was = before.get(name)
      const now = after.get(name)
      const gone = !now
      const joinGrow = !was && now && prev !== target ? ph.join(name) : 1
      let value = lerp(amount(was ?? now), amount(now), was && now ? settle : 1) * joinGrow
      if (gone) value = orphaned > 0 ? orphaned / target.totalKeys : lerp(amount(was), 0, settle)
      if (!gone) values.push(value)
      const z = i * ROW_PITCH
      row.bar.visible = true
      row.bar.position.set(0, 0, z)
      row.bar.scale.set(Math.max(0.001, (value / full) * BAR_MAX), 1, 1)
      row.bar.material.color.copy(gone ? pal.fault : serverColor(name, pal, new Color()))
      row.bar.userData.pick = gone ? undefined : { node: name }
      const delta = keyed && target.moved ? (target.moved.to[name] ?? 0) - (target.moved.from[name] ?? 0) : 0
      const count = keyed ? (gone ? (orphaned > 0 ? `left · ${fmt(orphaned)}` : 'left') : fmt(now.keys)) : `${Math.round(value * 100)}%`
      const change = delta !== 0 ? ` (${delta > 0 ? '+' : '−'}${fmt(Math.abs(delta))})` : ''
      row.label.visible = true
      row.label.set(`${name} ${count}${change}`).tint(gone ? `#${pal.fault.getHexString()}` : serverCss(name, pal))
      row.label.position.set(row.bar.scale.x + 0.12, 0.05, z)
      shown = i + 1
    })
    for (let i = shown; i < ROWS; i++) {
      this.rows[i]!.bar.visible = false
      this.rows[i]!.label.visible = false
    }

    // The mean: where every bar would end if the load were perfectly even.
    const mean = values.length > 0 ? values.reduce((a, v) => a + v, 0) / values.length : 0
    this.meanTick.visible = values.length > 1
    this.meanTick.position.set((mean / full) * BAR_MAX, 0, ((shown - 1) * ROW_PITCH) / 2)
    this.meanTick.scale.z = shown * ROW_PITCH

    // The spread of what the bars show, std/mean, as one number.
    const counts = keyed ? target.servers.map((s) => s.keys) : target.servers.map((s) => s.share)
    const cv = counts.length > 1 ? spreadOf(counts).cv : 0
    const below = shown * ROW_PITCH + 0.1
    this.spreadLabel.visible = counts.length > 1
    this.spreadLabel.set(`load spread (std/mean) ${cv.toFixed(2)}`)
    this.spreadLabel.position.set(0, 0.05, below)
    this.drawSpreadTable(target, ph, below + 0.42)
  }

  /** The spread against tokens per server, averaged over many clusters (the spread step). */
  private drawSpreadTable(target: HashingSnapshot, ph: Phases, z0: number): void {
    const rows = target.focus === 'spread' ? target.spread.slice(0, SPREAD_ROWS) : []
    this.spreadTitle.visible = rows.length > 0
    this.spreadTitle.set('spread vs tokens per server (16 rings)')
    this.spreadTitle.position.set(0, 0.05, z0)
    const widest = Math.max(0.01, ...rows.map((r) => r.meanCv))
    this.spreadRows.forEach((row, i) => {
      const r = rows[i]
      row.bar.visible = !!r
      row.label.visible = !!r
      if (!r) return
      const z = z0 + 0.3 + i * SPREAD_PITCH
      const len = (r.meanCv / widest) * BAR_MAX * ph.spread(r.vnodes)
      row.bar.position.set(0, 0, z)
      row.bar.scale.set(Math.max(0.001, len), 1, 1)
      row.label.set(`${r.vnodes} token${r.vnodes === 1 ? '' : 's'} · ${r.meanCv.toFixed(2)}${r.vnodes === target.vnodes ? ' ◂ now' : ''}`)
      row.label.position.set(len + 0.12, 0.05, z)
    })
  }

  pickables(): Object3D[] {
    return this.rows.filter((r) => r.bar.visible && r.bar.userData.pick).map((r) => r.bar)
  }

  /** Also removes the label elements and the instanced buffers, which the Disposer does not track. */
  override dispose(): void {
    super.dispose()
    for (const l of this.labels) l.element.remove()
  }
}
