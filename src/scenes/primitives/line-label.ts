/**
 * A label of several lines, each with its own tone (a red "no quorum" under a plain "read"):
 * CSS2D text like Label, so it stays crisp and prints as vector text. Tones are the theme's CSS
 * colour variables, so a label follows the dark and light themes without being redrawn.
 */
import { CSS2DObject } from 'three/addons/renderers/CSS2DRenderer.js'
import type { LabelStyle } from './labels.ts'

export type LineTone = 'normal' | 'muted' | 'fault' | 'ok' | 'client' | 'replica' | 'leader' | 'follower'

export interface LabelLine {
  text: string
  tone?: LineTone
  /** Bold (values), or small (captions). */
  weight?: 'strong' | 'small'
  /** Struck through (a value that lost). */
  strike?: boolean
}

const TONE_VAR: Record<LineTone, string> = {
  normal: '',
  muted: 'var(--c-muted)',
  fault: 'var(--c-fault)',
  ok: 'var(--c-ok)',
  client: 'var(--c-client)',
  replica: 'var(--c-replica)',
  leader: 'var(--c-leader)',
  follower: 'var(--c-follower)',
}

/** The border colour for a tone, usable with Label.tint and LineLabel.tint. */
export function toneColor(tone: LineTone): string {
  return TONE_VAR[tone]
}

export class LineLabel extends CSS2DObject {
  private key = ''
  private border = ''

  constructor(style: LabelStyle | LabelStyle[] = 'normal') {
    super(document.createElement('div'))
    const styles = Array.isArray(style) ? style : [style]
    this.element.className = ['scene-label', ...styles.filter((s) => s !== 'normal')].join(' ')
  }

  /** Replace the lines (only touches the DOM when they differ: the same state gives the same DOM). */
  setLines(lines: readonly LabelLine[]): this {
    const key = JSON.stringify(lines)
    if (key === this.key) return this
    this.key = key
    const rows = lines.map((line) => {
      const row = document.createElement('div')
      row.textContent = line.text
      const color = TONE_VAR[line.tone ?? 'normal']
      if (color) row.style.color = color
      if (line.weight === 'strong') row.style.fontWeight = '600'
      if (line.weight === 'small') row.style.fontSize = '12px'
      if (line.strike) row.style.textDecoration = 'line-through'
      return row
    })
    this.element.replaceChildren(...rows)
    return this
  }

  /** Tint the border (a CSS colour, e.g. toneColor('fault')); '' restores the theme's. */
  tint(css: string): this {
    if (css !== this.border) {
      this.border = css
      this.element.style.borderColor = css
    }
    return this
  }

  /** The lines' text joined by newlines (what a test or a screen reader would read). */
  get text(): string {
    return [...this.element.children].map((c) => c.textContent ?? '').join('\n')
  }
}
