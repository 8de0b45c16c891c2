/**
 * Flat bars for charts drawn in the scene (timelines, tallies, stacked shares): one InstancedMesh
 * of unit boxes, each instance stretched to a rectangle in the parent's local x/y plane with a
 * small depth. One draw call however many bars; begin() / bar()... / end() per frame, like
 * Particles, so drawing is idempotent.
 */
import { BoxGeometry, Color, DynamicDrawUsage, InstancedMesh, Matrix4, MeshBasicMaterial, Quaternion, Vector3 } from 'three'
import type { Disposer } from './disposer.ts'

const m = new Matrix4()
const q = new Quaternion()
const p = new Vector3()
const s = new Vector3()

export class Bars extends InstancedMesh<BoxGeometry, MeshBasicMaterial> {
  private used = 0

  constructor(disposer: Disposer, capacity: number, readonly depth = 0.04) {
    super(disposer.track(new BoxGeometry(1, 1, 1)), disposer.track(new MeshBasicMaterial({ color: 0xffffff })), capacity)
    this.instanceMatrix.setUsage(DynamicDrawUsage)
    this.count = 0
    this.frustumCulled = false
    // Instance colours need the attribute to exist before the first render.
    this.setColorAt(0, new Color(0xffffff))
  }

  begin(): void {
    this.used = 0
  }

  /** A rectangle from x0 to x1 (either order), centred on y with the given height; z lifts it off the plane. */
  bar(x0: number, x1: number, y: number, height: number, color: Color, z = 0): void {
    const w = Math.abs(x1 - x0)
    if (this.used >= this.instanceMatrix.count || w <= 1e-6 || height <= 1e-6) return
    p.set((x0 + x1) / 2, y, z + this.depth / 2)
    s.set(w, height, this.depth)
    m.compose(p, q, s)
    this.setMatrixAt(this.used, m)
    this.setColorAt(this.used, color)
    this.used++
  }

  end(): void {
    this.count = this.used
    this.instanceMatrix.needsUpdate = true
    if (this.instanceColor) this.instanceColor.needsUpdate = true
  }
}
