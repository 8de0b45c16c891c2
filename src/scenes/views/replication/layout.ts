/**
 * Where things sit in the replication scene (world units; y is up, the camera looks down at the
 * floor from the front). The network is at the back: the client on the left, the primary in the
 * middle, the replicas fanned out on the right. The logs are a table on the floor in front, one
 * row per machine and one column per write, so a lagging replica shows as a short row and a lost
 * write as a column the new primary lacks.
 */
import { Vector3 } from 'three'

export const ORB_Y = 0.45
export const NODE_RADIUS = 0.4
export const CLIENT_RADIUS = 0.28
/** Columns of the log table: the last COLUMNS writes. */
export const COLUMNS = 8

const NET_Z = -2.3

export const CLIENT_POS = new Vector3(-3.3, ORB_Y, NET_Z)

/**
 * Node 0 left of centre; replicas 1..n on a diagonal to its right (back-left to front-right), so
 * each one's name above and badge below never sit on a neighbour's.
 */
export function nodePosition(id: number, nodes: number): Vector3 {
  if (id === 0) return new Vector3(-1.2, ORB_Y, NET_Z)
  const replicas = Math.max(1, nodes - 1)
  if (replicas === 1) return new Vector3(2, ORB_Y, NET_Z)
  const k = (id - 1) / (replicas - 1)
  return new Vector3(lerp(0.9, 2.9, k), ORB_Y, lerp(-3.4, -1.35, k))
}

function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t
}

/** The log table: row 0 is the client's view of its writes, row r + 1 is node r's log. */
export const TABLE = {
  firstZ: -0.1,
  rowGap: 0.52,
  firstX: -1.75,
  pitch: 0.56,
  block: 0.42,
  labelX: -2.6,
  y: 0.1,
}

export function rowZ(row: number): number {
  return TABLE.firstZ + row * TABLE.rowGap
}
