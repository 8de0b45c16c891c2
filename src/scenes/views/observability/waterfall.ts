/**
 * The trace waterfall: one row per span of the followed request, in start order, its bar from
 * start to end on a shared millisecond axis and its name indented by depth in the span tree.
 * Spans still running grow with a bright tip; spans not yet at the collector are faint; a span
 * the fault slowed (or that failed) is red, and the span with the most self time is named.
 */
import { Color, type Group } from 'three'
import { selfTime } from '../../../sim/observability/spans.ts'
import { Label } from '../../primitives/labels.ts'
import type { Boxes } from '../../primitives/boxes.ts'
import type { Palette } from '../../palette.ts'
import type { Frame, FrameSpan } from './frame.ts'
import { css, ms, signalColors } from './layout.ts'

const ROWS = 7
const LX = -4.3
/** Names shift right by this much per level of the span tree. */
const INDENT = 0.22
const X0 = -1.45
const X1 = 1.95
/** Notes (durations, slow, most own time) line up in a column right of the axis. */
const NOTE_X = X1 + 0.18
const Z0 = 1.45
const ROW = 0.4
const BAR_H = 0.1
const BAR_D = 0.22
/** The axis never spans less than this, so a trace that has just started looks short. */
const MIN_SCALE_MS = 30

export class Waterfall {
  private readonly names: Label[] = []
  private readonly notes: Label[] = []
  private readonly axis0 = new Label('0 ms', 'small')
  private readonly axis1 = new Label('', 'small')
  private readonly empty = new Label('no trace yet', 'small')
  private readonly c = new Color()

  constructor(world: Group) {
    for (let i = 0; i < ROWS; i++) {
      const name = new Label('', 'small')
      name.center.set(0, 0.5)
      const note = new Label('', 'small')
      note.center.set(0, 0.5)
      this.names.push(name)
      this.notes.push(note)
      world.add(name, note)
    }
    // The time axis runs under the last row.
    this.axis0.center.set(0.5, 0)
    this.axis0.position.set(X0, 0, Z0 + (ROWS - 0.4) * ROW)
    this.axis1.center.set(0.5, 0)
    this.axis1.position.set(X1, 0, Z0 + (ROWS - 0.4) * ROW)
    this.empty.position.set((X0 + X1) / 2, 0, Z0 + ROW)
    world.add(this.axis0, this.axis1, this.empty)
  }

  draw(frame: Frame, p: Palette, boxes: Boxes): void {
    const spans = frame.focus?.spans ?? []
    const root = spans.find((s) => s.parentSpanId === null)
    const t0 = root?.start ?? 0
    const scale = Math.max(MIN_SCALE_MS, root ? root.end - root.start : 0)
    const x = (t: number) => X0 + ((t - t0) / scale) * (X1 - X0)
    this.empty.visible = spans.length === 0
    this.axis1.set(`${Math.round(scale)} ms`)
    const spanColor = signalColors(p).spans
    // The axis: a thin rail under every row.
    boxes.box((X0 + X1) / 2, 0.005, Z0 + (ROWS - 0.5) * ROW, X1 - X0, 0.01, 0.03, p.muted)
    for (let i = 0; i < ROWS; i++) {
      const s = spans[i]
      const name = this.names[i]!
      const note = this.notes[i]!
      name.visible = s !== undefined
      note.visible = false
      if (!s) continue
      const red = s.slow || s.status === 'error'
      const z = Z0 + i * ROW
      this.c.copy(red ? p.fault : spanColor)
      if (!s.exported) this.c.lerp(p.background, 0.55)
      const x0 = x(s.start)
      const x1 = Math.max(x0 + 0.04, x(s.end))
      boxes.bar(x0, x1, z, BAR_H, BAR_D, this.c)
      if (s.open) boxes.bar(x1 - 0.05, x1, z, BAR_H * 1.6, BAR_D * 1.1, p.text)
      name.position.set(LX + s.depth * INDENT, 0, z)
      name.set(`${s.service} · ${s.name}`).tint(red ? css(p.fault) : '')
      name.element.style.color = red ? css(p.fault) : ''
      const own = selfTime(s, spans.filter((c) => c.parentSpanId === s.spanId))
      const text = noteFor(s, own, frame.focus?.dominant === s.spanId, root === s)
      if (text) {
        note.visible = true
        note.set(text).tint(red ? css(p.fault) : '')
        note.element.style.color = red ? css(p.fault) : ''
        note.position.set(NOTE_X, 0, z)
      }
    }
  }

  dispose(): void {
    for (const l of [...this.names, ...this.notes, this.axis0, this.axis1, this.empty]) l.element.remove()
  }
}

function noteFor(s: FrameSpan, own: number, dominant: boolean, root: boolean): string {
  const d = ms(s.end - s.start)
  if (dominant) return s.slow ? `${d} slow · most` : `${ms(own)} own · most`
  if (s.slow) return `${d} slow`
  if (s.status === 'error') return `${d} error`
  if (root) return s.open ? 'running…' : `${d} total`
  return ''
}
