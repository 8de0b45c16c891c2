/**
 * Crisp printable labels: CSS2DRenderer places real DOM text over the canvas, so it stays sharp
 * on projectors and prints as vector text.
 */
import { CSS2DObject } from 'three/addons/renderers/CSS2DRenderer.js'

export type LabelStyle = 'normal' | 'small' | 'strong' | 'fault'

export class Label extends CSS2DObject {
  private text = ''
  private color = ''

  constructor(text: string, style: LabelStyle | LabelStyle[] = 'normal') {
    super(document.createElement('div'))
    const styles = Array.isArray(style) ? style : [style]
    this.element.className = ['scene-label', ...styles.filter((s) => s !== 'normal')].join(' ')
    this.set(text)
  }

  /** Change the text (only touches the DOM when it differs). */
  set(text: string): this {
    if (text !== this.text) {
      this.text = text
      this.element.textContent = text
    }
    return this
  }

  /** Tint the label's border (e.g. with a node's role colour); '' restores the theme's. */
  tint(css: string): this {
    if (css !== this.color) {
      this.color = css
      this.element.style.borderColor = css
    }
    return this
  }
}
