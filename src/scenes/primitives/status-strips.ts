/**
 * Log strips whose blocks the caller colours: LogStrips colours a block by its Raft term, but a
 * replication log (or a client's view of its writes) is read by status instead (acknowledged,
 * waiting, missing, lost). Same layout, geometry and single InstancedMesh draw call as LogStrips,
 * which it extends without changing.
 */
import { Matrix4, Quaternion, Vector3, type Color } from 'three'
import { LogStrips } from './log-strip.ts'

const m = new Matrix4()
const q = new Quaternion()
const s = new Vector3()
const p = new Vector3()

export class StatusStrips extends LogStrips {
  /**
   * Instances written so far this frame. LogStrips keeps its own counter private; every block
   * goes through entry() below, which skips exactly when LogStrips does (full, or nothing to
   * show), so the two counters stay equal and this one names the instance entry() just wrote.
   */
  private written = 0

  override begin(): void {
    super.begin()
    this.written = 0
  }

  /**
   * Add a block at column `index` (1-based) of `row` in `color`. `height` ∈ (0, 1] flattens it
   * and `width` ∈ (0, 1] shrinks its footprint: a small flat tile reads as "a slot where an
   * entry is missing", even seen from above. A height of 0 adds nothing.
   */
  block(row: number, index: number, color: Color, height = 1, width = 1): void {
    if (this.written >= this.instanceMatrix.count || height <= 0) return
    // Term and commitment are irrelevant here: the colour is overwritten right after.
    this.entry(row, index, 1, true, color, height)
    if (width !== 1) {
      this.layout.origin(row, p)
      p.x += (index - 1) * this.layout.pitch
      m.compose(p, q, s.set(width, height, width))
      this.setMatrixAt(this.written, m)
    }
    this.setColorAt(this.written, color)
    this.written++
  }
}
