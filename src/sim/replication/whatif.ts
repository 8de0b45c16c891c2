import type { WhatIf } from '../scenario.ts'
import { CLIENT, type ReplicationCluster } from './cluster.ts'
import { messagesInFlight } from '../inflight.ts'

/**
 * What-if on a live replication cluster (the deck's live mode, DESIGN.md §1 still holds for the
 * script): click a node to crash or restart it, `w` for a client write, `g` to slow a replica
 * link, `p` to cut the replicas off from the primary (and heal).
 *
 * Crashing the primary starts a failover after FAILOVER_DETECT_MS (a failure detector noticing
 * the silence), then the client reads its writes back, so acknowledged writes the new primary
 * lacks turn up as lost, exactly as in the `failover` scenario.
 */

/**
 * Simulated ms a failure detector takes to notice a dead primary and promote a replica (real
 * ones take seconds: missed heartbeats, a lease running out). The wait is quiet, so it plays
 * fast-forwarded: long enough to see the dead primary, short enough not to bore.
 */
export const FAILOVER_DETECT_MS = 2000
/** How much lag `g` adds to a replica link, ms. */
export const LAG_STEP_MS = 100
/** Simulated ms per real second: a 1–2 ms hop stays on screen long enough to follow. */
export const LIVE_SPEED = 10
/**
 * While nothing is on the wire or queued at the primary only timers are pending (semi-sync's
 * 10 s timeout, a failover detector): play those stretches this many times faster, so the
 * semi-sync timeout drains in about 3 s instead of a seventeen-minute wait at LIVE_SPEED.
 */
export const QUIET_FAST_FORWARD = 300

/** Nothing is moving: no message on the wire and nothing queued in the primary's outbound streams. */
export function quiet(m: ReplicationCluster): boolean {
  for (let id = 0; id < m.size; id++) if (m.backlog(id) > 0) return false
  return messagesInFlight(m.trace.all()).length === 0
}

/** Crash the primary and schedule the failover a failure detector would start, then the client's read-back. */
function crashPrimary(m: ReplicationCluster): string {
  const old = m.primary
  m.crash(old)
  m.sched.after(FAILOVER_DETECT_MS, () => {
    // Restarted in time, or no replica left to promote: nothing to fail over to.
    if (m.primary !== old || m.isAlive(old)) return
    let live = false
    for (let id = 0; id < m.size; id++) if (id !== old && m.isAlive(id)) live = true
    if (!live) return
    m.failover()
    m.verify()
  })
  return `Primary node ${old} crashes; ${FAILOVER_DETECT_MS / 1000} s later a failover promotes the most up-to-date live replica.`
}

function clickNode(m: ReplicationCluster, target?: { node?: number | string }): string {
  const id = Number(target?.node)
  if (!Number.isInteger(id) || id < 0 || id >= m.size) return 'That is not a database node.'
  if (m.isAlive(id)) {
    if (id === m.primary) return crashPrimary(m)
    m.crash(id)
    const blocks = m.mode === 'sync' ? ' Synchronous writes now wait for it until it comes back.' : ''
    return `Replica ${id} crashes.${blocks}`
  }
  const wasPrimary = id === m.primary
  const { discarded } = m.restart(id)
  if (wasPrimary) return `Node ${id} restarts before any failover and carries on as primary.`
  const lost = discarded > 0 ? ` and discards ${discarded} ${discarded === 1 ? 'entry' : 'entries'} the primary never had` : ''
  return `Node ${id} restarts as a replica of node ${m.primary}${lost}; it catches up from the primary.`
}

function write(m: ReplicationCluster): string {
  const id = m.writes().length + 1
  m.write(`w${id}`)
  const primary = m.isAlive(m.primary) ? `node ${m.primary}` : `node ${m.primary}, which is down`
  return `The client sends write ${id} to the primary, ${primary}.`
}

/** `g`: the fastest live replica link gets LAG_STEP_MS slower (so pressing again slows the next). */
function slowLink(m: ReplicationCluster): string {
  let best: number | null = null
  for (let id = 0; id < m.size; id++) {
    if (id === m.primary || !m.isAlive(id)) continue
    if (best === null || (m.lagMs[id] ?? 0) < (m.lagMs[best] ?? 0)) best = id
  }
  if (best === null) return 'No live replica link to slow down.'
  const ms = (m.lagMs[best] ?? 0) + LAG_STEP_MS
  m.setLag(best, ms)
  return `The link to replica ${best} now holds each entry ${ms} ms before sending it.`
}

/** `p`: cut the replicas off from the primary and the client, or heal. */
function partition(m: ReplicationCluster): string {
  if (m.net.partitioned) {
    m.heal()
    return 'The network heals; the primary re-sends what each replica is missing.'
  }
  const replicas: number[] = []
  for (let id = 0; id < m.size; id++) if (id !== m.primary) replicas.push(id)
  m.partition([[m.primary, CLIENT], replicas])
  return `The replicas are cut off from primary node ${m.primary}: no entry reaches them and no acknowledgement comes back.`
}

export const replicationWhatIf: WhatIf<ReplicationCluster> = {
  advance(m, ms) {
    // A live run's first frame can hand over a slightly negative slice (the frame's timestamp
    // predates the moment the run started): nothing to do.
    if (!(ms > 0)) return
    // Fast-forward only up to the event that puts something on the wire again, so a quiet
    // moment (a 1 ms local commit) cannot swallow the busy stretch after it.
    if (quiet(m)) m.runUntil(() => !quiet(m), ms * QUIET_FAST_FORWARD)
    else m.advance(ms)
  },
  speed: LIVE_SPEED,
  actions: [
    { trigger: 'click', label: 'Click a node: crash it or restart it (crashing the primary fails over to the most up-to-date replica)', run: clickNode },
    { trigger: 'w', label: 'Send a client write', run: write },
    { trigger: 'g', label: `Slow the fastest replica link by ${LAG_STEP_MS} ms (replication lag)`, run: slowLink },
    { trigger: 'p', label: 'Cut the replicas off from the primary, or heal', run: partition },
  ],
}
