/**
 * A text panel: a label with a title and rows of coloured segments (a log viewer, a legend), as
 * crisp DOM text placed by CSS2DRenderer like Label, so it stays sharp and prints as text. The
 * DOM is rebuilt only when the content changes. `center` anchors it: (0, 0) is its top-left.
 */
import { CSS2DObject } from 'three/addons/renderers/CSS2DRenderer.js'

export interface Segment {
  text: string
  /** CSS colour of the text; the theme's text colour when absent. */
  color?: string
  /** CSS colour of a highlight behind the text (a marker pen). */
  mark?: string
  bold?: boolean
}

export type Row = readonly Segment[]

export class TextPanel extends CSS2DObject {
  private key = ''
  private readonly head = document.createElement('div')
  private readonly body = document.createElement('div')

  constructor(opts: { mono?: boolean; className?: string } = {}) {
    super(document.createElement('div'))
    this.element.className = ['scene-label', 'small', opts.className ?? ''].filter(Boolean).join(' ')
    const st = this.element.style
    st.textAlign = 'left'
    st.whiteSpace = 'pre'
    st.lineHeight = '1.17'
    st.padding = '4px 8px'
    if (opts.mono) st.fontFamily = "'JetBrains Mono', ui-monospace, monospace"
    this.head.style.fontWeight = '600'
    this.head.style.fontFamily = "'Inter', system-ui, sans-serif"
    this.element.append(this.head, this.body)
  }

  /** Show `title` over `rows` (an empty title hides the title line). */
  set(title: Row, rows: readonly Row[]): this {
    const key = JSON.stringify([title, rows])
    if (key === this.key) return this
    this.key = key
    this.head.replaceChildren(...title.map(span))
    this.head.style.display = title.length > 0 ? '' : 'none'
    this.body.replaceChildren(
      ...rows.map((r) => {
        const line = document.createElement('div')
        line.append(...r.map(span))
        // An empty row is a gap, not nothing.
        if (r.length === 0) line.style.height = '0.5em'
        return line
      }),
    )
    return this
  }

  /** Remove the element from the DOM (CSS2DRenderer leaves it behind when the object goes). */
  destroy(): void {
    this.element.remove()
  }
}

function span(seg: Segment): HTMLSpanElement {
  const el = document.createElement('span')
  el.textContent = seg.text
  if (seg.color) el.style.color = seg.color
  if (seg.mark) {
    el.style.background = seg.mark
    el.style.borderRadius = '3px'
  }
  if (seg.bold) el.style.fontWeight = '600'
  return el
}
