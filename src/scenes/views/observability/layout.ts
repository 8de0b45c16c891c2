/**
 * Where things sit in the observability scene, and the colour language (all from the palette):
 * services blue (orange when slow, red when failing), the collector golden, and the three signals
 * as three colours: logs purple, spans (traces) cyan, metrics green.
 *
 * The service graph runs left to right across the back of the floor, the collector behind it; the
 * front of the floor holds the scenario's own instrument: the log viewer, the latency histogram
 * or the trace waterfall.
 */
import { Vector3, type Color } from 'three'
import type { Fault } from '../../../sim/observability/system.ts'
import type { Palette } from '../../palette.ts'

export const NODE_Y = 0.34

/** Node positions on the floor (x, z). */
export const POSITIONS: Readonly<Record<string, readonly [number, number]>> = {
  client: [-4.2, -0.4],
  gateway: [-2.75, -0.4],
  auth: [-1.2, -1.25],
  orders: [-1.2, 0.3],
  inventory: [0.65, -0.55],
  database: [2.45, 0.3],
  collector: [3.6, -2.0],
}

export const SERVICE_RADIUS = 0.3
export const CLIENT_RADIUS = 0.2
export const COLLECTOR_RADIUS = 0.42
export const COLLECTOR_Y = 0.75

export function nodePosition(name: string, out = new Vector3()): Vector3 {
  const [x, z] = POSITIONS[name] ?? [0, 0]
  return out.set(x, name === 'collector' ? COLLECTOR_Y : NODE_Y, z)
}

export function css(c: Color): string {
  return `#${c.getHexString()}`
}

export type Level = 'healthy' | 'slow' | 'failing'

export function levelOf(f: Fault | null): Level {
  if (!f) return 'healthy'
  if (f.errorRate > 0) return 'failing'
  return f.slowMs > 0 ? 'slow' : 'healthy'
}

export function serviceColor(f: Fault | null, p: Palette): Color {
  const level = levelOf(f)
  return level === 'failing' ? p.fault : level === 'slow' ? p.candidate : p.client
}

export interface SignalColors {
  logs: Color
  spans: Color
  metrics: Color
}

export function signalColors(p: Palette): SignalColors {
  return { logs: p.replica, spans: p.follower, metrics: p.ok }
}

export const ms = (x: number | null): string => (x === null ? '–' : x >= 100 ? `${Math.round(x)} ms` : `${x.toFixed(x >= 10 ? 0 : 1)} ms`)
