/** Links between nodes: thin cylinders (lines are 1 px wide, invisible from the back of a room). */
import type { Color} from 'three';
import { CylinderGeometry, Mesh, MeshBasicMaterial, Vector3, Quaternion } from 'three'
import type { Disposer } from './disposer.ts'

const UP = new Vector3(0, 1, 0)

export class Link extends Mesh<CylinderGeometry, MeshBasicMaterial> {
  constructor(disposer: Disposer, geometry: CylinderGeometry, color: Color, opacity = 0.5) {
    super(geometry, disposer.track(new MeshBasicMaterial({ color, transparent: true, opacity, depthWrite: false })))
  }

  /** Stretch between two points. */
  between(a: Vector3, b: Vector3): this {
    const dir = new Vector3().subVectors(b, a)
    const len = dir.length()
    this.position.copy(a).addScaledVector(dir, 0.5)
    this.quaternion.copy(new Quaternion().setFromUnitVectors(UP, dir.normalize()))
    this.scale.set(1, len, 1)
    return this
  }

  style(color: Color, opacity: number): void {
    this.material.color.copy(color)
    this.material.opacity = opacity
    this.visible = opacity > 0.001
  }
}

/** The geometry links share: unit length, stretched per link. */
export function linkGeometry(disposer: Disposer, radius = 0.025): CylinderGeometry {
  return disposer.track(new CylinderGeometry(radius, radius, 1, 8, 1, true))
}
