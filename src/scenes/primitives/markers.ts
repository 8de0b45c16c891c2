/**
 * Flat arrow markers: small triangles lying on the floor, each pointing along its own direction
 * (a read position on a log row, a cursor on a track). Seen from above they read as ▼ / ▲ / ▶
 * carets at any distance. One InstancedMesh for all of them; rebuild every frame with begin() /
 * put()... / end(), like Particles, so drawing is idempotent.
 */
import { Color, CylinderGeometry, DynamicDrawUsage, Euler, InstancedMesh, Matrix4, MeshBasicMaterial, Quaternion, Vector3 } from 'three'
import type { Disposer } from './disposer.ts'

const m = new Matrix4()
const q = new Quaternion()
const e = new Euler()
const s = new Vector3()

export class Markers extends InstancedMesh<CylinderGeometry, MeshBasicMaterial> {
  private used = 0

  /** `size`: the distance from a marker's tip to the middle of its back edge; `thickness`: its height. */
  constructor(disposer: Disposer, capacity: number, readonly size = 0.14, readonly thickness = 0.04) {
    // A three-sided cylinder is a triangular prism; its first corner points along +z.
    super(disposer.track(new CylinderGeometry(1, 1, 1, 3)), disposer.track(new MeshBasicMaterial({ color: 0xffffff })), capacity)
    this.instanceMatrix.setUsage(DynamicDrawUsage)
    this.count = 0
    this.frustumCulled = false
    this.setColorAt(0, new Color(0xffffff))
  }

  begin(): void {
    this.used = 0
  }

  /**
   * A marker whose tip is at `tip`, pointing along `angle` (radians around y: 0 points to +z, the
   * camera side; π to −z). `scale` grows it.
   */
  put(tip: Vector3, angle: number, color: Color, scale = 1): void {
    if (this.used >= this.instanceMatrix.count || scale <= 0) return
    // The prism's corner sits at radius r from its centre: back the centre off by r along the direction.
    const r = (this.size * scale) / 1.5
    e.set(0, angle, 0)
    q.setFromEuler(e)
    s.set(r, this.thickness, r)
    m.compose(new Vector3(tip.x - Math.sin(angle) * r, tip.y, tip.z - Math.cos(angle) * r), q, s)
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
