import { nameList, nodeName } from './names.ts'
import type { RaftInFlight, RaftNodeSnapshot, RaftSnapshot } from './types.ts'

/**
 * One or two plain-language sentences about a snapshot, for screen readers, study mode and the
 * printed notes. The first says the term and who leads (or how the election stands) and how far
 * the log got; the second names what is wrong (crashes, cuts, partitions, a stale leader, a
 * diverging log) or, when nothing is, what is on the wire. Nodes are named by letter (id 0 = A).
 */
export function describeRaft(s: RaftSnapshot): string {
  const first = `Term ${s.term}. ${s.leader !== null ? leaderPart(s, s.nodes[s.leader]!) : electionPart(s)}.`
  const second = troublePart(s) ?? wirePart(s.inFlight)
  return second ? `${first} ${second}.` : first
}

const plural = (n: number, one: string, many: string = `${one}s`): string => `${n} ${n === 1 ? one : many}`

const list = (items: readonly string[]): string =>
  items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`

const majority = (s: RaftSnapshot): number => Math.floor(s.nodes.length / 2) + 1

function leaderPart(s: RaftSnapshot, l: RaftNodeSnapshot): string {
  const n = s.nodes.length
  const lead = `Node ${nodeName(l.id)} leads`
  if (l.log.length === 0) return `${lead}; its log is empty`
  const c = l.commitIndex
  const known = s.nodes.filter((x) => x.alive && x.commitIndex >= c).length
  const commit = c > 0
    ? `entry ${c} is committed on ${known} of ${n} nodes`
    : s.nodes.some((x) => x.commitIndex > 0) ? 'its commit index is still 0' : 'nothing is committed yet'
  const last = l.log.length
  if (last === c) return `${lead}; ${commit}`
  const entry = l.log[last - 1]!
  const stored = s.nodes.filter((x) => x.log[last - 1]?.term === entry.term).length
  const confirmed = l.matchIndex.filter((m) => m >= last).length
  const pending = confirmed >= majority(s) && entry.term < l.term
    ? `entry ${last} is on ${stored} of ${n} nodes yet not committed: it is from term ${entry.term}, not ${l.term}`
    : `entry ${last} is stored on ${stored} of ${n} nodes and the leader has confirmed ${confirmed} of the ${majority(s)} copies it needs`
  return `${lead}; ${commit}; ${pending}`
}

function electionPart(s: RaftSnapshot): string {
  const alive = s.nodes.filter((x) => x.alive)
  // Candidates of older terms are leftovers that will give up on their next message.
  const candidates = alive.filter((x) => x.role === 'candidate' && x.term === s.term)
  if (candidates.length === 0) {
    const next = alive.filter((x) => x.electionDeadline !== null).sort((x, y) => x.electionDeadline! - y.electionDeadline!)[0]
    // Say how long is left, so the moment a timer fires reads differently from the calm before it.
    const left = next ? next.electionDeadline! - s.time : 0
    const who = !next ? '' : left < 1.5 ? `; ${nodeName(next.id)}'s election timer has run out` : `; ${nodeName(next.id)}'s election timer runs out first, in ${Math.round(left)} ms`
    return `No leader ${s.term === 0 ? 'yet' : 'now'}${who}`
  }
  if (candidates.length === 1) {
    const c = candidates[0]!
    return `No leader yet; ${nodeName(c.id)} is a candidate holding ${c.votes.length} of the ${majority(s)} votes it needs`
  }
  const who = candidates.map((c) => `${nodeName(c.id)} (${plural(c.votes.length, 'vote')})`)
  return `No leader; the vote is split between ${list(who)}, and ${majority(s)} are needed`
}

function troublePart(s: RaftSnapshot): string | null {
  const parts: string[] = []
  const down = s.nodes.filter((x) => !x.alive).map((x) => x.id)
  if (down.length) parts.push(`${down.length === 1 ? 'Node' : 'Nodes'} ${nameList(down)} ${down.length === 1 ? 'is' : 'are'} down`)
  const cut = s.nodes.filter((x) => x.alive && !x.connected).map((x) => x.id)
  if (cut.length) parts.push(`${nameList(cut)} ${cut.length === 1 ? 'is' : 'are'} cut off`)
  for (const x of s.nodes) {
    if (x.alive && x.role === 'leader' && x.id !== s.leader) parts.push(`${nodeName(x.id)} still believes it leads term ${x.term}`)
  }
  if (s.partition) parts.push(`the network is split into ${s.partition.map((g) => g.map(nodeName).join('')).join(' | ')}`)
  if (s.unreliable) parts.push('links lose, delay and reorder messages')
  if (s.leader !== null) {
    const l = s.nodes[s.leader]!
    for (const x of s.nodes) {
      if (x.id === l.id || !x.alive) continue
      const k = x.log.findIndex((e, i) => l.log[i] !== undefined && l.log[i]!.term !== e.term)
      if (k < 0) continue
      // How the repair stands: where the leader's next AppendEntries to it starts, and whether
      // its refusal of the last one is on the way back (each round trip of the repair reads apart).
      const name = nodeName(x.id)
      const next = x.connected ? l.nextIndex[x.id] : undefined
      let text = `${name}'s log disagrees with the leader's from index ${k + 1}`
      if (next !== undefined) text += `, and the leader will send it entries from index ${next}`
      if (s.inFlight.some((m) => m.from === x.id && m.to === l.id && m.kind === 'AppendEntriesReply' && m.success === false)) text += `; ${name} has rejected the leader's last AppendEntries`
      parts.push(text)
    }
  }
  if (!parts.length) return null
  const text = parts.join('; ')
  return text[0]!.toUpperCase() + text.slice(1)
}

function wirePart(wire: readonly RaftInFlight[]): string | null {
  if (!wire.length) return null
  const count = (f: (m: RaftInFlight) => boolean): number => wire.filter(f).length
  const kinds: [number, string, string][] = [
    [count((m) => m.kind === 'RequestVote'), 'vote request', 'vote requests'],
    [count((m) => m.kind === 'RequestVoteReply' && m.granted === true), 'granted vote', 'granted votes'],
    [count((m) => m.kind === 'RequestVoteReply' && m.granted !== true), 'refused vote', 'refused votes'],
    [count((m) => m.kind === 'AppendEntries' && (m.entries ?? 0) > 0), 'AppendEntries with entries', 'AppendEntries with entries'],
    [count((m) => m.kind === 'AppendEntries' && (m.entries ?? 0) === 0), 'heartbeat', 'heartbeats'],
    [count((m) => m.kind === 'AppendEntriesReply' && m.success === true), 'acknowledgement', 'acknowledgements'],
    [count((m) => m.kind === 'AppendEntriesReply' && m.success !== true), 'rejection', 'rejections'],
  ]
  return `In flight: ${list(kinds.filter(([n]) => n > 0).map(([n, one, many]) => plural(n, one, many)))}`
}
