import { describe, expect, it } from 'vitest'
import { findChromium, INSTALL_HINT } from './chromium.ts'

describe('findChromium', () => {
  it('prefers CHROME_PATH, then /usr/bin/chromium', () => {
    expect(findChromium({ CHROME_PATH: '/opt/chrome' }, (p) => p === '/opt/chrome')).toBe('/opt/chrome')
    expect(findChromium({}, (p) => p === '/usr/bin/chromium')).toBe('/usr/bin/chromium')
  })
  it('fails with a one-line install hint when there is none', () => {
    expect(() => findChromium({}, () => false)).toThrow(INSTALL_HINT)
    expect(() => findChromium({ CHROME_PATH: '/nope' }, () => false)).toThrow(/apt-get install chromium/)
    expect(INSTALL_HINT).not.toContain('\n')
  })
})
