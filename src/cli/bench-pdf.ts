/**
 * The PDF part of `npm run bench`: run the export tool (src/cli/export.ts) on the measured build as
 * a child process and read its last line (`<file>: <n> pages, <s> s`). An absent or failing export
 * is reported as skipped, with the reason.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { Outcome, PdfResult } from './bench-report.ts'

/** The export's summary line: `/abs/deck.pdf: 38 pages, 41.2 s` (or `page count unknown`). */
export function parseExportLine(line: string): { pages: number | null; seconds: number } | null {
  const m = /:\s*(?:(\d+) pages?|page count unknown),\s*([\d.]+) s\s*$/.exec(line)
  if (!m) return null
  return { pages: m[1] === undefined ? null : Number(m[1]), seconds: Number(m[2]) }
}

/** The last non-empty line of a process's output (progress lines may end in \r). */
export function lastLine(text: string): string {
  return (
    text
      .split(/[\r\n]+/)
      .map((l) => l.trim())
      .filter(Boolean)
      .at(-1) ?? ''
  )
}

export async function benchPdf(root: string, dist: string, timeoutMs: number): Promise<Outcome<PdfResult>> {
  const tool = join(root, 'src', 'cli', 'export.ts')
  if (!existsSync(tool)) return { status: 'skipped', reason: 'src/cli/export.ts is absent' }
  const tsx = join(root, 'node_modules', '.bin', 'tsx')
  if (!existsSync(tsx)) return { status: 'skipped', reason: 'node_modules/.bin/tsx is absent' }
  const out = join(root, '.tmp', 'bench.pdf')
  mkdirSync(dirname(out), { recursive: true })
  const t0 = performance.now()
  // The export takes its dist/ from DECK_OUT (src/cli/export-build.ts); --no-build keeps it as is.
  const child = spawn(tsx, ['src/cli/export.ts', '--out', out, '--no-build'], {
    cwd: root,
    env: { ...process.env, DECK_OUT: dist },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    // tsx runs the script in a child node: end the whole group this call started.
    try {
      if (child.pid) process.kill(-child.pid, 'SIGTERM')
    } catch {
      child.kill('SIGTERM')
    }
  }, timeoutMs)
  const code = await new Promise<number | null>((ok) => {
    child.on('error', (e) => {
      stderr += String(e)
      ok(null)
    })
    child.on('close', (c) => ok(c))
  })
  clearTimeout(timer)
  const wallSeconds = (performance.now() - t0) / 1000
  if (timedOut) return { status: 'skipped', reason: `the export did not finish within ${(timeoutMs / 1000).toFixed(0)} s` }
  if (code !== 0) return { status: 'skipped', reason: `the export failed (exit ${code}): ${lastLine(stderr) || lastLine(stdout) || 'no output'}` }
  const line = lastLine(stdout)
  const parsed = parseExportLine(line)
  if (!parsed) return { status: 'skipped', reason: `cannot read the export's last line: ${JSON.stringify(line)}` }
  return { status: 'ok', result: { seconds: parsed.seconds, wallSeconds, pages: parsed.pages, line } }
}
