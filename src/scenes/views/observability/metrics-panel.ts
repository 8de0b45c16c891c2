/**
 * The gateway's latency histogram as the metrics backend keeps it: one bar per bucket of
 * request_duration_ms (bucket bounds grow ×1.5, so the axis is roughly logarithmic), bar height
 * ∝ √count so that a tail of a few requests stays visible next to a peak of hundreds (the count
 * sits on each bar). Poles mark the estimated p50, p95 and p99; a red pole marks the 100 ms
 * objective, and an alert fires when the p99 crosses it.
 */
import type { Group } from 'three'
import { DEFAULT_BOUNDS } from '../../../sim/observability/histogram.ts'
import { Label } from '../../primitives/labels.ts'
import { TextPanel } from '../../primitives/text-panel.ts'
import type { Boxes } from '../../primitives/boxes.ts'
import type { Palette } from '../../palette.ts'
import type { Frame } from './frame.ts'
import { css, ms } from './layout.ts'

/** Buckets shown: (2, 3] … (500, 750]; anything outside is drawn in the first or last bar. */
const FIRST = 3
const LAST = 17
const BAR = 0.46
const X0 = (-BAR * (LAST - FIRST + 1)) / 2
const Z = 3.2
const DEPTH = 0.42
const MAX_H = 1.2
const POLE_H = 1.45
export const SLO_MS = 100
const TICKS = [3, 10, 30, 100, 300]

export class MetricsPanel {
  private readonly counts: Label[] = []
  private readonly ticks: Label[] = []
  private readonly marks: Label[]
  private readonly readout = new TextPanel()
  private readonly slo = new Label('', 'small')

  constructor(world: Group) {
    for (let i = FIRST; i <= LAST; i++) {
      const l = new Label('', 'small')
      l.center.set(0.5, 1)
      this.counts.push(l)
      world.add(l)
    }
    for (const t of TICKS) {
      const l = new Label(`${t} ms`, 'small')
      l.center.set(0.5, 0)
      l.position.set(xOf(t), 0, Z + DEPTH / 2 + 0.08)
      this.ticks.push(l)
      world.add(l)
    }
    this.marks = ['p50', 'p95', 'p99'].map(() => {
      const l = new Label('', 'small')
      l.center.set(0.5, 1)
      world.add(l)
      return l
    })
    this.readout.center.set(0.5, 0)
    this.readout.position.set(0, 0, Z + DEPTH / 2 + 0.55)
    this.slo.center.set(0, 1)
    this.slo.position.set(xOf(SLO_MS), POLE_H, Z - DEPTH / 2 - 0.03)
    world.add(this.readout, this.slo)
  }

  draw(frame: Frame, p: Palette, boxes: Boxes): void {
    const h = frame.histogram
    const shown: number[] = []
    for (let i = FIRST; i <= LAST; i++) shown.push(h.counts[i] ?? 0)
    // Out-of-range counts fold into the end bars.
    shown[0]! += h.counts.slice(0, FIRST).reduce((a, b) => a + b, 0)
    shown[shown.length - 1]! += h.counts.slice(LAST + 1).reduce((a, b) => a + b, 0)
    const peak = Math.max(1, ...shown)
    shown.forEach((c, k) => {
      const x0 = X0 + k * BAR
      const height = c > 0 ? Math.max(0.03, MAX_H * Math.sqrt(c / peak)) : 0
      boxes.bar(x0 + 0.04, x0 + BAR - 0.04, Z, height, DEPTH, bucketColor(FIRST + k, h.bounds, p))
      boxes.bar(x0 + 0.02, x0 + BAR - 0.02, Z, 0.012, DEPTH + 0.04, p.grid)
      const label = this.counts[k]!
      const n = Math.round(c)
      label.visible = n > 0
      label.set(String(n))
      label.position.set(x0 + BAR / 2, height + 0.04, Z - DEPTH / 2)
    })

    const alerting = frame.p99 !== null && frame.p99 > SLO_MS
    const colors = [css(p.text), css(p.candidate), css(alerting ? p.fault : p.leader)]
    const values = [frame.p50, frame.p95, frame.p99]
    values.forEach((v, k) => {
      const label = this.marks[k]!
      label.visible = v !== null
      if (v === null) return
      const x = xOf(v)
      // Poles of three heights, each tagged at its top: close percentiles never overlap.
      const top = POLE_H * (0.62 + 0.2 * k)
      boxes.bar(x - 0.025, x + 0.025, Z + 0.02, top, 0.05, poleColor(k, alerting, p))
      label.set(`p${[50, 95, 99][k]}`).tint(colors[k]!)
      label.element.style.color = colors[k]!
      label.position.set(x, top, Z + 0.02)
    })
    boxes.bar(xOf(SLO_MS) - 0.02, xOf(SLO_MS) + 0.02, Z - DEPTH / 2 - 0.03, POLE_H, 0.04, alerting ? p.fault : p.muted)
    this.slo.set(alerting ? `ALERT: p99 ${ms(frame.p99)} > ${SLO_MS} ms` : `objective: p99 ≤ ${SLO_MS} ms`).tint(alerting ? css(p.fault) : '')
    this.slo.element.style.color = alerting ? css(p.fault) : ''
    this.slo.element.style.fontWeight = alerting ? '600' : ''
    const rate = frame.load > 0 ? ` · ${frame.load} req/s` : ''
    this.readout.set(
      [{ text: `gateway request_duration_ms · ${frame.requests} requests${frame.errors > 0 ? ` · ${frame.errors} errors` : ''}${rate}` }],
      [values.flatMap((v, k) => [{ text: `p${[50, 95, 99][k]} `, color: colors[k] }, { text: `${ms(v)}${k < 2 ? '    ' : ''}`, bold: k === 2 && alerting, color: k === 2 && alerting ? colors[2] : undefined }])],
    )
  }

  dispose(): void {
    for (const l of [...this.counts, ...this.ticks, ...this.marks, this.slo]) l.element.remove()
    this.readout.destroy()
  }
}

/** Where a latency falls on the bucket axis (linear inside its bucket, like the estimate). */
export function xOf(v: number, bounds: readonly number[] = DEFAULT_BOUNDS): number {
  let i = 0
  while (i < bounds.length && v > bounds[i]!) i++
  const lower = i === 0 ? 0 : bounds[i - 1]!
  const upper = bounds[i] ?? lower * 1.5
  const k = Math.min(LAST - FIRST + 1, Math.max(0, i - FIRST + (v - lower) / (upper - lower)))
  return X0 + k * BAR
}

function bucketColor(i: number, bounds: readonly number[], p: Palette) {
  // Buckets past the objective are drawn red: that is where the slow requests land.
  return (bounds[i - 1] ?? 0) >= SLO_MS ? p.fault : p.ok
}

function poleColor(k: number, alerting: boolean, p: Palette) {
  return k === 0 ? p.text : k === 1 ? p.candidate : alerting ? p.fault : p.leader
}
