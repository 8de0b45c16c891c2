/**
 * The backends: a cyan orb each, circled by a halo ring in its identity colour, linked to the
 * balancer. Beside it a card (its name, weight and smooth-weighted score, counters, health-check
 * verdict) and, on the floor under the card, its counters as bars of one block per request:
 * served (cyan) then failed (red), and open connections (blue) in front. A backend that is down
 * but still in the pool is red; an ejected one is grey with its link cut (a red block on it); one
 * that came back has a green border on its card.
 */
import { Group, Vector3, type CylinderGeometry } from 'three'
import type { Disposer } from '../../primitives/disposer.ts'
import { Orb } from '../../primitives/orb.ts'
import { Link } from '../../primitives/link.ts'
import { TextPanel, type Row, type Segment } from '../../primitives/text-panel.ts'
import type { Boxes } from '../../primitives/boxes.ts'
import type { Palette } from '../../palette.ts'
import type { BackendFrame, LbFrame } from './frame.ts'
import { backendColor, backendCss, css } from './colours.ts'
import {
  BACKEND_RADIUS, BALANCER, BALANCER_HEIGHT, BAR_DEPTH, BAR_HEIGHT, BAR_MAX, BAR_X0, CARD_DZ, OPEN_DZ, SERVED_DZ, UNIT_GAP, backendPosition,
} from './layout.ts'

export interface BackendNode {
  readonly name: string
  readonly position: Vector3
  readonly orb: Orb
  readonly link: Link
  readonly card: TextPanel
}

/** Bar units (world length of one request, one open connection). */
export interface Units {
  served: number
  open: number
}

const LINK_OPACITY = 0.4

export class Backends extends Group {
  readonly nodes: BackendNode[] = []
  private readonly balancerPoint = new Vector3(BALANCER.x, BALANCER_HEIGHT * 0.55, BALANCER.z)
  private readonly cut = new Vector3()

  constructor(d: Disposer, names: readonly string[], linkGeometry: CylinderGeometry, p: Palette) {
    super()
    names.forEach((name, i) => {
      const position = backendPosition(i, names.length)
      const orb = new Orb(d, BACKEND_RADIUS, p.follower)
      orb.position.copy(position)
      orb.userData.pick = { node: name }
      const link = new Link(d, linkGeometry, p.muted, LINK_OPACITY).between(this.balancerPoint, position)
      const card = new TextPanel()
      // Bottom-left corner where the bars start: the card grows up from its bars.
      card.center.set(0, 1)
      card.position.set(BAR_X0 - 0.04, 0, position.z + CARD_DZ)
      card.element.style.fontSize = '13px'
      this.add(link, orb, card)
      this.nodes.push({ name, position, orb, link, card })
    })
  }

  draw(frame: LbFrame, p: Palette, bars: Boxes, units: Units): void {
    frame.backends.forEach((b, i) => {
      const node = this.nodes.find((n) => n.name === b.name)
      if (!node) return
      const ejected = b.health === 'ejected'
      const restored = !ejected && b.up && b.ejections > 0
      // The body says how it is (cyan, red when down, grey when ejected); the halo ring is who it is.
      if (ejected) node.orb.style(p.muted, { glow: 0.05, halo: 1 })
      else if (!b.up) node.orb.style(p.fault, { glow: 0.6, halo: 1 })
      else node.orb.style(p.follower, { glow: 0.35, halo: 1 })
      if (ejected) node.orb.body.material.color.multiplyScalar(0.55)
      node.orb.halo.material.color.copy(backendColor(i, p))
      node.link.style(ejected ? p.muted : p.follower, ejected ? 0.12 : LINK_OPACITY)
      node.card.set(this.title(b, i, p), this.rows(b, frame, p))
      node.card.element.style.borderColor = ejected || !b.up ? css(p.fault) : restored ? css(p.ok) : ''

      const x0 = BAR_X0
      const zs = node.position.z + SERVED_DZ
      const x = segments(bars, x0, zs, b.served, units.served, p.follower)
      segments(bars, x, zs, b.errors, units.served, p.fault)
      segments(bars, x0, node.position.z + OPEN_DZ, b.active, units.open, p.client)
      if (ejected) {
        // The cut: a red block across the link, two thirds of the way to the backend.
        const at = this.cut.lerpVectors(this.balancerPoint, node.position, 0.62)
        bars.box(at.x, at.y, at.z, 0.12, 0.22, 0.36, p.fault)
      }
    })
  }

  private title(b: BackendFrame, i: number, p: Palette): Row {
    return [{ text: `backend ${b.name}`, color: backendCss(i, p), bold: true }]
  }

  private rows(b: BackendFrame, frame: LbFrame, p: Palette): Row[] {
    const rows: Row[] = []
    if (frame.algorithm === 'weighted') {
      const w: Segment[] = [{ text: `weight ${b.weight}`, bold: true }]
      if (b.score !== null) w.push({ text: ` · score ${signed(b.score)}`, color: css(p.muted) })
      rows.push(w)
    }
    const counts: Segment[] = [{ text: `${b.served} served`, color: css(p.follower) }]
    if (b.errors > 0) counts.push({ text: ` · ${b.errors} failed`, color: css(p.fault) })
    counts.push({ text: ` · ${b.active} open`, color: css(p.client) })
    rows.push(counts)
    const status = this.status(b, frame, p)
    if (status) rows.push(status)
    return rows
  }

  /** The health line: probes failed so far against the threshold, ejected, back in the pool, or down. */
  private status(b: BackendFrame, frame: LbFrame, p: Palette): Row | null {
    const fault = css(p.fault)
    const checks = frame.checks
    if (b.health === 'ejected') {
      const probes = checks && b.okStreak > 0 ? `${b.okStreak}/${checks.healthyThreshold} probes ok` : checks ? `${Math.min(b.failStreak, checks.unhealthyThreshold)}/${checks.unhealthyThreshold} probes failed` : ''
      return [{ text: 'ejected', color: fault, bold: true }, { text: probes ? ` · ${probes}` : '', color: b.okStreak > 0 ? css(p.ok) : fault }]
    }
    if (!b.up) {
      if (!checks) return [{ text: 'down: requests time out', color: fault, bold: true }]
      return [{ text: 'down', color: fault, bold: true }, { text: ` · ${Math.min(b.failStreak, checks.unhealthyThreshold)}/${checks.unhealthyThreshold} probes failed`, color: fault }]
    }
    if (b.ejections > 0 && checks) return [{ text: 'restored', color: css(p.ok), bold: true }, { text: ` · ${Math.min(b.okStreak, checks.healthyThreshold)}/${checks.healthyThreshold} probes ok`, color: css(p.ok) }]
    return null
  }

  release(): void {
    for (const n of this.nodes) n.card.destroy()
  }
}

/** One block per unit from x (or one bar when the units are too thin to tell apart); returns where it ended. */
function segments(bars: Boxes, x: number, z: number, count: number, unit: number, color: Parameters<Boxes['box']>[6]): number {
  if (count <= 0) return x
  // The units are chosen so the longest bar fits BAR_MAX; the clamp only guards the scene's edge.
  const end = Math.min(x + count * unit, BAR_X0 + BAR_MAX)
  if (unit < 0.08) {
    bars.box((x + end) / 2, BAR_HEIGHT / 2, z, end - x, BAR_HEIGHT, BAR_DEPTH, color)
    return end
  }
  for (let k = 0; k < count; k++) {
    const a = x + k * unit
    bars.box(a + (unit - UNIT_GAP) / 2, BAR_HEIGHT / 2, z, unit - UNIT_GAP, BAR_HEIGHT, BAR_DEPTH, color)
  }
  return end
}

const signed = (n: number): string => (n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '0')
