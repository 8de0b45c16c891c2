/**
 * Renders the compiled MDX files to the static reveal.js markup the deck boots on. The markup is
 * static on purpose: reveal.js (and its print view) rearranges the DOM, which React must not own.
 */
import { renderToStaticMarkup } from 'react-dom/server'
import type { ComponentType } from 'react'
import { deckComponents } from './components.tsx'

export interface SlideModule {
  default: ComponentType<{ components?: Record<string, unknown> }>
  frontmatter?: Record<string, unknown>
}

export interface SlideEntry {
  file: string
  module: SlideModule
}

export function renderSlides(entries: readonly SlideEntry[]): string {
  return entries
    .map(({ module }) => {
      const Content = module.default
      return renderToStaticMarkup(<Content components={deckComponents} />)
    })
    .join('\n')
}

/** Deck-wide options come from the first file's front matter (e.g. `theme: light`). */
export function deckOptions(entries: readonly SlideEntry[]): { theme?: string; title?: string } {
  const fm = entries[0]?.module.frontmatter ?? {}
  return {
    ...(typeof fm.theme === 'string' ? { theme: fm.theme } : {}),
    ...(typeof fm.title === 'string' ? { title: fm.title } : {}),
  }
}
