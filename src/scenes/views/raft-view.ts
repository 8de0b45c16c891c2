/**
 * Raft: five nodes on a ring (golden leader, cyan followers, orange candidates, dark when
 * crashed), election timers as draining rings, RPCs as particles in flight, and every node's log
 * as a strip of blocks coloured by term (faint until committed). Between two checkpoints the view
 * replays the trace: messages fly, roles and terms change as they did in the simulation.
 */
import type { Color} from 'three';
import { AmbientLight, DirectionalLight, GridHelper, Group, PerspectiveCamera, Scene, Vector3, type Object3D } from 'three'
import type { RaftSnapshot, RaftNodeSnapshot, RaftInFlight, RaftPayload } from '../../sim/raft/types.ts'
import type { TraceEvent } from '../../sim/trace.ts'
import { Disposer } from '../primitives/disposer.ts'
import { Orb } from '../primitives/orb.ts'
import { Label } from '../primitives/labels.ts'
import { Particles, arcPoint } from '../primitives/particles.ts'
import { Link, linkGeometry } from '../primitives/link.ts'
import { TimerRing } from '../primitives/timer-ring.ts'
import { LogStrips } from '../primitives/log-strip.ts'
import { FaultLine } from '../primitives/fault-line.ts'
import { flights, inFlightAt, stateAt, type Flight } from '../flight.ts'
import { lerp } from '../ease.ts'
import type { Palette } from '../palette.ts'
import type { SceneView, ViewContext, CameraPose } from '../types.ts'

const NAMES = 'ABCDEFGHI'
const RING_RADIUS = 2.3
const RING_CENTER = new Vector3(0, 0, -1.1)
const ORB_RADIUS = 0.4
const ORB_Y = 0.5
const MAX_TIMEOUT = 300
const LOG_CAPACITY = 24

interface NodeParts {
  orb: Orb
  timer: TimerRing
  label: Label
  rowLabel: Label
  position: Vector3
}

export function createView(ctx: ViewContext): SceneView {
  return new RaftView(ctx)
}

class RaftView implements SceneView {
  readonly scene = new Scene()
  readonly camera = new PerspectiveCamera(38, 16 / 10, 0.1, 100)
  readonly home: CameraPose = { position: new Vector3(0, 7.4, 7.6), target: new Vector3(0, 0, 0.7) }
  private readonly d = new Disposer()
  private readonly nodes: NodeParts[] = []
  private readonly links: { a: number; b: number; link: Link }[] = []
  private readonly particles: Particles
  private readonly logs: LogStrips
  private readonly fault: FaultLine
  private readonly grid: GridHelper
  private readonly commitLabel: Label
  private palette: Palette
  private readonly scenario: ViewContext['scenario']
  private readonly tmp = new Vector3()

  constructor(ctx: ViewContext) {
    this.scenario = ctx.scenario
    this.palette = ctx.palette
    const p = this.palette
    const n = (this.scenario.stateAt('start') as RaftSnapshot).nodes.length
    this.scene.background = p.background.clone()
    this.scene.add(new AmbientLight(0xffffff, 1.4))
    const sun = new DirectionalLight(0xffffff, 1.6)
    sun.position.set(3, 8, 5)
    this.scene.add(sun)

    this.grid = new GridHelper(14, 28, p.grid, p.grid)
    this.grid.position.y = -0.01
    this.scene.add(this.grid)

    const world = new Group()
    this.scene.add(world)
    const linkGeo = linkGeometry(this.d)
    for (let i = 0; i < n; i++) {
      const angle = -Math.PI / 2 + (i * 2 * Math.PI) / n
      const position = new Vector3(RING_CENTER.x + RING_RADIUS * Math.cos(angle), ORB_Y, RING_CENTER.z + RING_RADIUS * Math.sin(angle))
      const orb = new Orb(this.d, ORB_RADIUS, p.follower)
      orb.position.copy(position)
      orb.userData.pick = { node: i }
      const timer = new TimerRing(this.d, ORB_RADIUS * 1.45, ORB_RADIUS * 1.65, p.candidate)
      timer.position.set(position.x, 0.02, position.z)
      const label = new Label(NAMES[i] ?? String(i), 'strong')
      label.position.set(position.x, ORB_Y + ORB_RADIUS + 0.45, position.z)
      const rowLabel = new Label(NAMES[i] ?? String(i), 'small')
      world.add(orb, timer, label)
      this.nodes.push({ orb, timer, label, rowLabel, position })
    }
    for (let a = 0; a < n; a++) {
      for (let b = a + 1; b < n; b++) {
        const link = new Link(this.d, linkGeo, p.muted, 0.35)
        link.between(this.nodes[a]!.position, this.nodes[b]!.position)
        world.add(link)
        this.links.push({ a, b, link })
      }
    }
    this.particles = new Particles(this.d, 64, 0.11)
    world.add(this.particles)

    // Log strips in front of the ring: row r is node r.
    const rowZ = (r: number) => 1.75 + r * 0.46
    this.logs = new LogStrips(this.d, n * LOG_CAPACITY, {
      origin: (r, out) => out.set(-2.35, 0.1, rowZ(r)),
      pitch: 0.4,
      block: 0.32,
    })
    world.add(this.logs)
    this.nodes.forEach((node, r) => {
      node.rowLabel.position.set(-2.95, 0.1, rowZ(r))
      world.add(node.rowLabel)
    })
    this.commitLabel = new Label('', 'small')
    this.commitLabel.position.set(2.9, 0.1, rowZ(n) - 0.05)
    world.add(this.commitLabel)

    this.fault = new FaultLine(this.d, 7, 1.6, p.fault)
    this.fault.visible = false
    world.add(this.fault)
  }

  show(from: string | null, to: string, t: number): void {
    const target = this.scenario.stateAt(to) as RaftSnapshot
    if (from === null || from === to || t >= 1) {
      this.draw(target, target.time, target.inFlight.map((m) => ({ flight: toFlight(m), f: progressOf(m, target.time) })), null)
      return
    }
    const start = this.scenario.stateAt(from) as RaftSnapshot
    const time = lerp(start.time, target.time, t)
    const events = this.scenario.eventsBetween(from, to)
    const all = flights(events, start.inFlight.map((m) => ({ msg: m.msg, from: m.from, to: m.to, kind: m.kind, sentAt: m.sentAt, deliverAt: m.deliverAt })))
    for (const f of all) if (f.payload === undefined) f.payload = payloadOf(start.inFlight.find((m) => m.msg === f.msg))
    this.draw(interpolate(start, target, events, time), time, inFlightAt(all, time), events)
  }

  showSnapshot(snapshot: unknown): void {
    const snap = snapshot as RaftSnapshot
    this.draw(snap, snap.time, snap.inFlight.map((m) => ({ flight: toFlight(m), f: progressOf(m, snap.time) })), null)
  }

  private draw(snap: RaftSnapshot, time: number, wire: { flight: Flight; f: number }[], _events: readonly TraceEvent[] | null): void {
    const p = this.palette
    const leaderTerm = snap.leader !== null ? snap.nodes[snap.leader]?.term ?? 0 : 0
    const bg = p.background
    this.logs.begin()
    snap.nodes.forEach((node, i) => {
      const parts = this.nodes[i]
      if (!parts) return
      const color = roleColor(node, p)
      const isLeader = node.role === 'leader' && node.alive
      parts.orb.style(color, { alive: node.alive, glow: isLeader ? 0.8 : 0.35, halo: isLeader ? 0.55 : node.role === 'candidate' ? 0.35 : 0 })
      const deadline = node.electionDeadline
      parts.timer.material.color.copy(p.candidate)
      parts.timer.setFraction(node.alive && node.role !== 'leader' && deadline !== null ? (deadline - time) / MAX_TIMEOUT : 0)
      const role = !node.alive ? 'crashed' : !node.connected ? `${node.role}, cut off` : node.role
      const votes = node.role === 'candidate' && node.votes.length > 0 ? ` · ${node.votes.length} vote${node.votes.length === 1 ? '' : 's'}` : ''
      parts.label.set(`${NAMES[i]} · ${role} · T${node.term}${votes}`).tint(`#${color.getHexString()}`)
      parts.rowLabel.set(`${NAMES[i]}`)
      node.log.forEach((entry, k) => {
        if (k < LOG_CAPACITY) this.logs.entry(i, k + 1, entry.term, k + 1 <= node.commitIndex, bg)
      })
    })
    this.logs.end()
    const leader = snap.leader !== null ? snap.nodes[snap.leader] : undefined
    this.commitLabel.set(leader ? `commit index ${leader.commitIndex} · term ${leaderTerm}` : `no leader · term ${snap.term}`)

    // Links: faint; red and hidden across a partition or to a cut-off node.
    for (const { a, b, link } of this.links) {
      const na = snap.nodes[a]
      const nb = snap.nodes[b]
      const split = snap.partition ? groupOf(snap.partition, a) !== groupOf(snap.partition, b) : false
      const cut = !na?.connected || !nb?.connected
      if (split || cut) link.style(p.fault, 0.12)
      else link.style(p.muted, na?.alive && nb?.alive ? 0.35 : 0.12)
    }
    this.placeFault(snap.partition)

    this.particles.begin()
    for (const { flight, f } of wire) {
      const a = this.nodes[Number(flight.from)]?.position
      const b = this.nodes[Number(flight.to)]?.position
      if (!a || !b) continue
      const pay = flight.payload as RaftPayload | undefined
      const [color, scale] = messageStyle(flight.kind, pay, p)
      // A dropped message stops halfway and turns red: it bounces at the fault.
      const along = flight.dropped ? Math.min(f, 0.5) : f
      arcPoint(a, b, along, 0.5, this.tmp)
      this.particles.put(this.tmp, flight.dropped && f > 0.45 ? p.fault : color, scale)
    }
    this.particles.end()
  }

  private placeFault(groups: number[][] | null): void {
    if (!groups || groups.length < 2) {
      this.fault.visible = false
      return
    }
    const centroid = (g: number[]) => g.reduce((acc, id) => acc.add(this.nodes[id]?.position ?? new Vector3()), new Vector3()).multiplyScalar(1 / Math.max(1, g.length))
    const [g0, g1] = [...groups].sort((x, y) => y.length - x.length)
    const a = centroid(g0!)
    const b = centroid(g1!)
    const mid = a.clone().add(b).multiplyScalar(0.5)
    const dir = b.clone().sub(a)
    this.fault.visible = true
    this.fault.position.set(mid.x, 0, mid.z)
    this.fault.rotation.y = Math.atan2(dir.x, dir.z)
  }

  pickables(): Object3D[] {
    return this.nodes.map((n) => n.orb)
  }

  setPalette(palette: Palette): void {
    this.palette = palette
    this.scene.background = palette.background.clone()
    this.fault.setColor(palette.fault)
  }

  dispose(): void {
    this.d.dispose()
    this.grid.geometry.dispose()
    ;(Array.isArray(this.grid.material) ? this.grid.material : [this.grid.material]).forEach((m) => m.dispose())
    this.particles.dispose()
    this.logs.dispose()
    for (const n of this.nodes) {
      n.label.element.remove()
      n.rowLabel.element.remove()
    }
    this.commitLabel.element.remove()
    this.scene.clear()
  }
}

function roleColor(node: RaftNodeSnapshot, p: Palette): Color {
  if (!node.alive) return p.muted
  if (node.role === 'leader') return p.leader
  if (node.role === 'candidate') return p.candidate
  return p.follower
}

function messageStyle(kind: string, pay: RaftPayload | undefined, p: Palette): [Color, number] {
  switch (kind) {
    case 'RequestVote':
      return [p.candidate, 1]
    case 'RequestVoteReply':
      return [pay && pay.kind === 'RequestVoteReply' && !pay.granted ? p.fault : p.ok, 1]
    case 'AppendEntries':
      return [p.leader, pay && pay.kind === 'AppendEntries' && pay.entries > 0 ? 1.35 : 0.8]
    case 'AppendEntriesReply':
      return [pay && pay.kind === 'AppendEntriesReply' && !pay.success ? p.fault : p.follower, 0.8]
    default:
      return [p.text, 1]
  }
}

function groupOf(groups: number[][], id: number): number {
  return groups.findIndex((g) => g.includes(id))
}

function progressOf(m: RaftInFlight, time: number): number {
  const span = m.deliverAt - m.sentAt
  return span > 0 ? Math.min(1, Math.max(0, (time - m.sentAt) / span)) : 1
}

function payloadOf(m: RaftInFlight | undefined): RaftPayload | undefined {
  if (!m) return undefined
  switch (m.kind) {
    case 'RequestVote': return { kind: 'RequestVote', term: m.term, lastLogIndex: 0, lastLogTerm: 0 }
    case 'RequestVoteReply': return { kind: 'RequestVoteReply', term: m.term, granted: m.granted ?? false }
    case 'AppendEntries': return { kind: 'AppendEntries', term: m.term, prevLogIndex: m.prevLogIndex ?? 0, prevLogTerm: 0, entries: m.entries ?? 0, leaderCommit: 0 }
    case 'AppendEntriesReply': return { kind: 'AppendEntriesReply', term: m.term, success: m.success ?? false, matchIndex: 0, conflictIndex: 0, conflictTerm: null }
  }
}

function toFlight(m: RaftInFlight): Flight {
  return { msg: m.msg, from: m.from, to: m.to, kind: m.kind, sentAt: m.sentAt, endAt: m.deliverAt, dropped: false, payload: payloadOf(m) }
}

/**
 * The cluster between two checkpoints at `time`: roles, terms, commit indices, log lengths and
 * liveness replayed from the trace onto the earlier snapshot; entries come from the later one
 * (a log only grows or is overwritten by the leader's, which the later snapshot holds).
 */
function interpolate(start: RaftSnapshot, end: RaftSnapshot, events: readonly TraceEvent[], time: number): RaftSnapshot {
  const nodes = start.nodes.map((s, i) => {
    const e = end.nodes[i] ?? s
    const len = Number(stateAt(events, i, 'log', time, s.log.length))
    const log = len <= e.log.length && len >= s.log.length ? e.log.slice(0, len) : s.log.slice(0, len)
    let alive = s.alive
    let connected = s.connected
    for (const ev of events) {
      if (ev.at > time) break
      if (ev.type === 'fault' && ev.nodes.includes(i)) {
        if (ev.action === 'crash') alive = false
        if (ev.action === 'restart') alive = true
        if (ev.action === 'disconnect') connected = false
        if (ev.action === 'connect') connected = true
      }
    }
    return {
      ...s,
      role: stateAt(events, i, 'role', time, s.role) as RaftNodeSnapshot['role'],
      term: Number(stateAt(events, i, 'term', time, s.term)),
      commitIndex: Number(stateAt(events, i, 'commitIndex', time, s.commitIndex)),
      log,
      alive,
      connected,
      electionDeadline: e.electionDeadline !== null && e.electionDeadline > time ? e.electionDeadline : s.electionDeadline,
      votes: time >= end.time ? e.votes : s.votes,
    }
  })
  let partition = start.partition
  for (const ev of events) {
    if (ev.at > time) break
    if (ev.type === 'fault' && ev.action === 'partition') partition = (ev.groups ?? []).map((g) => g.map(Number))
    if (ev.type === 'fault' && ev.action === 'heal') partition = null
  }
  const leader = nodes.findIndex((n) => n.role === 'leader' && n.alive && n.connected)
  return { ...start, time, nodes, leader: leader >= 0 ? leader : null, partition }
}
