import type { RevealConfig } from 'reveal.js'
import RevealNotes from 'reveal.js/plugin/notes'
import RevealSearch from 'reveal.js/plugin/search'
import RevealZoom from 'reveal.js/plugin/zoom'

/** What the URL asks of this copy of the deck. */
export interface DeckMode {
  /** A speaker-view copy (current or upcoming preview): render cheaply. */
  receiver: boolean
  print: boolean
  /** Self-study: notes and scene controls beside the slide. */
  study: boolean
}

export function readMode(search: string): DeckMode {
  const q = new URLSearchParams(search)
  return { receiver: q.has('receiver'), print: q.has('print-pdf'), study: q.has('study') }
}

/** The reveal.js configuration; URL query parameters still override it (e.g. ?showNotes=true). */
export function revealConfig(mode: DeckMode): RevealConfig {
  return {
    width: 1280,
    height: 720,
    margin: 0.04,
    center: false,
    hash: true,
    fragmentInURL: true,
    respondToHashChanges: true,
    slideNumber: 'h.v',
    showSlideNumber: 'all',
    controls: !mode.receiver,
    progress: true,
    transition: mode.print || mode.receiver ? 'none' : 'slide',
    backgroundTransition: 'fade',
    pdfSeparateFragments: true,
    plugins: [RevealNotes, RevealSearch, RevealZoom],
  }
}
