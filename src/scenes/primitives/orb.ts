/** Node orbs: a lit sphere with an emissive glow in the role colour, and a halo ring. */
import type { Color} from 'three';
import { Mesh, MeshStandardMaterial, SphereGeometry, RingGeometry, MeshBasicMaterial, DoubleSide, Group } from 'three'
import type { Disposer } from './disposer.ts'

export class Orb extends Group {
  readonly body: Mesh<SphereGeometry, MeshStandardMaterial>
  readonly halo: Mesh<RingGeometry, MeshBasicMaterial>

  constructor(disposer: Disposer, radius: number, color: Color) {
    super()
    const geo = disposer.track(new SphereGeometry(radius, 32, 20))
    const mat = disposer.track(new MeshStandardMaterial({ color, emissive: color, emissiveIntensity: 0.35, roughness: 0.35, metalness: 0.1 }))
    this.body = new Mesh(geo, mat)
    const haloGeo = disposer.track(new RingGeometry(radius * 1.25, radius * 1.4, 48))
    const haloMat = disposer.track(new MeshBasicMaterial({ color, transparent: true, opacity: 0.0, side: DoubleSide, depthWrite: false }))
    this.halo = new Mesh(haloGeo, haloMat)
    this.halo.rotation.x = -Math.PI / 2
    this.add(this.body, this.halo)
  }

  /** Colour, glow and whether the node is up (a crashed node is dark and small). */
  style(color: Color, opts: { glow?: number; alive?: boolean; halo?: number } = {}): void {
    const alive = opts.alive ?? true
    const m = this.body.material
    m.color.copy(color)
    m.emissive.copy(color)
    m.emissiveIntensity = alive ? (opts.glow ?? 0.35) : 0.02
    if (!alive) m.color.multiplyScalar(0.25)
    this.body.scale.setScalar(alive ? 1 : 0.8)
    this.halo.material.color.copy(color)
    this.halo.material.opacity = alive ? (opts.halo ?? 0) : 0
  }
}
