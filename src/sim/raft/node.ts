import type { Random } from '../random.ts'
import type { TimerHandle } from '../scheduler.ts'
import { nodeName } from './names.ts'
import type {
  AppendEntries, AppendEntriesReply, LogEntry, RaftMessage, RaftRole, RequestVote, RequestVoteReply, AppliedEntry,
} from './types.ts'

/** The paper's timing (§5.2, §9): randomised election timeouts an order above the heartbeat. */
export const ELECTION_TIMEOUT_MIN = 150
export const ELECTION_TIMEOUT_MAX = 300
export const HEARTBEAT_INTERVAL = 50

/** What a node needs from the cluster around it. Every callback it schedules reports as an event. */
export interface NodeEnv {
  readonly size: number
  now(): number
  at(time: number, fn: () => void): TimerHandle
  after(delay: number, fn: () => void): TimerHandle
  cancel(handle: TimerHandle | null): void
  send(from: number, to: number, msg: RaftMessage): void
  /** Trace a change of one of the node's fields ('role', 'term', 'votedFor', 'commitIndex', 'log', 'lastApplied'). */
  state(node: number, field: string, value: unknown, label?: string): void
  timer(node: number, name: string): void
}

export type AppliedRecord = AppliedEntry & { readonly term: number }

/**
 * One Raft server, exactly Figure 2 of the paper: a deterministic state machine driven by
 * messages, timer expiries and client proposals. It owns no clock and no network: the cluster
 * hands it a NodeEnv, so the same code runs inside scenarios, property tests and the benchmark.
 */
export class RaftNode {
  // Persistent state on all servers: survives crash() (the "disk").
  term = 0
  votedFor: number | null = null
  log: LogEntry[] = []

  // Volatile state on all servers.
  role: RaftRole = 'follower'
  commitIndex = 0
  lastApplied = 0
  applied: AppliedRecord[] = []
  alive = true
  electionDeadline: number | null = null
  lastHeartbeat: number | null = null
  /** When this node last became leader (null unless it leads now). */
  leaderSince: number | null = null

  // Volatile state on candidates and leaders (reinitialised on every election).
  private votes = new Set<number>()
  nextIndex: number[] = []
  matchIndex: number[] = []

  private electionTimer: TimerHandle | null = null
  private heartbeatTimer: TimerHandle | null = null

  constructor(
    readonly id: number,
    private readonly env: NodeEnv,
    /** This node's own stream for election timeouts, so one node's draws never shift another's. */
    private readonly rng: Random,
  ) {}

  /** The voters a candidate has heard grant it a vote this term (itself first); empty otherwise. */
  votesReceived(): number[] {
    return this.role === 'candidate' ? [...this.votes] : []
  }

  get lastLogIndex(): number {
    return this.log.length
  }

  get lastLogTerm(): number {
    return this.log.length > 0 ? this.log[this.log.length - 1]!.term : 0
  }

  termAt(index: number): number {
    return index > 0 ? (this.log[index - 1]?.term ?? -1) : 0
  }

  // ---- Lifecycle ----

  /** Start (or restart) the process: volatile state from scratch, follower, timer running. */
  boot(): void {
    this.alive = true
    this.resetVolatile()
    this.armElectionTimer()
  }

  /** Stop the process. What is not persistent is gone (the view shows a follower with nothing committed). */
  crash(): void {
    this.alive = false
    this.resetVolatile()
    this.electionDeadline = null
  }

  /** Replace the persistent state (as if the disk held this) and reboot. Test hook. */
  load(term: number, votedFor: number | null, log: readonly LogEntry[]): void {
    this.setTerm(term)
    this.setVotedFor(votedFor)
    this.log = [...log]
    this.env.state(this.id, 'log', this.log.length, 'loaded')
    this.boot()
  }

  private resetVolatile(): void {
    this.env.cancel(this.electionTimer)
    this.env.cancel(this.heartbeatTimer)
    this.electionTimer = null
    this.heartbeatTimer = null
    this.setRole('follower')
    this.setCommit(0)
    this.lastApplied = 0
    this.applied = []
    this.lastHeartbeat = null
    this.leaderSince = null
    this.votes.clear()
    this.nextIndex = []
    this.matchIndex = []
  }

  // ---- Election timer ----

  /**
   * Pick a fresh random deadline. Followers reset it on every heartbeat, so instead of cancelling
   * and rescheduling each time (heap churn), the pending wake-up is kept when it is due no later than
   * the new deadline: it then finds the deadline moved and sleeps again.
   */
  private armElectionTimer(): void {
    const deadline = this.env.now() + this.rng.range(ELECTION_TIMEOUT_MIN, ELECTION_TIMEOUT_MAX)
    this.electionDeadline = deadline
    if (this.electionTimer && this.electionTimer.at <= deadline) return
    this.env.cancel(this.electionTimer)
    this.electionTimer = this.env.at(deadline, () => this.wake())
  }

  private wake(): void {
    this.electionTimer = null
    if (!this.alive || this.role === 'leader' || this.electionDeadline === null) return
    if (this.env.now() < this.electionDeadline) {
      this.electionTimer = this.env.at(this.electionDeadline, () => this.wake())
      return
    }
    this.timeout()
  }

  /**
   * Make the election timer run out at `at` (as if the random draw had picked it). Like any timer,
   * a heartbeat or a granted vote before then re-arms it. Scenario hook.
   */
  timeoutAt(at: number): void {
    this.electionDeadline = at
    this.env.cancel(this.electionTimer)
    this.electionTimer = this.env.at(at, () => this.wake())
  }

  /** The election timer ran out (or a scenario forced it to): start an election. */
  timeout(): void {
    this.env.timer(this.id, 'election-timeout')
    this.env.cancel(this.electionTimer)
    this.electionTimer = null
    this.startElection()
  }

  private startElection(): void {
    this.setTerm(this.term + 1)
    this.setVotedFor(this.id)
    this.setRole('candidate', `times out and stands for term ${this.term}`)
    this.votes = new Set([this.id])
    this.armElectionTimer()
    const rv: RequestVote = { type: 'RequestVote', term: this.term, candidateId: this.id, lastLogIndex: this.lastLogIndex, lastLogTerm: this.lastLogTerm }
    for (let p = 0; p < this.env.size; p++) if (p !== this.id) this.env.send(this.id, p, rv)
    // A one-node cluster is its own majority.
    if (this.hasMajority(this.votes.size)) this.becomeLeader()
  }

  private hasMajority(count: number): boolean {
    return count * 2 > this.env.size
  }

  private becomeLeader(): void {
    this.setRole('leader', `wins term ${this.term}`)
    this.leaderSince = this.env.now()
    this.env.cancel(this.electionTimer)
    this.electionTimer = null
    this.electionDeadline = null
    this.nextIndex = new Array<number>(this.env.size).fill(this.lastLogIndex + 1)
    this.matchIndex = new Array<number>(this.env.size).fill(0)
    // Figure 2: "upon election: send initial empty AppendEntries RPCs (heartbeat) to each server".
    // No no-op entry: the first start() on a fresh cluster gets index 1 (DESIGN.md §4).
    this.broadcastAppend()
    this.scheduleHeartbeat()
  }

  private scheduleHeartbeat(): void {
    this.heartbeatTimer = this.env.after(HEARTBEAT_INTERVAL, () => {
      this.heartbeatTimer = null
      if (!this.alive || this.role !== 'leader') return
      this.broadcastAppend()
      this.scheduleHeartbeat()
    })
  }

  /** Step down to follower (on seeing a higher term, or a current leader while a candidate). */
  private becomeFollower(label: string): void {
    if (this.role === 'follower') return
    const wasLeader = this.role === 'leader'
    this.setRole('follower', label)
    this.leaderSince = null
    this.env.cancel(this.heartbeatTimer)
    this.heartbeatTimer = null
    this.votes.clear()
    // A leader had no election timer; a candidate keeps its running one (it is still counting).
    if (wasLeader) this.armElectionTimer()
  }

  // ---- Client proposals ----

  propose(command: unknown): { index: number; term: number; isLeader: boolean } {
    if (!this.alive || this.role !== 'leader') return { index: -1, term: this.term, isLeader: false }
    this.log.push({ term: this.term, command })
    this.env.state(this.id, 'log', this.log.length, 'client write')
    // Send at once rather than waiting up to 50 ms for the next heartbeat (as etcd does).
    this.broadcastAppend()
    this.advanceCommit()
    return { index: this.log.length, term: this.term, isLeader: true }
  }

  // ---- Messages ----

  receive(from: number, msg: RaftMessage): void {
    if (!this.alive) return
    // All servers: "if RPC request or response contains term T > currentTerm: set currentTerm = T,
    // convert to follower".
    if (msg.term > this.term) {
      this.setTerm(msg.term)
      this.setVotedFor(null)
      this.becomeFollower(`sees term ${msg.term} and steps down`)
    }
    switch (msg.type) {
      case 'RequestVote': return this.onRequestVote(from, msg)
      case 'RequestVoteReply': return this.onRequestVoteReply(from, msg)
      case 'AppendEntries': return this.onAppendEntries(from, msg)
      case 'AppendEntriesReply': return this.onAppendEntriesReply(from, msg)
    }
  }

  /** §5.4.1: a voter refuses a candidate whose log is less up-to-date than its own. */
  private upToDate(lastLogTerm: number, lastLogIndex: number): boolean {
    return lastLogTerm > this.lastLogTerm || (lastLogTerm === this.lastLogTerm && lastLogIndex >= this.lastLogIndex)
  }

  private onRequestVote(from: number, m: RequestVote): void {
    const grant = m.term === this.term
      && (this.votedFor === null || this.votedFor === m.candidateId)
      && this.upToDate(m.lastLogTerm, m.lastLogIndex)
    if (grant) {
      this.setVotedFor(m.candidateId)
      // Only a granted vote resets the timer, so a node with a stale log cannot keep others from
      // ever timing out by asking for votes it will never get.
      this.armElectionTimer()
    }
    const reply: RequestVoteReply = { type: 'RequestVoteReply', term: this.term, voteGranted: grant }
    this.env.send(this.id, from, reply)
  }

  private onRequestVoteReply(from: number, m: RequestVoteReply): void {
    if (this.role !== 'candidate' || m.term !== this.term || !m.voteGranted) return
    this.votes.add(from)
    if (this.hasMajority(this.votes.size)) this.becomeLeader()
  }

  private onAppendEntries(from: number, m: AppendEntries): void {
    if (m.term < this.term) {
      // A stale leader: the reply's higher term makes it step down.
      this.reply(from, false, 0, null, 0)
      return
    }
    // m.term === this.term: `from` is this term's leader.
    if (this.role === 'candidate') this.becomeFollower(`hears from leader ${nodeName(m.leaderId)} and steps down`)
    this.lastHeartbeat = this.env.now()
    this.armElectionTimer()

    // Consistency check, with the fast backup of §5.3 (conflictTerm / conflictIndex).
    if (m.prevLogIndex > this.lastLogIndex) {
      this.reply(from, false, 0, null, this.lastLogIndex + 1)
      return
    }
    if (m.prevLogIndex > 0 && this.termAt(m.prevLogIndex) !== m.prevLogTerm) {
      const conflictTerm = this.termAt(m.prevLogIndex)
      let first = m.prevLogIndex
      while (first > 1 && this.termAt(first - 1) === conflictTerm) first--
      this.reply(from, false, 0, conflictTerm, first)
      return
    }

    // Delete a conflicting suffix only where an entry really conflicts, then append what is new.
    // Truncating unconditionally would let a delayed, shorter AppendEntries erase entries that a
    // later one already added (and the leader may have counted them toward a commit).
    let changed = false
    for (let i = 0; i < m.entries.length; i++) {
      const index = m.prevLogIndex + 1 + i
      const entry = m.entries[i]!
      if (index <= this.log.length) {
        if (this.log[index - 1]!.term === entry.term) continue
        this.log.length = index - 1
      }
      this.log.push(entry)
      changed = true
    }
    if (changed) this.env.state(this.id, 'log', this.log.length, `appends from ${nodeName(m.leaderId)}`)

    const lastNew = m.prevLogIndex + m.entries.length
    // "commitIndex = min(leaderCommit, index of last new entry)": entries past lastNew were not
    // checked by this request and may still be stale.
    if (m.leaderCommit > this.commitIndex) {
      const next = Math.min(m.leaderCommit, lastNew)
      if (next > this.commitIndex) {
        this.setCommit(next)
        this.apply()
      }
    }
    this.reply(from, true, lastNew, null, 0)
  }

  private reply(to: number, success: boolean, matchIndex: number, conflictTerm: number | null, conflictIndex: number): void {
    const r: AppendEntriesReply = { type: 'AppendEntriesReply', term: this.term, success, matchIndex, conflictTerm, conflictIndex }
    this.env.send(this.id, to, r)
  }

  private onAppendEntriesReply(from: number, m: AppendEntriesReply): void {
    if (this.role !== 'leader' || m.term !== this.term) return
    if (m.success) {
      if (m.matchIndex > this.matchIndex[from]!) this.matchIndex[from] = m.matchIndex
      this.nextIndex[from] = Math.max(this.nextIndex[from]!, m.matchIndex + 1)
      this.advanceCommit()
      return
    }
    // Fast backup: skip the follower's whole conflicting term in one round trip.
    let next = m.conflictIndex
    if (m.conflictTerm !== null) {
      let last = this.lastLogIndex
      while (last > 0 && this.termAt(last) > m.conflictTerm) last--
      if (last > 0 && this.termAt(last) === m.conflictTerm) next = last + 1
    }
    // Never below what the follower is known to match; a stale (reordered) rejection that would
    // move nextIndex forward is ignored.
    next = Math.max(next, this.matchIndex[from]! + 1, 1)
    if (next < this.nextIndex[from]!) {
      this.nextIndex[from] = next
      this.sendAppend(from)
    }
  }

  // ---- Leader: replication and commitment ----

  private broadcastAppend(): void {
    this.lastHeartbeat = this.env.now()
    for (let p = 0; p < this.env.size; p++) if (p !== this.id) this.sendAppend(p)
  }

  private sendAppend(peer: number): void {
    const prevLogIndex = this.nextIndex[peer]! - 1
    const ae: AppendEntries = {
      type: 'AppendEntries',
      term: this.term,
      leaderId: this.id,
      prevLogIndex,
      prevLogTerm: this.termAt(prevLogIndex),
      entries: this.log.slice(prevLogIndex),
      leaderCommit: this.commitIndex,
    }
    this.env.send(this.id, peer, ae)
  }

  /**
   * §5.3/§5.4.2: commit the highest N stored on a majority, but only if log[N] is from the current
   * term. Older entries then commit indirectly (Log Matching). This is what Figure 8 is about.
   */
  private advanceCommit(): void {
    for (let n = this.lastLogIndex; n > this.commitIndex; n--) {
      // Terms never decrease along a log, so below the first older-term entry there is no
      // current-term entry either.
      if (this.termAt(n) !== this.term) break
      let copies = 1
      for (let p = 0; p < this.env.size; p++) if (p !== this.id && this.matchIndex[p]! >= n) copies++
      if (this.hasMajority(copies)) {
        this.setCommit(n)
        this.apply()
        return
      }
    }
  }

  /** Apply committed entries in index order. */
  private apply(): void {
    if (this.lastApplied >= this.commitIndex) return
    while (this.lastApplied < this.commitIndex) {
      const index = ++this.lastApplied
      const e = this.log[index - 1]!
      this.applied.push({ index, command: e.command, term: e.term })
    }
    this.env.state(this.id, 'lastApplied', this.lastApplied)
  }

  // ---- Traced setters ----

  private setTerm(term: number): void {
    if (term === this.term) return
    this.term = term
    this.env.state(this.id, 'term', term)
  }

  private setVotedFor(v: number | null): void {
    if (v === this.votedFor) return
    this.votedFor = v
    this.env.state(this.id, 'votedFor', v)
  }

  private setRole(role: RaftRole, label?: string): void {
    if (role === this.role) return
    this.role = role
    this.env.state(this.id, 'role', role, label)
  }

  private setCommit(index: number): void {
    if (index === this.commitIndex) return
    this.commitIndex = index
    this.env.state(this.id, 'commitIndex', index)
  }
}
