/**
 * A hexagonal prism node: a lit six-sided column with an emissive glow and a flat halo ring on
 * the floor, styled like Orb. For a node that is a different kind of thing from the orbs around
 * it (a load balancer, a gateway, a router): its silhouette tells it apart from any angle, and in
 * print, not only its colour.
 */
import { CylinderGeometry, DoubleSide, Group, Mesh, MeshBasicMaterial, MeshStandardMaterial, RingGeometry } from 'three'
import type { Color } from 'three'
import type { Disposer } from './disposer.ts'

export class HexPrism extends Group {
  readonly body: Mesh<CylinderGeometry, MeshStandardMaterial>
  readonly halo: Mesh<RingGeometry, MeshBasicMaterial>

  /** `radius` to the corners, `height` tall, standing on y = 0 of its group. */
  constructor(disposer: Disposer, radius: number, height: number, color: Color) {
    super()
    // flatShading: six crisp faces read as a prism; smooth normals would make it look like a can.
    const mat = disposer.track(new MeshStandardMaterial({ color, emissive: color, emissiveIntensity: 0.35, roughness: 0.4, metalness: 0.1, flatShading: true }))
    this.body = new Mesh(disposer.track(new CylinderGeometry(radius, radius, height, 6, 1)), mat)
    this.body.position.y = height / 2
    // A corner towards the camera (+z) would split the front face in two: turn a flat face to it.
    this.body.rotation.y = Math.PI / 6
    const haloMat = disposer.track(new MeshBasicMaterial({ color, transparent: true, opacity: 0, side: DoubleSide, depthWrite: false }))
    this.halo = new Mesh(disposer.track(new RingGeometry(radius * 1.2, radius * 1.34, 6, 1)), haloMat)
    this.halo.rotation.x = -Math.PI / 2
    this.halo.position.y = 0.015
    this.add(this.body, this.halo)
  }

  /** Colour, glow and the halo's opacity (0 hides it). */
  style(color: Color, opts: { glow?: number; halo?: number } = {}): void {
    const m = this.body.material
    m.color.copy(color)
    m.emissive.copy(color)
    m.emissiveIntensity = opts.glow ?? 0.35
    this.halo.material.color.copy(color)
    this.halo.material.opacity = opts.halo ?? 0
    this.halo.visible = (opts.halo ?? 0) > 0
  }
}
