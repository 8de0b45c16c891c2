/**
 * Theme colours for the 3D scenes, read from the CSS custom properties of themes/*.css so that the
 * scenes and the slides speak the same colour language.
 */
import { Color } from 'three'

export interface Palette {
  background: Color
  grid: Color
  text: Color
  muted: Color
  leader: Color
  follower: Color
  replica: Color
  client: Color
  fault: Color
  ok: Color
  candidate: Color
  /** Whether labels should be drawn light-on-dark. */
  dark: boolean
}

const VARS = {
  background: '--c-scene-bg',
  grid: '--c-scene-grid',
  text: '--c-fg',
  muted: '--c-muted',
  leader: '--c-leader',
  follower: '--c-follower',
  replica: '--c-replica',
  client: '--c-client',
  fault: '--c-fault',
  ok: '--c-ok',
  candidate: '--c-candidate',
} as const

const FALLBACK: Record<keyof typeof VARS, string> = {
  background: '#0b1020', grid: '#1c2542', text: '#e6e9f2', muted: '#a3acc7', leader: '#f5b83d', follower: '#22d3ee',
  replica: '#a78bfa', client: '#60a5fa', fault: '#f87171', ok: '#4ade80', candidate: '#fb923c',
}

export function readPalette(root: Element = document.documentElement): Palette {
  const style = getComputedStyle(root)
  const out = {} as Record<keyof typeof VARS, Color>
  for (const [key, cssVar] of Object.entries(VARS) as [keyof typeof VARS, string][]) {
    const raw = style.getPropertyValue(cssVar).trim() || FALLBACK[key]
    out[key] = new Color(raw)
  }
  const hsl = { h: 0, s: 0, l: 0 }
  out.background.getHSL(hsl)
  return { ...out, dark: hsl.l < 0.5 }
}
