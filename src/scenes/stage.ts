/**
 * The stage: the one WebGLRenderer of the window (DESIGN.md §5: Chromium kills the oldest past 16
 * contexts, and the speaker view holds two more copies of the deck). Its canvas and label layer
 * move into whichever scene host is current; other hosts hold nothing live. It renders on demand:
 * one frame per change, a rAF loop only while a transition plays or the camera is moving.
 */
import { WebGLRenderer, Raycaster, Vector2, type Object3D } from 'three'
import { CSS2DRenderer } from 'three/addons/renderers/CSS2DRenderer.js'
import { CameraRig } from './camera-rig.ts'
import { clamp01, easeInOutCubic } from './ease.ts'
import type { SceneView } from './types.ts'

export class NoWebGLError extends Error {
  override name = 'NoWebGLError'
}

export interface StageOptions {
  /** Device pixel ratio to draw at (speaker-view copies use 1). */
  pixelRatio: () => number
  /** reveal.js's current scale: the host's on-screen size is its layout size × this. */
  displayScale: () => number
  /** Transition length in ms (0 jumps straight to the end, as reduced motion does). */
  transitionMs: () => number
  /** Called after every frame drawn, with the host it was drawn into. */
  onFrame?: (host: HTMLElement) => void
}

export interface Snapshot {
  /** Data URL of the canvas (PNG unless asked for JPEG). */
  image: string
  /** The label layer's markup, positioned for the same size. */
  labels: string
  width: number
  height: number
}

export class Stage {
  readonly renderer: WebGLRenderer
  private readonly labels = new CSS2DRenderer()
  private readonly rig: CameraRig
  private host: HTMLElement | null = null
  private view: SceneView | null = null
  private transition: { from: string | null; to: string; start: number; duration: number } | null = null
  private shown: { from: string | null; to: string; t: number } | null = null
  private raf = 0
  /** What-if mode: called every frame with the real ms elapsed; returns whether to keep going. */
  private liveTick: ((dtMs: number) => boolean) | null = null
  private lastFrame = 0
  private lost = false
  private readonly resizeObserver: ResizeObserver
  private readonly listeners: [EventTarget, string, EventListener][] = []

  constructor(private readonly options: StageOptions) {
    let renderer: WebGLRenderer
    try {
      renderer = new WebGLRenderer({ antialias: true, alpha: false, powerPreference: 'high-performance' })
    } catch (e) {
      throw new NoWebGLError(`WebGL is not available: ${(e as Error).message}`)
    }
    this.renderer = renderer
    renderer.domElement.className = 'scene-canvas'
    renderer.domElement.setAttribute('aria-hidden', 'true')
    this.labels.domElement.className = 'scene-labels'
    this.rig = new CameraRig(renderer.domElement, () => this.kick())
    this.resizeObserver = new ResizeObserver(() => this.resize())
    this.listen(renderer.domElement, 'webglcontextlost', (e) => {
      // Keep the context restorable; draw again once it is back.
      e.preventDefault()
      this.lost = true
      cancelAnimationFrame(this.raf)
      this.raf = 0
    })
    this.listen(renderer.domElement, 'webglcontextrestored', () => {
      this.lost = false
      this.draw()
      // A transition or camera ease cut off by the loss runs on to its end (its clock kept going).
      this.kick()
    })
  }

  get canvas(): HTMLCanvasElement {
    return this.renderer.domElement
  }

  get contextLost(): boolean {
    return this.lost
  }

  get currentHost(): HTMLElement | null {
    return this.host
  }

  /** Move the canvas into `host` and show `view` there. */
  mount(host: HTMLElement, view: SceneView): void {
    if (this.host !== host) {
      this.removeStaleCopies()
      if (this.host) this.resizeObserver.unobserve(this.host)
      const surface = host.querySelector<HTMLElement>('.scene-surface') ?? host
      surface.append(this.canvas, this.labels.domElement)
      this.host = host
      this.resizeObserver.observe(host)
    }
    if (this.view !== view) {
      this.view = view
      this.shown = null
      this.rig.attach(view.camera, view.home)
      this.schedulePrecompile(view)
    }
    this.resize()
  }

  /**
   * Once the browser is idle after a view is mounted, compile the shader programs of everything
   * in it, including the objects its current step hides: otherwise the key press that first shows
   * one pays for compiling it (tens to hundreds of ms on a software GPU).
   */
  private schedulePrecompile(view: SceneView): void {
    const run = (): void => {
      if (this.view !== view || this.lost) return
      const hidden: Object3D[] = []
      view.scene.traverse((o) => {
        if (!o.visible) {
          hidden.push(o)
          o.visible = true
        }
      })
      try {
        this.renderer.compile(view.scene, view.camera)
      } finally {
        for (const o of hidden) o.visible = false
      }
    }
    this.cancelPrecompile()
    if (typeof requestIdleCallback === 'function') {
      const id = requestIdleCallback(run, { timeout: 2000 })
      this.cancelPrecompile = () => cancelIdleCallback(id)
    } else {
      const id = setTimeout(run, 200)
      this.cancelPrecompile = () => clearTimeout(id)
    }
  }

  /** Drop a pending precompile (it would keep an unmounted view alive until it ran). */
  private cancelPrecompile: () => void = () => {}

  /** Whether the pointer may orbit the camera (see CameraRig.setEnabled). */
  setInteractive(on: boolean): void {
    this.rig.setEnabled(on)
  }

  /**
   * Remove dead copies of the canvas and label layer. reveal.js's scroll view restores the slides
   * from an innerHTML snapshot when it switches off, which clones the canvas that was in a host
   * then: a blank canvas that is not ours, and a second <canvas> in the window.
   */
  removeStaleCopies(): void {
    for (const el of document.querySelectorAll('.scene-canvas, .scene-labels')) {
      if (el !== this.canvas && el !== this.labels.domElement) el.remove()
    }
  }

  /** Detach from the current host (the canvas leaves the DOM; nothing live stays behind). */
  unmount(): void {
    this.cancelPrecompile()
    if (this.host) this.resizeObserver.unobserve(this.host)
    this.canvas.remove()
    this.labels.domElement.remove()
    this.host = null
    this.view = null
    this.transition = null
    this.shown = null
    this.liveTick = null
    this.rig.detach()
  }

  /**
   * What-if mode: every frame, `tick(dt)` advances the live simulation and draws its snapshot into
   * the view (view.showSnapshot); the stage renders. Stops when tick returns false or on show().
   */
  live(tick: ((dtMs: number) => boolean) | null): void {
    this.liveTick = tick
    this.transition = null
    this.lastFrame = performance.now()
    if (tick) {
      tick(0)
      this.render()
      this.kick()
    }
  }

  get isLive(): boolean {
    return this.liveTick !== null
  }

  /** Show the step `to`, animating from `from` unless told to jump. */
  show(from: string | null, to: string, animate: boolean): void {
    if (!this.view) return
    this.liveTick = null
    const duration = animate && from !== null && from !== to ? this.options.transitionMs() : 0
    this.rig.home(duration > 0)
    if (duration <= 0) {
      this.transition = null
      this.shown = { from: null, to, t: 1 }
      this.draw()
      return
    }
    this.transition = { from, to, start: performance.now(), duration }
    this.shown = { from, to, t: 0 }
    this.draw()
    this.kick()
  }

  /** Show one frame of the transition from → to at t, without animating (the study scrubber). */
  showAt(from: string | null, to: string, t: number): void {
    if (!this.view) return
    this.liveTick = null
    this.transition = null
    this.shown = { from, to, t }
    this.draw()
  }

  /** Ease the camera back to the view's default pose. */
  resetCamera(): void {
    this.rig.home(true)
  }

  /** Whether an animation (transition or camera easing) is still running. */
  get busy(): boolean {
    return this.transition !== null || this.rig.moving || this.liveTick !== null
  }

  /** The objects of the current view under a client-space point. */
  pick(clientX: number, clientY: number): Object3D | null {
    if (!this.view) return null
    const rect = this.canvas.getBoundingClientRect()
    if (rect.width === 0 || rect.height === 0) return null
    const ndc = new Vector2(((clientX - rect.left) / rect.width) * 2 - 1, -((clientY - rect.top) / rect.height) * 2 + 1)
    const ray = new Raycaster()
    ray.setFromCamera(ndc, this.view.camera)
    const hit = ray.intersectObjects(this.view.pickables(), true)[0]
    let obj: Object3D | null = hit?.object ?? null
    while (obj && !obj.userData.pick) obj = obj.parent
    return obj
  }

  /** Draw the current state now (also after a resize or a context restore). */
  draw(): void {
    const s = this.shown
    if (!this.view || !s || this.lost) return
    if (!this.liveTick) this.view.show(s.from, s.to, s.t)
    this.render()
  }

  /** Render the view as it is. */
  private render(): void {
    const view = this.view
    const host = this.host
    if (!view || !host || this.lost) return
    this.renderer.render(view.scene, view.camera)
    this.labels.render(view.scene, view.camera)
    this.options.onFrame?.(host)
  }

  /**
   * Render `view` at `to` into an image of the given layout size (for print pages and the
   * overview), in the same task as the render so the drawing buffer is still there.
   */
  snapshot(view: SceneView, to: string, width: number, height: number, pixelRatio: number, format: { type: 'image/png' | 'image/jpeg'; quality?: number } = { type: 'image/png' }): Snapshot {
    const prev = { ratio: this.renderer.getPixelRatio(), size: this.renderer.getSize(new Vector2()) }
    view.camera.position.copy(view.home.position)
    view.camera.lookAt(view.home.target)
    view.camera.aspect = width / height
    view.camera.updateProjectionMatrix()
    view.show(null, to, 1)
    this.renderer.setPixelRatio(pixelRatio)
    this.renderer.setSize(width, height, false)
    this.renderer.render(view.scene, view.camera)
    const image = this.canvas.toDataURL(format.type, format.quality)
    const labelLayer = new CSS2DRenderer()
    labelLayer.setSize(width, height)
    labelLayer.render(view.scene, view.camera)
    const labels = labelLayer.domElement.innerHTML
    // CSS2DRenderer moved the label elements into its own layer: hand them back.
    if (this.view === view) this.labels.render(view.scene, view.camera)
    this.renderer.setPixelRatio(prev.ratio)
    this.renderer.setSize(prev.size.x, prev.size.y, false)
    if (this.view === view) this.resize()
    return { image, labels, width, height }
  }

  resize(): void {
    const host = this.host
    const view = this.view
    if (!host || !view) return
    const surface = host.querySelector<HTMLElement>('.scene-surface') ?? host
    const w = Math.max(1, surface.clientWidth)
    const h = Math.max(1, surface.clientHeight)
    // Sharp on projectors: the drawing buffer follows the on-screen size (layout × reveal scale × DPR).
    const ratio = Math.min(3, Math.max(0.25, this.options.displayScale() * this.options.pixelRatio()))
    if (this.renderer.getPixelRatio() !== ratio) this.renderer.setPixelRatio(ratio)
    const size = this.renderer.getSize(new Vector2())
    if (size.x !== w || size.y !== h) this.renderer.setSize(w, h, true)
    this.labels.setSize(w, h)
    view.camera.aspect = w / h
    view.camera.updateProjectionMatrix()
    this.draw()
  }

  /** Start the frame loop if something is moving; it stops by itself. */
  private kick(): void {
    if (this.raf || this.lost) return
    this.raf = requestAnimationFrame(this.frame)
  }

  private readonly frame = (now: number): void => {
    this.raf = 0
    const tr = this.transition
    if (tr && this.shown) {
      const t = clamp01((now - tr.start) / tr.duration)
      this.shown = { from: tr.from, to: tr.to, t: t >= 1 ? 1 : easeInOutCubic(t) }
      if (t >= 1) {
        this.transition = null
        this.shown = { from: null, to: tr.to, t: 1 }
      }
    }
    this.rig.update()
    if (this.liveTick) {
      // rAF's timestamp can precede the moment live mode started: never step time backwards.
      const dt = Math.max(0, Math.min(100, now - this.lastFrame))
      this.lastFrame = now
      if (!this.liveTick(dt)) this.liveTick = null
      this.render()
    } else {
      this.draw()
    }
    if (this.transition || this.rig.moving || this.liveTick) this.kick()
  }

  private listen(target: EventTarget, type: string, fn: EventListener): void {
    target.addEventListener(type, fn)
    this.listeners.push([target, type, fn])
  }

  dispose(): void {
    cancelAnimationFrame(this.raf)
    this.unmount()
    this.resizeObserver.disconnect()
    for (const [t, type, fn] of this.listeners) t.removeEventListener(type, fn)
    this.listeners.length = 0
    this.rig.dispose()
    this.renderer.dispose()
  }
}
