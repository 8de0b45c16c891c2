/**
 * Storage: a stack of slabs (a disk array), a shape no node orb can be mistaken for from any
 * angle: a rectangle from above, layered from the side. A floor pad under it flashes when the
 * storage says no (a fencing rejection).
 */
import { BoxGeometry, DoubleSide, Group, Mesh, MeshBasicMaterial, MeshStandardMaterial, PlaneGeometry } from 'three'
import type { Color } from 'three'
import type { Disposer } from './disposer.ts'

const SLABS = 3

export class StorageStack extends Group {
  private readonly material: MeshStandardMaterial
  private readonly pad: Mesh<PlaneGeometry, MeshBasicMaterial>

  /** `width` × `depth` footprint, `height` tall. */
  constructor(disposer: Disposer, width: number, depth: number, height: number, color: Color) {
    super()
    const gap = height * 0.08
    const h = (height - gap * (SLABS - 1)) / SLABS
    const geo = disposer.track(new BoxGeometry(width, h, depth))
    this.material = disposer.track(new MeshStandardMaterial({ color, emissive: color, emissiveIntensity: 0.2, roughness: 0.45, metalness: 0.2 }))
    for (let i = 0; i < SLABS; i++) {
      const slab = new Mesh(geo, this.material)
      slab.position.y = h / 2 + i * (h + gap)
      this.add(slab)
    }
    this.pad = new Mesh(
      disposer.track(new PlaneGeometry(width * 1.5, depth * 1.9)),
      disposer.track(new MeshBasicMaterial({ color, transparent: true, opacity: 0, side: DoubleSide, depthWrite: false })),
    )
    this.pad.rotation.x = -Math.PI / 2
    this.pad.position.y = 0.015
    this.add(this.pad)
  }

  /** Body colour; `flash` (a colour and 0..1 strength) tints the body and lights the floor pad. */
  style(color: Color, flash: { color: Color; strength: number } | null = null): void {
    const m = this.material
    m.color.copy(color)
    m.emissive.copy(color)
    m.emissiveIntensity = 0.2
    const strength = flash?.strength ?? 0
    if (flash && strength > 0) {
      m.color.lerp(flash.color, 0.75 * strength)
      m.emissive.lerp(flash.color, strength)
      m.emissiveIntensity = 0.2 + 0.6 * strength
      this.pad.material.color.copy(flash.color)
    }
    this.pad.material.opacity = 0.55 * strength
    this.pad.visible = strength > 0
  }
}
