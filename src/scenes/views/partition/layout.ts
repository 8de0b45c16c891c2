/**
 * Where things sit in the partition scene (world units; y up, the camera looks from +z). Side A
 * on the left, side B on the right, the fault line on x = 0 between them; each node's box sits
 * on the outer side of its orb so the middle stays free for packets bouncing at the line. The
 * shared disk (fencing) or the verdict (conflict resolution) sits under the line's near end.
 */
import { Vector3 } from 'three'

export const ORB_RADIUS = 0.34
export const ORB_Y = 0.42
const SIDE_X = 1.4
/** Depths of side A's nodes (3) and side B's (2), back to front; other sizes spread evenly. */
const DEPTHS: Record<number, number[]> = { 1: [-0.1], 2: [-0.8, 0.65], 3: [-1.5, -0.05, 1.35] }

export const LINE_Z = { back: -2.4, front: 1.7 }
export const LINE_HEIGHT = 1.25
export const DISK = new Vector3(0, 0, 2.15)
export const DISK_SIZE = { width: 0.8, depth: 0.5, height: 0.5 }
/** The disk's two ports (dual-ported, like a SAN): disk-a on side A's network, disk-b on side B's. */
export const PORTS: Record<string, Vector3> = {
  'disk-a': new Vector3(-0.55, 0.2, 2.15),
  'disk-b': new Vector3(0.55, 0.2, 2.15),
}
/** The disk's label: to the right of the disk, where side B leaves room. */
export const DISK_LABEL = new Vector3(0.78, 0.2, 2.15)
export const CAPTION_Z = -2.5
export const HEADLINE_Z = -3.25
export const VERDICT = new Vector3(0, 0, 2.25)

/** Node positions for sides of the given sizes (nodes 0..a-1 left, the rest right). */
export function nodePositions(sides: readonly (readonly number[])[]): Vector3[] {
  const out: Vector3[] = []
  sides.forEach((ids, side) => {
    const depths = DEPTHS[ids.length] ?? ids.map((_, i) => -1.9 + (3.3 * i) / Math.max(1, ids.length - 1))
    ids.forEach((id, i) => {
      out[id] = new Vector3(side === 0 ? -SIDE_X : SIDE_X, ORB_Y, depths[i]!)
    })
  })
  return out
}

/** Where the box of a node at `p` on `side` is anchored: beside the orb, on the outer side. */
export function boxAnchor(p: Vector3, side: number): { position: Vector3; anchor: [number, number] } {
  const dx = ORB_RADIUS + 0.14
  return side === 0
    ? { position: new Vector3(p.x - dx, p.y, p.z), anchor: [1, 0.5] }
    : { position: new Vector3(p.x + dx, p.y, p.z), anchor: [0, 0.5] }
}
