/**
 * Message particles: one InstancedMesh for every message in flight (one draw call however many).
 */
import { Color, DynamicDrawUsage, InstancedMesh, Matrix4, MeshBasicMaterial, SphereGeometry, Vector3, Quaternion } from 'three'
import type { Disposer } from './disposer.ts'

const tmpM = new Matrix4()
const tmpQ = new Quaternion()
const tmpS = new Vector3()

export class Particles extends InstancedMesh<SphereGeometry, MeshBasicMaterial> {
  private used = 0

  /** `segments` (width, height) trades roundness for triangles when there are many particles. */
  constructor(disposer: Disposer, capacity: number, radius = 0.12, segments: readonly [number, number] = [14, 10]) {
    super(disposer.track(new SphereGeometry(radius, segments[0], segments[1])), disposer.track(new MeshBasicMaterial({ color: 0xffffff })), capacity)
    this.instanceMatrix.setUsage(DynamicDrawUsage)
    this.count = 0
    this.frustumCulled = false
    // Instance colours need the attribute to exist before the first render.
    this.setColorAt(0, new Color(0xffffff))
  }

  /** Start a frame: forget the previous positions. */
  begin(): void {
    this.used = 0
  }

  put(position: Vector3, color: Color, scale = 1): void {
    if (this.used >= this.instanceMatrix.count) return
    tmpS.setScalar(scale)
    tmpM.compose(position, tmpQ, tmpS)
    this.setMatrixAt(this.used, tmpM)
    this.setColorAt(this.used, color)
    this.used++
  }

  /** End a frame: upload what was added. */
  end(): void {
    this.count = this.used
    this.instanceMatrix.needsUpdate = true
    if (this.instanceColor) this.instanceColor.needsUpdate = true
  }
}

/** A point on a gentle arc from a to b at fraction f (messages lift off the floor as they travel). */
export function arcPoint(a: Vector3, b: Vector3, f: number, lift: number, out = new Vector3()): Vector3 {
  out.lerpVectors(a, b, f)
  out.y += Math.sin(Math.PI * f) * lift
  return out
}
