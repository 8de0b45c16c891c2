// The app's entry. In a build the slides were prerendered into index.html (src/mdx/prerender-plugin.ts),
// so the deck boots on the markup that is there; in dev the MDX is rendered here, with hot reload.
import 'reveal.js/reveal.css'
import '../themes/fonts.css'
import '../themes/deck.css'
import { bootDeck } from './deck/boot.ts'

const root = document.querySelector<HTMLElement>('.reveal')
if (!root) throw new Error('index.html must contain <div class="reveal"><div class="slides"></div></div>')

if (import.meta.env.DEV) {
  const [{ default: slides }, { renderSlides, deckOptions }] = await Promise.all([import('virtual:deck-slides'), import('./mdx/render.tsx')])
  const theme = deckOptions(slides).theme
  const deck = bootDeck(root, { html: renderSlides(slides), ...(theme ? { theme } : {}) })
  // Editing an MDX file swaps the slides in place and keeps the current slide and step.
  import.meta.hot?.accept('virtual:deck-slides', (mod) => {
    const next = (mod as { default?: typeof slides } | undefined)?.default
    if (next) void deck.then((d) => d.replaceSlides(renderSlides(next)))
  })
} else {
  const theme = document.documentElement.dataset.deckTheme
  void bootDeck(root, theme ? { theme } : {})
}
