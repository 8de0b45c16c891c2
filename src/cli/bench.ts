/**
 * `npm run bench -- [--dist DIR] [--quick] [--strict] [--out FILE] [--no-pdf]` (DESIGN.md §4): the
 * performance report. Measures the built deck in headless Chromium and the simulation in Node,
 * writes bench/report.json and prints a table with the budgets (bench-report.ts).
 *
 * Order of work: arguments (exit 2) → Chromium present (3) → build the deck if it is missing (2)
 * → bundle sizes → simulation (Node only, before any browser runs) → the plain reveal.js
 * baseline → browser measurements, one after another → PDF export (its own Chromium) → report.
 * A measurement that breaks is recorded as an error in the report; the others still run.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser } from 'playwright-core'
import { INSTALL_HINT, MissingBrowserError, findChromium } from './chromium.ts'
import { serveStatic, type StaticServer } from './static-server.ts'
import { BENCH_EXIT, BENCH_USAGE, parseBenchArgs, type BenchOptions } from './bench-args.ts'
import { measureBundle, type BundleReport } from './bench-bundle.ts'
import { DEVICE_SCALE_FACTOR, VIEWPORT, launchBrowser, measureFirstFrames, measureFirstSlide, measureMemory, measureScenes, measureSpeakerView, measureStepLatency, openPage, sceneHosts, type HostInfo } from './bench-browser.ts'
import { benchPdf } from './bench-pdf.ts'
import { buildPlainDeck, extractSlidesMarkup } from './bench-plain-deck.ts'
import { evaluateBudgets, failedBudgets, formatReport, type BenchReport, type FirstSlideResult, type Outcome } from './bench-report.ts'
import { benchSim } from './bench-sim.ts'
import { median, round } from './bench-stats.ts'
import { buildInputs, staleness } from './export-build.ts'
import { Exit, runMain } from './cli-main.ts'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** Repetitions: full run, and --quick (a smoke test). */
const REPS = {
  full: { coldLoads: 11, renders: 21, passes: 10 },
  quick: { coldLoads: 3, renders: 5, passes: 3 },
}
const PDF_TIMEOUT_MS = 300_000

/** Where relative paths are meant from: the folder `npm run bench` was typed in. */
function callerDir(): string {
  return (process.env.npm_lifecycle_event === 'bench' ? process.env.INIT_CWD : undefined) ?? process.cwd()
}

function progress(s: string): void {
  process.stderr.write(`bench: ${s}\n`)
}

function shown(path: string): string {
  const rel = relative(ROOT, path)
  return rel && !rel.startsWith('..') ? rel : path
}

/** Run a measurement; a throw becomes an 'error' outcome (the rest of the report still comes). */
async function attempt<T>(name: string, work: () => Promise<T>): Promise<Outcome<T>> {
  const t = performance.now()
  progress(`${name}…`)
  try {
    const result = await work()
    progress(`${name}: done in ${((performance.now() - t) / 1000).toFixed(1)} s`)
    return { status: 'ok', result }
  } catch (e) {
    const reason = String((e as Error).message ?? e).split('\n')[0]!
    progress(`${name}: FAILED: ${reason}`)
    return { status: 'error', reason }
  }
}

async function ensureBuilt(dist: string): Promise<void> {
  if (existsSync(join(dist, 'index.html'))) {
    const s = staleness({ ...buildInputs(ROOT), outDir: dist })
    if (s.stale) progress(`note: measuring ${shown(dist)} as it is, but ${s.reason} (rebuild to measure the current sources)`)
    return
  }
  progress(`${shown(dist)}/index.html is missing: building the deck into ${shown(dist)}…`)
  const { build } = await import('vite')
  const cwd = process.cwd()
  try {
    process.chdir(ROOT)
    await build({ root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir: dist, emptyOutDir: true } })
  } catch (e) {
    throw new Exit(BENCH_EXIT.usage, `build failed:\n${(e as Error).message ?? String(e)}`)
  } finally {
    process.chdir(cwd)
  }
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseBenchArgs(argv)
  if (!parsed.ok) throw new Exit(BENCH_EXIT.usage, `bench: ${parsed.error}\n\n${BENCH_USAGE}`)
  const options: BenchOptions = parsed.options
  if (options.help) {
    process.stdout.write(`${BENCH_USAGE}\n`)
    return BENCH_EXIT.ok
  }
  const dist = resolve(callerDir(), options.dist)
  const out = resolve(callerDir(), options.out)
  const reps = options.quick ? REPS.quick : REPS.full

  let executablePath: string
  try {
    executablePath = findChromium()
  } catch (e) {
    if (e instanceof MissingBrowserError) throw new Exit(BENCH_EXIT.browser, INSTALL_HINT)
    throw e
  }
  await ensureBuilt(dist)

  const started = performance.now()
  const loadStart = loadavg()[0]!
  const warnings: string[] = []

  const bundle = await attempt('bundle sizes', async () => measureBundle(dist))
  const sim = await attempt('simulation', () => benchSim({ quick: options.quick }))

  // The baseline deck, built in this run from this build's slide markup.
  const plainDir = join(ROOT, '.tmp', 'bench-plain')
  const plain = await attempt('plain reveal.js deck (build)', async () => {
    const markup = extractSlidesMarkup(readFileSync(join(dist, 'index.html'), 'utf8'))
    const plainDist = await buildPlainDeck(plainDir, markup)
    return { dist: plainDist, bundle: measureBundle(plainDist) }
  })

  const measured = await browserMeasurements(executablePath, dist, plain, reps, warnings)

  const pdf: BenchReport['pdf'] = options.pdf ? await attempt('PDF export', () => benchPdf(ROOT, dist, PDF_TIMEOUT_MS)).then((o) => (o.status === 'ok' ? o.result : o)) : { status: 'skipped', reason: '--no-pdf' }

  const cpu = cpus()
  const partial: Omit<BenchReport, 'budgets'> = {
    meta: {
      date: new Date().toISOString(),
      quick: options.quick,
      node: process.versions.node,
      chromium: measured.chromium,
      cpus: cpu.length,
      cpuModel: cpu[0]?.model.trim() ?? 'unknown',
      loadStart,
      loadEnd: loadavg()[0]!,
      dist: shown(dist),
      viewport: { ...VIEWPORT, deviceScaleFactor: DEVICE_SCALE_FACTOR },
      durationS: (performance.now() - started) / 1000,
      warnings: [...new Set(warnings)].slice(0, 50),
    },
    bundle,
    firstSlide: measured.firstSlide,
    scenes: measured.scenes,
    firstFrames: measured.firstFrames,
    steps: measured.steps,
    speaker: measured.speaker,
    memory: measured.memory,
    pdf,
    sim,
  }
  const report: BenchReport = { ...partial, budgets: evaluateBudgets(partial) }
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(out, `${JSON.stringify(report, (_k, v: unknown) => (typeof v === 'number' ? round(v, 3) : v), 2)}\n`)
  process.stdout.write(`${formatReport(report)}\n\nreport: ${shown(out)}\n`)
  if (report.meta.warnings.length) process.stdout.write(`${report.meta.warnings.length} page error(s) while measuring; the first: ${report.meta.warnings[0]}\n`)
  const failed = failedBudgets(report.budgets)
  return options.strict && failed.length > 0 ? BENCH_EXIT.budgets : BENCH_EXIT.ok
}

type Browsed = Pick<BenchReport, 'firstSlide' | 'scenes' | 'firstFrames' | 'steps' | 'speaker' | 'memory'> & { chromium: string }

/** Everything measured in Chromium, one measurement after another in one browser. */
async function browserMeasurements(executablePath: string, dist: string, plain: Outcome<{ dist: string; bundle: BundleReport }>, reps: (typeof REPS)['full'], warnings: string[]): Promise<Browsed> {
  const servers: StaticServer[] = []
  let browser: Browser | undefined
  try {
    const deckServer = await serveStatic(dist)
    servers.push(deckServer)
    try {
      browser = (await launchBrowser(executablePath)).browser
    } catch (e) {
      const first = String((e as Error).message ?? e).split('\n')[0]
      throw new Exit(BENCH_EXIT.browser, `Chromium at ${executablePath} failed to start: ${first}\n${INSTALL_HINT}`)
    }
    const b = browser
    let firstSlide: Outcome<FirstSlideResult>
    if (plain.status === 'ok') {
      const plainServer = await serveStatic(plain.result.dist)
      servers.push(plainServer)
      const plainBundle = plain.result.bundle
      firstSlide = await attempt('first slide', async () => {
        const raw = await measureFirstSlide(b, deckServer.url, plainServer.url, reps.coldLoads, warnings, progress)
        return {
          runs: reps.coldLoads,
          ...raw,
          ratio: raw.deck.ready.median / raw.plain.ready.median,
          pairedRatio: median(raw.deck.readyMs.map((d, i) => d / raw.plain.readyMs[i]!)),
          fcpRatio: raw.deck.fcp.median / raw.plain.fcp.median,
          plainBundle: { initialJsGzip: plainBundle.initialJsGzip, initialCssGzip: plainBundle.initialCssGzip, indexGzip: plainBundle.index.gzip },
        }
      })
    } else {
      firstSlide = { status: 'error', reason: `the plain reveal.js deck was not built: ${plain.reason}` }
    }
    const scenes = await attempt('per-scene render cost', () => measureScenes(b, deckServer.url, reps.renders, warnings, progress))
    const firstFrames = await attempt('first frame per scene kind', async () => measureFirstFrames(b, deckServer.url, await listHosts(b, deckServer.url, warnings), warnings, progress))
    const steps = await attempt('step latency', () => measureStepLatency(b, deckServer.url, warnings, progress))
    const speaker = await attempt('speaker view', () => measureSpeakerView(b, deckServer.url, warnings, progress))
    const memory = await attempt('memory', () => measureMemory(b, deckServer.url, reps.passes, warnings, progress))
    return { chromium: `Chromium ${b.version()}`, firstSlide, scenes, firstFrames, steps, speaker, memory }
  } finally {
    await browser?.close().catch(() => {})
    for (const s of servers) await s.close().catch(() => {})
  }
}

/** The deck's scene hosts, from a page of its own. */
async function listHosts(browser: Browser, url: string, warnings: string[]): Promise<HostInfo[]> {
  const o = await openPage(browser, url, 'reduce', warnings)
  try {
    await o.page.waitForSelector('html[data-deck-ready="true"]')
    return await sceneHosts(o.page)
  } finally {
    await o.close()
  }
}

runMain('bench', () => main(process.argv.slice(2)), BENCH_EXIT.usage)
