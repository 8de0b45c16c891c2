import { expectArg, expectInteger, expectNonNegative } from '../errors.ts'
import { Network, RELIABLE_LINK, UNRELIABLE_LINK } from '../network.ts'
import { Random } from '../random.ts'
import { Scheduler } from '../scheduler.ts'
import { RaftTrace } from './inflight.ts'
import { MAX_NODES } from './names.ts'
import { RaftNode, type NodeEnv } from './node.ts'
import type {
  AppliedEntry, RaftClusterState, RaftDebug, RaftMessage, RaftNodeView, RaftPayload, RaftPersistentState, RaftSim, RaftSnapshot,
} from './types.ts'

/**
 * A Raft cluster on the shared simulation engine: one Scheduler, one Network (RELIABLE_LINK by
 * default), one Trace, and a RaftNode per id. Same seed and same calls ⇒ same trace.
 */
export function createRaftCluster(opts: { nodes: number; seed: number }): RaftSim {
  expectArg(typeof opts === 'object' && opts !== null, 'createRaftCluster(opts)', opts, '{ nodes, seed }')
  expectInteger('createRaftCluster: nodes', opts.nodes, 1, MAX_NODES)
  expectArg(typeof opts.seed === 'number' && Number.isFinite(opts.seed), 'createRaftCluster: seed', opts.seed, 'a finite number')
  return new Cluster(opts.nodes, opts.seed)
}

function payloadOf(m: RaftMessage): RaftPayload {
  switch (m.type) {
    case 'RequestVote':
      return { kind: m.type, term: m.term, lastLogIndex: m.lastLogIndex, lastLogTerm: m.lastLogTerm }
    case 'RequestVoteReply':
      return { kind: m.type, term: m.term, granted: m.voteGranted }
    case 'AppendEntries':
      return { kind: m.type, term: m.term, prevLogIndex: m.prevLogIndex, prevLogTerm: m.prevLogTerm, entries: m.entries.length, leaderCommit: m.leaderCommit }
    case 'AppendEntriesReply':
      return { kind: m.type, term: m.term, success: m.success, matchIndex: m.matchIndex, conflictIndex: m.conflictIndex, conflictTerm: m.conflictTerm }
  }
}

class Cluster implements RaftSim {
  private readonly sched = new Scheduler()
  readonly trace = new RaftTrace()
  private readonly net: Network<RaftMessage>
  private readonly members: RaftNode[] = []
  private unreliable = false
  private hook: (() => void) | null = null
  readonly debug: RaftDebug

  constructor(private readonly size: number, seed: number) {
    // One root stream, forked per purpose in a fixed order: the network's draws (latency, loss)
    // and each node's timeouts never shift one another.
    const root = new Random(seed)
    this.net = new Network<RaftMessage>(this.sched, root.fork(), this.trace, RELIABLE_LINK)
    const env: NodeEnv = {
      size,
      now: () => this.sched.now,
      at: (time, fn) => this.sched.at(time, () => {
        fn()
        this.emit()
      }),
      after: (delay, fn) => this.sched.after(delay, () => {
        fn()
        this.emit()
      }),
      cancel: (h) => this.sched.cancel(h),
      send: (from, to, msg) => void this.net.send(from, to, msg.type, msg, payloadOf(msg)),
      state: (node, field, value, label) =>
        void this.trace.record({ at: this.sched.now, type: 'state', node, field, value, ...(label === undefined ? {} : { label }) }),
      timer: (node, name) => void this.trace.record({ at: this.sched.now, type: 'timer', node, name }),
    }
    for (let id = 0; id < size; id++) {
      const node = new RaftNode(id, env, root.fork())
      this.members.push(node)
      this.net.add(id, (e) => {
        node.receive(e.from as number, e.body)
        this.emit()
      })
    }
    for (const node of this.members) node.boot()
    this.debug = this.makeDebug()
  }

  private emit(): void {
    this.hook?.()
  }

  private node(id: number, what: string): RaftNode {
    expectInteger(`${what}(id)`, id, 0, this.size - 1)
    return this.members[id]!
  }

  private fault(action: 'crash' | 'restart' | 'disconnect' | 'connect' | 'partition' | 'heal' | 'unreliable' | 'reliable', nodes: number[], groups?: number[][]): void {
    this.trace.record({ at: this.sched.now, type: 'fault', action, nodes, ...(groups ? { groups } : {}) })
  }

  get now(): number {
    return this.sched.now
  }

  get messagesSent(): number {
    return this.net.messagesSent
  }

  advance(ms: number): void {
    expectNonNegative('advance(ms)', ms)
    this.sched.advance(ms)
  }

  nodes(): RaftNodeView[] {
    return this.members.map((n) => ({
      id: n.id,
      role: n.role,
      term: n.term,
      votedFor: n.votedFor,
      log: n.log.map((e) => ({ term: e.term, command: e.command })),
      commitIndex: n.commitIndex,
      alive: n.alive,
      connected: this.net.isConnected(n.id),
    }))
  }

  leader(): number | null {
    let best: RaftNode | null = null
    for (const n of this.members) {
      if (n.alive && n.role === 'leader' && this.net.isConnected(n.id) && (!best || n.term > best.term)) best = n
    }
    return best ? best.id : null
  }

  start(id: number, command: unknown): { index: number; term: number; isLeader: boolean } {
    const result = this.node(id, 'start').propose(command)
    if (result.isLeader) this.emit()
    return result
  }

  crash(id: number): void {
    const node = this.node(id, 'crash')
    if (!node.alive) return
    this.fault('crash', [id])
    node.crash()
    this.net.setUp(id, false)
    this.emit()
  }

  restart(id: number): void {
    const node = this.node(id, 'restart')
    this.fault('restart', [id])
    if (node.alive) node.crash() // restarting a running node reboots it
    this.net.setUp(id, true)
    node.boot()
    this.emit()
  }

  disconnect(id: number): void {
    this.node(id, 'disconnect')
    this.fault('disconnect', [id])
    this.net.setConnected(id, false)
    this.emit()
  }

  connect(id: number): void {
    this.node(id, 'connect')
    this.fault('connect', [id])
    this.net.setConnected(id, true)
    this.emit()
  }

  partition(groups: number[][]): void {
    expectArg(Array.isArray(groups) && groups.every((g) => Array.isArray(g)), 'partition(groups)', groups, 'an array of arrays of node ids')
    this.net.partition(groups) // throws SimArgumentError on unknown or repeated ids
    this.fault('partition', groups.flat(), this.net.groups() as number[][])
    this.emit()
  }

  heal(): void {
    this.fault('heal', [])
    this.net.heal()
    this.emit()
  }

  setUnreliable(on: boolean): void {
    expectArg(typeof on === 'boolean', 'setUnreliable(on)', on, 'true or false')
    this.fault(on ? 'unreliable' : 'reliable', [])
    this.unreliable = on
    this.net.setModel(on ? UNRELIABLE_LINK : RELIABLE_LINK)
    this.emit()
  }

  applied(id: number): AppliedEntry[] {
    return this.node(id, 'applied').applied.map((a) => ({ index: a.index, command: a.command }))
  }

  snapshot(): RaftSnapshot {
    const leader = this.leader()
    const alive = this.members.filter((n) => n.alive)
    const term = leader !== null ? this.members[leader]!.term : Math.max(0, ...alive.map((n) => n.term))
    const views = this.nodes()
    const groups = this.net.groups() as number[][] | null
    return {
      time: this.sched.now,
      nodes: this.members.map((n, i) => ({
        ...views[i]!,
        electionDeadline: n.alive ? n.electionDeadline : null,
        lastHeartbeat: n.lastHeartbeat,
        lastApplied: n.lastApplied,
        votes: n.votesReceived(),
        nextIndex: n.role === 'leader' ? n.nextIndex.map((x, p) => (p === n.id ? n.log.length + 1 : x)) : [],
        matchIndex: n.role === 'leader' ? n.matchIndex.map((x, p) => (p === n.id ? n.log.length : x)) : [],
      })),
      leader,
      term,
      inFlight: this.trace.inFlight(),
      partition: groups ? groups.map((g) => [...g].sort((a, b) => a - b)).sort((a, b) => a[0]! - b[0]!) : null,
      unreliable: this.unreliable,
    }
  }

  private makeDebug(): RaftDebug {
    const sched = this.sched
    const trace = this.trace
    return {
      forceTimeout: (id, at) => {
        const node = this.node(id, 'forceTimeout')
        expectArg(node.alive && node.role !== 'leader', 'forceTimeout(id)', id, 'the id of an alive follower or candidate (leaders have no election timer)')
        if (at === undefined || at === sched.now) {
          node.timeout()
          this.emit()
          return
        }
        expectArg(Number.isFinite(at) && at > sched.now, 'forceTimeout(id, at)', at, `a time ≥ now (${sched.now})`)
        node.timeoutAt(at)
      },
      onEvent: (fn) => {
        this.hook = fn
      },
      runUntil: (done, limitMs) => {
        expectNonNegative('runUntil(limitMs)', limitMs)
        return sched.runWhile(done, limitMs)
      },
      load: (id, state) => this.load(id, state),
      state: (): RaftClusterState => ({
        time: sched.now,
        nodes: this.members.map((n) => ({
          id: n.id, role: n.role, term: n.term, votedFor: n.votedFor, log: n.log, commitIndex: n.commitIndex, alive: n.alive, applied: n.applied,
          lastHeartbeat: n.lastHeartbeat, leaderSince: n.leaderSince,
        })),
      }),
      get events() {
        return sched.executed
      },
      get inFlight() {
        return trace.inFlightCount
      },
    }
  }

  private load(id: number, state: RaftPersistentState): void {
    const node = this.node(id, 'load')
    expectInteger('load: term', state.term, 0, Number.MAX_SAFE_INTEGER)
    const votedFor = state.votedFor ?? null
    if (votedFor !== null) expectInteger('load: votedFor', votedFor, 0, this.size - 1)
    let prev = 0
    state.log.forEach((e, k) => {
      expectArg(Number.isInteger(e.term) && e.term >= Math.max(1, prev) && e.term <= state.term, `load: term of log index ${k + 1}`, e.term, `an integer in ${Math.max(1, prev)}..${state.term} (terms never decrease along a log)`)
      prev = e.term
    })
    this.net.setUp(id, true)
    node.load(state.term, votedFor, state.log)
    this.emit()
  }
}
