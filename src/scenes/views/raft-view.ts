/**
 * Raft: five nodes on a ring at the back (golden leader, cyan followers, orange candidates, dark
 * when crashed; election timers as draining rings; RPCs as particles in flight), and in front of
 * it the log table (one row per node, entries coloured and numbered by term, each row's committed
 * prefix underlined in gold, entries that disagree with the leader framed in red; see
 * raft/log-table.ts). The replication story adds the client, a blue orb whose write flies to the
 * leader and whose reply comes back once the entry is applied. Between two checkpoints the trace
 * is replayed (raft/frame.ts): the real messages fly, and every state changes when it changed in
 * the simulation. Live what-if snapshots are drawn the same way, without the trace.
 */
import { AmbientLight, Color, DirectionalLight, GridHelper, PerspectiveCamera, Scene, Vector3, type Object3D } from 'three'
import type { RaftPayload, RaftSnapshot } from '../../sim/raft/types.ts'
import type { Flight } from '../flight.ts'
import { Disposer } from '../primitives/disposer.ts'
import { Particles, arcPoint } from '../primitives/particles.ts'
import type { Palette } from '../palette.ts'
import type { SceneView, ViewContext, CameraPose } from '../types.ts'
import { CLIENT, clientFlights, frameBetween, frameOf, payloadsOf, type ClientPayload, type RaftFrame } from './raft/frame.ts'
import { HOME, ORB_RADIUS } from './raft/layout.ts'
import { Ring } from './raft/ring.ts'
import { LogTable } from './raft/log-table.ts'
import { Client, clientState, liveClientState } from './raft/client.ts'

/** Scenarios whose story includes the client (elsewhere its writes happen offstage). */
const CLIENT_SCENARIOS = new Set(['replication'])
const PARTICLE_RADIUS = 0.1
/** How high a message arcs on its way. */
const LIFT = 0.45

export function createView(ctx: ViewContext): SceneView {
  return new RaftView(ctx)
}

class RaftView implements SceneView {
  readonly scene = new Scene()
  readonly camera = new PerspectiveCamera(HOME.fov ?? 40, 1.3, 0.1, 100)
  readonly home: CameraPose = { position: HOME.position.clone(), target: HOME.target.clone(), fov: HOME.fov }
  private readonly d = new Disposer()
  private readonly scenario: ViewContext['scenario']
  private palette: Palette
  private readonly grid: GridHelper
  private readonly ring: Ring
  private readonly table: LogTable
  private readonly particles: Particles
  private readonly client: Client | null
  /** The client's scripted request and reply flights, and the command written at each index. */
  private readonly clientScript: Flight[]
  private readonly commands = new Map<number, string>()
  /** Every scripted message's payload (for acknowledgements already on the wire at a checkpoint). */
  private readonly payloads: Map<number, RaftPayload>
  /** Per checkpoint, the id of the last trace event up to it (which client flights have happened). */
  private readonly cuts = new Map<string, number>()
  private readonly a = new Vector3()
  private readonly b = new Vector3()
  private readonly tmp = new Vector3()
  private readonly tmpColor = new Color()

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
    this.grid = new GridHelper(16, 32, p.grid, p.grid)
    this.grid.position.y = -0.01
    this.scene.add(this.grid)

    this.ring = new Ring(this.d, n, p)
    this.table = new LogTable(this.d, n)
    this.particles = new Particles(this.d, 96, PARTICLE_RADIUS)
    this.scene.add(this.ring, this.table, this.particles)

    const story = CLIENT_SCENARIOS.has(this.scenario.name)
    this.client = story ? new Client(this.d, p) : null
    if (this.client) this.scene.add(this.client)
    this.clientScript = story ? clientFlights(this.scenario.trace()) : []
    this.payloads = payloadsOf(this.scenario.trace())
    const names = this.scenario.checkpoints
    const last = this.scenario.stateAt(names[names.length - 1]!) as RaftSnapshot
    for (const node of last.nodes) node.log.forEach((e, k) => this.commands.set(k + 1, String(e.command)))
    const all = this.scenario.eventsBetween(names[0]!, names[names.length - 1]!)
    const before = all.length ? all[0]!.id - 1 : Infinity
    for (const name of names) {
      const upTo = this.scenario.eventsBetween(names[0]!, name)
      this.cuts.set(name, upTo.length ? upTo[upTo.length - 1]!.id : before)
    }
  }

  /** The client's flights that have happened by checkpoint `name`. */
  private clientUpTo(name: string): Flight[] {
    const cut = this.cuts.get(name) ?? Infinity
    return this.clientScript.filter((f) => (f.payload as ClientPayload).anchor <= cut)
  }

  show(from: string | null, to: string, t: number): void {
    const target = this.scenario.stateAt(to) as RaftSnapshot
    const client = this.clientUpTo(to)
    if (from === null || from === to || t >= 1) {
      this.draw(frameOf(target, client), client)
      return
    }
    const start = this.scenario.stateAt(from) as RaftSnapshot
    this.draw(frameBetween(start, target, this.scenario.eventsBetween(from, to), Math.max(0, t), client, this.payloads), client)
  }

  showSnapshot(snapshot: unknown): void {
    this.draw(frameOf(snapshot as RaftSnapshot), null)
  }

  /** `client`: the client's scripted flights so far, or null for a live snapshot (no script). */
  private draw(frame: RaftFrame, client: readonly Flight[] | null): void {
    const p = this.palette
    const s = frame.snap
    this.ring.draw(s, p)
    this.table.draw(s, p)
    if (this.client) {
      const state = client ? clientState(client, s.time, this.commands) : liveClientState(s)
      this.client.draw(state, s.leader !== null ? this.ring.nodes[s.leader]?.position ?? null : null, p)
    }

    this.particles.begin()
    for (const { flight, f } of frame.wire) {
      if (!this.endpoints(flight)) continue
      const [color, scale] = this.messageStyle(flight)
      // A dropped message stops halfway and turns red: it dies at the fault.
      const along = flight.dropped ? Math.min(f, 0.5) : f
      arcPoint(this.a, this.b, along, LIFT, this.tmp)
      this.particles.put(this.tmp, flight.dropped && f > 0.45 ? p.fault : color, scale)
    }
    this.particles.end()
  }

  /**
   * Where a message leaves and lands: on the sender's and receiver's surfaces, not their centres,
   * so a message that has just left (as at a checkpoint taken the instant it was sent) is seen.
   */
  private endpoints(f: Flight): boolean {
    const at = (id: Flight['from'], out: Vector3): boolean => {
      const pos = id === CLIENT ? this.client?.position3 : this.ring.nodes[Number(id)]?.position
      if (!pos) return false
      out.copy(pos)
      return true
    }
    if (!at(f.from, this.a) || !at(f.to, this.b)) return false
    const dir = this.tmp.subVectors(this.b, this.a).normalize().multiplyScalar(ORB_RADIUS + PARTICLE_RADIUS * 2.2)
    this.a.add(dir)
    this.b.sub(dir)
    return true
  }

  /**
   * The colour language of messages: vote requests orange (candidate), granted votes green,
   * refusals and rejections red, AppendEntries gold (the leader's; bigger when they carry
   * entries than as empty heartbeats), acknowledgements cyan (followers'), the client's blue.
   */
  private messageStyle(f: Flight): [Color, number] {
    const p = this.palette
    const pay = f.payload as RaftPayload | undefined
    switch (f.kind) {
      case 'RequestVote':
        return [p.candidate, 1]
      case 'RequestVoteReply':
        return [pay?.kind === 'RequestVoteReply' && !pay.granted ? p.fault : p.ok, 1]
      case 'AppendEntries':
        return pay?.kind === 'AppendEntries' && pay.entries > 0 ? [p.leader, 1.45] : [this.tmpColor.copy(p.leader).lerp(p.text, 0.35), 0.8]
      case 'AppendEntriesReply':
        return [pay?.kind === 'AppendEntriesReply' && !pay.success ? p.fault : p.follower, 0.85]
      case 'ClientRequest':
      case 'ClientReply':
        return [p.client, 1.3]
      default:
        return [p.text, 1]
    }
  }

  pickables(): Object3D[] {
    return this.ring.nodes.map((n) => n.orb)
  }

  setPalette(palette: Palette): void {
    this.palette = palette
    this.scene.background = palette.background.clone()
    this.ring.setPalette(palette)
  }

  dispose(): void {
    this.d.dispose()
    this.grid.geometry.dispose()
    ;(Array.isArray(this.grid.material) ? this.grid.material : [this.grid.material]).forEach((m) => m.dispose())
    this.particles.dispose()
    this.ring.release()
    this.table.release()
    this.client?.release()
    this.scene.clear()
  }
}
