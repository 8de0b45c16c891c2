/**
 * The words of the partition view: each node's box (who it is, what it believes, what it holds),
 * the headline over the fault line, and the verdict under the cluster (how the sides' data meet).
 * Pure functions of a snapshot, so every picture's text is the model's real state.
 */
import type { PartitionNodeView, PartitionSnapshot } from '../../../sim/partition/snapshot.ts'
import type { PNCounterState, ORSetState } from '../../../sim/partition/crdt.ts'
import { crdtValue, mergeCrdt } from '../../../sim/partition/registers.ts'
import { line, type Line, type Span, type Tone } from '../../primitives/rich-label.ts'

export const SIDE_NAMES = ['A', 'B'] as const
export const nodeName = (id: number): string => `n${id}`

type DataEntry = PartitionNodeView['data'][number]
type Version = NonNullable<DataEntry['versions']>[number]

/** `[n0:1 n4:1]` (the model's clock format) → `[1,0,0,0,1]`: one counter per node, as on the slide. */
export function clockVector(clock: string, size: number): string {
  const counts = new Array<number>(size).fill(0)
  for (const m of clock.matchAll(/n(\d+):(\d+)/g)) {
    const i = Number(m[1])
    if (i < size) counts[i] = Number(m[2])
  }
  return `[${counts.join(',')}]`
}

/** How clock a relates to clock b (both in the model's format). */
export function clockOrder(a: string, b: string): 'before' | 'after' | 'concurrent' | 'equal' {
  const parse = (c: string) => new Map([...c.matchAll(/n(\d+):(\d+)/g)].map((m) => [m[1]!, Number(m[2])]))
  const x = parse(a)
  const y = parse(b)
  let less = false
  let more = false
  for (const k of new Set([...x.keys(), ...y.keys()])) {
    if ((x.get(k) ?? 0) < (y.get(k) ?? 0)) less = true
    if ((x.get(k) ?? 0) > (y.get(k) ?? 0)) more = true
  }
  return less && more ? 'concurrent' : less ? 'before' : more ? 'after' : 'equal'
}

export function roleTone(role: PartitionNodeView['role']): Tone {
  return role === 'primary' ? 'leader' : role === 'candidate' ? 'candidate' : role === 'stopped' ? 'fault' : 'follower'
}

/** Per-replica slots of a PN-Counter: `n0+13 n3+2−1`. */
export function counterSlots(state: PNCounterState): string {
  const ids = [...new Set([...Object.keys(state.p), ...Object.keys(state.n)])].sort()
  return ids.map((r) => `${r}${state.p[r] ? `+${state.p[r]}` : ''}${state.n[r] ? `−${state.n[r]}` : ''}`).join(' ')
}

/** An OR-Set's live elements, and the elements whose every add was removed (struck through). */
export function setParts(state: ORSetState): { live: string[]; removed: string[] } {
  const dead = new Set(state.removed)
  const live = [...new Set(state.adds.filter(([, t]) => !dead.has(t)).map(([e]) => e))].sort()
  const removed = [...new Set(state.adds.filter(([, t]) => dead.has(t)).map(([e]) => e))].filter((e) => !live.includes(e)).sort()
  return { live, removed }
}

function versionSpans(v: Version, snap: PartitionSnapshot, opts: BoxOptions, tone: Tone | undefined): Span[] {
  const spans: Span[] = [{ text: v.value, tone, bold: true }]
  if (snap.resolution === 'vector-clock') spans.push({ text: ` ${clockVector(v.clock, snap.nodes.length)}`, tone: 'muted' })
  else if (opts.stamps) spans.push({ text: ` @${v.at}`, tone: 'muted' })
  return spans
}

export interface BoxOptions {
  /** Show LWW's wall-clock stamps next to values. */
  stamps: boolean
}

/** A node's box: name · role · epoch, then what it holds. */
export function nodeBox(snap: PartitionSnapshot, id: number, opts: BoxOptions): Line[] {
  const n = snap.nodes[id]!
  const role = n.role === 'stopped' ? 'powered off' : n.role
  const lines: Line[] = [line([
    { text: nodeName(id), bold: true },
    { text: ` ${role}`, tone: roleTone(n.role), bold: n.role === 'primary' || n.role === 'stopped' },
    { text: ` e${n.epoch}`, tone: 'muted' },
  ])]
  if (snap.data === 'shared-disk') {
    const w = [...snap.writes].reverse().find((x) => x.node === id && x.status !== 'refused')
    if (w) {
      const [mark, tone]: [string, Tone] = w.status === 'ok' ? ['✓ stored', 'ok'] : w.status === 'rejected' ? ['✗ rejected', 'fault'] : ['→ disk', 'client']
      lines.push(line([{ text: `${w.value} `, bold: true }, { text: mark, tone, bold: w.status === 'rejected' }]))
    }
    return lines
  }
  for (const d of n.data) {
    const conflict = snap.conflicts.includes(d.key)
    // CRDT replicas that differ have diverged, not conflicted: they will merge (orange, not red).
    const diverged: Tone | undefined = conflict ? 'candidate' : undefined
    if (d.crdt?.type === 'pn-counter') {
      lines.push(line([{ text: `${d.key} ` }, { text: String(d.value), bold: true, tone: diverged }, { text: ` ${counterSlots(d.crdt.state)}`, tone: 'muted' }], true))
    } else if (d.crdt?.type === 'or-set') {
      const { live, removed } = setParts(d.crdt.state)
      const spans: Span[] = [{ text: `${d.key} ` }, { text: `{${live.join(', ')}}`, bold: true, tone: diverged }]
      for (const r of removed) spans.push({ text: ' ' }, { text: r, strike: true, tone: 'muted' })
      lines.push(line(spans, true))
    } else if (d.versions) {
      const siblings = d.versions.length > 1
      for (const v of d.versions) lines.push(line(versionSpans(v, snap, opts, siblings ? 'replica' : conflict ? 'fault' : undefined)))
      // Last-writer-wins threw away this node's own write: show it struck through where it was taken.
      for (const x of snap.discarded) {
        if (x.key === d.key && x.lost.node === id && !d.versions.some((v) => v.write === x.lost.write)) {
          lines.push(line([{ text: x.lost.value, tone: 'fault', strike: true, bold: true }, { text: opts.stamps ? ` @${x.lost.at}` : '', tone: 'fault', strike: true }, { text: ' lost', tone: 'fault' }]))
        }
      }
    }
  }
  return lines
}

/** Over the fault line: the partition and what it has cost, and a split-brain alarm. */
export function headline(snap: PartitionSnapshot): Line[] {
  const lines: Line[] = []
  if (snap.partitioned) lines.push(line([{ text: 'partition', tone: 'fault', bold: true }, { text: ` · ${snap.counters.droppedByPartition} packets dropped`, tone: 'fault' }]))
  else lines.push(line([{ text: 'network whole', tone: 'ok' }, ...(snap.counters.droppedByPartition > 0 ? [{ text: ` · ${snap.counters.droppedByPartition} dropped while split`, tone: 'muted' as Tone }] : [])]))
  if (snap.primaries.length > 1) {
    lines.push(line([{ text: `⚠ ${snap.primaries.length} primaries: `, tone: 'fault', bold: true }, { text: snap.primaries.map((p) => `${nodeName(p)} (e${snap.nodes[p]!.epoch})`).join(' + '), tone: 'leader', bold: true }]))
  }
  return lines
}

/** Above each side: its name and share of the cluster (a majority can elect under a quorum rule). */
export function sideCaption(snap: PartitionSnapshot, side: number): Line[] {
  const ids = snap.sides[side] ?? []
  const majority = ids.length > snap.nodes.length / 2
  return [line([{ text: `side ${SIDE_NAMES[side]}`, bold: true }, { text: ` · ${ids.length} of ${snap.nodes.length} · ${majority ? 'majority' : 'minority'}`, tone: 'muted' }])]
}

const valueText = (d: DataEntry | undefined): string => {
  if (!d || d.value === null) return '—'
  if (typeof d.value === 'number') return String(d.value)
  return d.crdt ? `{${d.value.join(', ')}}` : d.value.join(' + ')
}

/** The distinct values running nodes hold for `key`, each with the nodes holding it. */
function holders(snap: PartitionSnapshot, key: string): { ids: number[]; entry: DataEntry | undefined }[] {
  const out: { ids: number[]; entry: DataEntry | undefined }[] = []
  for (const n of snap.nodes) {
    if (n.role === 'stopped') continue
    const entry = n.data.find((d) => d.key === key)
    const same = out.find((o) => JSON.stringify(o.entry?.value) === JSON.stringify(entry?.value))
    if (same) same.ids.push(n.id)
    else out.push({ ids: [n.id], entry })
  }
  return out
}

/**
 * Under the cluster: how the sides' data stand. Split: the values each side holds. LWW: the kept
 * write and the discarded one, struck through. Vector clocks: the clocks compared, siblings kept.
 * CRDTs: the merge (per-replica slots, the set) and its result.
 */
export function verdict(snap: PartitionSnapshot, opts: BoxOptions): Line[] {
  if (snap.data === 'shared-disk') return []
  const keys = [...new Set(snap.nodes.flatMap((n) => n.data.map((d) => d.key)))].sort()
  if (keys.length === 0) return [line([{ text: 'no data written yet', tone: 'muted' }])]
  const lines: Line[] = []
  for (const key of keys) {
    const held = holders(snap, key)
    const conflict = snap.conflicts.includes(key)
    const sample = held[0]?.entry
    if (sample?.crdt) {
      lines.push(crdtVerdict(key, held.map((h) => h.entry), conflict, snap.partitioned))
      continue
    }

    const siblings = sample?.versions && sample.versions.length > 1 && held.length === 1
    const versions = distinctVersions(held.map((h) => h.entry))
    if (!siblings && conflict && !snap.partitioned && snap.resolution === 'vector-clock' && versions.length === 2) {
      // Healing: the versions meet and their clocks are compared.
      const [a, b] = versions as [Version, Version]
      const order = clockOrder(a.clock, b.clock)
      lines.push(line([{ text: `${key}: ` }, { text: a.value, bold: true, tone: 'replica' }, { text: ` ${clockVector(a.clock, snap.nodes.length)}`, tone: 'muted' }, { text: ' vs ', tone: 'muted' }, { text: b.value, bold: true, tone: 'replica' }, { text: ` ${clockVector(b.clock, snap.nodes.length)}`, tone: 'muted' }]))
      lines.push(line([{ text: order === 'concurrent' ? 'neither clock is ≥ the other: concurrent' : `one clock is ≥ the other: the ${order === 'before' ? 'second' : 'first'} replaces it`, tone: 'replica' }], true))
    } else if (siblings && sample.versions) {
      const [a, b] = sample.versions
      const order = a && b ? clockOrder(a.clock, b.clock) : 'equal'
      lines.push(line([{ text: `${key}: ` }, ...sample.versions.flatMap((v, i) => [
        ...(i > 0 ? [{ text: order === 'concurrent' ? ' ∥ ' : ' , ', tone: 'muted' as Tone }] : []),
        { text: v.value, bold: true, tone: 'replica' as Tone }, { text: ` ${clockVector(v.clock, snap.nodes.length)}`, tone: 'muted' as Tone },
      ])]))
      lines.push(line([{ text: order === 'concurrent' ? 'concurrent clocks → both kept as siblings' : 'siblings kept', tone: 'replica' }], true))
    } else if (conflict) {
      lines.push(line([{ text: `${key}: `, tone: 'fault' }, ...held.flatMap((h, i) => [
        ...(i > 0 ? [{ text: ' ≠ ', tone: 'fault' as Tone, bold: true }] : []),
        { text: valueText(h.entry), bold: true, tone: 'fault' as Tone },
        { text: `${clockSuffix(snap, h.entry, opts)} on ${h.ids.map(nodeName).join(',')}`, tone: 'muted' as Tone },
      ])]))
    } else {
      lines.push(line([{ text: `${key}: ` }, { text: valueText(sample), bold: true }, { text: ' on every node', tone: 'muted' }]))
    }
  }
  for (const d of snap.discarded) {
    const later = d.lost.write > d.kept.write
    lines.push(line([{ text: 'kept ', tone: 'ok' }, { text: d.kept.value, tone: 'ok', bold: true }, { text: ` @${d.kept.at} (${nodeName(d.kept.node)})`, tone: 'muted' }, { text: ' · lost ', tone: 'fault' }, { text: d.lost.value, tone: 'fault', strike: true, bold: true }, { text: ` @${d.lost.at} (${nodeName(d.lost.node)})`, tone: 'muted' }]))
    if (later) lines.push(line([{ text: `${d.lost.value} was written later, but ${nodeName(d.lost.node)}’s clock was behind`, tone: 'fault' }], true))
  }
  return lines
}

function clockSuffix(snap: PartitionSnapshot, d: DataEntry | undefined, opts: BoxOptions): string {
  const v = d?.versions?.[0]
  if (!v || d.versions!.length !== 1) return ''
  if (snap.resolution === 'vector-clock') return ` ${clockVector(v.clock, snap.nodes.length)}`
  return opts.stamps ? ` @${v.at}` : ''
}

function distinctVersions(entries: (DataEntry | undefined)[]): Version[] {
  const out = new Map<number, Version>()
  for (const e of entries) for (const v of e?.versions ?? []) out.set(v.write, v)
  return [...out.values()].sort((a, b) => a.write - b.write)
}

/** A CRDT key: diverged values and what they merge to (the join of every replica's state), or the merged value with its per-replica slots. */
function crdtVerdict(key: string, entries: (DataEntry | undefined)[], conflict: boolean, partitioned: boolean): Line {
  const crdts = entries.flatMap((e) => (e?.crdt ? [e.crdt] : []))
  const merged = crdts.reduce((a, b) => mergeCrdt(a, b))
  const mergedText = (() => {
    const v = crdtValue(merged)
    return typeof v === 'number' ? String(v) : `{${v.join(', ')}}`
  })()
  const slots = merged.type === 'pn-counter' ? ` (${counterSlots(merged.state)})` : ''
  if (!conflict) return line([{ text: `${key} ` }, { text: mergedText, tone: 'ok', bold: true }, { text: `${slots} on every node`, tone: 'muted' }])
  return line([
    { text: `${key} ` }, { text: entries.map((e) => valueText(e)).join(partitioned ? ' | ' : ', '), bold: true, tone: 'candidate' },
    { text: partitioned ? '  merge on heal → ' : '  merging → ', tone: 'muted' }, { text: mergedText, tone: 'ok', bold: true },
  ])
}
