/**
 * reveal.js's scroll view (it switches on when the slides would be narrower than 435 px, e.g. on
 * a phone) scrolls to a slide but not to its fragments: a deep link `#/h/v/f`, or a window
 * narrowed in the middle of a slide, would land on the slide's first step. This keeps the reader
 * on their step by scrolling to that fragment's snap point.
 */
import type { RevealApi } from 'reveal.js'

interface Indices {
  h: number
  v: number
  f: number
}

/** isScrollView() exists at run time but is missing from reveal.js 6's types. */
export function isScrollView(deck: RevealApi): boolean {
  const fn = (deck as RevealApi & { isScrollView?: () => boolean }).isScrollView
  return typeof fn === 'function' ? fn.call(deck) : false
}

/** The numeric indices of a `#/h/v/f` hash, or null for anything else. */
export function hashIndices(hash: string): Indices | null {
  const m = /^#\/(\d+)(?:\/(\d+))?(?:\/(-?\d+))?\/?$/.exec(hash)
  if (!m) return null
  return { h: Number(m[1]), v: Number(m[2] ?? 0), f: Number(m[3] ?? -1) }
}

/**
 * Scroll to fragment `f` of slide (h, v). In the default ('full') scroll layout every fragment
 * adds one viewport height of scrolling below the page's top, and each of those is a snap point.
 */
export function scrollToStep(deck: RevealApi, { h, v, f }: Indices): void {
  // The scroll view moves every slide into a page of its own and labels it with its indices.
  const page = deck.getSlidesElement()?.querySelector(`section[data-index-h="${h}"][data-index-v="${v}"]`)?.closest<HTMLElement>('.scroll-page')
  const viewport = deck.getViewportElement()
  if (!page || !viewport) return
  viewport.scrollTop = page.offsetTop + Math.max(0, f + 1) * viewport.clientHeight
}

/**
 * Call once after reveal.js is initialised. `onSwitch` runs after the view switched either way:
 * switching back rebuilds the slides from an innerHTML snapshot (new elements, a dead copy of the
 * canvas) without a slidechanged event, so the scenes must sync to the new hosts.
 */
export function keepStepInScrollView(deck: RevealApi, hash: string, onSwitch: () => void): void {
  const indices = (): Indices => {
    const i = deck.getIndices()
    return { h: i.h, v: i.v ?? 0, f: i.f ?? -1 }
  }
  let scrolling = isScrollView(deck)
  let last: Indices | null = scrolling ? null : indices()
  const remember = (): void => {
    if (!isScrollView(deck)) last = indices()
  }
  for (const ev of ['slidechanged', 'fragmentshown', 'fragmenthidden'] as const) deck.on(ev, remember)
  // reveal.js switches views from its layout, at a moment no event marks; the viewport's
  // 'reveal-scroll' class is the signal. The observer runs once the switch has finished, so the
  // scroll position set here wins over the one reveal.js restores.
  const viewport = deck.getViewportElement()
  if (viewport) {
    new MutationObserver(() => {
      const now = isScrollView(deck)
      if (now === scrolling) return
      if (now && last) scrollToStep(deck, last)
      scrolling = now
      remember()
      onSwitch()
    }).observe(viewport, { attributes: true, attributeFilter: ['class'] })
  }
  const linked = hashIndices(hash)
  if (scrolling && linked) requestAnimationFrame(() => scrollToStep(deck, linked))
}
