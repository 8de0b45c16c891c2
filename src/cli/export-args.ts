/**
 * `npm run export` arguments: parsing and validation (node:util parseArgs), the usage text, the
 * exit codes, and the print-view URL the options ask for. Pure functions, unit-tested.
 */
import { parseArgs } from 'node:util'

/** Exit codes of `npm run export` (also listed in USAGE and in the README). */
export const EXIT = {
  ok: 0,
  usage: 1,
  build: 2,
  browser: 3,
  output: 4,
  timeout: 5,
  failed: 6,
} as const

export const PDFTOPPM_HINT = 'pdftoppm not found: apt-get install poppler-utils'

export const THEME_CHOICES = ['dark', 'light'] as const
export type ExportTheme = (typeof THEME_CHOICES)[number]

export const DEFAULT_TIMEOUT_S = 120

export interface ExportOptions {
  /** The PDF to write, as given (resolve it against the caller's directory). */
  out: string
  /** One page per step (default) or one page per slide in its final state. */
  steps: boolean
  /** Add a page of speaker notes after each slide's first page. */
  notes: boolean
  /** Also write one PNG per page into this directory. */
  png: string | null
  /** Force a theme; null keeps the deck's own choice (front matter, else dark). */
  theme: ExportTheme | null
  /** Seconds to wait for every page's scene to be drawn. */
  timeoutS: number
  /** Never build, even if dist/ is missing or older than the sources. */
  build: boolean
  help: boolean
}

export const USAGE = `Usage: npm run export -- --out FILE.pdf [options]

Prints the deck to a PDF through the system Chromium: one page per step of every slide, each
3D scene drawn at that page's step. Builds dist/ first when it is missing or older than the
sources (src/, slides/, themes/, public/, index.html, vite.config.ts).

Options:
  -o, --out FILE       the PDF to write (required)
      --no-steps       one page per slide, in its final state, instead of one per step
      --notes          add a page of speaker notes after each slide's first page
      --png DIR        also write one PNG per page (DIR/page-001.png ...; needs pdftoppm)
      --theme NAME     dark or light (default: the deck's own theme)
      --timeout SECS   how long to wait for the scenes to draw (default ${DEFAULT_TIMEOUT_S})
      --no-build       never build; use dist/ as it is
  -h, --help           show this help

Environment: CHROME_PATH points at a Chromium/Chrome binary (default /usr/bin/chromium).

Exit codes:
  0  the PDF (and PNGs) were written
  1  bad arguments
  2  the build failed, or dist/ is missing with --no-build
  3  no Chromium (or, with --png, no pdftoppm), or Chromium failed to start
  4  the output file or PNG directory cannot be written
  5  a page's scene was not drawn within --timeout (the slides and steps are named)
  6  anything else went wrong while printing (the message says what)`

export type ParseResult = { ok: true; options: ExportOptions } | { ok: false; error: string }

export function parseExportArgs(argv: readonly string[]): ParseResult {
  let values: Record<string, string | boolean | undefined>
  let positionals: string[]
  try {
    ;({ values, positionals } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o' },
        'no-steps': { type: 'boolean' },
        notes: { type: 'boolean' },
        png: { type: 'string' },
        theme: { type: 'string' },
        timeout: { type: 'string' },
        'no-build': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }))
  } catch (e) {
    // node's messages go on about positionals after '--'; the first sentence is the point.
    const message = (e as Error).message
    return { ok: false, error: message.split(/\.\s/)[0]!.replace(/^Unknown option/, 'unknown option') }
  }
  const help = values.help === true
  const base: Omit<ExportOptions, 'out'> = {
    steps: values['no-steps'] !== true,
    notes: values.notes === true,
    png: null,
    theme: null,
    timeoutS: DEFAULT_TIMEOUT_S,
    build: values['no-build'] !== true,
    help,
  }
  if (help) return { ok: true, options: { ...base, out: typeof values.out === 'string' ? values.out : '' } }
  if (positionals.length > 0) return { ok: false, error: `unexpected argument '${positionals[0]}' (did you mean --out ${positionals[0]}?)` }

  const out = values.out
  if (typeof out !== 'string' || out.trim() === '') return { ok: false, error: 'missing --out FILE.pdf' }

  let png: string | null = null
  if (values.png !== undefined) {
    if (typeof values.png !== 'string' || values.png.trim() === '') return { ok: false, error: '--png needs a directory' }
    png = values.png
  }

  let theme: ExportTheme | null = null
  if (values.theme !== undefined) {
    const t = values.theme
    if (!(THEME_CHOICES as readonly unknown[]).includes(t)) return { ok: false, error: `unknown theme '${String(t)}': use ${THEME_CHOICES.join(' or ')}` }
    theme = t as ExportTheme
  }

  let timeoutS = DEFAULT_TIMEOUT_S
  if (values.timeout !== undefined) {
    const raw = String(values.timeout).trim()
    const n = /^\d+(\.\d+)?$|^\.\d+$/.test(raw) ? Number(raw) : Number.NaN
    if (!Number.isFinite(n) || n <= 0) return { ok: false, error: `--timeout needs a positive number of seconds, got '${String(values.timeout)}'` }
    timeoutS = n
  }

  return { ok: true, options: { ...base, out, png, theme, timeoutS } }
}

/**
 * The print-view URL for the options. reveal.js reads every `key=value` of the query string into
 * its config (true/false/numbers are converted), so `pdfSeparateFragments=false` prints each slide
 * once with every fragment shown, and `showNotes=separate-page` adds a page of notes after each
 * slide's first page. (`showNotes=true` overlays the notes on the bottom of every step page, over
 * the slide and its scene, so the export does not use it.) `theme` is read by the deck itself.
 */
export function exportUrl(base: string, options: Pick<ExportOptions, 'steps' | 'notes' | 'theme'>): string {
  const url = new URL(base)
  const params = ['print-pdf']
  if (options.theme) params.push(`theme=${options.theme}`)
  if (!options.steps) params.push('pdfSeparateFragments=false')
  if (options.notes) params.push('showNotes=separate-page')
  url.search = `?${params.join('&')}`
  url.hash = ''
  return url.toString()
}
