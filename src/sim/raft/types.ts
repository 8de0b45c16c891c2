import type { RaftTrace } from './inflight.ts'

/**
 * Types of the Raft model. The public contract (DESIGN.md §4) is `RaftCluster` and `RaftNodeView`;
 * `RaftSim` adds what scenes and tests need on top of it (snapshots, the trace, debug hooks).
 * Indices are 1-based like the paper; node ids are 0..n-1; time is simulated milliseconds.
 */

export type RaftRole = 'follower' | 'candidate' | 'leader'

/** One log entry. Entries are immutable once created: nodes share them by reference. */
export interface LogEntry {
  readonly term: number
  readonly command: unknown
}

/** What `applied(id)` lists: one state-machine step. */
export interface AppliedEntry {
  readonly index: number
  readonly command: unknown
}

export interface RaftNodeView {
  id: number
  role: RaftRole
  term: number
  votedFor: number | null
  /** `log[k]` holds the entry at index `k + 1`. */
  log: { term: number; command: unknown }[]
  commitIndex: number
  alive: boolean
  connected: boolean
}

export interface RaftCluster {
  readonly now: number
  /** Every RPC request and reply sent so far (delivered or not). */
  readonly messagesSent: number
  /** Run the event loop for `ms` of simulated time. */
  advance(ms: number): void
  /** Every node, ordered by id. */
  nodes(): RaftNodeView[]
  /** The alive and connected leader of the highest term, if any. */
  leader(): number | null
  /**
   * Propose `command` at node `id`. On a leader it is appended at `index` in `term`
   * (committed later, or never if the leader loses its position). Elsewhere, including on a crashed
   * node, nothing happens and the answer is `{ index: -1, term: <its current term>, isLeader: false }`.
   */
  start(id: number, command: unknown): { index: number; term: number; isLeader: boolean }
  /** Stop node `id`; it keeps only its persistent state (currentTerm, votedFor, log). */
  crash(id: number): void
  /** Start node `id` again as a follower with fresh volatile state (a running node is rebooted). */
  restart(id: number): void
  /** Cut node `id` off the network (its process keeps running). */
  disconnect(id: number): void
  connect(id: number): void
  /** Nodes in different groups cannot talk; nodes not named form groups of one. */
  partition(groups: number[][]): void
  /** Remove the partition (disconnected nodes stay disconnected). */
  heal(): void
  /** Seeded drops (~10%), delays and reordering (`UNRELIABLE_LINK`); false restores `RELIABLE_LINK`. */
  setUnreliable(on: boolean): void
  /** What node `id` applied since its last (re)start, contiguous from index 1. */
  applied(id: number): AppliedEntry[]
}

// ---- Messages (Figure 2's RPCs). `conflict*` and `matchIndex` are the usual fast-backup extras. ----

export interface RequestVote {
  readonly type: 'RequestVote'
  readonly term: number
  readonly candidateId: number
  readonly lastLogIndex: number
  readonly lastLogTerm: number
}

export interface RequestVoteReply {
  readonly type: 'RequestVoteReply'
  readonly term: number
  readonly voteGranted: boolean
}

export interface AppendEntries {
  readonly type: 'AppendEntries'
  readonly term: number
  readonly leaderId: number
  readonly prevLogIndex: number
  readonly prevLogTerm: number
  readonly entries: readonly LogEntry[]
  readonly leaderCommit: number
}

export interface AppendEntriesReply {
  readonly type: 'AppendEntriesReply'
  readonly term: number
  readonly success: boolean
  /**
   * On success, the last index this request made the follower match (prevLogIndex + entries).
   * Replies can arrive out of order, so the leader must not infer it from its own nextIndex.
   */
  readonly matchIndex: number
  /** On failure: the follower's term at prevLogIndex (null if its log is too short)... */
  readonly conflictTerm: number | null
  /** ...and the first index it holds for that term (or its log length + 1). */
  readonly conflictIndex: number
}

export type RaftMessage = RequestVote | RequestVoteReply | AppendEntries | AppendEntriesReply
export type RaftMessageKind = RaftMessage['type']

/**
 * What each send puts in the trace (`payload` of a 'send' event): enough for a scene to animate
 * and narrate a message without the entries themselves.
 */
export type RaftPayload =
  | { kind: 'RequestVote'; term: number; lastLogIndex: number; lastLogTerm: number }
  | { kind: 'RequestVoteReply'; term: number; granted: boolean }
  | { kind: 'AppendEntries'; term: number; prevLogIndex: number; prevLogTerm: number; entries: number; leaderCommit: number }
  | { kind: 'AppendEntriesReply'; term: number; success: boolean; matchIndex: number; conflictIndex: number; conflictTerm: number | null }

// ---- Snapshot: what the 3D scene draws ----

/** A node as drawn: the public view plus its timers. */
export interface RaftNodeSnapshot extends RaftNodeView {
  /**
   * Absolute simulated time (ms) at which this node's election timer fires, or null when it has
   * none (leaders and crashed nodes). With `time` a scene draws the ring draining.
   */
  electionDeadline: number | null
  /**
   * Followers and candidates: when they last accepted an AppendEntries from a current leader.
   * Leaders: when they last sent a round of AppendEntries. Null if never since (re)start.
   */
  lastHeartbeat: number | null
  /** Highest index this node's state machine has applied. */
  lastApplied: number
  /** Candidates: the ids whose votes have reached it this term (itself included). Otherwise empty. */
  votes: number[]
  /**
   * Leaders: per node, the next index to send and the highest index known replicated there (their
   * own slot holds their last index). Empty for followers and candidates.
   */
  nextIndex: number[]
  matchIndex: number[]
}

/** A message on the wire at the snapshot's instant (sent, not yet delivered or dropped). */
export interface RaftInFlight {
  msg: number
  from: number
  to: number
  kind: RaftMessageKind
  sentAt: number
  /** When it lands (or, for a message the network will lose, when it vanishes). */
  deliverAt: number
  term: number
  /** RequestVoteReply only. */
  granted?: boolean
  /** AppendEntriesReply only. */
  success?: boolean
  /** AppendEntries only: how many entries it carries (0 for a heartbeat) and where they go. */
  entries?: number
  prevLogIndex?: number
}

/**
 * The immutable picture of a Raft cluster at one instant (a scenario checkpoint or a live frame):
 * - `time`: simulated ms.
 * - `nodes`: every node by id, with its log, commit index and timers.
 * - `leader`: `RaftCluster.leader()` at that instant; `term`: that leader's term, or without a
 *   leader the highest term among alive nodes (what the narration calls "the current term").
 * - `inFlight`: the messages on the wire, for drawing them mid-flight at `time`.
 * - `partition`: the groups that can talk among themselves, or null when there is no partition
 *   (disconnected nodes are flagged per node by `connected: false`).
 * - `unreliable`: whether the lossy link model is on.
 */
export interface RaftSnapshot {
  time: number
  nodes: RaftNodeSnapshot[]
  leader: number | null
  term: number
  inFlight: RaftInFlight[]
  partition: number[][] | null
  unreliable: boolean
}

// ---- The simulation handle (RaftCluster plus scene and test hooks) ----

/** A node's state as the invariant checker reads it: internal arrays, not copies. */
export interface RaftNodeState {
  readonly id: number
  readonly role: RaftRole
  readonly term: number
  readonly votedFor: number | null
  readonly log: readonly LogEntry[]
  readonly commitIndex: number
  readonly alive: boolean
  /** What the state machine applied since the last (re)start; index k holds index k + 1. */
  readonly applied: readonly (AppliedEntry & { readonly term: number })[]
  /** As in RaftNodeSnapshot. */
  readonly lastHeartbeat: number | null
  /** When it last became leader, if it leads now. */
  readonly leaderSince: number | null
}

export interface RaftClusterState {
  readonly time: number
  readonly nodes: readonly RaftNodeState[]
}

/** Persistent state to load into a node (tests that start from a paper figure). */
export interface RaftPersistentState {
  term: number
  votedFor?: number | null
  log: readonly LogEntry[]
}

/**
 * Internal hooks. They never break the algorithm's rules: forcing a timeout does only what a real
 * timeout would do, and `load` writes a disk as a crash-and-restart would find it.
 */
export interface RaftDebug {
  /**
   * Make node `id`'s election timer (an alive follower or candidate) fire now, or at absolute time
   * `at` as if its random draw had picked that time (heartbeats and granted votes still re-arm it).
   */
  forceTimeout(id: number, at?: number): void
  /** Called after every scheduler event the cluster handles, and after every API call that changes it. */
  onEvent(fn: (() => void) | null): void
  /** Run events one time step at a time until `done()` holds or `limitMs` pass; returns done(). */
  runUntil(done: () => boolean, limitMs: number): boolean
  /** Give node `id` this persistent state and restart it (test-only: build the paper's figures). */
  load(id: number, state: RaftPersistentState): void
  /** The live internal state (no copies) for the invariant checker. Do not mutate. */
  state(): RaftClusterState
  /** Scheduler events executed so far (for the benchmark). */
  readonly events: number
  /** How many messages are on the wire right now. */
  readonly inFlight: number
}

export interface RaftSim extends RaftCluster {
  /** An immutable-by-convention picture of this instant (see RaftSnapshot). */
  snapshot(): RaftSnapshot
  /** Every send, delivery, drop, timer, state change and fault so far (a Trace that also tracks the wire). */
  readonly trace: RaftTrace
  readonly debug: RaftDebug
}
