/**
 * `npm run export -- --out deck.pdf [--no-steps] [--notes] [--png DIR] [--theme light]
 * [--timeout SECONDS] [--no-build]` (DESIGN.md §4): the deck as a PDF, one page per step, each
 * scene drawn at its page's step, through playwright-core driving the system Chromium.
 *
 * Order of work, cheapest checks first: arguments (exit 1) → output writable (4) → Chromium and
 * pdftoppm present (3) → build if dist/ is stale (2) → serve dist/, open `?print-pdf`, wait for
 * <html data-print-ready="true"> showing progress (5 on timeout) → page.pdf() → page count → PNGs.
 */
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { CHROMIUM_ARGS, INSTALL_HINT, MissingBrowserError, findChromium } from './chromium.ts'
import { serveStatic, type StaticServer } from './static-server.ts'
import { EXIT, PDFTOPPM_HINT, USAGE, exportUrl, parseExportArgs, type ExportOptions } from './export-args.ts'
import { BuildError, buildInputs, runBuild, shown, staleness } from './export-build.ts'
import { OutputError, PNG_PREFIX, checkWritableFile, clearOldPngs, preparePngDir } from './export-output.ts'
import { Progress, notReadyMessage, progressText, readPrintStatus, type PrintStatus } from './export-progress.ts'
import { pageRanges, pdfPageCount } from './export-pdf-pages.ts'
import { Exit, runMain } from './cli-main.ts'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const VIEWPORT = { width: 1280, height: 720 }
const POLL_MS = 250
/** performance.now() counts from the process's start: the time reported includes starting up. */
const PROCESS_START = 0
/** What src/deck/boot.ts logs when snapshotPrintPages() throws (it then never sets print-ready). */
const GAVE_UP = /^Print snapshots failed/

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** `work`'s result, or undefined if it takes longer than `ms` (the timer never outlives the call). */
async function within<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<undefined>((r) => {
    timer = setTimeout(() => r(undefined), Math.max(0, ms))
  })
  try {
    return await Promise.race([work, late])
  } finally {
    clearTimeout(timer)
  }
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1)
}

function run(cmd: string, args: string[]): Promise<{ code: number | string | null; stderr: string }> {
  return new Promise((ok) => {
    execFile(cmd, args, (err, _stdout, stderr) => {
      ok({ code: err ? ((err as NodeJS.ErrnoException).code ?? 1) : 0, stderr: String(stderr) })
    })
  })
}

async function hasCommand(cmd: string): Promise<boolean> {
  return (await run(cmd, ['-v'])).code !== 'ENOENT'
}

/** Where relative paths are meant from: the folder `npm run export` was typed in. */
function callerDir(): string {
  const fromNpm = process.env.npm_lifecycle_event === 'export' ? process.env.INIT_CWD : undefined
  return fromNpm ?? process.cwd()
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseExportArgs(argv)
  if (!parsed.ok) {
    process.stderr.write(`export: ${parsed.error}\n\n${USAGE}\n`)
    return EXIT.usage
  }
  const options = parsed.options
  if (options.help) {
    process.stdout.write(`${USAGE}\n`)
    return EXIT.ok
  }
  const out = resolve(callerDir(), options.out)
  const pngDir = options.png ? resolve(callerDir(), options.png) : null

  // 4: the outputs can be written (before anything slow).
  try {
    await checkWritableFile(out)
    if (pngDir) await preparePngDir(pngDir)
  } catch (e) {
    if (e instanceof OutputError) throw new Exit(EXIT.output, e.message)
    throw e
  }

  // 3: the programs we drive exist.
  let executablePath: string
  try {
    executablePath = findChromium()
  } catch (e) {
    if (e instanceof MissingBrowserError) throw new Exit(EXIT.browser, INSTALL_HINT)
    throw e
  }
  if (pngDir && !(await hasCommand('pdftoppm'))) throw new Exit(EXIT.browser, PDFTOPPM_HINT)

  // 2: a fresh build.
  const inputs = buildInputs(ROOT)
  if (options.build) {
    const s = staleness(inputs)
    if (s.stale) {
      const t = performance.now()
      process.stdout.write(`building the deck (${s.reason})…\n`)
      const cwd = process.cwd()
      try {
        process.chdir(ROOT)
        await runBuild(ROOT)
      } catch (e) {
        if (e instanceof BuildError) throw new Exit(EXIT.build, `build failed:\n${e.message}`)
        throw e
      } finally {
        process.chdir(cwd)
      }
      process.stdout.write(`built in ${seconds(t)} s\n`)
    }
  } else if (!existsSync(join(inputs.outDir, 'index.html'))) {
    throw new Exit(EXIT.build, `${shown(ROOT, join(inputs.outDir, 'index.html'))} is missing: run npm run build, or drop --no-build`)
  }

  const server = await serveStatic(inputs.outDir)
  let browser: Browser | undefined
  try {
    try {
      browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true })
    } catch (e) {
      const first = String((e as Error).message ?? e).split('\n')[0]
      throw new Exit(EXIT.browser, `Chromium at ${executablePath} failed to start: ${first}\n${INSTALL_HINT}`)
    }
    await printToPdf(browser, exportUrl(server.url, options), out, options)
  } finally {
    await browser?.close().catch(() => {})
    await closeQuietly(server)
  }
  const summary = await finish(out, pngDir)
  process.stdout.write(`${summary}, ${seconds(PROCESS_START)} s\n`)
  return EXIT.ok
}

async function closeQuietly(server: StaticServer): Promise<void> {
  await within(server.close(), 1000)
}

/** Open the print view, wait until every scene page has drawn (with progress), write the PDF. */
async function printToPdf(browser: Browser, url: string, out: string, options: ExportOptions): Promise<void> {
  const page = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1 })
  const errors: string[] = []
  // Set when the deck says it gave up on the print view: waiting longer cannot help.
  let gaveUp: string | null = null
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() !== 'error') return
    errors.push(`console error: ${m.text()}`)
    if (GAVE_UP.test(m.text())) gaveUp ??= 'the deck’s print snapshots failed'
  })
  let crashed = false
  page.on('crash', () => {
    crashed = true
  })

  const progress = new Progress(process.stdout)
  const timeoutMs = options.timeoutS * 1000
  const opened = performance.now()
  const deadline = opened + timeoutMs
  let status: PrintStatus | null = null
  const notReady = (): Exit => {
    progress.end()
    const after = gaveUp ? (performance.now() - opened) / 1000 : options.timeoutS
    const lines = [notReadyMessage(after, status, gaveUp ?? undefined), ...errors.slice(0, 5)]
    return new Exit(EXIT.timeout, lines.join('\n'))
  }

  progress.update(progressText(null))
  try {
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs })
  } catch (e) {
    if ((e as Error).name === 'TimeoutError') throw notReady()
    throw e
  }
  for (;;) {
    if (crashed) throw new Exit(EXIT.failed, `the page crashed while printing\n${errors.join('\n')}`.trim())
    const left = deadline - performance.now()
    // A long synchronous render blocks evaluate(); never wait past the deadline for it.
    const read = await within(page.evaluate(readPrintStatus).catch(() => null), left)
    if (read) status = read
    if (status) progress.update(progressText(status))
    if (status?.ready) break
    if (status?.failed) gaveUp ??= 'the deck marked its print view as failed'
    if (gaveUp || performance.now() >= deadline) throw notReady()
    await sleep(Math.min(POLL_MS, Math.max(0, deadline - performance.now())))
  }
  progress.update('writing PDF…')
  progress.end()
  await writePdf(page, out)
  // The PDF is written, but say what went wrong in the page (a scene may show its fallback).
  for (const e of errors) process.stderr.write(`warning: ${e}\n`)
}

async function writePdf(page: Page, out: string): Promise<void> {
  try {
    await page.pdf({ path: out, preferCSSPageSize: true, printBackground: true })
  } catch (e) {
    throw new Exit(EXIT.failed, `could not write ${out}: ${String((e as Error).message ?? e).split('\n')[0]}`)
  }
}

/** Count the pages, write the PNGs; returns the summary line (without the time). */
async function finish(out: string, pngDir: string | null): Promise<string> {
  const pages = await pdfPageCount(out)
  const pageText = pages === null ? 'page count unknown' : `${pages} page${pages === 1 ? '' : 's'}`
  if (pngDir) {
    process.stdout.write('writing PNGs…\n')
    await clearOldPngs(pngDir)
    // pdftoppm is single-threaded (~60 ms a page here): one process per core, each on a range.
    const ranges = pageRanges(pages, availableParallelism())
    const results = await Promise.all(ranges.map(([first, last]) => run('pdftoppm', ['-png', '-r', '96', ...(first ? ['-f', String(first), '-l', String(last)] : []), out, join(pngDir, PNG_PREFIX)])))
    for (const r of results) {
      if (r.code === 'ENOENT') throw new Exit(EXIT.browser, PDFTOPPM_HINT)
      if (r.code !== 0) throw new Exit(EXIT.failed, `pdftoppm failed: ${r.stderr.trim()}`)
    }
    const pngs = (await readdir(pngDir)).filter((n) => n.startsWith(`${PNG_PREFIX}-`) && n.endsWith('.png')).length
    process.stdout.write(`${pngs} PNG${pngs === 1 ? '' : 's'} in ${pngDir}\n`)
  }
  return `${out}: ${pageText}`
}

runMain('export', () => main(process.argv.slice(2)), EXIT.failed)
