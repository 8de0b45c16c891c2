/** A partition fault line: a red translucent wall with a bright edge, between two groups. */
import type { Color} from 'three';
import { Group, Mesh, MeshBasicMaterial, PlaneGeometry, DoubleSide, BoxGeometry } from 'three'
import type { Disposer } from './disposer.ts'

export class FaultLine extends Group {
  private readonly wall: Mesh<PlaneGeometry, MeshBasicMaterial>
  private readonly edge: Mesh<BoxGeometry, MeshBasicMaterial>

  constructor(disposer: Disposer, length: number, height: number, color: Color) {
    super()
    this.wall = new Mesh(
      disposer.track(new PlaneGeometry(length, height)),
      disposer.track(new MeshBasicMaterial({ color, transparent: true, opacity: 0.18, side: DoubleSide, depthWrite: false })),
    )
    this.wall.position.y = height / 2
    this.edge = new Mesh(disposer.track(new BoxGeometry(length, 0.04, 0.04)), disposer.track(new MeshBasicMaterial({ color })))
    this.edge.position.y = 0.01
    this.add(this.wall, this.edge)
  }

  setColor(color: Color): void {
    this.wall.material.color.copy(color)
    this.edge.material.color.copy(color)
  }
}
