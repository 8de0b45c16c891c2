/**
 * Step resolution: which named step a slide is at, read from the DOM every time (DESIGN.md §1).
 * reveal.js marks revealed fragments `.visible`; a slide's step is the name of its visible
 * <Step> fragment with the highest fragment index ('' before the first one).
 */
export const STEP_SELECTOR = '.fragment[data-step]'

export function stepFragments(slide: Element): HTMLElement[] {
  return [...slide.querySelectorAll<HTMLElement>(STEP_SELECTOR)].filter((el) => el.closest('section') === slide)
}

function fragmentIndex(el: HTMLElement, fallback: number): number {
  const raw = el.getAttribute('data-fragment-index')
  const n = raw == null ? Number.NaN : Number(raw)
  return Number.isFinite(n) ? n : fallback
}

/** The step shown on `slide` now, or '' if none of its steps is revealed. */
export function currentStep(slide: Element): string {
  let best: { index: number; name: string } | null = null
  stepFragments(slide).forEach((el, i) => {
    if (!el.classList.contains('visible')) return
    const index = fragmentIndex(el, i)
    if (!best || index >= best.index) best = { index, name: el.dataset.step ?? '' }
  })
  return (best as { index: number; name: string } | null)?.name ?? ''
}

/** The step names of a slide in reveal order. */
export function stepNames(slide: Element): string[] {
  return stepFragments(slide)
    .map((el, i) => ({ i: fragmentIndex(el, i), name: el.dataset.step ?? '' }))
    .sort((a, b) => a.i - b.i)
    .map((s) => s.name)
}

/** The step after the current one on `slide` ('' → first step), or null at the last step. */
export function nextStep(slide: Element): string | null {
  const names = stepNames(slide)
  const at = names.indexOf(currentStep(slide))
  return names[at + 1] ?? null
}
