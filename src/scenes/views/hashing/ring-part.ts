/**
 * The hash ring: a thick band whose stretches take the owning server's colour, a fin per token
 * (virtual node) in that colour, the sample keys as dots on an inner track coloured by owner (a
 * ring under the ones that moved, red under the ones whose server left), and the key being looked
 * up as a white dot that walks clockwise to its owner, leaving a dotted trail.
 */
import {
  BoxGeometry, Color, DynamicDrawUsage, Group, InstancedMesh, Matrix4, Mesh, MeshBasicMaterial, MeshStandardMaterial,
  Quaternion, RingGeometry, SphereGeometry, Vector3, ConeGeometry,
} from 'three'
import type { Object3D } from 'three'
import type { HashingSnapshot } from '../../../sim/hashing/model.ts'
import { ArcBand, ringPoint } from '../../primitives/arc-band.ts'
import type { Disposer } from '../../primitives/disposer.ts'
import { Label } from '../../primitives/labels.ts'
import type { Palette } from '../../palette.ts'
import { clamp01, lerp } from '../../ease.ts'
import { ringFrame } from './ring-frame.ts'
import type { Phases } from './timeline.ts'
import { serverColor, serverCss } from './colours.ts'

const TWO_PI = Math.PI * 2
export const RING_RADIUS = 2
const BAND_WIDTH = 0.34
const BAND_HEIGHT = 0.12
const FIN_HEIGHT = 0.34
const KEY_TRACK = RING_RADIUS - BAND_WIDTH / 2 - 0.24
const KEY_RADIUS = 0.075
const PROBE_RADIUS = 0.13
/** Tokens one server may show at once (64 new fins growing while the old ones shrink). */
const FIN_CAPACITY = 160
const KEY_CAPACITY = 64
const TRAIL_CAPACITY = 120

const m = new Matrix4()
const q = new Quaternion()
const up = new Vector3(0, 1, 0)
const p = new Vector3()
const s = new Vector3()
const c = new Color()
const c2 = new Color()

interface Fins {
  mesh: InstancedMesh<BoxGeometry, MeshStandardMaterial>
  used: number
}

export class RingPart extends Group {
  private readonly band: ArcBand
  private readonly finGeometry: BoxGeometry
  private readonly fins = new Map<string, Fins>()
  private readonly keys: InstancedMesh<SphereGeometry, MeshStandardMaterial>
  private readonly marks: InstancedMesh<RingGeometry, MeshBasicMaterial>
  private readonly probe: Mesh<SphereGeometry, MeshStandardMaterial>
  private readonly probeHalo: Mesh<RingGeometry, MeshBasicMaterial>
  private readonly trail: InstancedMesh<SphereGeometry, MeshBasicMaterial>
  private readonly arrow: Mesh<ConeGeometry, MeshBasicMaterial>
  readonly probeLabel = new Label('', 'strong')
  readonly zeroLabel = new Label('0 = 2³²', 'small')

  constructor(
    private readonly d: Disposer,
    private palette: Palette,
  ) {
    super()
    this.band = new ArcBand(d, RING_RADIUS, BAND_WIDTH, BAND_HEIGHT)
    this.finGeometry = d.track(new BoxGeometry(1, 1, 1))
    this.keys = new InstancedMesh(d.track(new SphereGeometry(KEY_RADIUS, 14, 10)), d.track(new MeshStandardMaterial({ roughness: 0.4 })), KEY_CAPACITY)
    this.keys.instanceMatrix.setUsage(DynamicDrawUsage)
    this.keys.setColorAt(0, c.set(0xffffff))
    this.keys.frustumCulled = false
    const markGeometry = d.track(new RingGeometry(KEY_RADIUS * 1.45, KEY_RADIUS * 2.05, 24))
    markGeometry.rotateX(-Math.PI / 2)
    this.marks = new InstancedMesh(markGeometry, d.track(new MeshBasicMaterial()), KEY_CAPACITY)
    this.marks.instanceMatrix.setUsage(DynamicDrawUsage)
    this.marks.setColorAt(0, c.set(0xffffff))
    this.marks.frustumCulled = false
    this.probe = new Mesh(d.track(new SphereGeometry(PROBE_RADIUS, 24, 16)), d.track(new MeshStandardMaterial({ roughness: 0.3, emissiveIntensity: 0.5 })))
    const haloGeometry = d.track(new RingGeometry(PROBE_RADIUS * 1.5, PROBE_RADIUS * 2.1, 32))
    haloGeometry.rotateX(-Math.PI / 2)
    this.probeHalo = new Mesh(haloGeometry, d.track(new MeshBasicMaterial()))
    this.trail = new InstancedMesh(d.track(new SphereGeometry(0.035, 8, 6)), d.track(new MeshBasicMaterial()), TRAIL_CAPACITY)
    this.trail.instanceMatrix.setUsage(DynamicDrawUsage)
    // Instance colours (all the text colour) so the trail shares its shader with the key marks:
    // each distinct shader costs a compile that SwiftShader takes up to a second over.
    this.trail.setColorAt(0, c.set(0xffffff))
    this.trail.frustumCulled = false
    // An arrowhead at 12 o'clock: the direction every key walks.
    this.arrow = new Mesh(d.track(new ConeGeometry(0.09, 0.26, 12)), d.track(new MeshBasicMaterial()))
    this.arrow.position.copy(ringPoint(0, RING_RADIUS + BAND_WIDTH / 2 + 0.2, BAND_HEIGHT))
    this.arrow.rotation.z = -Math.PI / 2
    this.zeroLabel.position.copy(ringPoint(0, RING_RADIUS + BAND_WIDTH / 2 + 0.52, BAND_HEIGHT))
    this.add(this.band, this.keys, this.marks, this.probe, this.probeHalo, this.trail, this.arrow, this.probeLabel, this.zeroLabel)
    this.setPalette(palette)
  }

  setPalette(palette: Palette): void {
    this.palette = palette
    this.probe.material.color.copy(palette.text)
    this.probe.material.emissive.copy(palette.text)
    this.arrow.material.color.copy(palette.muted)
  }

  /** Draw the ring between `prev` and `target` at phases `ph` (prev === target: a checkpoint). */
  draw(prev: HashingSnapshot, target: HashingSnapshot, ph: Phases): void {
    const pal = this.palette
    const frame = ringFrame(prev, target, ph)
    // Unowned ring (no server yet) in a colour between the grid and the muted text.
    const empty = new Color().copy(pal.grid).lerp(pal.muted, 0.35)
    this.band.paint(frame.pieces.map((pc) => ({ start: pc.start, end: pc.end, color: pc.server ? serverColor(pc.server, pal, new Color()) : empty })))

    // Token fins: tall flags when a server has a few tokens, low thin ticks when hundreds share
    // the ring (tall ones would hide the arcs they mark).
    for (const fins of this.fins.values()) fins.used = 0
    const count = Math.max(1, target.tokens.length, prev.tokens.length)
    const spacing = (TWO_PI * RING_RADIUS) / count
    const thick = Math.min(0.07, Math.max(0.014, spacing * 0.3))
    const dense = count > 40
    const tall = dense ? 0.03 : Math.min(FIN_HEIGHT, Math.max(0.06, spacing * 1.2))
    const long = BAND_WIDTH + (dense ? 0.02 : 0.16)
    for (const mark of frame.marks) {
      const fins = this.finsFor(mark.server)
      if (fins.used >= FIN_CAPACITY) continue
      const h = (BAND_HEIGHT + tall) * mark.scale
      ringPoint(mark.angle, RING_RADIUS, h / 2, p)
      q.setFromAxisAngle(up, Math.PI - mark.angle)
      m.compose(p, q, s.set(thick * Math.min(1, mark.scale * 1.5), h, long))
      fins.mesh.setMatrixAt(fins.used, m)
      fins.mesh.setColorAt(fins.used++, this.finColour(mark.server, dense, c))
    }
    for (const fins of this.fins.values()) {
      fins.mesh.count = fins.used
      if (fins.mesh.instanceColor) fins.mesh.instanceColor.needsUpdate = true
      fins.mesh.visible = fins.used > 0
      fins.mesh.instanceMatrix.needsUpdate = true
      // Picking and culling use the instances' bounds: recompute after moving them.
      fins.mesh.computeBoundingSphere()
    }

    this.drawKeys(prev, target, ph)
    this.drawProbe(prev, target, ph)
  }

  /** The fin meshes of current servers (clicking one removes that server). */
  pickables(): Object3D[] {
    return [...this.fins.values()].filter((f) => f.used > 0).map((f) => f.mesh)
  }

  /**
   * Sparse: flags a shade lighter than their arcs, to point at. Dense: dark notches, so hundreds
   * of them do not drown the arcs' colours. (Towards the text colour: lighter on the dark theme,
   * darker on the light one.)
   */
  private finColour(server: string, dense: boolean, out: Color): Color {
    return serverColor(server, this.palette, out).lerp(dense ? this.palette.background : this.palette.text, dense ? 0.45 : 0.28)
  }

  private finsFor(server: string): Fins {
    let fins = this.fins.get(server)
    if (!fins) {
      // Colour per instance, like the keys, so fins and keys share one shader.
      const mesh = new InstancedMesh(this.finGeometry, this.d.track(new MeshStandardMaterial({ roughness: 0.45 })), FIN_CAPACITY)
      mesh.setColorAt(0, c.set(0xffffff))
      mesh.instanceMatrix.setUsage(DynamicDrawUsage)
      mesh.userData.pick = { node: server }
      mesh.name = server
      this.add(mesh)
      fins = { mesh, used: 0 }
      this.fins.set(server, fins)
    }
    return fins
  }

  private drawKeys(prev: HashingSnapshot, target: HashingSnapshot, ph: Phases): void {
    const pal = this.palette
    const before = new Map(prev.keys.map((k) => [k.key, k.owner]))
    const alive = new Set(target.servers.map((x) => x.name))
    let used = 0
    let marked = 0
    for (const key of target.keys) {
      if (used >= KEY_CAPACITY) break
      const k = ph.key(key.key)
      const from = before.get(key.key)
      const appear = from === undefined ? k : 1
      if (appear <= 0) continue
      const moving = from !== undefined && from !== key.owner
      // A moved key hops off the track and lands raised, so the moved ones stand out.
      const lift = moving ? Math.sin(Math.PI * k) * 0.45 + k * 0.12 : key.movedFrom ? 0.12 : 0
      ringPoint(key.angle, KEY_TRACK, BAND_HEIGHT / 2 + KEY_RADIUS + lift, p)
      const size = appear * (key.movedFrom ? lerp(1, 1.35, moving ? k : 1) : 1)
      m.compose(p, q.identity(), s.setScalar(size))
      this.keys.setMatrixAt(used, m)
      serverColor(key.owner, pal, c)
      if (moving) c.lerpColors(serverColor(from, pal, c2), serverColor(key.owner, pal, new Color()), clamp01(k))
      this.keys.setColorAt(used, c)
      used++
      // Under a moved key a ring in the text colour; under an orphan (its server left) a red one.
      const orphan = !alive.has(key.owner)
      if ((key.movedFrom && (!moving || k > 0.5)) || orphan) {
        const grow = orphan ? (prev.servers.some((x) => x.name === key.owner) && prev !== target ? ph.leave(key.owner) : 1) : 1
        p.y = BAND_HEIGHT / 2 + 0.005 + (orphan ? 0 : 0.12)
        m.compose(p, q.identity(), s.setScalar(grow * size))
        this.marks.setMatrixAt(marked, m)
        this.marks.setColorAt(marked, orphan ? pal.fault : pal.text)
        marked++
      }
    }
    this.keys.count = used
    this.keys.instanceMatrix.needsUpdate = true
    if (this.keys.instanceColor) this.keys.instanceColor.needsUpdate = true
    this.marks.count = marked
    this.marks.instanceMatrix.needsUpdate = true
    if (this.marks.instanceColor) this.marks.instanceColor.needsUpdate = true
  }

  private drawProbe(prev: HashingSnapshot, target: HashingSnapshot, ph: Phases): void {
    const probe = target.probe
    this.trail.count = 0
    this.probeHalo.visible = false
    this.probeLabel.visible = false
    if (!probe) {
      this.probe.visible = false
      return
    }
    const k = ph.key(probe.key)
    const top = BAND_HEIGHT + PROBE_RADIUS
    this.probe.visible = true
    this.probeLabel.visible = true
    const label = (angle: number): void => {
      // Just inside the ring beside the dot, reaching towards the centre (which this slide
      // leaves empty), so it never runs off the scene's edge.
      this.probeLabel.position.copy(ringPoint(angle, RING_RADIUS - BAND_WIDTH / 2 - 0.2, top))
      this.probeLabel.center.set(Math.sin(angle) < 0 ? 0 : 1, 0.5)
    }
    if (probe.owner === null || probe.tokenAngle === null) {
      // The key drops onto the ring at its hash.
      const appear = prev.probe ? 1 : k
      this.probe.position.copy(ringPoint(probe.angle, RING_RADIUS, top + (1 - appear) * 1.6))
      this.probe.scale.setScalar(Math.max(0.01, appear))
      this.probeLabel.set(`${probe.key} · ${Math.round((probe.angle * 180) / Math.PI)}°`).tint('')
      label(probe.angle)
      return
    }
    // Walk clockwise from the key's hash to its owner's token.
    const walk = (((probe.tokenAngle - probe.angle) % TWO_PI) + TWO_PI) % TWO_PI
    const again = !prev.probe || prev.probe.owner !== probe.owner || prev.probe.tokenAngle !== probe.tokenAngle
    const f = again ? k : 1
    const at = probe.angle + walk * f
    this.probe.position.copy(ringPoint(at, RING_RADIUS, top))
    this.probe.scale.setScalar(1)
    const steps = Math.min(TRAIL_CAPACITY, Math.floor((walk * f) / 0.035))
    for (let i = 0; i < steps; i++) {
      ringPoint(probe.angle + i * 0.035, RING_RADIUS, BAND_HEIGHT + 0.04, p)
      m.compose(p, q.identity(), s.setScalar(1))
      this.trail.setMatrixAt(i, m)
      this.trail.setColorAt(i, this.palette.text)
    }
    this.trail.count = steps
    this.trail.instanceMatrix.needsUpdate = true
    if (this.trail.instanceColor) this.trail.instanceColor.needsUpdate = true
    const arrived = f >= 1
    this.probeHalo.visible = arrived
    if (arrived) {
      this.probeHalo.position.copy(ringPoint(probe.tokenAngle, RING_RADIUS, BAND_HEIGHT + 0.02))
      this.probeHalo.material.color.copy(serverColor(probe.owner, this.palette, c))
    }
    this.probeLabel.set(arrived ? `${probe.key} → ${probe.owner}` : `${probe.key} walks clockwise…`).tint(arrived ? serverCss(probe.owner, this.palette) : '')
    label(at)
  }

  /** Also removes the label elements and the instanced buffers, which the Disposer does not track. */
  override dispose(): void {
    super.dispose()
    this.probeLabel.element.remove()
    this.zeroLabel.element.remove()
    for (const f of this.fins.values()) f.mesh.dispose()
    this.keys.dispose()
    this.marks.dispose()
    this.trail.dispose()
  }
}
