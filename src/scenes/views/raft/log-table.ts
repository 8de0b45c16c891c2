/**
 * The log table: one row per node, one column per log index, each entry a block in its term's
 * colour with the term written on it (solid once that node knows it is committed, faint before).
 * Around the blocks: the index numbers above the columns, a gold line under each row's committed
 * prefix, a red frame around entries that disagree with the leader's log, a gold cursor before the
 * slot the leader will send next to a follower it is repairing, and a caption under the table about
 * the leader's newest entry (how many copies it has, or why it is not committed despite a
 * majority: Figure 8). Each row ends with "commit c · applied a". A legend names the term colours.
 */
import { Color, Group } from 'three'
import type { RaftNodeSnapshot, RaftSnapshot } from '../../../sim/raft/types.ts'
import { Boxes } from '../../primitives/boxes.ts'
import type { Disposer } from '../../primitives/disposer.ts'
import { Label } from '../../primitives/labels.ts'
import { RichLabel, line, type Span, type Tone } from '../../primitives/rich-label.ts'
import { TextPanel, type Segment } from '../../primitives/text-panel.ts'
import { termColor } from '../../primitives/log-strip.ts'
import type { Palette } from '../../palette.ts'
import { BLOCK, COLUMNS, COL_PITCH, HEADER_Z, ROW_LABEL_X, ROW_PITCH, STATUS_X, captionZ, colX, nodeName, rowZ } from './layout.ts'

const BLOCK_DEPTH = ROW_PITCH * 0.72
const BLOCK_HEIGHT = 0.12
/** How far an uncommitted entry fades towards the background (as LogStrips does). */
const FAINT = 0.55
const LINE = 0.045

/** What the table reads from a snapshot besides the logs: the leader's view of its newest entry. */
export interface NewestEntry {
  index: number
  term: number
  /** Copies the leader knows of (matchIndex ≥ index, itself included). */
  copies: number
  /** Nodes whose log holds an entry of the same term at that index. */
  stored: number
  majority: number
  committed: boolean
  /** On a majority, yet not committed: it is from an older term than the leader's (Figure 8). */
  stale: boolean
}

export function newestEntry(s: RaftSnapshot): NewestEntry | null {
  if (s.leader === null) return null
  const l = s.nodes[s.leader]!
  const index = l.log.length
  if (index === 0) return null
  const term = l.log[index - 1]!.term
  const majority = Math.floor(s.nodes.length / 2) + 1
  const copies = l.matchIndex.filter((m) => m >= index).length
  const stored = s.nodes.filter((n) => n.log[index - 1]?.term === term).length
  const committed = l.commitIndex >= index
  return { index, term, copies, stored, majority, committed, stale: !committed && copies >= majority && term < l.term }
}

/** The first index (1-based) where `row`'s log disagrees with the leader's, or 0. */
export function conflictFrom(row: RaftNodeSnapshot, leader: RaftNodeSnapshot | undefined): number {
  if (!leader || leader.id === row.id) return 0
  const k = row.log.findIndex((e, i) => leader.log[i] !== undefined && leader.log[i]!.term !== e.term)
  return k + 1
}

export class LogTable extends Group {
  private readonly boxes: Boxes
  private readonly rowLabels: RichLabel[] = []
  private readonly status: RichLabel[] = []
  private readonly headers: Label[] = []
  private readonly terms: Label[][] = []
  private readonly caption: RichLabel
  private readonly legend: TextPanel
  private readonly c = new Color()

  constructor(d: Disposer, private readonly rows: number) {
    super()
    // Per row at most: a block and a red frame (4 bars) per column, the commit line and cap, the
    // cursor; plus the flagged column's two bars.
    this.boxes = new Boxes(d, rows * (COLUMNS * 5 + 3) + 2)
    this.add(this.boxes)
    for (let r = 0; r < rows; r++) {
      const name = new RichLabel('strong', [1, 0.5])
      name.position.set(ROW_LABEL_X + 0.22, 0.05, rowZ(r))
      const status = new RichLabel('small', [0, 0.5])
      status.position.set(STATUS_X, 0.05, rowZ(r))
      const terms: Label[] = []
      for (let k = 1; k <= COLUMNS; k++) {
        const t = new Label('', ['small', 'strong'])
        // The term is written on the block itself: dark text, no box (the block is the box).
        const st = t.element.style
        st.background = 'transparent'
        st.border = 'none'
        st.padding = '0'
        t.position.set(colX(k), BLOCK_HEIGHT + 0.02, rowZ(r))
        terms.push(t)
        this.add(t)
      }
      this.terms.push(terms)
      this.rowLabels.push(name)
      this.status.push(status)
      this.add(name, status)
    }
    for (let k = 1; k <= COLUMNS; k++) {
      const h = new Label('', 'small')
      h.position.set(colX(k), 0.05, HEADER_Z)
      h.element.style.background = 'transparent'
      h.element.style.border = 'none'
      this.headers.push(h)
      this.add(h)
    }
    this.caption = new RichLabel('small', [0, 0])
    this.caption.position.set(colX(1) - BLOCK / 2, 0.05, captionZ(rows))
    this.legend = new TextPanel()
    this.legend.center.set(0, 0.5)
    this.legend.position.set(STATUS_X, 0.05, HEADER_Z)
    this.add(this.caption, this.legend)
  }

  draw(s: RaftSnapshot, p: Palette): void {
    const leader = s.leader !== null ? s.nodes[s.leader] : undefined
    const longest = Math.max(0, ...s.nodes.map((n) => n.log.length))
    // Columns shown: the newest COLUMNS indices (scripts stay within them; live writes scroll).
    const first = Math.max(1, longest - COLUMNS + 1)
    const col = (index: number): number => index - first + 1
    const newest = newestEntry(s)
    const flagged = newest && !newest.committed ? newest : null
    const b = this.boxes
    b.begin()

    s.nodes.forEach((n, r) => {
      if (r >= this.rows) return
      const z = rowZ(r)
      const conflict = conflictFrom(n, leader)
      const dim = !n.alive
      for (let k = 1; k <= COLUMNS; k++) {
        const index = first + k - 1
        const entry = n.log[index - 1]
        const label = this.terms[r]![k - 1]!
        if (!entry) {
          // An empty slot: a flat dark tile, so the table reads as a grid even when logs are short.
          b.box(colX(k), 0.005, z, BLOCK, 0.01, BLOCK_DEPTH, this.c.copy(p.grid))
          label.visible = false
          continue
        }
        termColor(entry.term, this.c)
        if (index > n.commitIndex) this.c.lerp(p.background, FAINT)
        if (dim) this.c.lerp(p.background, 0.45)
        b.box(colX(k), BLOCK_HEIGHT / 2, z, BLOCK, BLOCK_HEIGHT, BLOCK_DEPTH, this.c)
        label.visible = true
        label.set(String(entry.term))
        label.element.style.color = inkOn(this.c, p)
        // Disagrees with the leader's log (so it will be overwritten): framed in red.
        if (conflict > 0 && index >= conflict) this.frame(colX(k), z, p.fault)
      }
      // The committed prefix: a gold line in front of the row with a cap at the commit index.
      const c = Math.min(n.commitIndex, n.log.length)
      if (c >= first) {
        const x0 = colX(1) - BLOCK / 2
        const x1 = colX(col(c)) + BLOCK / 2
        const zl = z + BLOCK_DEPTH / 2 + 0.06
        const gold = dim ? p.muted : p.leader
        b.box((x0 + x1) / 2, 0.02, zl, x1 - x0, 0.03, LINE * 1.5, gold)
        // A cap at the commit index, rising beside the last committed entry: a bracket ⌋.
        b.box(x1 + 0.02, 0.06, z + 0.02, LINE * 1.5, 0.12, BLOCK_DEPTH + 0.04, gold)
      }
      // Where the leader will send from next, on a row it is repairing: a gold cursor standing at
      // the left edge of that slot, like a text cursor before the next character.
      const repairing = leader !== undefined && conflict > 0 && n.alive && n.connected
      if (leader && repairing) {
        const next = leader.nextIndex[n.id]
        if (next !== undefined && next >= first && col(next) <= COLUMNS) {
          b.box(colX(col(next)) - COL_PITCH / 2, 0.16, z, 0.07, 0.32, BLOCK_DEPTH + 0.12, p.leader)
        }
      }
      this.rowLabels[r]!.set([line([{ text: nodeName(n.id), tone: rowTone(n, s) }])]).tint(rowTone(n, s))
      // With every log empty (the election), five "commit 0" rows would only be noise.
      this.status[r]!.visible = longest > 0
      this.status[r]!.set([line(statusSpans(n, repairing ? leader : undefined))])
    })

    // The leader's newest entry, when it is not committed yet: its column framed, and why.
    if (flagged && col(flagged.index) >= 1 && col(flagged.index) <= COLUMNS) {
      const x = colX(col(flagged.index))
      const zs = rowZ(0) - BLOCK_DEPTH / 2 - 0.1
      const ze = rowZ(this.rows - 1) + BLOCK_DEPTH / 2 + 0.1
      const tone = flagged.stale ? p.fault : p.follower
      for (const side of [-1, 1]) b.box(x + side * (BLOCK / 2 + 0.06), 0.02, (zs + ze) / 2, LINE, 0.03, ze - zs, tone)
    }
    b.end()

    for (let k = 1; k <= COLUMNS; k++) {
      const index = first + k - 1
      const h = this.headers[k - 1]!
      h.visible = index <= longest
      h.set(String(index))
      h.element.style.color = flagged && flagged.index === index ? `var(--c-${flagged.stale ? 'fault' : 'follower'})` : leader && index <= leader.commitIndex ? 'var(--c-leader)' : 'var(--c-muted)'
    }
    this.caption.set(captionLines(s, newest, longest)).tint(newest?.stale ? 'fault' : '')
    this.drawLegend(s)
  }

  /** A thin frame around a cell. */
  private frame(x: number, z: number, color: Color): void {
    const w = BLOCK + 0.06
    const d = BLOCK_DEPTH + 0.06
    const y = BLOCK_HEIGHT + 0.02
    this.boxes.box(x, y, z - d / 2, w, 0.03, LINE, color)
    this.boxes.box(x, y, z + d / 2, w, 0.03, LINE, color)
    this.boxes.box(x - w / 2, y, z, LINE, 0.03, d, color)
    this.boxes.box(x + w / 2, y, z, LINE, 0.03, d, color)
  }

  /** "term ■1 ■2 ■3": the colours of the terms present in any log. */
  private drawLegend(s: RaftSnapshot): void {
    const terms = [...new Set(s.nodes.flatMap((n) => n.log.map((e) => e.term)))].sort((a, b) => a - b)
    this.legend.visible = terms.length > 0
    const segs: Segment[] = [{ text: 'terms ', color: 'var(--c-muted)' }]
    for (const t of terms) segs.push({ text: '■', color: `#${termColor(t, this.c).getHexString()}` }, { text: `${t} ` })
    this.legend.set([], [segs])
  }

  release(): void {
    this.boxes.dispose()
    // CSS2DRenderer leaves label elements in its layer: take them out.
    for (const l of [...this.rowLabels, ...this.status, this.caption, this.legend, ...this.headers, ...this.terms.flat()]) l.element.remove()
  }
}

/** Text that reads on a block: the theme's darker or lighter extreme, whichever contrasts (linear luminance). */
function inkOn(block: Color, p: Palette): string {
  const lum = (c: Color): number => 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b
  const [dark, light] = lum(p.background) < lum(p.text) ? [p.background, p.text] : [p.text, p.background]
  return `#${(lum(block) > 0.25 ? dark : light).getHexString()}`
}

function rowTone(n: RaftNodeSnapshot, s: RaftSnapshot): Tone {
  if (!n.alive) return 'muted'
  if (n.role === 'leader') return s.leader === n.id ? 'leader' : 'fault'
  if (n.role === 'candidate') return 'candidate'
  return 'follower'
}

/** "commit c · applied a", and "· next k" where `repairer` (the leader) is repairing this row. */
function statusSpans(n: RaftNodeSnapshot, repairer: RaftNodeSnapshot | undefined): Span[] {
  if (!n.alive) return [{ text: 'down · log kept on disk', tone: 'muted' }]
  const spans: Span[] = [
    { text: `commit ${n.commitIndex}`, tone: n.commitIndex > 0 ? 'leader' : 'muted' },
    { text: ` · applied ${n.lastApplied}`, tone: n.lastApplied > 0 ? 'fg' : 'muted' },
  ]
  const next = repairer?.nextIndex[n.id]
  if (next !== undefined) spans.push({ text: ` · next ${next}`, tone: 'leader' })
  return spans
}

function captionLines(s: RaftSnapshot, newest: NewestEntry | null, longest: number): ReturnType<typeof line>[] {
  if (longest === 0) return [line([{ text: 'Logs are empty: nothing written yet', tone: 'muted' }])]
  if (s.leader === null) return [line([{ text: 'No leader: nothing new can commit', tone: 'muted' }])]
  if (!newest) return [line([{ text: 'The leader’s log is empty', tone: 'muted' }])]
  const n = s.nodes.length
  if (newest.stale) {
    return [line([
      { text: `Entry ${newest.index}`, bold: true, tone: 'fault' },
      { text: ` is on ${newest.stored} of ${n} nodes, yet not committed: it is from term ${newest.term}, not ${s.nodes[s.leader]!.term}`, tone: 'fault' },
    ])]
  }
  if (newest.committed) return [line([{ text: `Committed up to entry ${s.nodes[s.leader]!.commitIndex}`, tone: 'leader', bold: true }])]
  return [line([
    { text: `Entry ${newest.index}`, bold: true, tone: 'follower' },
    { text: `: the leader knows of ${newest.copies} of the ${newest.majority} copies it needs`, tone: 'fg' },
  ])]
}
