/** `npm run bench` arguments, usage and exit codes. Pure, unit-tested. */
import { parseArgs } from 'node:util'

export const BENCH_EXIT = {
  /** It ran; the budgets are printed (pass or fail). */
  ok: 0,
  /** --strict and at least one budget failed. */
  budgets: 1,
  /** Bad arguments, or the deck could not be built. */
  usage: 2,
  /** No Chromium, or it failed to start. */
  browser: 3,
} as const

export interface BenchOptions {
  /** The built deck to measure (default dist/, built with Vite when index.html is missing). */
  dist: string
  /** Where the JSON report goes. */
  out: string
  /** Fewer repetitions: a smoke test, not numbers to quote. */
  quick: boolean
  /** Exit 1 if any budget fails. */
  strict: boolean
  /** Skip the PDF export (it takes a minute or two). */
  pdf: boolean
  help: boolean
}

export const BENCH_USAGE = `Usage: npm run bench -- [--dist DIR] [--quick] [--strict] [--out FILE] [--no-pdf]

Measures the built deck in headless Chromium (bundle sizes, time to first slide beside a plain
reveal.js deck, per-scene render cost, step latency, memory over repeated passes, PDF export)
and the simulation in Node; writes a JSON report and prints a table with the budgets.

Options:
  --dist DIR    the built deck to measure (default dist/; built with Vite if index.html is missing)
  --quick       fewer repetitions (a smoke test; the numbers are rougher)
  --strict      exit 1 if any budget fails
  --out FILE    the JSON report (default bench/report.json)
  --no-pdf      skip the PDF export measurement
  -h, --help    show this help

Environment: CHROME_PATH points at a Chromium/Chrome binary (default /usr/bin/chromium).

Exit codes:
  0  it ran (budgets printed, pass or fail)
  1  --strict and a budget failed
  2  bad arguments, or the deck could not be built
  3  no Chromium, or it failed to start`

export type BenchArgsResult = { ok: true; options: BenchOptions } | { ok: false; error: string }

export function parseBenchArgs(argv: readonly string[]): BenchArgsResult {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        dist: { type: 'string' },
        out: { type: 'string' },
        quick: { type: 'boolean', default: false },
        strict: { type: 'boolean', default: false },
        'no-pdf': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    })
    if (positionals.length) return { ok: false, error: `unexpected argument: ${positionals[0]}` }
    if (values.dist !== undefined && values.dist.trim() === '') return { ok: false, error: '--dist needs a folder' }
    if (values.out !== undefined && values.out.trim() === '') return { ok: false, error: '--out needs a file' }
    return {
      ok: true,
      options: {
        dist: values.dist ?? 'dist',
        out: values.out ?? 'bench/report.json',
        quick: values.quick,
        strict: values.strict,
        pdf: !values['no-pdf'],
        help: values.help,
      },
    }
  } catch (e) {
    return { ok: false, error: (e as Error).message }
  }
}
