/**
 * Where everything of the Raft scene sits (world units; x right, z towards the camera, y up).
 * Two bands: the cluster as a ring at the back (nodes, links, messages, timers), and in front of
 * it the log table, one row per node and one column per log index, so logs are compared index by
 * index as in the paper's figures. Composed for a ~600×460 px scene seen from the back of a room.
 */
import { Vector3 } from 'three'
import type { CameraPose } from '../../types.ts'

export const NAMES = 'ABCDEFGHI'
export const nodeName = (i: number): string => NAMES[i] ?? String(i)

export const ORB_RADIUS = 0.34
export const ORB_Y = 0.45
const RING_CENTER = new Vector3(0, 0, -2.05)
const RING_RADIUS = 1.8

/** Log table: rows (nodes) from the back to the front, columns (indices) left to right. */
export const ROW_PITCH = 0.48
export const COL_PITCH = 0.74
export const BLOCK = 0.56
const FIRST_ROW_Z = 0.72
const FIRST_COL_X = -2.05
/** How many indices fit across; longer logs show their newest COLUMNS entries. */
export const COLUMNS = 6

/** A node's position on the ring: node 0 at the back, then clockwise seen from above. */
export function nodePosition(i: number, n: number, out = new Vector3()): Vector3 {
  const a = nodeAngle(i, n)
  return out.set(RING_CENTER.x + RING_RADIUS * Math.cos(a), ORB_Y, RING_CENTER.z + RING_RADIUS * Math.sin(a))
}

export function nodeAngle(i: number, n: number): number {
  return -Math.PI / 2 + (i * 2 * Math.PI) / n
}

/**
 * Where a node's label goes and which point of the label box sits there: outward from the ring,
 * so labels never cover the links inside it. Nodes in the front half put theirs sideways (below
 * them is the log table), and so does the node at the back.
 */
export function nodeLabelPlacement(i: number, n: number): { position: Vector3; anchor: [number, number] } {
  const a = nodeAngle(i, n)
  // The node at the back puts its label to its right: above it would leave the frame.
  const dx = Math.abs(Math.cos(a)) < 0.2 ? 1 : Math.cos(a)
  const dz = Math.abs(Math.cos(a)) < 0.2 ? 0 : Math.min(0, Math.sin(a))
  const m = Math.max(Math.abs(dx), Math.abs(dz)) || 1
  const [ux, uz] = [dx / m, dz / m]
  const p = nodePosition(i, n)
  const reach = ORB_RADIUS + 0.16
  p.x += ux * reach
  p.z += uz * reach * 1.2
  return { position: p, anchor: [0.5 - 0.5 * ux, 0.5 - 0.5 * uz] }
}

export const rowZ = (row: number): number => FIRST_ROW_Z + row * ROW_PITCH
export const colX = (column: number): number => FIRST_COL_X + (column - 1) * COL_PITCH
export const ROW_LABEL_X = FIRST_COL_X - 0.62
export const STATUS_X = colX(COLUMNS) + BLOCK / 2 + 0.16
export const HEADER_Z = FIRST_ROW_Z - 0.42
export const captionZ = (rows: number): number => rowZ(rows - 1) + 0.36

/** The client (the replication story): outside the ring, at the back on the left. */
export const CLIENT_POSITION = new Vector3(-2.55, ORB_Y, -3.85)

export const HOME: CameraPose = { position: new Vector3(0, 9.6, 4.9), target: new Vector3(0, 0, -0.12), fov: 40 }
