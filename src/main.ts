// The app's entry: render the MDX slides to markup, then hand the DOM to the deck.
import 'reveal.js/reveal.css'
import '../themes/fonts.css'
import '../themes/deck.css'
import slides from 'virtual:deck-slides'
import { renderSlides, deckOptions } from './mdx/render.tsx'
import { bootDeck } from './deck/boot.ts'

const root = document.querySelector<HTMLElement>('.reveal')
if (!root) throw new Error('index.html must contain <div class="reveal"><div class="slides"></div></div>')

const options = deckOptions(slides)
const deck = bootDeck(root, { html: renderSlides(slides), ...(options.theme ? { theme: options.theme } : {}) })

if (import.meta.hot) {
  // Editing an MDX file swaps the slides in place and keeps the current slide and step.
  import.meta.hot.accept('virtual:deck-slides', (mod) => {
    const next = (mod as { default?: typeof slides } | undefined)?.default
    if (next) void deck.then((d) => d.replaceSlides(renderSlides(next)))
  })
}
