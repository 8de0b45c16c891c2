/**
 * The contract between the stage and the per-concept views. A view maps a scenario's snapshot at a
 * step (and the trace towards it, for t < 1) onto three.js objects, idempotently: show(step, 1)
 * for the same step always gives the same picture, whatever was shown before.
 */
import type { Object3D, PerspectiveCamera, Scene, Vector3 } from 'three'
import type { Scenario } from '../sim/scenario.ts'
import type { Palette } from './palette.ts'

export interface CameraPose {
  position: Vector3
  target: Vector3
  fov?: number
}

export interface ViewContext {
  readonly scenario: Scenario<unknown, unknown>
  readonly palette: Palette
}

export interface SceneView {
  readonly scene: Scene
  readonly camera: PerspectiveCamera
  /** The composed default view; orbiting eases back to it on a step change or R. */
  readonly home: CameraPose
  /**
   * Show the transition from checkpoint `from` to checkpoint `to` at `t` ∈ [0, 1]
   * (`from` null or equal to `to`: show `to` as it is).
   */
  show(from: string | null, to: string, t: number): void
  /** Draw a live model's snapshot (what-if mode: the simulation runs on from a checkpoint). */
  showSnapshot(snapshot: unknown): void
  /** Objects a click can hit; each carries `userData.pick` (e.g. { node: 2 }). */
  pickables(): Object3D[]
  /** Re-read theme colours (after a theme change). */
  setPalette(palette: Palette): void
  dispose(): void
}

export type ViewFactory = (ctx: ViewContext) => SceneView
