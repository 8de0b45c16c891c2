/**
 * The service graph: client → gateway → auth, orders → inventory → database, with every node's
 * telemetry pipe to the golden collector. Calls and replies fly along the graph; exports fly to
 * the collector as up to three particles, one per signal they carry. Above each node, chips stack
 * up for the log lines (purple) and spans (cyan) waiting in its export buffer.
 */
import { Color, Vector3, type Group, type Object3D } from 'three'
import { GRAPH, SERVICES } from '../../../sim/observability/system.ts'
import type { Disposer } from '../../primitives/disposer.ts'
import { Orb } from '../../primitives/orb.ts'
import { Label } from '../../primitives/labels.ts'
import { Link, linkGeometry } from '../../primitives/link.ts'
import { Particles, arcPoint } from '../../primitives/particles.ts'
import type { Boxes } from '../../primitives/boxes.ts'
import { TextPanel } from '../../primitives/text-panel.ts'
import type { Palette } from '../../palette.ts'
import type { Frame } from './frame.ts'
import { CLIENT_RADIUS, COLLECTOR_RADIUS, SERVICE_RADIUS, css, levelOf, nodePosition, serviceColor, signalColors, ms } from './layout.ts'

const NODES = ['client', ...SERVICES] as const
/** Chips drawn per buffer at most (the label says how many there are). */
const MAX_CHIPS = 8
const CHIP = 0.19

/** What the graph adds to each node: its p99 in the label; its export buffer as chips. */
export interface GraphOptions {
  p99: boolean
  chips: boolean
}

export class ServiceGraph {
  private readonly orbs = new Map<string, Orb>()
  private readonly labels = new Map<string, Label>()
  private readonly pos = new Map<string, Vector3>()
  private readonly links: { a: string; b: string; link: Link }[] = []
  private readonly pipes: Link[] = []
  private readonly collector: Orb
  private readonly collectorLabel: Label
  private readonly legend: TextPanel
  private readonly traceparent: Label
  readonly particles: Particles
  private readonly tmp = new Vector3()
  private readonly c = new Color()

  constructor(world: Group, d: Disposer, p: Palette) {
    const linkGeo = linkGeometry(d, 0.022)
    for (const name of NODES) {
      const position = nodePosition(name)
      this.pos.set(name, position)
      const orb = new Orb(d, name === 'client' ? CLIENT_RADIUS : SERVICE_RADIUS, p.client)
      orb.position.copy(position)
      if (name !== 'client') orb.userData.pick = { node: name }
      const label = new Label(name, 'small')
      label.center.set(0.5, 0)
      label.position.set(position.x, position.y + 0.02, position.z + 0.42)
      world.add(orb, label)
      this.orbs.set(name, orb)
      this.labels.set(name, label)
    }
    const cpos = nodePosition('collector')
    this.pos.set('collector', cpos)
    this.collector = new Orb(d, COLLECTOR_RADIUS, p.leader)
    this.collector.position.copy(cpos)
    // Both to the left of the collector: the right edge of the scene is close.
    this.collectorLabel = new Label('collector', ['small', 'strong'])
    this.collectorLabel.center.set(1, 1)
    this.collectorLabel.position.set(cpos.x - COLLECTOR_RADIUS - 0.15, cpos.y, cpos.z)
    this.legend = new TextPanel()
    this.legend.center.set(1, 0)
    this.legend.position.set(cpos.x - COLLECTOR_RADIUS - 0.15, cpos.y, cpos.z)
    world.add(this.collector, this.collectorLabel)

    const edges: [string, string][] = [['client', 'gateway'], ...SERVICES.flatMap((s) => GRAPH[s].calls.map((c) => [s, c.to] as [string, string]))]
    for (const [a, b] of edges) {
      const link = new Link(d, linkGeo, p.muted, 0.45)
      link.between(this.pos.get(a)!, this.pos.get(b)!)
      world.add(link)
      this.links.push({ a, b, link })
    }
    for (const name of NODES) {
      const pipe = new Link(d, linkGeo, p.leader, 0.16)
      pipe.between(this.pos.get(name)!, cpos)
      world.add(pipe)
      this.pipes.push(pipe)
    }
    this.particles = new Particles(d, 240, 0.095, [10, 7])
    world.add(this.particles)
    this.traceparent = new Label('', ['small'])
    this.traceparent.element.style.whiteSpace = 'pre'
    this.traceparent.element.style.textAlign = 'left'
    this.traceparent.center.set(0, 1)
    world.add(this.traceparent)
  }

  /** The legend of the signal colours sits by the collector; a scene may leave it out. */
  showLegend(world: Group): void {
    world.add(this.legend)
  }

  draw(frame: Frame, p: Palette, boxes: Boxes, opts: GraphOptions): void {
    const sig = signalColors(p)
    const busy = new Set<string>()
    for (const w of frame.wire) if (w.kind !== 'export') busy.add(w.from).add(w.to)
    for (const s of frame.services) {
      const orb = this.orbs.get(s.name)
      const label = this.labels.get(s.name)
      if (!orb || !label) continue
      const color = serviceColor(s.fault, p)
      const working = s.inFlight > 0
      orb.style(color, { glow: working ? 0.85 : 0.35, halo: working ? 0.6 : 0 })
      const level = levelOf(s.fault)
      const state = level === 'healthy' ? '' : ` · ${level}`
      const text = opts.p99 ? `${s.name} · p99 ${ms(s.p99)}${state}` : `${s.name}${state}`
      label.set(text).tint(level === 'healthy' ? '' : css(color))
      label.element.style.color = level === 'healthy' ? '' : css(color)
    }
    const client = this.orbs.get('client')!
    client.style(p.client, { glow: 0.3, halo: busy.has('client') ? 0.45 : 0 })
    this.collector.style(p.leader, { glow: 0.7, halo: frame.wire.some((w) => w.kind === 'export') ? 0.55 : 0.2 })
    const cl = frame.collector
    this.collectorLabel.set(`collector · ${cl.logs} logs · ${cl.spans} spans · ${cl.traces} trace${cl.traces === 1 ? '' : 's'}`)
    this.legend.set([], [[{ text: '● logs  ', color: css(sig.logs) }, { text: '● spans  ', color: css(sig.spans) }, { text: '● metrics', color: css(sig.metrics) }]])

    for (const { b, link } of this.links) {
      const down = frame.services.find((s) => s.name === b)
      link.style(down && levelOf(down.fault) !== 'healthy' ? serviceColor(down.fault, p) : p.muted, 0.45)
    }

    // Buffers: chips over each node, logs on the left, spans on the right.
    for (const name of opts.chips ? NODES : []) {
      const box = frame.outbox[name]
      const at = this.pos.get(name)!
      if (!box) continue
      const top = at.y + (name === 'client' ? CLIENT_RADIUS : SERVICE_RADIUS) + 0.08
      for (let i = 0; i < Math.min(MAX_CHIPS, box.logs); i++) boxes.box(at.x - CHIP * 0.6, top + i * CHIP * 0.6, at.z, CHIP, CHIP * 0.42, CHIP, sig.logs)
      for (let i = 0; i < Math.min(MAX_CHIPS, box.spans); i++) boxes.box(at.x + CHIP * 0.6, top + i * CHIP * 0.6, at.z, CHIP, CHIP * 0.42, CHIP, sig.spans)
    }

    // Messages: calls light, failed replies red, exports as a train of signal colours.
    this.particles.begin()
    let header: string | null = null
    for (const w of frame.wire) {
      const a = this.pos.get(w.from)
      const b = this.pos.get(w.to)
      if (!a || !b) continue
      if (w.kind === 'export') {
        const carried = w.carries!
        const train: Color[] = []
        if (carried.logs > 0) train.push(sig.logs)
        if (carried.spans > 0) train.push(sig.spans)
        if (carried.metrics > 0) train.push(sig.metrics)
        train.forEach((col, k) => {
          arcPoint(a, b, this.outside(w.from, w.to, Math.max(0, w.f - k * 0.06)), 0.9, this.tmp)
          this.particles.put(this.tmp, col, 1.15)
        })
        continue
      }
      arcPoint(a, b, this.outside(w.from, w.to, w.f), 0.25, this.tmp)
      this.particles.put(this.tmp, w.kind === 'reply' && !w.ok ? p.fault : this.c.copy(p.text), w.kind === 'call' ? 1.1 : 0.85)
      if (w.kind === 'call' && w.from === 'client' && w.traceId && frame.focus?.traceId === w.traceId) {
        const root = frame.focus.spans.find((s) => s.parentSpanId === null)
        header = `traceparent header:\n00-${w.traceId.slice(0, 8)}…-${(root?.spanId ?? '').slice(0, 8)}…-01`
      }
    }
    this.particles.end()
    this.traceparent.visible = header !== null
    if (header) {
      this.traceparent.set(header).tint(css(sig.spans))
      // Above the client, in the corner the graph leaves free (only the first hop shows it).
      const client = this.pos.get('client')!
      this.traceparent.position.set(client.x - 0.3, client.y + 0.3, client.z - 0.45)
    }
  }

  /**
   * Progress along an edge mapped to the stretch between the two orbs' surfaces: a message
   * leaves one and lands on the other, and is never drawn hidden inside either.
   */
  private outside(from: string, to: string, f: number): number {
    const len = this.pos.get(from)!.distanceTo(this.pos.get(to)!)
    const ra = radiusOf(from) / len
    const rb = radiusOf(to) / len
    return ra + (1 - ra - rb) * f
  }

  pickables(): Object3D[] {
    return SERVICES.map((s) => this.orbs.get(s)!)
  }

  dispose(): void {
    for (const l of this.labels.values()) l.element.remove()
    this.collectorLabel.element.remove()
    this.traceparent.element.remove()
    this.legend.destroy()
    this.particles.dispose()
  }
}

function radiusOf(name: string): number {
  return name === 'client' ? CLIENT_RADIUS : name === 'collector' ? COLLECTOR_RADIUS : SERVICE_RADIUS
}
