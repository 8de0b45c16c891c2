/**
 * Retries: a timeline board in front of the two services for the frontend's latest request. Top
 * row: each try as a block (red 503, green 200, light while out) and each backoff wait between
 * them as a gold bar (the sidecar is the one waiting) labelled with its length, so the doubling
 * reads at a glance. Second row: the window full jitter would draw each of those waits from,
 * [0, min(cap, base·2^n)]. A thin cursor marks the current time.
 */
import { Color, Vector3 } from 'three'
import { Bars } from '../../primitives/bars.ts'
import type { Label } from '../../primitives/labels.ts'
import { exponential } from '../../../sim/mesh/backoff.ts'
import type { RequestView } from '../../../sim/mesh/types.ts'
import type { MeshFrame } from './frame.ts'
import { Board, type Panel, type PanelHost } from './panel.ts'
import { show, tone } from './text.ts'

const WIDTH = 6.5
const HEIGHT = 2.45
/** Where the time axis starts and ends on the board (room on the left for row titles). */
const X0 = -2.0
const X1 = 2.75
const ROW_TRIES = 1.6
const ROW_JITTER = 0.98
const AXIS = 0.48
const TITLE = 2.2
const MAX_TRIES = 6
const MAX_TICKS = 11
/** Rough width of a small label in board units (12 px text, about 90 px per unit at home). */
const labelWidth = (text: string): number => (text.length * 6.6 + 14) / 90

export class RetriesPanel implements Panel {
  private readonly board: Board
  private readonly bars: Bars
  private readonly title: Label
  private readonly rowTries: Label
  private readonly rowJitter: Label
  private readonly tryLabels: Label[] = []
  private readonly waitLabels: Label[] = []
  private readonly windowLabels: Label[] = []
  private readonly ticks: Label[] = []
  private readonly faint = new Color()

  constructor(private readonly host: PanelHost) {
    const p = host.palette()
    this.board = new Board(host.d, host.layout.board ?? new Vector3(0, 0, 2), WIDTH, HEIGHT, p.grid)
    this.bars = host.d.track(new Bars(host.d, 64))
    this.board.add(this.bars)
    this.title = this.at(host.label('', 'small'), 0, TITLE)
    this.rowTries = this.left(host.label('no jitter', 'small'), -WIDTH / 2 + 0.12, ROW_TRIES)
    this.rowJitter = this.left(host.label('full jitter', 'small'), -WIDTH / 2 + 0.12, ROW_JITTER)
    for (let i = 0; i < MAX_TRIES; i++) {
      this.tryLabels.push(this.at(host.label('', 'small'), 0, ROW_TRIES - 0.3))
      this.waitLabels.push(this.at(host.label('', 'small'), 0, ROW_TRIES + 0.3))
      this.windowLabels.push(this.at(host.label('', 'small'), 0, ROW_JITTER - 0.27))
    }
    for (let i = 0; i < MAX_TICKS; i++) this.ticks.push(this.at(host.label('', 'small'), 0, AXIS - 0.24))
    host.world.add(this.board)
  }

  private at(label: Label, x: number, y: number): Label {
    label.position.set(x, y, 0.05)
    this.board.add(label)
    return label
  }

  private left(label: Label, x: number, y: number): Label {
    label.center.set(0, 0.5)
    return this.at(label, x, y)
  }

  draw(frame: MeshFrame): void {
    const p = this.host.palette()
    const r = frame.request
    const policy = frame.retry
    const backoff = policy?.backoff ?? { jitter: 'none', baseMs: 100, capMs: 1000 }
    this.title.set(`wait before retry n = min(cap, ${backoff.baseMs} ms · 2ⁿ) · ${policy?.attempts ?? 0} retries allowed`)
    this.rowTries.set(backoff.jitter === 'none' ? 'no jitter' : `${backoff.jitter} jitter`)
    this.rowJitter.set(backoff.jitter === 'none' ? 'full jitter:' : 'drawn from:')
    this.faint.copy(p.leader).lerp(p.background, 0.45)

    this.bars.begin()
    const t0 = r?.startedAt ?? frame.time
    const ends = r ? tryEnds(r, frame.time) : []
    const last = Math.max(frame.time, ...ends.map((e) => e ?? 0), r?.nextRetryAt ?? 0)
    const span = niceSpan(last - t0 + 40)
    const x = (t: number): number => X0 + ((t - t0) / span) * (X1 - X0)

    // Axis and ticks.
    this.bars.bar(X0, X1, AXIS, 0.025, p.muted)
    const step = span > 1000 ? 200 : 100
    this.ticks.forEach((tick, i) => {
      const ms = i * step
      const on = ms <= span
      show(tick, on)
      if (!on) return
      tick.set(i === 0 ? '0' : ms + step > span ? `${ms} ms` : String(ms))
      tick.position.x = x(t0 + ms)
      this.bars.bar(x(t0 + ms) - 0.008, x(t0 + ms) + 0.008, AXIS, 0.09, p.muted)
    })

    const tries = r?.tries ?? []
    this.tryLabels.forEach((label, k) => {
      const t = tries[k]
      show(label, !!t)
      if (!t) return
      const end = ends[k] ?? frame.time
      const color = t.status === null ? p.text : t.status < 500 ? p.ok : p.fault
      this.bars.bar(x(t.sentAt), Math.max(x(end), x(t.sentAt) + 0.05), ROW_TRIES, 0.3, color)
      label.set(`${k === 0 ? 'try' : `retry ${k}`}${t.status === null ? '' : ` · ${t.status}`}`)
      tone(label, t.status === null ? null : color)
      label.position.x = (x(t.sentAt) + x(end)) / 2
    })

    const waits = r?.backoffs ?? []
    this.waitLabels.forEach((label, k) => {
      const ms = waits[k]
      const from = ends[k]
      const on = ms !== undefined && from !== null && from !== undefined
      show(label, on)
      show(this.windowLabels[k]!, on)
      if (!on) return
      // The wait so far (a wait in progress grows up to now).
      const until = Math.min(from + ms, frame.time)
      this.bars.bar(x(from), x(until), ROW_TRIES, 0.12, p.leader)
      label.set(`wait ${Math.round(ms)} ms`)
      tone(label, p.leader)
      label.position.x = (x(from) + x(from + ms)) / 2
      // The window full jitter would pick this wait from.
      const ceiling = exponential(k, backoff.baseMs, backoff.capMs)
      const end = Math.min(x(from + ceiling), X1)
      this.bars.bar(x(from), end, ROW_JITTER, 0.2, this.faint)
      if (x(from + ceiling) <= X1) this.bars.bar(end - 0.012, end + 0.012, ROW_JITTER, 0.3, p.leader)
      const win = this.windowLabels[k]!
      win.set(`random 0–${Math.round(ceiling)} ms`)
      win.position.x = (x(from) + end) / 2
    })
    // Short jittered waits put labels on top of each other: shorten them, newest first, and
    // hide what still does not fit.
    declutter(this.tryLabels, (t) => t.replace(/^(try|retry \d+) · /, ''))
    declutter(this.waitLabels, (t) => t.replace(/^wait /, ''))
    declutter(this.windowLabels, (t) => t.replace(/^random /, ''))

    // Now.
    this.bars.bar(x(frame.time) - 0.012, x(frame.time) + 0.012, (AXIS + ROW_TRIES + 0.2) / 2, ROW_TRIES + 0.2 - AXIS, p.muted, 0.01)
    this.bars.end()
  }

  setPalette(): void {
    this.board.setColor(this.host.palette().grid)
  }
}

/**
 * Keep a row's labels apart, the newest (rightmost) first: a label that would overlap the one
 * after it gets its short text, and is hidden if even that does not fit.
 */
function declutter(row: readonly Label[], short: (text: string) => string): void {
  let left = Infinity
  for (let i = row.length - 1; i >= 0; i--) {
    const label = row[i]!
    if (!label.visible) continue
    const x = label.position.x
    const fits = (text: string): boolean => x + labelWidth(text) / 2 <= left
    const text = label.element.textContent ?? ''
    if (!fits(text)) {
      const brief = short(text)
      if (fits(brief)) label.set(brief)
      else {
        label.visible = false
        continue
      }
    }
    left = x - labelWidth(label.element.textContent ?? '') / 2
  }
}

/** When each try's answer came (null while it is out). */
function tryEnds(r: RequestView, now: number): (number | null)[] {
  return r.tries.map((t, k) => {
    if (k < r.backoffs.length) return (r.tries[k + 1]?.sentAt ?? r.nextRetryAt ?? now) - r.backoffs[k]!
    return t.status !== null ? (r.endedAt ?? now) : null
  })
}

/** A round timeline length (ms) that holds `ms`: at least 500, in steps of 100 (200 past 1 s). */
function niceSpan(ms: number): number {
  const step = ms > 1000 ? 200 : 100
  return Math.max(500, Math.ceil(ms / step) * step)
}
