/**
 * Where things stand in each mesh scenario: every workload is a blue service orb with its gold
 * sidecar beside it, on the side facing its peers, so a request visibly goes service → own
 * sidecar → peer sidecar → peer service. The caller sits on the left; what it calls on the right;
 * a chart board (timeline, call strip, split bar) fills the front where the scenario has one.
 */
import { Vector3 } from 'three'

export interface Slot {
  readonly service: Vector3
  readonly sidecar: Vector3
  /** Put the name label under the orb (when another workload sits right behind it). */
  readonly labelBelow?: boolean
}

export interface MeshLayout {
  readonly slots: Readonly<Record<string, Slot>>
  /** Sidecar-to-sidecar links to draw, as [client workload, server workload]. */
  readonly links: readonly (readonly [string, string])[]
  /** The camera's default pose. */
  readonly camera: { readonly position: Vector3; readonly target: Vector3; readonly fov: number }
  /** Centre of the front chart board, if the scenario has one. */
  readonly board: Vector3 | null
}

export const SERVICE_Y = 0.45
export const SIDECAR_Y = 0.32

/** A workload at x (service) with its sidecar toward x + dir. */
function slot(x: number, z: number, dir: 1 | -1, labelBelow = false): Slot {
  return { service: new Vector3(x, SERVICE_Y, z), sidecar: new Vector3(x + dir * 1.05, SIDECAR_Y, z), labelBelow }
}

const CAMERA = { position: new Vector3(0, 8.0, 6.4), target: new Vector3(0, 0, 0.75), fov: 34 }

export function layoutFor(scenario: string): MeshLayout {
  switch (scenario) {
    case 'canary':
      return {
        slots: { frontend: slot(-2.85, -0.15, 1), 'reviews-v1': slot(2.5, -1.4, -1), 'reviews-v2': slot(2.5, 1.05, -1) },
        links: [['frontend', 'reviews-v1'], ['frontend', 'reviews-v2']],
        camera: CAMERA,
        board: new Vector3(0, 0, 3.4),
      }
    case 'mtls':
      return {
        slots: { frontend: slot(-2.75, -0.45, 1), payments: slot(2.75, -0.45, -1), intruder: slot(-1.55, 1.95, 1) },
        links: [['frontend', 'payments'], ['intruder', 'payments']],
        // Nothing in front: the camera comes closer than for the scenarios with a chart board.
        camera: { position: new Vector3(0, 7.3, 5.6), target: new Vector3(0, 0, 0.45), fov: 34 },
        board: null,
      }
    default:
      // retries, circuit-breaker: a caller and a callee, a chart in front.
      return {
        slots: { frontend: slot(-2.75, -0.5, 1), payments: slot(2.75, -0.5, -1) },
        links: [['frontend', 'payments']],
        camera: CAMERA,
        board: new Vector3(0, 0, 3.3),
      }
  }
}
