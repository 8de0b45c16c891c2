/**
 * A thick ring (a band with a flat top and two walls) lying in the XZ plane, painted piece by piece:
 * `paint()` takes coloured angular pieces and rebuilds one buffer (one draw call however many
 * pieces). Angles run clockwise seen from above, 0 at the far side of the ring (12 o'clock from the
 * default camera), so a hash ring drawn with it reads like a clock face. Pieces get their own
 * vertices, so colours change sharply at piece edges instead of blending across them.
 */
import { BufferAttribute, BufferGeometry, Mesh, MeshStandardMaterial, Sphere, Vector3, DynamicDrawUsage } from 'three'
import type { Color } from 'three'
import type { Disposer } from './disposer.ts'

const TWO_PI = Math.PI * 2
/** Curved pieces are split so no straight segment spans more than this (radians). */
const MAX_SEGMENT = (2 * Math.PI) / 180
/** Three quads (top, outer wall, inner wall) of two triangles each. */
const VERTS_PER_SEGMENT = 18

export interface BandPiece {
  /** Clockwise from `start` to `end`; `end < start` wraps past 0. */
  start: number
  end: number
  color: Color
}

/** A point on a circle in the XZ plane at `angle` (clockwise from the far side seen from above). */
export function ringPoint(angle: number, radius: number, y: number, out = new Vector3()): Vector3 {
  return out.set(radius * Math.sin(angle), y, -radius * Math.cos(angle))
}

export class ArcBand extends Mesh<BufferGeometry, MeshStandardMaterial> {
  private readonly positions: BufferAttribute
  private readonly normals: BufferAttribute
  private readonly colours: BufferAttribute
  private readonly capacity: number

  constructor(
    disposer: Disposer,
    readonly radius: number,
    readonly width: number,
    readonly height: number,
    /** How many segments the buffer holds (each piece takes at least one). */
    capacity = 2400,
  ) {
    const geometry = disposer.track(new BufferGeometry())
    super(geometry, disposer.track(new MeshStandardMaterial({ vertexColors: true, roughness: 0.55, metalness: 0.05 })))
    this.capacity = capacity
    const n = capacity * VERTS_PER_SEGMENT
    this.positions = new BufferAttribute(new Float32Array(n * 3), 3).setUsage(DynamicDrawUsage)
    this.normals = new BufferAttribute(new Float32Array(n * 3), 3).setUsage(DynamicDrawUsage)
    this.colours = new BufferAttribute(new Float32Array(n * 3), 3).setUsage(DynamicDrawUsage)
    geometry.setAttribute('position', this.positions)
    geometry.setAttribute('normal', this.normals)
    geometry.setAttribute('color', this.colours)
    // The band never leaves its circle: a fixed bound spares a recomputation per paint.
    geometry.boundingSphere = new Sphere(new Vector3(0, height / 2, 0), radius + width)
    geometry.setDrawRange(0, 0)
  }

  /** Replace the band's colours with `pieces` (angles in radians); uncovered angles are not drawn. */
  paint(pieces: readonly BandPiece[]): void {
    let used = 0
    for (const piece of pieces) {
      let length = piece.end - piece.start
      if (length <= 0) length += TWO_PI
      if (length > TWO_PI) length = TWO_PI
      const parts = Math.max(1, Math.ceil(length / MAX_SEGMENT))
      for (let k = 0; k < parts && used < this.capacity; k++) {
        this.segment(used++, piece.start + (length * k) / parts, piece.start + (length * (k + 1)) / parts, piece.color)
      }
    }
    this.geometry.setDrawRange(0, used * VERTS_PER_SEGMENT)
    this.positions.needsUpdate = true
    this.normals.needsUpdate = true
    this.colours.needsUpdate = true
  }

  private segment(i: number, a0: number, a1: number, color: Color): void {
    const rIn = this.radius - this.width / 2
    const rOut = this.radius + this.width / 2
    const h = this.height
    const s0 = Math.sin(a0)
    const c0 = -Math.cos(a0)
    const s1 = Math.sin(a1)
    const c1 = -Math.cos(a1)
    let v = i * VERTS_PER_SEGMENT
    const put = (r: number, y: number, s: number, c: number, nx: number, ny: number, nz: number): void => {
      this.positions.setXYZ(v, r * s, y, r * c)
      this.normals.setXYZ(v, nx, ny, nz)
      this.colours.setXYZ(v, color.r, color.g, color.b)
      v++
    }
    // Each quad as two triangles wound counter-clockwise seen from its outside (the lit side).
    const quad = (p: [number, number, number, number][], n: (s: number, c: number) => [number, number, number]): void => {
      for (const [r, y, s, c] of [p[0]!, p[2]!, p[1]!, p[0]!, p[3]!, p[2]!]) put(r, y, s, c, ...n(s, c))
    }
    quad([[rIn, h, s0, c0], [rOut, h, s0, c0], [rOut, h, s1, c1], [rIn, h, s1, c1]], () => [0, 1, 0])
    quad([[rOut, h, s0, c0], [rOut, 0, s0, c0], [rOut, 0, s1, c1], [rOut, h, s1, c1]], (s, c) => [s, 0, c])
    quad([[rIn, 0, s0, c0], [rIn, h, s0, c0], [rIn, h, s1, c1], [rIn, 0, s1, c1]], (s, c) => [-s, 0, -c])
  }
}
