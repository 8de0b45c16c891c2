/**
 * Straight segments between any two points (who owns what, a dotted path), as thin cylinders in
 * one InstancedMesh: one draw call however many, unlike Link (one mesh each). Colours are per
 * segment; a faint segment is drawn in a colour mixed toward the background (instances share one
 * opaque material). Rebuild every frame with begin() / put()... / end().
 */
import { Color, CylinderGeometry, DynamicDrawUsage, InstancedMesh, Matrix4, MeshBasicMaterial, Quaternion, Vector3 } from 'three'
import type { Disposer } from './disposer.ts'

const UP = new Vector3(0, 1, 0)
const m = new Matrix4()
const q = new Quaternion()
const s = new Vector3()
const dir = new Vector3()
const mid = new Vector3()

export class Segments extends InstancedMesh<CylinderGeometry, MeshBasicMaterial> {
  private used = 0

  constructor(disposer: Disposer, capacity: number, readonly radius = 0.025) {
    super(disposer.track(new CylinderGeometry(1, 1, 1, 6, 1, true)), disposer.track(new MeshBasicMaterial({ color: 0xffffff })), capacity)
    this.instanceMatrix.setUsage(DynamicDrawUsage)
    this.count = 0
    this.frustumCulled = false
    this.setColorAt(0, new Color(0xffffff))
  }

  begin(): void {
    this.used = 0
  }

  /** A segment from a to b; `width` scales its radius. Zero-length segments are skipped. */
  put(a: Vector3, b: Vector3, color: Color, width = 1): void {
    dir.subVectors(b, a)
    const len = dir.length()
    if (this.used >= this.instanceMatrix.count || len < 1e-6 || width <= 0) return
    mid.copy(a).addScaledVector(dir, 0.5)
    q.setFromUnitVectors(UP, dir.multiplyScalar(1 / len))
    s.set(this.radius * width, len, this.radius * width)
    m.compose(mid, q, s)
    this.setMatrixAt(this.used, m)
    this.setColorAt(this.used, color)
    this.used++
  }

  /** A dashed segment: `dashes` pieces with gaps between them. */
  dashed(a: Vector3, b: Vector3, color: Color, dashes: number, width = 1): void {
    const n = Math.max(1, Math.round(dashes))
    const p0 = new Vector3()
    const p1 = new Vector3()
    for (let i = 0; i < n; i++) {
      p0.lerpVectors(a, b, i / n)
      p1.lerpVectors(a, b, (i + 0.55) / n)
      this.put(p0, p1, color, width)
    }
  }

  end(): void {
    this.count = this.used
    this.instanceMatrix.needsUpdate = true
    if (this.instanceColor) this.instanceColor.needsUpdate = true
  }
}
