/**
 * The ring between two snapshots, as plain data: which server owns each stretch of the ring and
 * how big each token marker is at a given phase. At the ends it is exactly the snapshot's ring
 * (every stretch owned by the next token clockwise); in between, a joining server's arcs grow
 * backwards from each of its tokens, a leaving server's arcs shrink into its tokens and are handed
 * to the next token clockwise, and new tokens (a change of virtual-node count) grow in the same
 * way, so the picture shows exactly which stretches change hands.
 */
import type { HashingSnapshot } from '../../../sim/hashing/model.ts'
import type { Phases } from './timeline.ts'

const TWO_PI = Math.PI * 2

type Token = HashingSnapshot['tokens'][number]

export interface TokenMark {
  server: string
  angle: number
  /** Marker size, 0 (gone) … 1. */
  scale: number
}

export interface RingPiece {
  start: number
  end: number
  /** The owning server, or null where no server owns the ring yet. */
  server: string | null
}

export interface RingFrame {
  marks: TokenMark[]
  pieces: RingPiece[]
}

const wrap = (a: number): number => ((a % TWO_PI) + TWO_PI) % TWO_PI

/** The token a position walks to (first clockwise), its distance, and the length of its arc. */
function walk(tokens: readonly Token[], angle: number): { token: Token; distance: number; arc: number } | null {
  if (tokens.length === 0) return null
  let lo = 0
  let hi = tokens.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (tokens[mid]!.angle < angle) lo = mid + 1
    else hi = mid
  }
  const i = lo === tokens.length ? 0 : lo
  const token = tokens[i]!
  const prev = tokens[i === 0 ? tokens.length - 1 : i - 1]!
  return { token, distance: wrap(token.angle - angle), arc: tokens.length === 1 ? TWO_PI : wrap(token.angle - prev.angle) }
}

export function ringFrame(prev: HashingSnapshot, target: HashingSnapshot, ph: Phases): RingFrame {
  const before = new Set(prev.servers.map((s) => s.name))
  const after = new Set(target.servers.map((s) => s.name))
  const retoken = prev.vnodes !== target.vnodes && prev.tokens.length > 0
  const joining = (s: string): boolean => !before.has(s) && after.has(s)
  const leaving = (s: string): boolean => before.has(s) && !after.has(s)
  /** How far a new token has grown into its arc. */
  const growth = (s: string): number => (retoken ? ph.retoken : joining(s) ? ph.join(s) : 1)
  /** How much of a departing token's arc it still holds. */
  const hold = (s: string): number => (leaving(s) ? 1 - ph.leave(s) : 1)

  const marks: TokenMark[] = []
  const cuts: number[] = []
  for (const t of prev.tokens) {
    const scale = retoken ? 1 - ph.retoken : hold(t.server)
    if (retoken || leaving(t.server)) {
      if (scale > 0) marks.push({ server: t.server, angle: t.angle, scale })
      const w = leaving(t.server) ? walk(prev.tokens, t.angle) : null
      if (w) cuts.push(wrap(t.angle - scale * w.arc))
    }
    cuts.push(t.angle)
  }
  for (const t of target.tokens) {
    const scale = growth(t.server)
    if (scale > 0) marks.push({ server: t.server, angle: t.angle, scale })
    if (scale < 1) {
      const w = walk(target.tokens, t.angle)
      if (w) cuts.push(wrap(t.angle - scale * w.arc))
    }
    cuts.push(t.angle)
  }

  const owner = (angle: number): string | null => {
    const o = walk(prev.tokens, angle)
    const n = walk(target.tokens, angle)
    if (!n) return o?.token.server ?? null
    const newer = n.token.server
    const older = o?.token.server ?? null
    if (older === newer) return newer
    // A new owner takes the stretch once its token has grown over it …
    if (retoken || joining(newer) || older === null) return n.distance <= growth(newer) * n.arc ? newer : older
    // … an old owner keeps it while its shrinking token still covers it.
    if (o && leaving(older)) return o.distance <= hold(older) * o.arc ? older : newer
    // One change at a time never gets here (an owner changes because one joined or one left).
    return newer
  }

  const sorted = [...new Set(cuts.map(wrap))].sort((a, b) => a - b)
  const pieces: RingPiece[] = []
  if (sorted.length === 0) pieces.push({ start: 0, end: TWO_PI, server: owner(0) })
  for (let i = 0; i < sorted.length; i++) {
    const start = sorted[i]!
    const end = i + 1 < sorted.length ? sorted[i + 1]! : sorted[0]! + TWO_PI
    if (end - start < 1e-9) continue
    const server = owner(wrap((start + end) / 2))
    const last = pieces[pieces.length - 1]
    // Neighbouring stretches of one owner become one piece (fewer segments to draw).
    if (last && last.server === server && Math.abs(last.end - start) < 1e-9) last.end = end
    else pieces.push({ start, end, server })
  }
  return { marks, pieces }
}
