/**
 * Boxes: any number of axis-aligned, lit boxes in one InstancedMesh (one draw call), each with its
 * own centre, size and colour. For bar charts, waterfalls, stacks of chips: rebuild every frame
 * with begin() / box() / end(), like Particles.
 */
import { BoxGeometry, Color, DynamicDrawUsage, InstancedMesh, Matrix4, MeshStandardMaterial, Quaternion, Vector3 } from 'three'
import type { Disposer } from './disposer.ts'

const m = new Matrix4()
const q = new Quaternion()
const s = new Vector3()
const p = new Vector3()

export class Boxes extends InstancedMesh<BoxGeometry, MeshStandardMaterial> {
  private used = 0

  constructor(disposer: Disposer, capacity: number) {
    super(disposer.track(new BoxGeometry(1, 1, 1)), disposer.track(new MeshStandardMaterial({ roughness: 0.55, metalness: 0.05 })), capacity)
    this.instanceMatrix.setUsage(DynamicDrawUsage)
    this.count = 0
    // Instances move every frame; their union's bounds would have to be recomputed each time.
    this.frustumCulled = false
    this.setColorAt(0, new Color())
  }

  begin(): void {
    this.used = 0
  }

  /** A box centred at (x, y, z) of size (w, h, d); zero or negative sizes are skipped. */
  box(x: number, y: number, z: number, w: number, h: number, d: number, color: Color): void {
    if (this.used >= this.instanceMatrix.count || w <= 0 || h <= 0 || d <= 0) return
    m.compose(p.set(x, y, z), q, s.set(w, h, d))
    this.setMatrixAt(this.used, m)
    this.setColorAt(this.used, color)
    this.used++
  }

  /** A box standing on the floor y = `base`: x from `x0` to `x1`, `height` tall, centred on z. */
  bar(x0: number, x1: number, z: number, height: number, depth: number, color: Color, base = 0): void {
    this.box((x0 + x1) / 2, base + height / 2, z, x1 - x0, height, depth, color)
  }

  end(): void {
    this.count = this.used
    this.instanceMatrix.needsUpdate = true
    if (this.instanceColor) this.instanceColor.needsUpdate = true
  }
}
