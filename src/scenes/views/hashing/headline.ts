/**
 * The scene's headline: what the step is about, in numbers. After a change it counts the keys
 * that moved, "k of K keys moved (x%)", beside what theory predicts and what the other scheme
 * would have moved (key mod N beside the ring, the ring beside key mod N).
 */
import type { HashingSnapshot } from '../../../sim/hashing/model.ts'
import { fmt, pct } from './colours.ts'

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`

export function headline(s: HashingSnapshot): string {
  const n = s.servers.length
  const m = s.moved
  if (s.mode === 'modulo') {
    if (m) {
      const ring = m.added ? 1 / (m.before + 1) : 1 / m.before
      return `${fmt(m.count)} of ${fmt(m.total)} keys moved (${pct(m.fraction)})\n≈ ${m.added ? 'N/(N+1)' : '(N−1)/N'} = ${pct(m.expected)} · a ring would move ≈ ${pct(ring)}`
    }
    if (s.focus === 'add') return `N goes from ${n - 1} to ${n}: hash(key) mod ${n}\nno key has moved yet`
    return `hash(key) mod ${n}\n${s.totalKeys > 0 ? `${fmt(s.totalKeys)} keys placed` : 'no keys placed yet'}`
  }
  const layout = `${plural(n, 'server')} × ${plural(s.vnodes, 'token')}`
  if (m && (s.focus === 'moved' || s.focus === 'reshuffle')) {
    const before = m.before
    const modN = m.added ? before / (before + 1) : (before - 1) / before
    const why = m.added ? `theory: 1/(N+1) = ${pct(m.expected)}` : `all of them ${m.removed ?? 'its'}'s`
    return `${fmt(m.count)} of ${fmt(m.total)} keys moved (${pct(m.fraction)})\n${why}\nkey mod N would move ≈ ${pct(modN)}`
  }
  switch (s.focus) {
    case 'empty':
      return 'an empty ring\nno servers yet'
    case 'key':
      return `${layout}\na key hashes onto the ring`
    case 'owner':
      return s.probe?.owner ? `${layout}\nfirst token clockwise: ${s.probe.owner}` : layout
    case 'add':
      return `${s.servers[n - 1]?.name ?? 'a server'} joins\nno key has moved yet`
    case 'remove': {
      const alive = new Set(s.servers.map((x) => x.name))
      const gone = s.keys.find((k) => !alive.has(k.owner))?.owner ?? 'a server'
      const orphaned = s.totalKeys - s.servers.reduce((a, x) => a + x.keys, 0)
      return `${gone} left\n${fmt(orphaned)} keys lost their owner`
    }
    case 'one-token':
      return `${layout}\nuneven arcs, uneven load`
    case 'many-tokens':
      return `${layout}\nmany small arcs each: even load`
    case 'spread': {
      const rows = s.spread
      const first = rows[0]
      const last = rows[rows.length - 1]
      return first && last ? `spread ≈ 1/√(tokens per server)\n${first.meanCv.toFixed(2)} at ${first.vnodes} → ${last.meanCv.toFixed(2)} at ${last.vnodes}` : layout
    }
    default:
      return s.totalKeys > 0 ? `${fmt(s.totalKeys)} keys\n${layout}` : layout
  }
}
