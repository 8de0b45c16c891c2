/**
 * Where things stand in the CAP scene (world units, y up; the camera looks from +z, so x runs
 * left to right on screen and -z is "up" the screen). The replicas form a triangle with the
 * scenario's minority replica (the last) alone on the right, so the scripted partition is a
 * vertical fault line between the left pair and the right one. Each replica's client stands
 * outward from it, on the same side of any fault line.
 */
import { Vector3 } from 'three'

export const ORB_Y = 0.45
export const ORB_RADIUS = 0.36
export const CLIENT_RADIUS = 0.2
export const CLIENT_Y = 0.3
const CENTER = new Vector3(-0.35, 0, 0.15)
const RING = 1.7
/** How far a client stands out from its replica, along x. */
const CLIENT_OFFSET = 2.05

/** Replica `i` of `n`: the last one at angle 0 (right), the others around the circle. */
export function replicaPosition(i: number, n: number): Vector3 {
  const angle = (2 * Math.PI * (n - 1 - i)) / n
  return new Vector3(CENTER.x + RING * Math.cos(angle), ORB_Y, CENTER.z + RING * Math.sin(angle))
}

export function clientPosition(i: number, n: number): Vector3 {
  const r = replicaPosition(i, n)
  const side = r.x >= CENTER.x ? 1 : -1
  return new Vector3(r.x + side * CLIENT_OFFSET, CLIENT_Y, r.z)
}

/** Whether the client of replica `i` stands on the right (its bubble then hangs to the left). */
export function clientOnRight(i: number, n: number): boolean {
  return replicaPosition(i, n).x >= CENTER.x
}

/** The middle of the triangle (where the rays of a three-way split meet). */
export function centroid(n: number): Vector3 {
  const c = new Vector3()
  for (let i = 0; i < n; i++) c.add(replicaPosition(i, n))
  return c.multiplyScalar(1 / n)
}

/** Whether the client of replica `i` stands at the back (its bubble then goes above it, else below). */
export function clientAtBack(i: number, n: number): boolean {
  return replicaPosition(i, n).z < CENTER.z - 0.1
}

/** The C/A/P emblem in the free front-right corner; the mode caption in the back-right one. */
export const EMBLEM_POSITION = new Vector3(2.7, 0, 2.2)
export const EMBLEM_SIZE = 1.2
export const MODE_POSITION = new Vector3(4.4, 0.2, -2.6)
/** LWW's verdict on heal: below the triangle, where nothing else stands. */
export const VERDICT_POSITION = new Vector3(0.1, 0.1, 2.55)
/** A two-group fault line's length; the rays of a three-way split are shorter. */
export const FAULT_LENGTH = 5.2
export const FAULT_RAY_LENGTH = 2.6
export const FAULT_HEIGHT = 1.4
