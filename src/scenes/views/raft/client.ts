/**
 * The client of the replication story: a blue orb outside the ring. While its write is on its way
 * or waiting to be applied, a blue link ties it to the leader; its label says what it is waiting
 * for and, once the leader's reply has landed, that the write succeeded.
 */
import { Group, type Vector3 } from 'three'
import type { RaftSnapshot } from '../../../sim/raft/types.ts'
import type { Flight } from '../../flight.ts'
import type { Disposer } from '../../primitives/disposer.ts'
import { Orb } from '../../primitives/orb.ts'
import { Link, linkGeometry } from '../../primitives/link.ts'
import { RichLabel, line, type Line } from '../../primitives/rich-label.ts'
import type { Palette } from '../../palette.ts'
import { CLIENT_POSITION, ORB_RADIUS } from './layout.ts'
import type { ClientPayload } from './frame.ts'

export type ClientState =
  | { phase: 'idle' }
  | { phase: 'sending' | 'waiting' | 'done'; index: number; command: string }

/**
 * Where the client stands at `time`, from its scripted flights up to the checkpoint shown (a
 * request lands at the leader; a reply leaves when the leader has applied the entry).
 * `commands` names each index written.
 */
export function clientState(flights: readonly Flight[], time: number, commands: ReadonlyMap<number, string>): ClientState {
  let state: ClientState = { phase: 'idle' }
  for (const f of flights) {
    const p = f.payload as ClientPayload
    const command = commands.get(p.index) ?? 'a write'
    if (f.kind === 'ClientRequest' && f.sentAt <= time) state = { phase: time < f.endAt ? 'sending' : 'waiting', index: p.index, command }
    if (f.kind === 'ClientReply' && f.endAt <= time && state.phase !== 'idle' && state.index === p.index) state = { ...state, phase: 'done' }
  }
  return state
}

/** Live mode has no script to read: the client waits while the leader has unapplied entries. */
export function liveClientState(s: RaftSnapshot): ClientState {
  if (s.leader === null) return { phase: 'idle' }
  const l = s.nodes[s.leader]!
  const index = l.log.length
  if (index === 0) return { phase: 'idle' }
  return { phase: l.lastApplied < index ? 'waiting' : 'done', index, command: String(l.log[index - 1]!.command) }
}

export class Client extends Group {
  readonly position3: Vector3 = CLIENT_POSITION.clone()
  private readonly orb: Orb
  private readonly link: Link
  private readonly label: RichLabel

  constructor(d: Disposer, p: Palette) {
    super()
    this.orb = new Orb(d, ORB_RADIUS * 0.72, p.client)
    this.orb.position.copy(this.position3)
    this.link = new Link(d, linkGeometry(d, 0.03), p.client, 0.6)
    this.label = new RichLabel('small', [1, 0.5])
    this.label.position.set(this.position3.x - ORB_RADIUS - 0.08, this.position3.y, this.position3.z)
    this.add(this.orb, this.link, this.label)
  }

  draw(state: ClientState, leader: Vector3 | null, p: Palette): void {
    this.orb.style(p.client, { glow: state.phase === 'idle' ? 0.25 : 0.6, halo: state.phase === 'waiting' ? 0.5 : 0 })
    const waiting = state.phase === 'waiting' && leader !== null
    this.link.visible = waiting
    if (waiting) {
      this.link.between(this.position3, leader)
      this.link.style(p.client, 0.6)
    }
    const lines: Line[] = [line([{ text: 'client', bold: true, tone: 'client' }])]
    if (state.phase === 'sending') lines.push(line(`sending ${state.command}`, true))
    if (state.phase === 'waiting') lines.push(line(`waiting: ${state.command}`, true))
    if (state.phase === 'done') lines.push(line([{ text: `${state.command} ✓ ok`, tone: 'ok', bold: true }], true))
    this.label.set(lines).tint('client')
  }

  release(): void {
    this.label.element.remove()
  }
}
