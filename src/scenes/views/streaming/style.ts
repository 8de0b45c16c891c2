/**
 * The streaming scene's colour language, from the theme (palette.ts): producers blue (client),
 * the broker and its records gold (leader), consumer groups cyan (follower) and a second group
 * violet (replica) so two groups' markers on one row never look alike, faults red. Outcomes of a
 * record for a group (the delivery slide): processed once green (ok), more than once orange
 * (candidate), lost red (fault).
 */
import type { Color } from 'three'
import type { Palette } from '../../palette.ts'
import type { Tone } from '../../primitives/rich-label.ts'
import { payloadOf } from './frame.ts'

export const GROUP_TONES: readonly Tone[] = ['follower', 'replica']

export function groupColor(index: number, p: Palette): Color {
  return index % 2 === 0 ? p.follower : p.replica
}

export const groupTone = (index: number): Tone => GROUP_TONES[index % GROUP_TONES.length]!

/** "orders-3" → "P3". */
export const partitionName = (tp: string): string => `P${tp.slice(tp.lastIndexOf('-') + 1)}`

/** Text that reads on a block: the theme's darker or lighter extreme, whichever contrasts (linear luminance). */
export function inkOn(block: Color, p: Palette): string {
  const lum = (c: Color): number => 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b
  const [dark, light] = lum(p.background) < lum(p.text) ? [p.background, p.text] : [p.text, p.background]
  return `#${(lum(block) > 0.25 ? dark : light).getHexString()}`
}

/**
 * A message's colour and size: records travel blue from the producer and gold from the broker
 * (bigger the more they carry); the coordinator's assignments gold; members' fetches, joins and
 * heartbeats cyan (heartbeats small); commits green, a refused commit red.
 */
export function messageStyle(kind: string, payload: unknown, p: Palette, out: Color): [Color, number] {
  const pay = payloadOf(payload)
  switch (kind) {
    case 'produce':
    case 'enqueue':
      return [out.copy(p.client), 1.35]
    case 'ack':
      return [out.copy(p.leader).lerp(p.text, 0.3), 0.7]
    case 'assign':
      return [out.copy(p.leader), 1.3]
    case 'records':
      return (pay.records ?? 0) > 0 ? [out.copy(p.leader), Math.min(1.6, 0.9 + 0.15 * (pay.records ?? 0))] : [out.copy(p.leader).lerp(p.background, 0.45), 0.6]
    case 'message':
      return [out.copy(p.leader), 1.2]
    case 'fetch':
    case 'receive':
      return [out.copy(p.follower), 0.7]
    case 'join':
    case 'leave':
      return [out.copy(p.follower), 1]
    case 'heartbeat':
      return [out.copy(p.follower).lerp(p.background, 0.3), 0.55]
    case 'commit':
    case 'txn-commit':
    case 'ack-message':
      return [out.copy(p.ok), 0.95]
    case 'commit-reply':
    case 'txn-reply':
      return [out.copy(pay.ok === false ? p.fault : p.ok), 0.7]
    default:
      return [out.copy(p.text), 0.8]
  }
}

/** Messages between members and the group coordinator. */
export const COORDINATOR_KINDS = new Set(['join', 'leave', 'heartbeat', 'assign', 'commit', 'commit-reply', 'txn-commit', 'txn-reply'])
