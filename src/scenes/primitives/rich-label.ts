/**
 * A multi-line label whose words can carry a theme colour, weight or a strike-through: for state
 * that one plain string cannot show ("kept alice, ~~bob~~ lost", a value in the fault colour).
 * Like Label it is a CSS2DObject (crisp, printable DOM text over the canvas) using the theme's
 * `.scene-label` classes; colours are the theme's CSS custom properties (`var(--c-fault)`...), so
 * a theme switch recolours it without a redraw and print keeps it as vector text.
 */
import { CSS2DObject } from 'three/addons/renderers/CSS2DRenderer.js'
import type { LabelStyle } from './labels.ts'

/** The colour language of themes/*.css (the same names as Palette). */
export type Tone = 'fg' | 'muted' | 'leader' | 'follower' | 'replica' | 'client' | 'fault' | 'ok' | 'candidate'

const TONE_VAR: Record<Tone, string> = {
  fg: '--c-fg', muted: '--c-muted', leader: '--c-leader', follower: '--c-follower', replica: '--c-replica',
  client: '--c-client', fault: '--c-fault', ok: '--c-ok', candidate: '--c-candidate',
}

/** The CSS colour of a tone (a theme variable). */
export const toneColor = (tone: Tone): string => `var(${TONE_VAR[tone]})`

export interface Span {
  text: string
  tone?: Tone
  strike?: boolean
  bold?: boolean
}

export interface Line {
  spans: readonly Span[]
  /** Draw this line at the small size (12 px, the smallest readable from the back of a room). */
  small?: boolean
}

/** A line from spans, or from plain text. */
export const line = (spans: readonly Span[] | string, small = false): Line => ({ spans: typeof spans === 'string' ? [{ text: spans }] : spans, small })

export class RichLabel extends CSS2DObject {
  private key = ''
  private border = ''

  /**
   * `anchor` is the point of the box that sits on the label's position, in [0, 1] each way
   * (0.5, 0.5 centres it; 1, 0.5 puts the right edge's middle there).
   */
  constructor(style: LabelStyle | LabelStyle[] = 'normal', anchor: readonly [number, number] = [0.5, 0.5]) {
    super(document.createElement('div'))
    const styles = Array.isArray(style) ? style : [style]
    this.element.className = ['scene-label', 'rich', ...styles.filter((s) => s !== 'normal')].join(' ')
    this.center.set(anchor[0], anchor[1])
  }

  /** Replace the content; the DOM is rebuilt only when it differs (labels are set every frame). */
  set(lines: readonly Line[]): this {
    const key = JSON.stringify(lines)
    if (key === this.key) return this
    this.key = key
    const el = this.element
    el.replaceChildren()
    for (const l of lines) {
      const row = document.createElement('div')
      if (l.small) row.style.fontSize = '12px'
      for (const s of l.spans) {
        const span = document.createElement('span')
        span.textContent = s.text
        if (s.tone) span.style.color = toneColor(s.tone)
        if (s.bold) span.style.fontWeight = '600'
        if (s.strike) span.style.textDecoration = 'line-through'
        row.append(span)
      }
      el.append(row)
    }
    return this
  }

  /** The border colour as a tone ('' restores the theme's border). */
  tint(tone: Tone | ''): this {
    const css = tone ? toneColor(tone) : ''
    if (css !== this.border) {
      this.border = css
      this.element.style.borderColor = css
    }
    return this
  }

  /** Take the element out of the document (CSS2DRenderer leaves it behind on removal). */
  destroy(): void {
    this.element.remove()
  }
}
