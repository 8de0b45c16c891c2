import { describe, expect, it } from 'vitest'
import { DEFAULT_TIMEOUT_S, EXIT, USAGE, exportUrl, parseExportArgs, type ExportOptions } from './export-args.ts'

function ok(argv: string[]): ExportOptions {
  const r = parseExportArgs(argv)
  if (!r.ok) throw new Error(`expected ok, got: ${r.error}`)
  return r.options
}

function error(argv: string[]): string {
  const r = parseExportArgs(argv)
  if (r.ok) throw new Error(`expected an error for ${argv.join(' ')}`)
  return r.error
}

describe('parseExportArgs', () => {
  it('defaults: one page per step, no notes, no PNGs, the deck’s theme, 120 s, build if needed', () => {
    expect(ok(['--out', 'deck.pdf'])).toEqual({ out: 'deck.pdf', steps: true, notes: false, png: null, theme: null, timeoutS: DEFAULT_TIMEOUT_S, build: true, help: false })
    expect(DEFAULT_TIMEOUT_S).toBe(120)
  })

  it('reads every option, long and short, in any order', () => {
    expect(ok(['--no-steps', '-o', 'x/deck.pdf', '--notes', '--png', 'pngs', '--theme', 'light', '--timeout', '30', '--no-build'])).toEqual({
      out: 'x/deck.pdf',
      steps: false,
      notes: true,
      png: 'pngs',
      theme: 'light',
      timeoutS: 30,
      build: false,
      help: false,
    })
    expect(ok(['--out=deck.pdf', '--theme=dark', '--timeout=0.5'])).toMatchObject({ out: 'deck.pdf', theme: 'dark', timeoutS: 0.5 })
  })

  it('--help needs nothing else', () => {
    expect(ok(['--help']).help).toBe(true)
    expect(ok(['-h']).help).toBe(true)
  })

  it('refuses a missing --out, unknown options, stray arguments and bad values', () => {
    expect(error([])).toBe('missing --out FILE.pdf')
    expect(error(['--out', ''])).toBe('missing --out FILE.pdf')
    expect(error(['--out'])).toMatch(/--out/)
    expect(error(['--out', 'a.pdf', '--bogus'])).toBe("unknown option '--bogus'")
    expect(error(['deck.pdf'])).toMatch(/unexpected argument 'deck.pdf' \(did you mean --out deck.pdf\?\)/)
    expect(error(['--out', 'a.pdf', '--theme', 'blue'])).toBe("unknown theme 'blue': use dark or light")
    expect(error(['--out', 'a.pdf', '--timeout', '0'])).toMatch(/--timeout needs a positive number of seconds, got '0'/)
    expect(error(['--out', 'a.pdf', '--timeout', 'soon'])).toMatch(/got 'soon'/)
    expect(error(['--out', 'a.pdf', '--timeout', '-5'])).toMatch(/--timeout/)
    expect(error(['--out', 'a.pdf', '--png', ''])).toBe('--png needs a directory')
    expect(error(['--out', 'a.pdf', '--notes=yes'])).toMatch(/--notes/)
  })
})

describe('exportUrl', () => {
  const base = 'http://127.0.0.1:4321/'
  const defaults = { steps: true, notes: false, theme: null }

  it('opens the print view; reveal.js reads the other options from the query string', () => {
    expect(exportUrl(base, defaults)).toBe('http://127.0.0.1:4321/?print-pdf')
    expect(exportUrl(base, { ...defaults, theme: 'light' })).toBe('http://127.0.0.1:4321/?print-pdf&theme=light')
    expect(exportUrl(base, { ...defaults, steps: false })).toBe('http://127.0.0.1:4321/?print-pdf&pdfSeparateFragments=false')
    expect(exportUrl(base, { ...defaults, notes: true })).toBe('http://127.0.0.1:4321/?print-pdf&showNotes=separate-page')
    expect(exportUrl(`${base}#/3/1`, { steps: false, notes: true, theme: 'dark' })).toBe('http://127.0.0.1:4321/?print-pdf&theme=dark&pdfSeparateFragments=false&showNotes=separate-page')
  })

  it('every value survives reveal.js’s query parser (keys [A-Z0-9]+, values [\\w.%-]*)', () => {
    const url = new URL(exportUrl(base, { steps: false, notes: true, theme: 'light' }))
    // The same regular expression reveal.js 6 uses in getQueryHash().
    const parsed: Record<string, string> = {}
    url.search.replace(/[A-Z0-9]+?=([\w.%-]*)/gi, (m) => {
      parsed[m.split('=')[0]!] = m.split('=').pop()!
      return m
    })
    expect(parsed).toEqual({ theme: 'light', pdfSeparateFragments: 'false', showNotes: 'separate-page' })
  })
})

describe('usage text', () => {
  it('documents every option and every exit code', () => {
    for (const opt of ['--out', '--no-steps', '--notes', '--png', '--theme', '--timeout', '--no-build', '--help']) expect(USAGE).toContain(opt)
    for (const code of Object.values(EXIT)) expect(USAGE).toMatch(new RegExp(`^  ${code}  `, 'm'))
  })
})
