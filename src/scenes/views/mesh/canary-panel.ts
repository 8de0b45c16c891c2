/**
 * Canary: the frontend's sidecar splits traffic between reviews v1 and v2 by weight. Each link's
 * thickness is its weight (labelled in gold: the sidecar applies it); each version carries a live
 * counter (requests routed to it and their share). A board in front stacks the last 200 routing
 * decisions, v1 then v2, against a gold tick at the configured weight, so the measured split can
 * be seen converging on the configured one.
 */
import { Color, Vector3 } from 'three'
import { Bars } from '../../primitives/bars.ts'
import type { Label } from '../../primitives/labels.ts'
import type { MeshFrame } from './frame.ts'
import { Board, type Panel, type PanelHost } from './panel.ts'
import { show, tone } from './text.ts'

const SUBSETS = ['v1', 'v2'] as const
const WIDTH = 6.5
const HEIGHT = 1.2
const BAR_X0 = -2.0
const BAR_X1 = 2.6
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`

export class CanaryPanel implements Panel {
  private readonly weightLabels: Label[] = []
  private readonly board: Board
  private readonly bars: Bars
  private readonly title: Label
  private readonly shares: Label[] = []
  private readonly config: Label
  private readonly light = new Color()

  constructor(private readonly host: PanelHost) {
    const { d, world, layout } = host
    const p = host.palette()
    const from = layout.slots.frontend!.sidecar
    for (const v of SUBSETS) {
      const slot = layout.slots[`reviews-${v}`]!
      const w = host.label('', 'small')
      const mid = from.clone().lerp(slot.sidecar, 0.55)
      w.position.set(mid.x, mid.y + 0.5, mid.z)
      world.add(w)
      this.weightLabels.push(w)
    }
    this.board = new Board(d, layout.board ?? new Vector3(0, 0, 2.7), WIDTH, HEIGHT, p.grid)
    this.bars = d.track(new Bars(d, 8))
    this.title = host.label('last 200 requests', 'small')
    this.title.center.set(0, 0.5)
    this.title.position.set(-WIDTH / 2 + 0.12, HEIGHT / 2, 0.05)
    for (let i = 0; i < SUBSETS.length; i++) {
      const s = host.label('', 'small')
      s.position.set(0, HEIGHT / 2, 0.08)
      this.shares.push(s)
    }
    this.config = host.label('', 'small')
    this.config.position.set(0, HEIGHT - 0.15, 0.05)
    this.board.add(this.bars, this.title, ...this.shares, this.config)
    world.add(this.board)
  }

  draw(frame: MeshFrame): void {
    const p = this.host.palette()
    this.light.copy(p.client).lerp(p.background, 0.45)
    const weights = frame.weights ?? []
    const totalWeight = weights.reduce((a, d) => a + d.weight, 0) || 1
    SUBSETS.forEach((v, i) => {
      const weight = weights.find((d) => d.subset === v)?.weight ?? 0
      const link = this.host.links.get(`frontend>reviews-${v}`)
      if (link) {
        link.style(p.leader, weight > 0 ? 0.7 : 0.2)
        const r = 0.4 + (3.2 * weight) / totalWeight
        link.scale.x = r
        link.scale.z = r
      }
      const wl = this.weightLabels[i]!
      wl.set(`weight ${weight}%`)
      tone(wl, p.leader)

    })

    // The stacked bar of recent routing decisions, and the configured split as a gold tick.
    this.bars.begin()
    const xAt = (share: number): number => BAR_X0 + share * (BAR_X1 - BAR_X0)
    const y = HEIGHT / 2 - 0.08
    const v1 = frame.recent.v1 ?? 0
    const v2 = frame.recent.v2 ?? 0
    const seen = v1 + v2 > 0
    if (!seen) this.bars.bar(BAR_X0, BAR_X1, y, 0.05, p.muted)
    this.bars.bar(xAt(0), xAt(v1), y, 0.42, p.client)
    this.bars.bar(xAt(v1) + 0.02, xAt(v1 + v2), y, 0.42, this.light)
    const w1 = (weights.find((d) => d.subset === 'v1')?.weight ?? 0) / totalWeight
    this.bars.bar(xAt(w1) - 0.02, xAt(w1) + 0.02, y + 0.1, 0.66, p.leader, 0.03)
    this.bars.end()
    const [s1, s2] = this.shares as [Label, Label]
    show(s1, seen && v1 > 0)
    show(s2, seen && v2 > 0)
    s1.set(`v1 ${pct(v1)}`).position.x = Math.min(xAt(v1 / 2), xAt(v1) - 0.6)
    s2.set(`v2 ${pct(v2)}`).position.x = Math.min(Math.max(xAt(v1 + v2 / 2), xAt(v1) + 0.6), BAR_X1 - 0.25)
    this.config.set(`configured: v1 ${weights.find((d) => d.subset === 'v1')?.weight ?? 0} / v2 ${weights.find((d) => d.subset === 'v2')?.weight ?? 0}`)
    tone(this.config, p.leader)
    this.config.position.x = Math.min(Math.max(xAt(w1), BAR_X0 + 1.2), BAR_X1 - 1.2)
  }

  /** The live counter under each version's name: "537 requests · 89.5%". */
  caption(frame: MeshFrame, workload: string): string | null {
    const v = SUBSETS.find((x) => workload === `reviews-${x}`)
    if (!v) return null
    const total = SUBSETS.reduce((a, x) => a + (frame.counts[x] ?? 0), 0)
    const n = frame.counts[v] ?? 0
    return `${n} request${n === 1 ? '' : 's'} · ${pct(total > 0 ? n / total : 0)}`
  }

  setPalette(): void {
    this.board.setColor(this.host.palette().grid)
  }
}
