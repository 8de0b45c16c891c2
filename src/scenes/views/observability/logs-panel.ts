/**
 * The log viewer: the followed request's log lines, one row each (time, severity, service,
 * message, trace id). While the request runs they sit in each service's stdout; once the
 * collector holds them all, the viewer becomes a query by trace id and every matching id lights
 * up: one request's story, told by six processes.
 */
import type { Group } from 'three'
import type { LogRecord } from '../../../sim/observability/system.ts'
import { TextPanel, type Row, type Segment } from '../../primitives/text-panel.ts'
import type { Palette } from '../../palette.ts'
import type { Frame } from './frame.ts'
import { css, signalColors } from './layout.ts'

/** Rows shown at most (a whole checkout logs 14 lines). */
const MAX_ROWS = 14
const BODY = 24
/** Rows up to which the newest line is also shown as JSON below them. */
const JSON_ROOM = 9

export class LogsPanel {
  private readonly panel = new TextPanel({ mono: true })

  constructor(world: Group) {
    this.panel.center.set(0.5, 0)
    this.panel.position.set(-0.35, 0, 1.08)
    world.add(this.panel)
  }

  draw(frame: Frame, p: Palette): void {
    const f = frame.focus
    const lines = f ? f.logs : frame.recentLogs
    const traceColor = css(signalColors(p).spans)
    const atCollector = f !== null && f.complete
    const shown = lines.slice(-MAX_ROWS)
    const services = new Set(lines.map((l) => l.service)).size
    const title: Segment[] = !f
      ? [{ text: lines.length > 0 ? 'newest log lines' : 'no log lines yet' }]
      : atCollector
        ? [{ text: 'collector query  ' }, { text: ` trace_id = ${f.traceId.slice(0, 8)}… `, color: css(p.background), mark: traceColor }, { text: `  → ${lines.length} lines from ${services} processes` }]
        : [{ text: `stdout of ${services} process${services === 1 ? '' : 'es'}: JSON lines, all with trace_id ` }, { text: f.traceId.slice(0, 8), color: traceColor }]
    const rows: Row[] = shown.map((l) => row(l, p, f?.traceId ?? null, atCollector, traceColor))
    const newest = lines.at(-1)
    // The newest line as raw JSON, while there is room for it.
    if (f && !atCollector && newest && rows.length <= JSON_ROOM) rows.push([], ...json(newest, p, traceColor))
    this.panel.set(title, rows)
  }

  dispose(): void {
    this.panel.destroy()
  }
}

function row(l: LogRecord, p: Palette, focus: string | null, lit: boolean, traceColor: string): Row {
  const sev = l.severity === 'ERROR' ? css(p.fault) : l.severity === 'WARN' ? css(p.candidate) : css(p.muted)
  const body = l.body.length > BODY ? `${l.body.slice(0, BODY - 1)}…` : l.body.padEnd(BODY)
  const id = l.trace_id.slice(0, 8)
  const match = focus !== null && l.trace_id === focus
  return [
    { text: `${l.time.toFixed(1).padStart(6)} `, color: css(p.muted) },
    { text: `${l.severity.padEnd(5)} `, color: sev },
    { text: `${l.service.padEnd(9)} `, color: l.service === 'client' ? css(p.muted) : css(p.client) },
    { text: `${body} ` },
    match && lit ? { text: id, color: css(p.background), mark: traceColor } : { text: id, color: match ? traceColor : css(p.muted) },
  ]
}

/** The newest line as the JSON the service actually writes (ids shortened), over two rows. */
function json(l: LogRecord, p: Palette, traceColor: string): Row[] {
  const k = (key: string): Segment => ({ text: `"${key}":`, color: css(p.muted) })
  return [
    [{ text: '{' }, k('time'), { text: `${l.time},` }, k('severity'), { text: `"${l.severity}",` }, k('service'), { text: `"${l.service}",` }],
    [{ text: ' ' }, k('body'), { text: `"${l.body}",` }, k('trace_id'), { text: `"${l.trace_id.slice(0, 8)}…"`, color: traceColor }, { text: '}' }],
  ]
}
