/**
 * Boots reveal.js on the rendered slides and keeps the DOM contract of DESIGN.md §4:
 * window.Reveal is the deck; <html data-deck-ready="true"> once reveal.js is ready.
 */
import Reveal from 'reveal.js'
import type { RevealApi } from 'reveal.js'
import { revealConfig, readMode, type DeckMode } from './config.ts'
import { chooseTheme, applyTheme } from './theme.ts'
import { currentStep } from './steps.ts'

declare global {
  interface Window {
    Reveal?: RevealApi
  }
}

export interface DeckHandle {
  readonly reveal: RevealApi
  readonly mode: DeckMode
  /** The step shown on the current slide ('' before its first step). */
  step(): string
  /** Swap in new slide markup (hot reload) and stay on the same slide and step. */
  replaceSlides(html: string): void
}

export interface BootOptions {
  html: string
  theme?: string
}

/** Events after which the current slide or step may have changed. */
const SYNC_EVENTS = ['slidechanged', 'fragmentshown', 'fragmenthidden', 'overviewhidden', 'overviewshown', 'resize'] as const

export async function bootDeck(root: HTMLElement, options: BootOptions): Promise<DeckHandle> {
  const mode = readMode(location.search)
  applyTheme(chooseTheme(location.search, options.theme))
  const slidesEl = root.querySelector<HTMLElement>('.slides')
  if (!slidesEl) throw new Error('.reveal must contain a .slides element')
  slidesEl.innerHTML = options.html

  const deck = new Reveal(root, revealConfig(mode))
  // reveal.js 6 types initialize() as resolving the ready event, not the API: keep our own instance.
  await deck.initialize()
  window.Reveal = deck

  const sync = (): void => {
    const slide = deck.getCurrentSlide()
    if (slide) document.documentElement.dataset.currentStep = currentStep(slide)
  }
  for (const ev of SYNC_EVENTS) deck.on(ev, sync)
  sync()
  document.documentElement.dataset.deckReady = 'true'

  return {
    reveal: deck,
    mode,
    step: () => {
      const slide = deck.getCurrentSlide()
      return slide ? currentStep(slide) : ''
    },
    replaceSlides(html) {
      const { h, v, f } = deck.getIndices()
      slidesEl.innerHTML = html
      deck.sync()
      deck.slide(h, v, f)
      sync()
    },
  }
}
