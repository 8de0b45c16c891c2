/**
 * Self-study mode (`?study`, or T to toggle): the slide shares the window with a panel holding
 * the current step's notes and the scene's controls (step back / play-pause / step forward, a
 * scrubber over the scenario's timeline, speed). The place in the deck is remembered in
 * localStorage and offered on return.
 */
import type { RevealApi } from 'reveal.js'
import { currentStep, stepFragments } from './steps.ts'
import type { SceneBinding } from './scene-binding.ts'

const PLACE_KEY = 'deck:place'
const SPEEDS = [0.5, 1, 2] as const
/** How long play holds each step after its transition, at speed 1. */
const HOLD_MS = 2500

export interface Place {
  h: number
  v: number
  f: number
}

export function readPlace(storage: Storage | null): Place | null {
  try {
    const raw = storage?.getItem(PLACE_KEY)
    if (!raw) return null
    const p = JSON.parse(raw) as Partial<Place>
    return Number.isInteger(p.h) && Number.isInteger(p.v) && Number.isInteger(p.f) ? { h: p.h!, v: p.v!, f: p.f! } : null
  } catch {
    return null
  }
}

export class StudyMode {
  private readonly panel: HTMLElement
  private readonly notesEl: HTMLElement
  private readonly stepEl: HTMLElement
  private readonly scrubber: HTMLInputElement
  private readonly playButton: HTMLButtonElement
  private readonly speedButton: HTMLButtonElement
  private readonly controls: HTMLElement
  private playing: number | null = null
  private speed: (typeof SPEEDS)[number] = 1
  private on = false
  /** Where the reader was last time, read before this visit overwrites it. */
  private readonly remembered: Place | null

  constructor(
    private readonly deck: RevealApi,
    private readonly scenes: SceneBinding,
    private readonly storage: Storage | null = safeStorage(),
  ) {
    this.remembered = readPlace(storage)
    this.panel = document.createElement('aside')
    this.panel.className = 'study-panel'
    this.panel.setAttribute('aria-label', 'Study notes and scene controls')
    this.panel.hidden = true
    this.panel.innerHTML = `
      <div class="study-resume" hidden></div>
      <p class="study-step" aria-live="polite"></p>
      <div class="study-controls" hidden>
        <button type="button" data-act="back" aria-label="Previous step">◀</button>
        <button type="button" data-act="play" aria-label="Play">▶ Play</button>
        <button type="button" data-act="forward" aria-label="Next step">▶▶</button>
        <button type="button" data-act="speed" aria-label="Playback speed">1×</button>
        <label class="study-scrub">Timeline <input type="range" min="0" max="1000" value="0" step="1" aria-label="Scenario timeline"></label>
      </div>
      <h2 class="study-heading">Notes</h2>
      <div class="study-notes"></div>
      <p class="study-hint">T: close study mode · ?: every key · click a node, P, W: what-if · R: back to the script</p>`
    this.notesEl = this.panel.querySelector('.study-notes')!
    this.stepEl = this.panel.querySelector('.study-step')!
    this.controls = this.panel.querySelector('.study-controls')!
    this.scrubber = this.panel.querySelector('input[type=range]')!
    this.playButton = this.panel.querySelector('[data-act=play]')!
    this.speedButton = this.panel.querySelector('[data-act=speed]')!
    this.panel.addEventListener('click', this.onClick)
    this.scrubber.addEventListener('input', this.onScrub)
    this.scrubber.addEventListener('change', this.onScrubEnd)
    document.body.append(this.panel)
  }

  get active(): boolean {
    return this.on
  }

  toggle(force?: boolean): void {
    this.on = force ?? !this.on
    document.documentElement.classList.toggle('study', this.on)
    this.panel.hidden = !this.on
    if (!this.on) this.pause()
    this.deck.layout()
    if (this.on) void this.update()
  }

  /** Offer to resume where the reader left off (only when the URL names no place). */
  offerResume(): void {
    const place = this.remembered
    const here = this.deck.getIndices()
    if (!place || location.hash.length > 2 || (place.h === here.h && place.v === (here.v ?? 0))) return
    const box = this.panel.querySelector<HTMLElement>('.study-resume')!
    box.hidden = false
    box.innerHTML = `<p>Continue where you left off (slide ${place.h + 1}.${place.v + 1}${place.f >= 0 ? `, step ${place.f + 1}` : ''})?</p>
      <button type="button" data-act="resume">Resume</button> <button type="button" data-act="dismiss">Start here</button>`
    box.dataset.h = String(place.h)
    box.dataset.v = String(place.v)
    box.dataset.f = String(place.f)
  }

  /** After every slide or step change: remember the place; refresh notes and controls. */
  async update(): Promise<void> {
    const { h, v, f } = this.deck.getIndices()
    try {
      this.storage?.setItem(PLACE_KEY, JSON.stringify({ h, v: v ?? 0, f: f ?? -1 }))
    } catch {
      // Private mode or a full quota: the place is simply not remembered.
    }
    if (!this.on) return
    const slide = this.deck.getCurrentSlide()
    if (!slide) return
    const step = currentStep(slide)
    const steps = stepFragments(slide)
    const index = steps.findIndex((el) => el.dataset.step === step)
    this.stepEl.textContent = steps.length === 0 ? '' : step ? `Step ${index + 1} of ${steps.length}: ${step}` : `Before the first of ${steps.length} steps`
    // The slide's notes, then the current step's own note (reveal keeps step notes inside the fragment).
    const slideNotes = [...slide.querySelectorAll<HTMLElement>('aside.notes')].filter((n) => !n.closest('.fragment'))
    const stepNote = index >= 0 ? steps[index]!.querySelector<HTMLElement>('aside.notes') : null
    this.notesEl.replaceChildren(
      ...(stepNote ? [noteBlock('This step', stepNote)] : []),
      ...slideNotes.map((n) => noteBlock('This slide', n)),
    )
    const host = slide.querySelector<HTMLElement>('[data-scene]')
    this.controls.hidden = !host
    if (host) {
      const scenario = await this.scenes.scenarioFor(host)
      const end = scenario.timeOf(scenario.checkpoints[scenario.checkpoints.length - 1]!)
      const now = scenario.timeOf(step || 'start')
      this.scrubber.value = String(end > 0 ? Math.round((now / end) * 1000) : 0)
    }
  }

  private readonly onClick = (e: Event): void => {
    const act = (e.target as HTMLElement).closest<HTMLElement>('[data-act]')?.dataset.act
    if (act === 'back') this.deck.prev()
    else if (act === 'forward') this.deck.next()
    else if (act === 'play') {
      if (this.playing === null) this.play()
      else this.pause()
    }
    else if (act === 'speed') {
      this.speed = SPEEDS[(SPEEDS.indexOf(this.speed) + 1) % SPEEDS.length]!
      this.speedButton.textContent = `${this.speed}×`
      this.scenes.setTransitionScale(1 / this.speed)
    } else if (act === 'resume' || act === 'dismiss') {
      const box = this.panel.querySelector<HTMLElement>('.study-resume')!
      if (act === 'resume') this.deck.slide(Number(box.dataset.h), Number(box.dataset.v), Number(box.dataset.f))
      box.hidden = true
    }
  }

  /** Play: step forward through the slide's steps at a readable pace (stops at the last). */
  private play(): void {
    this.playButton.textContent = '❚❚ Pause'
    this.playButton.setAttribute('aria-label', 'Pause')
    const tick = (): void => {
      if (!this.deck.availableFragments().next) {
        this.pause()
        return
      }
      this.deck.next()
      this.playing = window.setTimeout(tick, (HOLD_MS + 1000) / this.speed)
    }
    this.playing = window.setTimeout(tick, 0)
  }

  private pause(): void {
    if (this.playing !== null) clearTimeout(this.playing)
    this.playing = null
    this.playButton.textContent = '▶ Play'
    this.playButton.setAttribute('aria-label', 'Play')
  }

  /** Scrubbing shows the simulation at any simulated time between two checkpoints. */
  private readonly onScrub = (): void => {
    const slide = this.deck.getCurrentSlide()
    const host = slide?.querySelector<HTMLElement>('[data-scene]')
    const scenario = host ? this.scenes.cachedScenario(host) : null
    const stage = this.scenes.currentStage
    if (!scenario || !stage || stage.currentHost !== host) return
    const names = scenario.checkpoints
    const end = scenario.timeOf(names[names.length - 1]!)
    const tau = (Number(this.scrubber.value) / 1000) * end
    let b = names.findIndex((n) => scenario.timeOf(n) >= tau)
    if (b < 0) b = names.length - 1
    const a = Math.max(0, b - 1)
    const ta = scenario.timeOf(names[a]!)
    const tb = scenario.timeOf(names[b]!)
    const t = tb > ta ? (tau - ta) / (tb - ta) : 1
    stage.showAt(a === b ? null : names[a]!, names[b]!, t)
    host!.dataset.scrubbing = 'true'
  }

  /** On release, land on the nearest step so the slide and the picture agree again. */
  private readonly onScrubEnd = (): void => {
    const slide = this.deck.getCurrentSlide()
    const host = slide?.querySelector<HTMLElement>('[data-scene]')
    const scenario = host ? this.scenes.cachedScenario(host) : null
    if (!slide || !host || !scenario) return
    delete host.dataset.scrubbing
    const end = scenario.timeOf(scenario.checkpoints[scenario.checkpoints.length - 1]!)
    const tau = (Number(this.scrubber.value) / 1000) * end
    const names = stepFragments(slide).map((el) => el.dataset.step ?? '')
    let best = -1
    let bestGap = Math.abs(tau)
    names.forEach((n, i) => {
      const gap = Math.abs(scenario.timeOf(n) - tau)
      if (gap < bestGap) {
        best = i
        bestGap = gap
      }
    })
    const { h, v } = this.deck.getIndices()
    delete host.dataset.shownStep
    this.deck.slide(h, v ?? 0, best)
    void this.scenes.sync(slide, false)
  }

  dispose(): void {
    this.pause()
    this.panel.remove()
  }
}

function noteBlock(title: string, note: HTMLElement): HTMLElement {
  const block = document.createElement('section')
  block.className = 'study-note'
  const h = document.createElement('h3')
  h.textContent = title
  const body = document.createElement('div')
  body.innerHTML = note.innerHTML
  block.append(h, body)
  return block
}

function safeStorage(): Storage | null {
  try {
    return window.localStorage
  } catch {
    return null
  }
}
