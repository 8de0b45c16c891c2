/**
 * The camera: a composed default pose per view; the user may orbit (damped OrbitControls); a step
 * change or R eases back to the default. Print always uses the default pose.
 */
import type { Vector3} from 'three';
import { type PerspectiveCamera } from 'three'
import { OrbitControls } from 'three/addons/controls/OrbitControls.js'
import type { CameraPose } from './types.ts'
import { easeInOutCubic } from './ease.ts'

const EASE_MS = 700

export class CameraRig {
  private controls: OrbitControls | null = null
  private camera: PerspectiveCamera | null = null
  private pose: CameraPose | null = null
  private easing: { fromPos: Vector3; fromTarget: Vector3; start: number } | null = null
  private interacting = false
  private enabled = true

  constructor(
    private readonly element: HTMLElement,
    private readonly onChange: () => void,
  ) {}

  attach(camera: PerspectiveCamera, pose: CameraPose): void {
    this.detach()
    this.camera = camera
    this.pose = pose
    camera.position.copy(pose.position)
    if (pose.fov) camera.fov = pose.fov
    const c = new OrbitControls(camera, this.element)
    c.target.copy(pose.target)
    c.enableDamping = true
    c.dampingFactor = 0.08
    c.enablePan = false
    c.minDistance = pose.position.distanceTo(pose.target) * 0.4
    c.maxDistance = pose.position.distanceTo(pose.target) * 2.5
    c.addEventListener('start', this.onStart)
    c.addEventListener('end', this.onEnd)
    c.addEventListener('change', this.onChange)
    c.update()
    this.controls = c
    this.setEnabled(this.enabled)
  }

  detach(): void {
    const c = this.controls
    if (c) {
      c.removeEventListener('start', this.onStart)
      c.removeEventListener('end', this.onEnd)
      c.removeEventListener('change', this.onChange)
      c.dispose()
    }
    this.controls = null
    this.camera = null
    this.easing = null
  }

  /**
   * Whether the pointer orbits the camera. Off in reveal.js's scroll view, where a wheel or a
   * swipe over a scene must scroll the page (OrbitControls would zoom, and its touch-action: none
   * would pin a phone's page in place).
   */
  setEnabled(on: boolean): void {
    this.enabled = on
    if (!this.controls) return
    this.controls.enabled = on
    this.element.style.touchAction = on ? 'none' : ''
  }

  /** Return to the default pose, eased or at once. */
  home(eased: boolean): void {
    const { camera, pose, controls } = this
    if (!camera || !pose || !controls) return
    const away = camera.position.distanceToSquared(pose.position) > 1e-6 || controls.target.distanceToSquared(pose.target) > 1e-6
    if (!eased || !away) {
      // Snap exactly: the same step must give the same pixels, to the last bit.
      this.snap()
      return
    }
    this.easing = { fromPos: camera.position.clone(), fromTarget: controls.target.clone(), start: performance.now() }
    this.onChange()
  }

  private snap(): void {
    const { camera, pose, controls } = this
    if (!camera || !pose || !controls) return
    camera.position.copy(pose.position)
    controls.target.copy(pose.target)
    camera.lookAt(pose.target)
    this.easing = null
  }

  get moving(): boolean {
    return this.easing !== null || this.interacting
  }

  /** Advance damping or easing by one frame. */
  update(): void {
    const { camera, pose, controls, easing } = this
    if (!camera || !pose || !controls) return
    if (easing) {
      const t = Math.min(1, (performance.now() - easing.start) / EASE_MS)
      const k = easeInOutCubic(t)
      camera.position.lerpVectors(easing.fromPos, pose.position, k)
      controls.target.lerpVectors(easing.fromTarget, pose.target, k)
      camera.lookAt(controls.target)
      if (t >= 1) this.snap()
      return
    }
    // Only while the user orbits (and damping settles): update() re-derives the pose from
    // spherical coordinates, which would drift the resting camera by rounding.
    if (this.interacting) controls.update()
  }

  private readonly onStart = (): void => {
    this.interacting = true
    this.easing = null
    this.onChange()
  }

  private readonly onEnd = (): void => {
    // Let damping settle for a moment after the pointer is released.
    setTimeout(() => {
      this.interacting = false
    }, 400)
  }

  dispose(): void {
    this.detach()
  }
}
