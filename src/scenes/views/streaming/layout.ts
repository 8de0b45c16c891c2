/**
 * Where everything of the streaming scene sits (world units; x right, z towards the camera, y up).
 * Left to right, the way a message travels: the producer (blue), the broker (a gold slab) with one
 * row per partition — an append-only strip of slots, offsets growing to the right, the next free
 * slot at the end — and the consumer groups (cyan, a second group violet) on the right, each in
 * its band. The queue slide puts a work queue's tube above the stream's row. Composed for a
 * ~600×460 px scene seen from the back of a room.
 */
import { Vector3 } from 'three'
import type { CameraPose } from '../../types.ts'

export interface QueueLayout {
  /** The tube's centre line. */
  readonly z: number
  /** Where the competing workers stand. */
  readonly workerZ: readonly number[]
}

export interface StreamLayout {
  /** Rows: one per partition of the topic, back to front. */
  readonly rowZ: readonly number[]
  /** Slots per row, the next free slot included. */
  readonly cols: number
  /** The left edge of slot 0. */
  readonly x0: number
  readonly pitch: number
  /** A block's width (x) and depth (z). */
  readonly block: number
  readonly depth: number
  /** Write the offset on every block (1), or on every 5th and the newest (narrow slots). */
  readonly numberEvery: number
  readonly producer: Vector3
  /** The consumers' column, and the z range members spread over. */
  readonly consumerX: number
  readonly consumerZ: readonly [number, number]
  readonly queue: QueueLayout | null
  readonly camera: CameraPose
}

export const BLOCK_HEIGHT = 0.13
export const ORB_Y = 0.36
export const PRODUCER_RADIUS = 0.32
export const CONSUMER_RADIUS = 0.27
/** The rows' left edge and width; the row labels sit left of them, on the slab. */
const X0 = -2.6
const ROW_WIDTH = 4.3
const CONSUMER_X = 2.75
const PRODUCER_X = -4.25
/** Room left of the rows for their labels (P0, P1...), on the slab. */
export const ROW_LABEL_ROOM = 0.62

const rows = (n: number, pitch: number, centre = 0): number[] => Array.from({ length: n }, (_, i) => centre + (i - (n - 1) / 2) * pitch)

/** The consumers' band reaches this far right of their orbs (past their labels). */
export const BAND_RIGHT = 2.5
/** The camera looks down at the content from the front, this steeply (as the other scenes do). */
const VIEW_DIR = new Vector3(0, 9.6, 5.65).normalize()

interface Options {
  readonly rowZ?: readonly number[]
  /** The rows' width (slots get wider); default ROW_WIDTH. */
  readonly width?: number
  /** Whether the slide has consumers on the right (default true). */
  readonly consumers?: boolean
  readonly producer?: Vector3
  readonly consumerZ?: readonly [number, number]
  readonly queue?: QueueLayout
  /** Blocks' depth (z); default from the row pitch, at most 0.42. */
  readonly depth?: number
}

function make(partitions: number, cols: number, rowPitch: number, o: Options = {}): StreamLayout {
  const rowZ = o.rowZ ?? rows(partitions, rowPitch)
  const width = o.width ?? ROW_WIDTH
  const pitch = width / cols
  const span = [Math.min(...rowZ, o.queue ? o.queue.z : Infinity), Math.max(...rowZ)] as const
  const producer = o.producer ?? new Vector3(PRODUCER_X, ORB_Y, (span[0] + span[1]) / 2)
  // Frame the content: from the producer's label on the left to the consumers' band (or the
  // rows' end) on the right; the visible width at distance d is about d here (fov 40°, 4:3).
  const left = producer.x - 1.1
  const right = o.consumers === false ? X0 + width + 0.45 : CONSUMER_X + BAND_RIGHT + 0.05
  const distance = Math.max(8, (right - left) * 1.04)
  // Far things shrink: aiming a little beyond the middle centres the picture on screen.
  const target = new Vector3((left + right) / 2, 0, (span[0] + span[1]) / 2 - 0.1)
  return {
    rowZ,
    cols,
    x0: X0,
    pitch,
    block: pitch * 0.8,
    depth: o.depth ?? Math.min(0.42, rowPitch * 0.62),
    numberEvery: pitch >= 0.3 ? 1 : 5,
    producer,
    consumerX: CONSUMER_X,
    consumerZ: o.consumerZ ?? [Math.min(span[0], -0.9), Math.max(span[1], 0.9)],
    queue: o.queue ?? null,
    camera: { position: target.clone().addScaledVector(VIEW_DIR, distance), target, fov: 40 },
  }
}

/** The layout of a scenario, given its topic's partition count. */
export function layoutFor(scenario: string, partitions: number): StreamLayout {
  switch (scenario) {
    case 'produce':
      // No consumers on this slide: the rows take their room, so keys fit above their records.
      return make(partitions, 8, 1.4, { width: 6.1, consumers: false })
    case 'consumer-groups':
      return make(partitions, 10, 1.15)
    case 'rebalance':
      return make(partitions, 12, 0.88)
    case 'delivery-guarantees':
      // Every record of the topic in view: where the lost and the duplicated ones sit is the lesson.
      return make(partitions, 22, 1.4, { rowZ: rows(partitions, 1.4, -0.5), consumerZ: [-1.3, 0.3], depth: 0.6 })
    case 'queue-vs-stream':
      return make(partitions, 10, 1, { rowZ: rows(partitions, 1, 1.45), consumerZ: [1.0, 1.9], producer: new Vector3(PRODUCER_X, ORB_Y, 0), queue: { z: -1.45, workerZ: [-2.0, -0.9] } })
    default:
      return make(partitions, 10, 0.8)
  }
}

/** The x of slot `col`'s centre. */
export const slotX = (l: StreamLayout, col: number): number => l.x0 + (col + 0.5) * l.pitch
/** The x just past a row's last slot. */
export const rowEndX = (l: StreamLayout): number => l.x0 + l.cols * l.pitch
