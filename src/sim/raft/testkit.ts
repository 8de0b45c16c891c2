/**
 * Test helpers (imported by *.test.ts only): clusters whose safety is checked after every event,
 * and scripts run under that checker.
 */
import { createRaftCluster } from './cluster.ts'
import { RaftInvariantHistory, assertRaftInvariants } from './invariants.ts'
import { RAFT_SCENARIO_NODES, type RaftScript } from './scenarios.ts'
import type { RaftNodeState, RaftSim, RaftSnapshot } from './types.ts'

export interface Checked {
  sim: RaftSim
  history: RaftInvariantHistory
  /** How many times the invariants were checked. */
  checks(): number
}

/** Watch a cluster: every scheduler event and API call re-checks all safety properties. */
export function watch(sim: RaftSim): Checked {
  const history = new RaftInvariantHistory()
  let checks = 0
  sim.debug.onEvent(() => {
    checks++
    assertRaftInvariants(sim.debug.state(), history)
  })
  assertRaftInvariants(sim.debug.state(), history)
  return { sim, history, checks: () => checks }
}

export function checkedCluster(nodes: number, seed: number): Checked {
  return watch(createRaftCluster({ nodes, seed }))
}

/** Run a scenario script on a watched cluster; returns the snapshots at its checkpoints. */
export function runScript(script: RaftScript, seed: number): { checked: Checked; at: Map<string, RaftSnapshot> } {
  const checked = checkedCluster(RAFT_SCENARIO_NODES, seed)
  const at = new Map<string, RaftSnapshot>()
  script.setup(checked.sim, seed)
  at.set('start', checked.sim.snapshot())
  script.script(checked.sim, (name) => at.set(name, checked.sim.snapshot()))
  return { checked, at }
}

/** Run until a predicate holds, failing loudly otherwise. */
export function runUntil(sim: RaftSim, what: string, done: () => boolean, limitMs = 5000): void {
  if (!sim.debug.runUntil(done, limitMs)) throw new Error(`${what}: not reached within ${limitMs} ms (now ${sim.now})`)
}

/** Logs compared by term and command. */
export function logOf(sim: RaftSim, id: number): string {
  return sim.nodes()[id]!.log.map((e) => `${e.term}:${String(e.command)}`).join(' ')
}

/**
 * A stable leader: every live connected node follows it in its term, and (with `since`) has heard
 * from this leader after `since`, so its election timer was last reset by it after the faults.
 * With reliable links and heartbeats every 50 ms against timeouts of at least 150 ms, nobody times
 * out any more. (A follower that moved to the leader's term without hearing from it, say by
 * refusing its vote, may still be about to time out.)
 */
export function stableLeader(sim: RaftSim, since = -Infinity): number | null {
  const l = sim.leader()
  if (l === null) return null
  const s = sim.debug.state()
  const leader = s.nodes[l]!
  const heardAfter = Math.max(since, leader.leaderSince ?? -Infinity)
  const connected = (id: number): boolean => sim.nodes()[id]!.connected
  const follows = (n: RaftNodeState): boolean =>
    n.term === leader.term && n.role === 'follower' && n.lastHeartbeat !== null && n.lastHeartbeat >= heardAfter
  return s.nodes.every((n) => !n.alive || n.id === l || follows(n) || !connected(n.id)) ? l : null
}
