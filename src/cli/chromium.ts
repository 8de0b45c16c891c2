/**
 * Finding and launching the system Chromium for browser tests, export and the benchmark
 * (DESIGN.md §5): CHROME_PATH, then /usr/bin/chromium; a one-line install hint if there is none.
 */
import { existsSync } from 'node:fs'

export const INSTALL_HINT = 'No Chromium found: install it (Debian: apt-get install chromium) or set CHROME_PATH to a Chromium/Chrome binary.'

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']

export class MissingBrowserError extends Error {
  override name = 'MissingBrowserError'
  constructor() {
    super(INSTALL_HINT)
  }
}

export function findChromium(env: NodeJS.ProcessEnv = process.env, exists: (p: string) => boolean = existsSync): string {
  const fromEnv = env.CHROME_PATH
  if (fromEnv) {
    if (exists(fromEnv)) return fromEnv
    throw new MissingBrowserError()
  }
  const found = CANDIDATES.find((p) => exists(p))
  if (!found) throw new MissingBrowserError()
  return found
}

/** Flags verified on these machines: SwiftShader WebGL, root without a sandbox, no background traffic. */
export const CHROMIUM_ARGS = [
  '--enable-unsafe-swiftshader',
  '--use-angle=swiftshader',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--disable-dev-shm-usage',
  '--font-render-hinting=none',
  '--hide-scrollbars',
]
