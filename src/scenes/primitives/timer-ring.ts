/**
 * A draining ring (Raft's election timer): a flat ring whose drawn arc is the fraction left.
 * The geometry is built once; the arc is a draw range over its segments.
 */
import type { Color} from 'three';
import { DoubleSide, Mesh, MeshBasicMaterial, RingGeometry } from 'three'
import type { Disposer } from './disposer.ts'

const SEGMENTS = 64

export class TimerRing extends Mesh<RingGeometry, MeshBasicMaterial> {
  constructor(disposer: Disposer, inner: number, outer: number, color: Color) {
    super(
      disposer.track(new RingGeometry(inner, outer, SEGMENTS, 1, Math.PI / 2, Math.PI * 2)),
      disposer.track(new MeshBasicMaterial({ color, side: DoubleSide, transparent: true, opacity: 0.9, depthWrite: false })),
    )
    this.rotation.x = -Math.PI / 2
  }

  /** Show `fraction` ∈ [0, 1] of the ring (0 hides it). */
  setFraction(fraction: number): void {
    const k = Math.round(Math.max(0, Math.min(1, fraction)) * SEGMENTS)
    this.visible = k > 0
    // RingGeometry with one radial segment: 6 indices per angular segment, in angle order.
    this.geometry.setDrawRange(0, k * 6)
  }
}
