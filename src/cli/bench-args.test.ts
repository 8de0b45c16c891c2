import { describe, expect, it } from 'vitest'
import { BENCH_EXIT, BENCH_USAGE, parseBenchArgs, type BenchOptions } from './bench-args.ts'

function ok(argv: string[]): BenchOptions {
  const r = parseBenchArgs(argv)
  if (!r.ok) throw new Error(`expected ok, got: ${r.error}`)
  return r.options
}

describe('parseBenchArgs', () => {
  it('defaults: dist/, bench/report.json, full repetitions, budgets printed only, PDF measured', () => {
    expect(ok([])).toEqual({ dist: 'dist', out: 'bench/report.json', quick: false, strict: false, pdf: true, help: false })
  })
  it('reads every option', () => {
    expect(ok(['--dist', '.tmp/dist-bench', '--quick', '--strict', '--out', 'x.json', '--no-pdf'])).toEqual({ dist: '.tmp/dist-bench', out: 'x.json', quick: true, strict: true, pdf: false, help: false })
    expect(ok(['--dist=build']).dist).toBe('build')
    expect(ok(['-h']).help).toBe(true)
  })
  it('rejects unknown options, stray arguments and empty folders', () => {
    for (const argv of [['--fast'], ['dist'], ['--dist', ''], ['--dist'], ['--out', ' ']]) {
      const r = parseBenchArgs(argv)
      expect(r.ok, argv.join(' ')).toBe(false)
    }
  })
})

describe('exit codes', () => {
  it('0 ran, 1 budgets failed with --strict, 2 usage/build, 3 no Chromium — and the usage says so', () => {
    expect(BENCH_EXIT).toEqual({ ok: 0, budgets: 1, usage: 2, browser: 3 })
    for (const flag of ['--dist', '--quick', '--strict', '--out', '--no-pdf']) expect(BENCH_USAGE).toContain(flag)
    expect(BENCH_USAGE).toMatch(/3 {2}no Chromium/)
  })
})
