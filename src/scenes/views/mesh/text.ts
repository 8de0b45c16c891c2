/**
 * Label helpers for the mesh view: colour a label's text and border from the palette (the Label
 * primitive only tints the border), and allow line breaks in a label.
 */
import type { Color } from 'three'
import { Label, type LabelStyle } from '../../primitives/labels.ts'

export const css = (c: Color): string => `#${c.getHexString()}`

/** A label whose text may hold '\n' line breaks. */
export function multiline(text: string, style: LabelStyle | LabelStyle[] = 'small'): Label {
  const l = new Label(text, style)
  l.element.style.whiteSpace = 'pre'
  l.element.style.lineHeight = '1.25'
  return l
}

/** Text and border in `color`, or the theme's defaults for null. Touches the DOM only on change. */
export function tone(label: Label, color: Color | null): Label {
  const value = color ? css(color) : ''
  // style.color reads back normalised (rgb(...)), so the last value set is kept in a data attribute.
  if (label.element.dataset.tone !== value) {
    label.element.style.color = value
    label.element.dataset.tone = value
  }
  return label.tint(value)
}

/** Show or hide a label (CSS2DObject follows `visible`). */
export function show(label: Label, visible: boolean): Label {
  label.visible = visible
  return label
}

/**
 * A one-line legend inside a label: coloured runs of text ("■ ok  ■ 503 ..."), built from DOM
 * spans (no markup strings), updated in place.
 */
export function legend(label: Label, items: readonly (readonly [string, Color | null])[]): Label {
  const el = label.element
  if (el.childNodes.length !== items.length || [...el.children].some((c) => c.tagName !== 'SPAN')) {
    el.textContent = ''
    for (let i = 0; i < items.length; i++) el.append(document.createElement('span'))
  }
  items.forEach(([text, color], i) => {
    const span = el.children[i] as HTMLSpanElement
    if (span.textContent !== text) span.textContent = text
    const value = color ? css(color) : ''
    if (span.dataset.tone !== value) {
      span.style.color = value
      span.dataset.tone = value
    }
  })
  return label
}
