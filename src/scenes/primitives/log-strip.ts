/**
 * Log strips: rows of blocks, one row per node, one block per entry, coloured by term; committed
 * entries are solid, uncommitted ones faint. One InstancedMesh for all rows.
 */
import { BoxGeometry, Color, InstancedMesh, Matrix4, MeshStandardMaterial, Vector3, Quaternion, DynamicDrawUsage } from 'three'
import type { Disposer } from './disposer.ts'

/** Term colours: a fixed ramp, so term 3 looks the same on every slide. */
const TERM_COLOURS = ['#38bdf8', '#a78bfa', '#f472b6', '#34d399', '#facc15', '#fb923c', '#60a5fa', '#e879f9']

export function termColor(term: number, out = new Color()): Color {
  return out.set(TERM_COLOURS[(Math.max(1, term) - 1) % TERM_COLOURS.length]!)
}

const m = new Matrix4()
const q = new Quaternion()
const s = new Vector3()
const p = new Vector3()
const c = new Color()

export interface StripLayout {
  /** Where row r's first block sits. */
  origin(row: number, out: Vector3): Vector3
  /** Distance between blocks along a row. */
  pitch: number
  block: number
}

export class LogStrips extends InstancedMesh<BoxGeometry, MeshStandardMaterial> {
  private used = 0

  constructor(disposer: Disposer, capacity: number, readonly layout: StripLayout) {
    super(disposer.track(new BoxGeometry(layout.block, layout.block * 0.5, layout.block)), disposer.track(new MeshStandardMaterial({ roughness: 0.5 })), capacity)
    this.instanceMatrix.setUsage(DynamicDrawUsage)
    this.count = 0
    this.setColorAt(0, new Color())
  }

  begin(): void {
    this.used = 0
  }

  /** Add entry `index` (1-based) of `row`. `appear` ∈ [0, 1] grows it in; `bg` is what faint fades toward. */
  entry(row: number, index: number, term: number, committed: boolean, bg: Color, appear = 1): void {
    if (this.used >= this.instanceMatrix.count || appear <= 0) return
    this.layout.origin(row, p)
    p.x += (index - 1) * this.layout.pitch
    s.set(1, appear, 1)
    m.compose(p, q, s)
    this.setMatrixAt(this.used, m)
    termColor(term, c)
    if (!committed) c.lerp(bg, 0.62)
    this.setColorAt(this.used, c)
    this.used++
  }

  end(): void {
    this.count = this.used
    this.instanceMatrix.needsUpdate = true
    if (this.instanceColor) this.instanceColor.needsUpdate = true
  }
}
