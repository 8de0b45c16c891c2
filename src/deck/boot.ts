/**
 * Boots reveal.js on the rendered slides and keeps the DOM contract of DESIGN.md §4:
 * window.Reveal is the deck; <html data-deck-ready="true"> once reveal.js is ready.
 */
import Reveal from 'reveal.js'
import type { RevealApi } from 'reveal.js'
import { revealConfig, readMode, type DeckMode } from './config.ts'
import { chooseTheme, applyTheme } from './theme.ts'
import { currentStep } from './steps.ts'
import { SceneBinding } from './scene-binding.ts'
import { snapshotPrintPages, bindBrowserPrint } from './print.ts'
import { WhatIfController } from './what-if.ts'
import { StudyMode } from './study.ts'
import { OverviewSnapshots } from './overview.ts'
import { isScrollView, keepStepInScrollView } from './scroll-view.ts'

declare global {
  interface Window {
    Reveal?: RevealApi
    /** Read-only hooks for browser tests and the benchmark. */
    deckDebug?: { scenes: SceneBinding }
  }
}

export interface DeckHandle {
  readonly reveal: RevealApi
  readonly mode: DeckMode
  readonly scenes: SceneBinding
  readonly whatIf: WhatIfController | null
  readonly study: StudyMode | null
  /** The step shown on the current slide ('' before its first step). */
  step(): string
  /** Swap in new slide markup (hot reload) and stay on the same slide and step. */
  replaceSlides(html: string): void
}

export interface BootOptions {
  /** Slide markup to render (dev); without it the deck boots on the prerendered markup. */
  html?: string
  theme?: string
}

/** Events after which the current slide or step may have changed. */
const SYNC_EVENTS = ['slidechanged', 'fragmentshown', 'fragmenthidden', 'overviewhidden', 'overviewshown', 'resize'] as const

export async function bootDeck(root: HTMLElement, options: BootOptions): Promise<DeckHandle> {
  const mode = readMode(location.search)
  // reveal.js may rewrite the hash while it starts; the scroll view needs the one the user opened.
  const openedHash = location.hash
  applyTheme(chooseTheme(location.search, options.theme))
  const slidesEl = root.querySelector<HTMLElement>('.slides')
  if (!slidesEl) throw new Error('.reveal must contain a .slides element')
  if (options.html !== undefined) slidesEl.innerHTML = options.html

  const deck = new Reveal(root, revealConfig(mode))
  const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)')
  const scenes = new SceneBinding({ receiver: mode.receiver, displayScale: () => deck.getScale(), reducedMotion: () => reducedMotion.matches, interactive: () => !isScrollView(deck) })
  // The print view fires 'pdf-ready' once its pages exist; snapshot each page's scene at its step.
  deck.on('pdf-ready', () => {
    snapshotPrintPages(scenes).catch((e: unknown) => {
      console.error('Print snapshots failed:', e)
      // The export tool stops at once on this value instead of waiting for its timeout.
      document.documentElement.dataset.printReady = 'error'
    })
  })
  // reveal.js 6 types initialize() as resolving the ready event, not the API: keep our own instance.
  await deck.initialize()
  window.Reveal = deck
  window.deckDebug = { scenes }

  const whatIf = mode.print || mode.receiver ? null : new WhatIfController(deck, scenes)
  const study = mode.print || mode.receiver ? null : new StudyMode(deck, scenes)
  const overview = new OverviewSnapshots(scenes)
  const sync = (animate: boolean): Promise<void> => {
    const slide = deck.getCurrentSlide()
    if (!slide || mode.print) return Promise.resolve()
    // Any step or slide change returns to the script.
    whatIf?.stop()
    void study?.update()
    document.documentElement.dataset.currentStep = currentStep(slide)
    return scenes.sync(slide, animate).catch((e: unknown) => console.error('Scene failed:', e))
  }
  for (const ev of SYNC_EVENTS) deck.on(ev, () => void sync(ev !== 'resize' && ev !== 'overviewhidden'))
  if (!mode.print) keepStepInScrollView(deck, openedHash, () => void sync(false))
  registerShortcuts(deck)
  if (study) {
    deck.addKeyBinding({ keyCode: 84, key: 'T', description: 'Study mode: notes and scene controls beside the slide' }, () => study.toggle())
    if (mode.study) {
      study.toggle(true)
      study.offerResume()
    }
  }
  deck.on('overviewshown', () => void overview.show().catch((e: unknown) => console.error('Overview images failed:', e)))
  deck.on('overviewhidden', () => overview.hide())
  if (!mode.print) bindBrowserPrint(scenes)
  await sync(false)
  document.documentElement.dataset.deckReady = 'true'
  // Warm three.js and the simulation once the first slide is up, so the first scene is quick.
  const idle = window.requestIdleCallback ?? ((fn: () => void) => setTimeout(fn, 200))
  if (!mode.print) idle(() => scenes.prefetch())

  return {
    whatIf,
    study,
    reveal: deck,
    mode,
    scenes,
    step: () => {
      const slide = deck.getCurrentSlide()
      return slide ? currentStep(slide) : ''
    },
    replaceSlides(html) {
      const { h, v, f } = deck.getIndices()
      slidesEl.innerHTML = html
      deck.sync()
      deck.slide(h, v, f)
      scenes.release()
      void sync(false)
    },
  }
}

/** The deck's own keys, listed in reveal.js's help overlay (?) beside its built-in ones. */
function registerShortcuts(deck: RevealApi): void {
  const shortcuts: [string, string][] = [
    ['R', '3D: back to the scripted step and the default view'],
    ['Drag', '3D: orbit the camera (a step change or R brings it back)'],
    ['Click a node', 'What-if: crash or restart it (scenes that allow it)'],
    ['P', 'What-if: partition the network or heal it'],
    ['W', 'What-if: send a client write'],
    ['M', 'What-if: switch the CAP store between CP and AP'],
    ['Click a replica', 'What-if (CAP): cut it off from the others, or reconnect it'],
    ['G', 'What-if (replication): slow the fastest replica link by 100 ms'],
    ['Click a service', 'What-if (service mesh): make it fail every call, or heal it'],
    ['C', 'What-if (service mesh): canary weights 90/10 → 50/50 → 0/100'],
    ['I', 'What-if (service mesh): an intruder without a mesh certificate calls payments'],
    ['X', 'What-if (service mesh): retry backoff with full jitter, or without'],
    ['U', 'What-if (Raft): make the links lossy (drops, delays, reordering), or reliable again'],
    ['A', 'What-if (hashing): add a server and count the keys that move'],
    ['V', 'What-if (hash ring): cycle the tokens per server, 1 → 8 → 64'],
    ['Click a service (observability)', 'What-if: make it slow, click again: failing, again: healthy'],
    ['Q', 'What-if (observability): steady traffic on (40 requests/s) or off'],
    ['Click a server', 'What-if (hashing): remove it (click its token, load bar or bucket)'],
    ['Click a consumer', 'What-if (streaming): crash it, or restart it if it is down'],
    ['A (streaming)', 'What-if: a new consumer joins the group (it rebalances)'],
    ['Z', 'What-if (streaming): the group rewinds to offset 0 and replays the log'],
    ['W (streaming)', 'What-if: the producer sends records (one keyed record, or a burst of six)'],
    ['Click a backend', 'What-if (load balancing): crash it, or restart it'],
    ['W (load balancing)', 'What-if: the clients send a burst of requests'],
    ['C (load balancing)', 'What-if: the clients open long-lived connections'],
    ['X (load balancing)', 'What-if: cycle the weights 5/1/1 → 1/1/1 → 3/2/1 → 1/1/5'],
  ]
  for (const [key, value] of shortcuts) deck.registerKeyboardShortcut(key, value)
}
