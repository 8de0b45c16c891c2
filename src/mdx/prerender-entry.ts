// Loaded by the prerender plugin through Vite's SSR module loader at build time.
import slides from 'virtual:deck-slides'
import { renderSlides, deckOptions } from './render.tsx'

export function render(): { html: string; theme: string | undefined } {
  return { html: renderSlides(slides), theme: deckOptions(slides).theme }
}
