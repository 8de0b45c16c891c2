/**
 * Server colours for the hashing view: a fixed categorical ramp (not theme colours: a ring of ten
 * servers needs ten hues, more than the palette's roles). The ramp skips red, which the colour
 * language keeps for faults (a departed server, orphaned keys), and white, which is the key
 * being looked up. Dark theme: Tailwind 400 shades, light on the dark scene; light theme: the 600
 * shades of the same hues, dark enough on white. A server's colour comes from its letter
 * (server-a is always sky blue), so it keeps its colour when others join or leave.
 */
import { Color } from 'three'
import type { Palette } from '../../palette.ts'

//                  sky        amber      violet     emerald    pink       orange     lime       indigo     teal       fuchsia
const RAMP_DARK = ['#38bdf8', '#fbbf24', '#a78bfa', '#34d399', '#f472b6', '#fb923c', '#a3e635', '#818cf8', '#2dd4bf', '#e879f9']
const RAMP_LIGHT = ['#0284c7', '#d97706', '#7c3aed', '#059669', '#db2777', '#ea580c', '#65a30d', '#4f46e5', '#0d9488', '#c026d3']

export const RAMP_SIZE = RAMP_DARK.length

/** The ramp slot of a server: its letter for `server-<letter>`, otherwise a stable hash of its name. */
export function serverSlot(name: string): number {
  const m = /-([a-z])$/.exec(name)
  if (m) return (m[1]!.charCodeAt(0) - 97) % RAMP_SIZE
  let h = 0
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0
  return h % RAMP_SIZE
}

export function serverColor(name: string, palette: Palette, out = new Color()): Color {
  return out.set((palette.dark ? RAMP_DARK : RAMP_LIGHT)[serverSlot(name)]!)
}

/** `#rrggbb` of a server's colour, for tinting labels. */
export function serverCss(name: string, palette: Palette): string {
  return `#${serverColor(name, palette).getHexString()}`
}

/** Thousands separators, the same in every locale (the picture must not depend on the machine). */
export const fmt = (n: number): string => Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')
export const pct = (x: number): string => `${Math.round(x * 100)}%`
