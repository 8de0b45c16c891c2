/**
 * What a scenario-specific part of the mesh view (mTLS locks, the retry timeline, the breaker
 * switch, the canary split) gets from the view, and what it gives back.
 */
import { Group, Mesh, MeshBasicMaterial, PlaneGeometry, type Vector3, type Color } from 'three'
import type { Disposer } from '../../primitives/disposer.ts'
import type { Label, LabelStyle } from '../../primitives/labels.ts'
import type { Link } from '../../primitives/link.ts'
import type { Palette } from '../../palette.ts'
import type { MeshFrame } from './frame.ts'
import type { MeshLayout } from './layout.ts'

/** Messages arc up by this fraction of their hop's length (clear of the padlock on a link). */
export const LIFT = 0.15

/** A refused handshake's message stops this far from the refusing sidecar (on its red shell). */
export const REFUSED_GAP = 0.46

/** How far along a hop of length `distance` a refused message stops. */
export function refusedAt(distance: number): number {
  return distance > REFUSED_GAP ? 1 - REFUSED_GAP / distance : 0
}

/** How far chart boards rise from the floor (radians). */
export const BOARD_TILT = 0.3

export interface PanelHost {
  readonly d: Disposer
  readonly world: Group
  readonly layout: MeshLayout
  /** Sidecar-to-sidecar links by "client>server" workload names. */
  readonly links: ReadonlyMap<string, Link>
  palette(): Palette
  /** A label the view removes on dispose. */
  label(text: string, style?: LabelStyle | LabelStyle[], multiline?: boolean): Label
}

export interface Panel {
  /** Map the frame onto the panel's objects (idempotent: everything is set every time). */
  draw(frame: MeshFrame): void
  /** A second line under a workload's name (e.g. its live counter), or null. */
  caption?(frame: MeshFrame, workload: string): string | null
  setPalette?(palette: Palette): void
}

/**
 * A chart board on the floor in front of the mesh. Its local x runs left → right, y from its near
 * edge (0) to its far edge (`height`), in world units; `centre` is the middle of its near edge.
 */
export class Board extends Group {
  private readonly plate: Mesh<PlaneGeometry, MeshBasicMaterial>

  constructor(d: Disposer, centre: Vector3, readonly width: number, readonly height: number, color: Color, tilt = BOARD_TILT) {
    super()
    this.position.copy(centre)
    // Nearly flat on the floor, its top edge away from the camera, raised by `tilt`: it reads as a
    // chart from the default camera and never hides the mesh behind it.
    this.rotation.x = -Math.PI / 2 + tilt
    this.plate = new Mesh(d.track(new PlaneGeometry(width, height)), d.track(new MeshBasicMaterial({ color, transparent: true, opacity: 0.55, depthWrite: false })))
    this.plate.position.set(0, height / 2, -0.01)
    this.add(this.plate)
  }

  setColor(color: Color): void {
    this.plate.material.color.copy(color)
  }
}
