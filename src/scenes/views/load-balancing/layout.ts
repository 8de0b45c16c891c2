/**
 * Where everything of the load-balancing scene sits (world units; x right, z towards the camera,
 * y up). Left to right as a request travels: blue clients in a column, the purple balancer, the
 * cyan backends in a column, each with its counters as bars on the floor to its right. In front
 * runs the row of the balancer's last picks. Composed for a ~600×460 px scene seen from the back
 * of a room.
 */
import { Vector3 } from 'three'
import type { CameraPose } from '../../types.ts'

export const CLIENT_X = -2.75
export const CLIENT_RADIUS = 0.24
export const BALANCER = new Vector3(-1.0, 0, -0.5)
export const BALANCER_RADIUS = 0.44
export const BALANCER_HEIGHT = 0.6
export const BACKEND_X = 0.8
export const BACKEND_RADIUS = 0.32
export const NODE_Y = 0.42

/** The middle of the columns (z): the balancer's row. */
const MID_Z = BALANCER.z
const BACKEND_PITCH = 1.55
const CLIENT_SPAN = 3.7
const CLIENT_PITCH_MAX = 1.25

export function backendPosition(i: number, n: number, out = new Vector3()): Vector3 {
  return out.set(BACKEND_X, NODE_Y, MID_Z + (i - (n - 1) / 2) * BACKEND_PITCH)
}

export function clientPosition(i: number, n: number, out = new Vector3()): Vector3 {
  const pitch = n > 1 ? Math.min(CLIENT_PITCH_MAX, CLIENT_SPAN / (n - 1)) : 0
  return out.set(CLIENT_X, NODE_Y * 0.8, MID_Z + (i - (n - 1) / 2) * pitch)
}

/**
 * Right of each backend: its card (bottom edge CARD_DZ behind the orb's centre) and under it two
 * bars on the floor, served (+ failed) then open connections.
 */
export const BAR_X0 = BACKEND_X + BACKEND_RADIUS + 0.25
export const BAR_MAX = 2.0
export const BAR_DEPTH = 0.2
export const BAR_HEIGHT = 0.08
export const CARD_DZ = -0.06
export const SERVED_DZ = 0.13
export const OPEN_DZ = 0.38
/** The largest bar unit (one request); long counts shrink it so the longest bar fits BAR_MAX. */
export const UNIT_MAX = 0.24
/** The gap between two units of a bar, so a short bar can be counted. */
export const UNIT_GAP = 0.035

/** The row of picks in front: newest on the right. */
export const PICKS_SHOWN = 12
export const PICK_PITCH = 0.37
export const PICK_TILE = 0.3
export const PICKS_Z = 2.3
export const PICKS_X0 = -3.9

/** Nearly overhead, so the columns keep their spacing on screen; a little tilt keeps the orbs round and lit. */
export const HOME: CameraPose = { position: new Vector3(-0.42, 10.4, 2.9), target: new Vector3(-0.42, 0, -0.2), fov: 33.5 }
/** The colour key of the bars: bottom right, beside the row of picks (its right edge's middle here). */
export const LEGEND = new Vector3(3.45, 0, PICKS_Z)
