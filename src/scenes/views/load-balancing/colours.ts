/**
 * Backend identity colours: a fixed categorical ramp (not theme colours), so that "which backend"
 * can be read off a request in flight, a tile in the row of picks and a client's sticky ring.
 * Every backend's body stays cyan (the colour language: backends are cyan); its identity colour
 * is the ring at its foot and its name. The ramp skips blue (clients), purple (the balancer),
 * cyan (every backend's body and the served bars) and red (faults). Dark theme: Tailwind 400
 * shades, light on the dark scene; light theme: the 700 shades of the same hues, whose text passes
 * WCAG AA (4.5:1) on white. A backend's colour comes from its place in the pool (a, b, c...), which never changes.
 */
import { Color } from 'three'
import type { Palette } from '../../palette.ts'

//                  amber      emerald    pink       lime       orange
const RAMP_DARK = ['#fbbf24', '#34d399', '#f472b6', '#a3e635', '#fb923c']
const RAMP_LIGHT = ['#b45309', '#047857', '#be185d', '#4d7c0f', '#c2410c']

export function backendColor(index: number, palette: Palette, out = new Color()): Color {
  const ramp = palette.dark ? RAMP_DARK : RAMP_LIGHT
  return out.set(ramp[((index % ramp.length) + ramp.length) % ramp.length]!)
}

/** `#rrggbb` of a backend's colour, for text. */
export function backendCss(index: number, palette: Palette): string {
  return `#${backendColor(index, palette).getHexString()}`
}

/** `#rrggbb` of a palette colour, for text drawn in the same colour as a mesh. */
export const css = (c: Color): string => `#${c.getHexString()}`
