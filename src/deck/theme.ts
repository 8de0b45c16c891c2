/**
 * Theme choice: `?theme=light|dark` beats the deck's front matter, which beats the default (dark).
 * Themes are CSS custom properties on <html data-theme>; scenes read the same properties.
 */
export const THEMES = ['dark', 'light'] as const
export type ThemeName = (typeof THEMES)[number]

export function isTheme(v: unknown): v is ThemeName {
  return typeof v === 'string' && (THEMES as readonly string[]).includes(v)
}

export function chooseTheme(search: string, frontMatterTheme?: string): ThemeName {
  const fromUrl = new URLSearchParams(search).get('theme')
  if (isTheme(fromUrl)) return fromUrl
  if (fromUrl) console.warn(`Unknown theme "${fromUrl}" in the URL; valid themes: ${THEMES.join(', ')}`)
  return isTheme(frontMatterTheme) ? frontMatterTheme : 'dark'
}

export function applyTheme(theme: ThemeName, root: HTMLElement = document.documentElement): void {
  root.dataset.theme = theme
}

/** The value of a theme colour (e.g. '--c-leader') as the browser resolved it. */
export function themeColor(name: string, root: Element = document.documentElement): string {
  return getComputedStyle(root).getPropertyValue(name).trim()
}
