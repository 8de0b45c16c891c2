/**
 * The cluster as a ring: an orb per node in its role colour (gold leader, cyan follower, orange
 * candidate, dark when crashed), a draining ring under it for its election timer, a label beside
 * it (name and role; term, votes and trouble), and a link between every pair: faint when the pair
 * can talk, red across a partition or to a node cut off from the network, faint red when lossy.
 */
import { Group, Vector3, type Color } from 'three'
import type { RaftNodeSnapshot, RaftSnapshot } from '../../../sim/raft/types.ts'
import type { Disposer } from '../../primitives/disposer.ts'
import { Orb } from '../../primitives/orb.ts'
import { TimerRing } from '../../primitives/timer-ring.ts'
import { RichLabel, line, type Span, type Tone } from '../../primitives/rich-label.ts'
import { Link, linkGeometry } from '../../primitives/link.ts'
import { FaultLine } from '../../primitives/fault-line.ts'
import type { Palette } from '../../palette.ts'
import { ORB_RADIUS, nodeLabelPlacement, nodeName, nodePosition } from './layout.ts'

/** The longest election timeout (Raft's 150–300 ms): a full ring. */
const MAX_TIMEOUT = 300

interface NodeParts {
  orb: Orb
  timer: TimerRing
  label: RichLabel
  position: Vector3
}

export class Ring extends Group {
  readonly nodes: NodeParts[] = []
  private readonly links: { a: number; b: number; link: Link }[] = []
  private readonly fault: FaultLine

  constructor(d: Disposer, n: number, p: Palette) {
    super()
    const linkGeo = linkGeometry(d)
    for (let i = 0; i < n; i++) {
      const position = nodePosition(i, n)
      const orb = new Orb(d, ORB_RADIUS, p.follower)
      orb.position.copy(position)
      orb.userData.pick = { node: i }
      const timer = new TimerRing(d, ORB_RADIUS * 1.45, ORB_RADIUS * 1.7, p.candidate)
      timer.position.set(position.x, 0.02, position.z)
      const place = nodeLabelPlacement(i, n)
      const label = new RichLabel('normal', place.anchor)
      label.position.copy(place.position)
      this.add(orb, timer, label)
      this.nodes.push({ orb, timer, label, position })
    }
    for (let a = 0; a < n; a++) {
      for (let b = a + 1; b < n; b++) {
        const link = new Link(d, linkGeo, p.muted, 0.35)
        link.between(this.nodes[a]!.position, this.nodes[b]!.position)
        this.add(link)
        this.links.push({ a, b, link })
      }
    }
    this.fault = new FaultLine(d, 4.6, 0.9, p.fault)
    this.fault.visible = false
    this.add(this.fault)
  }

  draw(s: RaftSnapshot, p: Palette): void {
    s.nodes.forEach((node, i) => {
      const parts = this.nodes[i]
      if (!parts) return
      const color = roleColor(node, p)
      const leads = node.role === 'leader' && node.alive
      parts.orb.style(color, { alive: node.alive, glow: leads ? 0.8 : 0.35, halo: leads ? 0.55 : node.role === 'candidate' ? 0.35 : 0 })
      const deadline = node.electionDeadline
      parts.timer.material.color.copy(p.candidate)
      parts.timer.setFraction(node.alive && node.role !== 'leader' && deadline !== null ? (deadline - s.time) / MAX_TIMEOUT : 0)
      const tone = roleTone(node, s)
      parts.label.set(nodeLines(node, s)).tint(tone)
    })

    for (const { a, b, link } of this.links) {
      const na = s.nodes[a]
      const nb = s.nodes[b]
      const split = s.partition ? groupOf(s.partition, a) !== groupOf(s.partition, b) : false
      const cut = na?.connected === false || nb?.connected === false
      if (cut) link.style(p.fault, 0.75)
      else if (split) link.style(p.fault, 0.55)
      // Lossy links (what-if U): a faint red, as if half broken.
      else if (s.unreliable) link.style(p.fault, na?.alive && nb?.alive ? 0.3 : 0.1)
      else link.style(p.muted, na?.alive && nb?.alive ? 0.35 : 0.1)
    }
    this.placeFault(s.partition)
  }

  setPalette(p: Palette): void {
    this.fault.setColor(p.fault)
  }

  private placeFault(groups: number[][] | null): void {
    if (!groups || groups.length < 2) {
      this.fault.visible = false
      return
    }
    const centroid = (g: number[]): Vector3 => g.reduce((acc, id) => acc.add(this.nodes[id]?.position ?? new Vector3()), new Vector3()).multiplyScalar(1 / Math.max(1, g.length))
    const [g0, g1] = [...groups].sort((x, y) => y.length - x.length)
    const a = centroid(g0!)
    const b = centroid(g1!)
    const mid = a.clone().add(b).multiplyScalar(0.5)
    const dir = b.clone().sub(a)
    this.fault.visible = true
    this.fault.position.set(mid.x, 0, mid.z)
    this.fault.rotation.y = Math.atan2(dir.x, dir.z)
  }

  release(): void {
    for (const n of this.nodes) n.label.element.remove()
  }
}

export function roleColor(node: RaftNodeSnapshot, p: Palette): Color {
  if (!node.alive) return p.muted
  if (node.role === 'leader') return p.leader
  if (node.role === 'candidate') return p.candidate
  return p.follower
}

function roleTone(node: RaftNodeSnapshot, s: RaftSnapshot): Tone {
  if (!node.alive) return 'muted'
  if (node.role === 'leader') return s.leader === node.id ? 'leader' : 'fault'
  if (node.role === 'candidate') return 'candidate'
  return 'follower'
}

/** "B leader" over "term 1 · cut off": what a node is, then its term and anything wrong. */
function nodeLines(node: RaftNodeSnapshot, s: RaftSnapshot): ReturnType<typeof line>[] {
  const role = !node.alive ? 'crashed' : node.role
  const roleTone: Tone = !node.alive ? 'muted' : node.role === 'leader' ? 'leader' : node.role === 'candidate' ? 'candidate' : 'follower'
  const second: Span[] = [{ text: `term ${node.term}` }]
  const majority = Math.floor(s.nodes.length / 2) + 1
  if (node.alive && node.role === 'candidate') second.push({ text: ` · ${node.votes.length} of ${majority} votes`, tone: 'candidate' })
  if (node.alive && !node.connected) second.push({ text: ' · cut off', tone: 'fault', bold: true })
  else if (node.alive && node.role === 'leader' && s.leader !== node.id) second.push({ text: ' · stale', tone: 'fault', bold: true })
  return [line([{ text: nodeName(node.id), bold: true }, { text: ` ${role}`, tone: roleTone }]), line(second, true)]
}

function groupOf(groups: number[][], id: number): number {
  return groups.findIndex((g) => g.includes(id))
}
