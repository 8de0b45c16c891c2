/**
 * The text panels that say what the picture alone cannot: the producer's key → partition table
 * (produce slide), the delivery scoreboard (the same crash under each guarantee: lost and
 * duplicated counts), the legend of the arrows and bars on the rows, and on the replay step a
 * dashed arc from where the group had got to back to offset 0.
 */
import { Color, Group, Vector3 } from 'three'
import type { GroupView, StreamingScenarioSnapshot } from '../../../sim/streaming/index.ts'
import type { Disposer } from '../../primitives/disposer.ts'
import { RichLabel, line } from '../../primitives/rich-label.ts'
import { Segments } from '../../primitives/segments.ts'
import { TextPanel, type Row, type Segment } from '../../primitives/text-panel.ts'
import type { Palette } from '../../palette.ts'
import type { ShownGroup } from './groups.ts'
import { BAND_RIGHT, slotX, type StreamLayout } from './layout.ts'
import type { RowInfo } from './log-part.ts'
import { payloadOf } from './frame.ts'
import type { WireItem } from './frame.ts'

const GUARANTEES = [
  ['at-most-once', 'at most once '],
  ['at-least-once', 'at least once'],
  ['exactly-once', 'exactly once '],
] as const

const css = (v: string): string => `var(--c-${v})`

export class Panels extends Group {
  private readonly keys: TextPanel
  private readonly score: TextPanel
  private readonly legend: TextPanel
  private readonly arc: Segments
  private readonly arcLabel: RichLabel
  private readonly a = new Vector3()
  private readonly b = new Vector3()

  constructor(d: Disposer, private readonly layout: StreamLayout, private readonly scenario: string) {
    super()
    this.keys = new TextPanel({ mono: true })
    this.keys.center.set(0.5, 0)
    this.keys.position.set(layout.producer.x, 0.05, layout.producer.z + 1.3)
    this.score = new TextPanel({ mono: true })
    this.score.center.set(0, 0)
    this.score.position.set(layout.x0 - 0.62, 0.05, Math.max(...layout.rowZ) + layout.depth / 2 + 0.42)
    // Under the broker's near edge, on the left, where nothing else is (on the queue slide the
    // stream's title is there: under the consumers instead).
    this.legend = new TextPanel()
    this.legend.center.set(0, 0)
    if (layout.queue) {
      this.legend.center.set(1, 0)
      // Near the camera the view is narrower: stay well inside the band's right edge.
      this.legend.position.set(layout.consumerX + BAND_RIGHT - 0.9, 0.05, layout.consumerZ[1] + 0.55)
    }
    else this.legend.position.set(layout.x0 - 0.6, 0.05, Math.max(...layout.rowZ) + layout.depth / 2 + 0.42)
    this.arc = new Segments(d, 32, 0.02)
    this.arcLabel = new RichLabel('small', [0.5, 1])
    this.add(this.keys, this.score, this.legend, this.arc, this.arcLabel)
  }

  draw(s: StreamingScenarioSnapshot, groups: readonly ShownGroup[], rows: readonly RowInfo[], wire: readonly WireItem[], p: Palette): void {
    this.drawKeys(s, wire)
    this.drawScore(s, groups)
    this.drawLegend(groups)
    this.drawArc(s, groups, rows, p)
  }

  /** The producer's partitioner, as a table: each key seen so far and the partition it hashes to. */
  private drawKeys(s: StreamingScenarioSnapshot, wire: readonly WireItem[]): void {
    const on = this.scenario === 'produce'
    this.keys.visible = on
    if (!on) return
    const where = new Map<string, number>()
    for (const t of s.topics) for (const part of t.partitions) for (const r of part.records) if (r.key !== null && !where.has(r.key)) where.set(r.key, part.partition)
    for (const w of wire) {
      const pay = payloadOf(w.flight.payload)
      if (w.flight.kind === 'produce' && typeof pay.key === 'string' && !where.has(pay.key)) where.set(pay.key, pay.partition ?? 0)
    }
    const n = s.topics[0]?.partitions.length ?? 0
    const rows: Row[] = [...where].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, part]) => [{ text: k.padEnd(6) }, { text: '→ ', color: css('muted') }, { text: `P${part}`, color: css('leader'), bold: true }])
    this.keys.set([{ text: `hash(key) mod ${n}`, color: css('client') }], rows.length > 0 ? rows : [[{ text: 'no keys sent yet', color: css('muted') }]])
  }

  /** The same crash under each guarantee: what each group lost and processed twice. */
  private drawScore(s: StreamingScenarioSnapshot, groups: readonly ShownGroup[]): void {
    const on = this.scenario === 'delivery-guarantees'
    this.score.visible = on
    if (!on) return
    const current = groups[0]?.view.delivery
    const num = (n: number | null, bad: string): Segment => ({ text: n === null ? '   –' : String(n).padStart(4), color: n === null ? css('muted') : n > 0 ? css(bad) : css('ok'), bold: n !== null && n > 0 })
    const rows: Row[] = GUARANTEES.map(([d, name]) => {
      const g: GroupView | undefined = s.groups.find((x) => x.delivery === d && x.members.length > 0)
      const mark = d === current ? '▶ ' : '  '
      return [
        { text: `${mark}${name}`, bold: d === current, color: d === current ? css('fg') : css('muted') },
        num(g ? g.stats.lost : null, 'fault'),
        { text: '   ' },
        num(g ? g.stats.duplicated : null, 'candidate'),
      ]
    })
    const legend: Row = [
      { text: '■', color: css('ok') }, { text: ' once  ' },
      { text: '■', color: css('candidate') }, { text: ' twice  ' },
      { text: '■', color: css('fault') }, { text: ' lost  ' },
      { text: '■', color: css('leader') }, { text: ' not yet' },
    ]
    const head: Row = [{ text: `${'  guarantee'.padEnd(15)}${'lost'.padStart(4)}   ${'dup'.padStart(4)}`, color: css('muted') }]
    this.score.set([], [head, ...rows, [], legend])
  }

  /** What the marks on the rows mean, in the groups' own colours. */
  private drawLegend(groups: readonly ShownGroup[]): void {
    const shown = groups.filter((g) => g.members.length > 0)
    this.legend.visible = shown.length > 0 && this.scenario !== 'delivery-guarantees'
    if (!this.legend.visible) return
    const tone = (i: number): string => css(i % 2 === 0 ? 'follower' : 'replica')
    const rows: Row[] = [[
      { text: shown.length > 1 ? '▼▲' : '▼', color: tone(0) },
      { text: ' read position   ' },
      { text: '━━┫', color: tone(0) },
      { text: ' committed offset' },
    ]]
    this.legend.set([], rows)
  }

  /** Replay: a dashed arc from the group's committed offset back to the start of the log. */
  private drawArc(s: StreamingScenarioSnapshot, groups: readonly ShownGroup[], rows: readonly RowInfo[], p: Palette): void {
    this.arc.begin()
    const g = groups[0]
    const row = rows[0]
    const on = s.focus === 'stream-replay' && !!g && !!row
    this.arcLabel.visible = on
    if (on) {
      const l = this.layout
      const to = Math.max(0, (g.view.committed[row.tp] ?? 0) - row.first)
      const xa = slotX(l, Math.min(l.cols - 1, to)) - l.pitch / 2
      const xb = slotX(l, 0) - l.pitch / 2
      const z = row.z - l.depth / 2 - 0.32
      const color = new Color().copy(p.follower)
      const N = 14
      for (let i = 0; i < N; i += 1) {
        const f0 = i / N
        const f1 = (i + 0.6) / N
        this.a.set(xa + (xb - xa) * f0, 0.1, z - Math.sin(Math.PI * f0) * 0.45)
        this.b.set(xa + (xb - xa) * f1, 0.1, z - Math.sin(Math.PI * f1) * 0.45)
        this.arc.put(this.a, this.b, color, 1.2)
      }
      this.arcLabel.position.set((xa + xb) / 2, 0.1, z - 0.48)
      this.arcLabel.set([line([{ text: 'replay from 0', tone: 'follower', bold: true }])])
    }
    this.arc.end()
  }

  release(): void {
    this.arc.dispose()
    for (const x of [this.keys, this.score, this.legend, this.arcLabel]) x.element.remove()
  }
}
