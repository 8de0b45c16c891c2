/**
 * Which consumer groups the scene shows and where their members stand: the consumers' column on
 * the right is shared among the groups in proportion to their sizes, members evenly spaced in
 * their group's share. Space is reserved for the size a group reaches by the scenario's last
 * step, so nobody moves between steps (a live `a` may squeeze them). The delivery slide runs one
 * group per guarantee and shows the step's own (the newest).
 */
import { Vector3 } from 'three'
import type { GroupView, MemberView, StreamingScenarioSnapshot } from '../../../sim/streaming/index.ts'
import { ORB_Y, type StreamLayout } from './layout.ts'

export interface ShownMember {
  readonly view: MemberView
  readonly at: Vector3
}

export interface ShownGroup {
  readonly view: GroupView
  /** Colour index: 0 cyan, 1 violet. */
  readonly index: number
  readonly members: readonly ShownMember[]
  /** The z range of the group's share of the column. */
  readonly z0: number
  readonly z1: number
  /** Members stand close together: one-line labels. */
  readonly compact: boolean
}

/** More members than this are not drawn (the column would be unreadable; what-if `a` stops at 6 a group). */
export const MAX_MEMBERS = 10
/** Closer than this, members' two-line labels would touch. */
const ROOMY = 0.62
/** Space between two groups' shares. */
const GROUP_GAP = 0.45

/** The groups a snapshot shows, in colour order. */
export function visibleGroups(snap: StreamingScenarioSnapshot, scenario: string): GroupView[] {
  if (scenario === 'delivery-guarantees') {
    const withMembers = snap.groups.filter((g) => g.members.length > 0)
    return withMembers.slice(-1)
  }
  return [...snap.groups]
}

export function placeGroups(snap: StreamingScenarioSnapshot, scenario: string, layout: StreamLayout, reserve: ReadonlyMap<string, number>): ShownGroup[] {
  const groups = visibleGroups(snap, scenario)
  const sizes = groups.map((g) => Math.max(1, reserve.get(g.name) ?? 0, g.members.length))
  const total = sizes.reduce((a, x) => a + x, 0)
  const [lo, hi] = layout.consumerZ
  const span = Math.max(0.5, hi - lo - GROUP_GAP * (groups.length - 1) + 0.9)
  let z = lo - 0.45
  let drawn = 0
  return groups.map((view, i) => {
    const h = (span * sizes[i]!) / total
    const n = Math.min(view.members.length, Math.max(0, MAX_MEMBERS - drawn))
    const slots = Math.max(sizes[i]!, n)
    const members = view.members.slice(0, n).map((m, k) => ({ view: m, at: new Vector3(layout.consumerX, ORB_Y, z + (h * (k + 0.5)) / slots) }))
    drawn += n
    const out = { view, index: scenario === 'delivery-guarantees' ? 0 : i, members, z0: z, z1: z + h, compact: slots > 1 && h / slots < ROOMY }
    z += h + GROUP_GAP
    return out
  })
}
