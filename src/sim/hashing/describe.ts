import type { HashingSnapshot } from './model.ts'
import { spreadOf } from './stats.ts'

const deg = (rad: number): string => `${Math.round((rad * 180) / Math.PI)}°`
const pct = (x: number): string => `${Math.round(x * 100)}%`

/** One or two plain sentences about a hashing snapshot, for screen readers and study mode. */
export function describeHashing(s: HashingSnapshot): string {
  const n = s.servers.length
  const ring = s.mode === 'ring'
  const counts = s.servers.map((v) => `${v.name} ${v.keys}`).join(', ')
  switch (s.focus) {
    case 'empty':
      return ring ? 'The hash ring is empty: no server has joined yet.' : 'No servers yet: key mod N needs at least one.'
    case 'servers':
      return ring
        ? `${n === 1 ? 'One server sits' : `${n} servers sit`} on the hash ring with ${s.vnodes} token${s.vnodes === 1 ? '' : 's'} each. Each coloured arc is the stretch of the ring its server owns.`
        : `${n} servers are numbered 0 to ${n - 1}; a key will go to server number hash(key) mod ${n}. No keys are placed yet.`
    case 'key':
      return s.probe
        ? `Key "${s.probe.key}" hashes to ${deg(s.probe.angle)} on the ring. It will walk clockwise to the first server token it meets.`
        : 'A key is about to be hashed onto the ring.'
    case 'owner':
      return s.probe?.owner
        ? `Walking clockwise from ${deg(s.probe.angle)}, key "${s.probe.key}" first meets a token of ${s.probe.owner}${s.probe.tokenAngle === null ? '' : ` at ${deg(s.probe.tokenAngle)}`}, so ${s.probe.owner} owns it.`
        : 'The key has not found its owner yet.'
    case 'placed':
      return ring
        ? `${s.totalKeys} keys are spread over ${n} servers on the ring: ${counts}.`
        : `${s.totalKeys} keys are placed with hash(key) mod ${n}: ${counts}.`
    case 'add': {
      const added = s.servers[n - 1]?.name ?? 'A server'
      return ring
        ? `${added} joins the ring with ${s.vnodes} tokens and takes over part of its neighbours' arcs. The keys have not moved yet.`
        : `${added} is added, so N goes from ${n - 1} to ${n}. The keys have not been re-placed yet.`
    }
    case 'remove':
      return `A server has left: ${n} remain. Its arcs now belong to the next tokens clockwise; the keys have not moved yet.`
    case 'moved':
    case 'reshuffle': {
      const m = s.moved
      if (!m) return 'No keys have moved.'
      const head = `${m.count} of ${m.total} keys (${pct(m.fraction)}) changed server`
      if (!ring) return `${head}: changing N reshuffles almost everything, as ${m.removed ? '(N−1)/N' : 'N/(N+1)'} = ${pct(m.expected)} predicts.`
      if (m.added) return `${head}, every one of them to ${m.added}; theory predicts 1/(N+1) = ${pct(m.expected)}.`
      return `${head}, every one of them a key ${m.removed ?? 'the departed server'} owned; the other servers kept all their keys.`
    }
    case 'one-token':
      return `With one token per server the arcs are very unequal, and so are the keys per server: ${counts}.`
    case 'many-tokens': {
      // A what-if can land here with only 8 tokens: say "even" only when the counts are.
      const cv = n > 1 ? spreadOf(s.servers.map((v) => v.keys)).cv : 0
      return `With ${s.vnodes} tokens per server the arcs interleave finely and the keys ${cv < 0.15 ? 'even out' : 'are more even'}: ${counts}.`
    }
    case 'spread':
      return `Averaged over many clusters, the load spread (std/mean) is ${s.spread.map((r) => `${r.meanCv.toFixed(2)} with ${r.vnodes} token${r.vnodes === 1 ? '' : 's'}`).join(', ')}: it halves each time the tokens quadruple, like one over their square root.`
  }
}
