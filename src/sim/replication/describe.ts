import type { ReplicationSnapshot } from './snapshot.ts'

const ms = (x: number): string => `${Math.round(x)} ms`
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`
const entries = (n: number): string => `${n} ${n === 1 ? 'entry' : 'entries'}`

/** One or two plain sentences about a replication snapshot, for screen readers. */
export function describeReplication(s: ReplicationSnapshot): string {
  const primary = s.nodes[s.primary]!
  const replicas = s.nodes.filter((n) => n.id !== s.primary && n.alive)
  const head = `${s.mode === 'semi-sync' ? 'Semi-synchronous' : s.mode === 'sync' ? 'Synchronous' : 'Asynchronous'} replication, node ${s.primary} is primary with ${entries(primary.lsn)}`
  const state = replicas.map((r) => (r.lag.entries === 0 ? `replica ${r.id} is up to date` : `replica ${r.id} trails by ${entries(r.lag.entries)} (${ms(r.lag.ms)})`)).join(', ')
  const last = s.writes.at(-1)
  const flying = (kind: string) => s.inFlight.filter((f) => f.kind === kind).length

  if (s.failover) {
    const f = s.failover
    const lost = f.lostAcknowledged.length
    const found = s.counters.lost > 0 || s.writes.some((w) => w.status === 'lost')
    if (found) return `${head}. The client read its writes back and found ${plural(lost, 'acknowledged write')} missing: the old primary had confirmed them before they reached any replica.`
    return `Node ${f.from} crashed and node ${f.promoted}, the most up-to-date replica, has been promoted to primary; ${lost === 0 ? 'it holds every acknowledged write' : `it lacks ${plural(lost, 'acknowledged write')}`}.`
  }
  if (!primary.alive) return `Primary node ${s.primary} has crashed with ${plural(primary.lsn, 'write')} in its log; ${state}.`
  if (s.semiSync && !s.semiSync.active) return `${head}. No replica acknowledged within ${ms(s.semiSync.timeoutMs)}, so the primary fell back to asynchronous replication and acknowledged the write anyway.`
  if (!last) return `${head}; ${state}. No writes yet.`
  if (last.status === 'pending' && last.lsn === null) return `${head}. The client has sent write ${last.id} (${String(last.value)}) to the primary.`
  if (last.status === 'pending') {
    const acks = s.nodes.filter((n) => n.id !== s.primary && n.lsn >= last.lsn!).length
    if (acks === 0) return `${head}. Write ${last.id} is committed on the primary and ${flying('replicate') > 0 ? 'on its way' : 'queued'} to ${plural(replicas.length, 'replica')}; the client is still waiting.`
    return `${head}. ${plural(acks, 'replica')} of ${replicas.length} ${acks === 1 ? 'has' : 'have'} acknowledged write ${last.id}; ${flying('write-ok') > 0 ? 'the confirmation is on its way to the client' : 'the client is still waiting'}.`
  }
  const acked = s.writes.filter((w) => w.status === 'acked')
  const latency = last.latencyMs === null ? '' : ` after ${ms(last.latencyMs)}`
  if (flying('write-ok') > 0) return `${head}. The primary has confirmed write ${last.id} and the reply is on its way; ${state}.`
  return `${head}; the client has ${plural(acked.length, 'acknowledged write')}, the last confirmed${latency}. ${state.charAt(0).toUpperCase()}${state.slice(1)}.`
}
