/**
 * The consumer groups: each a translucent band (cyan, a second group violet) holding its
 * members, one orb each, with a label (name; what it owns, or that it crashed and when the
 * coordinator will evict it, or that it waits for its new assignment). A line runs from the end
 * of each partition row to the member the coordinator assigned it to: solid once the member has
 * its assignment, dashed and faint while it is still on its way, red to a dead member. A crashed
 * member is a red orb inside a red ring that drains until its session times out.
 */
import { Color, DoubleSide, Group, Mesh, MeshBasicMaterial, PlaneGeometry, Vector3, type Object3D } from 'three'
import type { Disposer } from '../../primitives/disposer.ts'
import { Orb } from '../../primitives/orb.ts'
import { RichLabel, line, type Line } from '../../primitives/rich-label.ts'
import { Segments } from '../../primitives/segments.ts'
import { TimerRing } from '../../primitives/timer-ring.ts'
import type { Palette } from '../../palette.ts'
import { MAX_MEMBERS, type ShownGroup, type ShownMember } from './groups.ts'
import { BAND_RIGHT, CONSUMER_RADIUS, rowEndX, type StreamLayout } from './layout.ts'
import type { RowInfo } from './log-part.ts'
import { groupColor, groupTone, partitionName } from './style.ts'

const MAX_GROUPS = 3
/** The band reaches this far left of the orbs (and BAND_RIGHT right, past their labels). */
const BAND_LEFT = 0.5

interface MemberParts {
  orb: Orb
  ring: TimerRing
  label: RichLabel
}

export class GroupPart extends Group {
  private readonly members: MemberParts[] = []
  private readonly bands: Mesh<PlaneGeometry, MeshBasicMaterial>[] = []
  private readonly bandLabels: RichLabel[] = []
  private readonly lines: Segments
  private readonly picks: Object3D[] = []
  private readonly c = new Color()
  private readonly a = new Vector3()
  private readonly b = new Vector3()
  /** Where each shown member stands, as last drawn (the view aims messages at them). */
  readonly at = new Map<string, Vector3>()

  constructor(d: Disposer, private readonly layout: StreamLayout, p: Palette) {
    super()
    const plane = d.track(new PlaneGeometry(1, 1))
    for (let i = 0; i < MAX_GROUPS; i++) {
      const band = new Mesh(plane, d.track(new MeshBasicMaterial({ color: p.follower, transparent: true, opacity: 0.1, side: DoubleSide, depthWrite: false })))
      band.rotation.x = -Math.PI / 2
      const label = new RichLabel('small', [0, 1])
      this.bands.push(band)
      this.bandLabels.push(label)
      this.add(band, label)
    }
    for (let i = 0; i < MAX_MEMBERS; i++) {
      const orb = new Orb(d, CONSUMER_RADIUS, p.follower)
      const ring = new TimerRing(d, CONSUMER_RADIUS * 1.4, CONSUMER_RADIUS * 1.65, p.fault)
      const label = new RichLabel('small', [0, 0.5])
      this.members.push({ orb, ring, label })
      this.add(orb, ring, label)
    }
    this.lines = new Segments(d, 48, 0.022)
    this.add(this.lines)
  }

  draw(groups: readonly ShownGroup[], rows: readonly RowInfo[], now: number, p: Palette): void {
    const l = this.layout
    this.at.clear()
    this.picks.length = 0
    this.lines.begin()
    let k = 0
    groups.slice(0, MAX_GROUPS).forEach((g, i) => {
      const band = this.bands[i]!
      const label = this.bandLabels[i]!
      const on = g.members.length > 0
      band.visible = on
      label.visible = on
      const color = groupColor(g.index, p)
      if (on) {
        const x0 = l.consumerX - BAND_LEFT
        const x1 = l.consumerX + BAND_RIGHT
        band.material.color.copy(color)
        band.scale.set(x1 - x0, g.z1 - g.z0, 1)
        band.position.set((x0 + x1) / 2, 0.003, (g.z0 + g.z1) / 2)
        // Lifted clear of the first orb, which stands above the floor and so reaches up the screen.
        label.position.set(x0 + 0.05, 0.05, g.z0 - 0.2)
        label.set([line([{ text: `group ${g.view.name}`, tone: groupTone(g.index), bold: true }, { text: ` · gen ${g.view.generation}`, tone: 'muted' }])])
      }
      for (const m of g.members) {
        const parts = this.members[k++]
        if (!parts) break
        this.drawMember(parts, m, g, now, p)
        this.at.set(m.view.id, m.at)
        // The coordinator's assignment: a line from each partition row's end to its owner.
        for (const tp of m.view.partitions) {
          const row = rows.find((r) => r.tp === tp)
          if (!row) continue
          this.a.set(rowEndX(l) + 0.06, 0.08, row.z)
          this.b.copy(m.at).setY(0.08)
          this.b.x -= CONSUMER_RADIUS
          const pending = m.view.alive && m.view.generation < g.view.generation && !(tp in m.view.positions)
          if (!m.view.alive) this.lines.put(this.a, this.b, p.fault, 1)
          else if (pending) this.lines.dashed(this.a, this.b, this.c.copy(color).lerp(p.background, 0.35), 9, 0.9)
          else this.lines.put(this.a, this.b, color, 1)
        }
      }
    })
    for (let i = groups.length; i < MAX_GROUPS; i++) {
      this.bands[i]!.visible = false
      this.bandLabels[i]!.visible = false
    }
    for (; k < this.members.length; k++) {
      const parts = this.members[k]!
      parts.orb.visible = false
      parts.ring.visible = false
      parts.label.visible = false
    }
    this.lines.end()
  }

  private drawMember(parts: MemberParts, m: ShownMember, g: ShownGroup, now: number, p: Palette): void {
    const v = m.view
    const color = groupColor(g.index, p)
    parts.orb.visible = true
    parts.label.visible = true
    parts.orb.position.copy(m.at)
    parts.orb.userData.pick = { node: v.id }
    this.picks.push(parts.orb)
    if (v.alive) parts.orb.style(color, { glow: v.processing ? 0.75 : 0.35, halo: v.processing ? 0.45 : 0 })
    else parts.orb.style(p.fault, { glow: 0.12, halo: 0.5 })
    // A dead member's session drains: when the ring is gone, the coordinator evicts it.
    const left = v.sessionExpiresAt !== null ? (v.sessionExpiresAt - now) / g.view.config.sessionTimeoutMs : 0
    parts.ring.visible = !v.alive && left > 0
    parts.ring.material.color.copy(p.fault)
    parts.ring.setFraction(v.alive ? 0 : left)
    parts.ring.position.set(m.at.x, 0.02, m.at.z)
    parts.label.position.set(m.at.x + CONSUMER_RADIUS + 0.12, 0.05, m.at.z)
    parts.label.set(memberLines(m, g, now)).tint(v.alive ? '' : 'fault')
  }

  pickables(): Object3D[] {
    return this.picks
  }

  release(): void {
    this.lines.dispose()
    for (const x of [...this.bandLabels, ...this.members.map((m) => m.label)]) x.element.remove()
  }
}

function memberLines(m: ShownMember, g: ShownGroup, now: number): Line[] {
  const v = m.view
  const tone = groupTone(g.index)
  if (g.compact) {
    // One line each when the column is crowded (a live `a` pressed many times).
    const state = !v.alive ? 'crashed' : v.generation < g.view.generation ? 'waiting' : v.partitions.length === 0 ? 'idle' : v.partitions.map(partitionName).join(' ')
    return [line([{ text: v.id, tone: v.alive ? tone : 'fault', bold: true }, { text: ` ${state}`, tone: v.alive ? 'fg' : 'fault' }], true)]
  }
  if (!v.alive) {
    const name = line([{ text: v.id, tone: 'fault', bold: true }])
    if (v.sessionExpiresAt === null) return [name, line([{ text: 'crashed · evicted', tone: 'fault' }], true)]
    const ms = Math.max(0, Math.round((v.sessionExpiresAt - now) / 10) * 10)
    return [name, line([{ text: 'crashed', tone: 'fault' }], true), line([{ text: `evicted in ${ms} ms`, tone: 'fault' }], true)]
  }
  const name = line([{ text: v.id, tone, bold: true }])
  if (v.generation < g.view.generation) return [name, line([{ text: 'awaiting assignment', tone: 'leader' }], true)]
  if (v.partitions.length === 0) return [name, line([{ text: g.view.generation === 0 ? 'joining…' : 'idle: no partition', tone: 'muted' }], true)]
  return [name, line([{ text: v.partitions.map(partitionName).join(' '), tone: 'fg' }, { text: ` · ${v.processed} done`, tone: 'muted' }], true)]
}
