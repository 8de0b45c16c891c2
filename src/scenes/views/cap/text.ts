/**
 * The words on the CAP scene's labels, from a frame (pure, testable without a browser): each
 * replica's value, each client's requests and replies, the mode, and LWW's verdict on heal.
 */
import type { CapValue } from '../../../sim/cap/store.ts'
import type { LabelLine } from '../../primitives/line-label.ts'
import type { CapFrame, ClientOp } from './frame.ts'

const show = (v: CapValue | undefined): string => (v === undefined || v === null ? '—' : String(v))

/** The group a replica is in, or null when the network is whole. */
export function groupOf(frame: Pick<CapFrame, 'partition'>, id: number): readonly number[] | null {
  return frame.partition?.find((g) => g.includes(id)) ?? null
}

/** Whether a replica is cut off from a majority (it cannot form a quorum). */
export function inMinority(frame: Pick<CapFrame, 'partition' | 'nodes'>, id: number): boolean {
  const g = groupOf(frame, id)
  return g !== null && g.length < Math.floor(frame.nodes.length / 2) + 1
}

/** A replica's label: its name, the value it holds, and what set it apart in this step. */
export function replicaLines(frame: CapFrame, id: number): LabelLine[] {
  const n = frame.nodes[id]!
  const lines: LabelLine[] = [
    { text: `replica ${id}`, tone: 'replica', weight: 'small' },
    { text: `${frame.key} = ${show(n.value)}`, weight: 'strong' },
  ]
  if (n.lost !== undefined) lines.push({ text: `${show(n.lost)} overwritten`, tone: 'fault', weight: 'small', strike: false })
  else if (inMinority(frame, id)) lines.push({ text: 'cut off: no majority', tone: 'fault', weight: 'small' })
  return lines
}

function opLine(o: ClientOp): LabelLine {
  const what = o.op === 'write' ? `write ${show(o.value)}` : 'read'
  if (o.status === 'pending') return { text: `${what} … waiting`, tone: 'muted' }
  if (o.status === 'refused') return { text: `${what} ✗ ${o.error?.startsWith('no quorum') ? 'no quorum' : 'error'}`, tone: 'fault', weight: 'strong' }
  return o.op === 'write' ? { text: `${what} ✓ ok`, tone: 'ok' } : { text: `read → ${show(o.value)}`, tone: 'ok', weight: 'strong' }
}

/** At most this many requests per client bubble (the latest). */
export const BUBBLE_LINES = 2

/** A client's bubble: its latest requests with their replies; just "client" when it is idle. */
export function clientLines(frame: CapFrame, node: number): { lines: LabelLine[]; refused: boolean; idle: boolean } {
  const ops = frame.ops.filter((o) => o.node === node).slice(-BUBBLE_LINES)
  if (ops.length === 0) return { lines: [{ text: 'client', tone: 'client', weight: 'small' }], refused: false, idle: true }
  return { lines: ops.map(opLine), refused: ops.some((o) => o.status === 'refused'), idle: false }
}

/** The mode and what it promises under the current network. */
export function modeLines(frame: CapFrame): LabelLine[] {
  const split = frame.partition !== null
  if (frame.mode === 'CP') {
    return [
      { text: 'CP mode', weight: 'strong', tone: 'follower' },
      { text: split ? 'a majority, or an error' : 'every request needs a majority', weight: 'small', tone: 'muted' },
    ]
  }
  return [
    { text: 'AP mode', weight: 'strong', tone: 'leader' },
    { text: split ? 'always answer, maybe stale' : 'answer at once, sync later', weight: 'small', tone: 'muted' },
  ]
}

/** LWW's verdict on heal: which write won and which was thrown away. */
export function reconciliationLines(frame: CapFrame): LabelLine[] {
  const rec = frame.reconciliation
  if (!rec) return []
  const stamp = (ts: string) => ts.replace(/@n\d+$/, '')
  return [
    { text: 'heal: last writer wins (HLC)', weight: 'small', tone: 'muted' },
    { text: `keeps ${show(rec.kept.value)} @${stamp(rec.kept.ts)}`, tone: 'ok', weight: 'strong' },
    ...rec.overwritten.map((o): LabelLine => ({ text: `drops ${show(o.value)} @${stamp(o.ts)}`, tone: 'fault', strike: true })),
  ]
}
