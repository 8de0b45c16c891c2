/**
 * The clients: a column of blue orbs on the left, each linked to the balancer and named by its
 * address. With IP hash each client also shows where hash(ip) sends it: a halo in that backend's
 * colour and "→ c" in its label, and, once the pool has changed, where it was before ("was c").
 */
import { Group, Vector3, type CylinderGeometry } from 'three'
import type { Disposer } from '../../primitives/disposer.ts'
import { Orb } from '../../primitives/orb.ts'
import { Link } from '../../primitives/link.ts'
import { TextPanel, type Segment } from '../../primitives/text-panel.ts'
import type { Palette } from '../../palette.ts'
import type { LbFrame } from './frame.ts'
import { backendColor, backendCss, css } from './colours.ts'
import { BALANCER, BALANCER_HEIGHT, CLIENT_RADIUS, clientPosition } from './layout.ts'

export interface ClientNode {
  readonly id: string
  readonly position: Vector3
  readonly orb: Orb
  readonly link: Link
  readonly label: TextPanel
}

export class Clients extends Group {
  readonly nodes: ClientNode[] = []

  constructor(d: Disposer, ids: readonly string[], linkGeometry: CylinderGeometry, p: Palette) {
    super()
    const hub = new Vector3(BALANCER.x, BALANCER_HEIGHT * 0.55, BALANCER.z)
    ids.forEach((id, i) => {
      const position = clientPosition(i, ids.length)
      const orb = new Orb(d, CLIENT_RADIUS, p.client)
      orb.position.copy(position)
      const link = new Link(d, linkGeometry, p.muted, 0.3).between(position, hub)
      const label = new TextPanel()
      // Right edge's middle just left of the orb: labels grow leftwards, away from the links.
      label.center.set(1, 0.5)
      label.position.set(position.x - CLIENT_RADIUS * 1.6, position.y, position.z)
      label.element.style.fontSize = '13px'
      this.add(link, orb, label)
      this.nodes.push({ id, position, orb, link, label })
    })
  }

  draw(frame: LbFrame, p: Palette, backendIndex: (name: string) => number): void {
    for (const node of this.nodes) {
      const c = frame.clients.find((x) => x.id === node.id)
      if (!c) continue
      node.orb.style(p.client, { glow: 0.35, halo: c.sticky ? 0.95 : 0 })
      if (c.sticky) node.orb.halo.material.color.copy(backendColor(backendIndex(c.sticky), p))
      node.link.style(p.muted, 0.3)
      const row: Segment[] = [{ text: c.sticky ? c.ip : c.id, color: css(p.client), bold: true }]
      const rows: Segment[][] = [row]
      if (c.sticky) {
        row.push({ text: ' → ' }, { text: c.sticky, color: backendCss(backendIndex(c.sticky), p), bold: true })
        // Where its earlier requests went, if hash(ip) has moved it since: its session was there.
        const before = [...new Set(c.history)].filter((b) => b !== c.sticky)
        if (before.length > 0) rows.push([{ text: `moved, was ${before.join(', ')}`, color: css(p.fault) }])
      }
      node.label.set([], rows)
    }
  }

  release(): void {
    for (const n of this.nodes) n.label.destroy()
  }
}
