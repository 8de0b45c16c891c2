/**
 * The benchmark report: its shape (written to bench/report.json), the budgets it is held to, and
 * the printed table. Pure functions, unit-tested (bench-report.test.ts).
 *
 * Sizes: 1 KB = 1000 bytes (gzip, zlib level 9). Times: milliseconds unless named in seconds.
 */
import type { BundleReport } from './bench-bundle.ts'
import type { HeapBreakdown } from './bench-heap.ts'
import { median, percentile, type Summary } from './bench-stats.ts'

/** A measured section, or why it is missing ('skipped': on purpose or a tool is absent; 'error': it broke). */
export type Outcome<T> = { status: 'ok'; result: T } | { status: 'skipped' | 'error'; reason: string }

export interface FirstSlideSide {
  /** navigation start → ready (reveal.js's `ready` event for the plain deck, `<html data-deck-ready="true">` for ours). */
  readyMs: number[]
  /** first-contentful-paint (Paint Timing), same loads. */
  fcpMs: number[]
  ready: Summary
  fcp: Summary
}

export interface FirstSlideResult {
  runs: number
  deck: FirstSlideSide & {
    /** navigation start → reveal.js's `ready` event inside our deck (before the deck's own sync). */
    revealReadyMs: number[]
  }
  plain: FirstSlideSide
  /** median(deck ready) / median(plain ready): what the budget reads. */
  ratio: number
  /** The median of deck/plain over the interleaved pairs of loads (less sensitive to load drift). */
  pairedRatio: number
  fcpRatio: number
  /** JS/CSS/font files our deck requested before it was ready (first measured load). */
  requestedBeforeReady: string[]
  plainBundle: { initialJsGzip: number; initialCssGzip: number; indexGzip: number }
}

export interface SceneResult {
  /** Position among the deck's `[data-scene]` hosts. */
  host: number
  source: string
  kind: string
  scenario: string
  /** The step rendered (the host's final step). */
  step: string
  /** renderer.render() + 1-pixel readPixels, ms. */
  render: Summary
  triangles: number
  calls: number
  lines: number
  points: number
  /** The drawing buffer's size in pixels. */
  width: number
  height: number
}

export interface FirstFrameResult {
  kind: string
  scenario: string
  source: string
  /** Reveal.slide() → the host's data-ready="true", in a fresh page (stage, view chunk, shaders). */
  ms: number
  /** Whether the deck's background prefetch (three.js, the simulation) had finished before. */
  prefetched: boolean
  /** Shader programs the renderer held at that data-ready (all compiled for this first frame). */
  programs: number | null
}

export interface StepSample {
  source: string
  kind: string
  scenario: string
  step: string
  ms: number
  /** Main-thread CPU time over the press (reduced-motion sweep only). */
  cpuMs?: number
  /** Shader programs the renderer compiled between the key press and data-ready (null: unknown). */
  compiled: number | null
}

export interface StepLatencyResult {
  /** The sweep the budget reads: transitions on, as in a lecture. */
  motion: 'no-preference'
  samples: StepSample[]
  summary: Summary
  /** The same sweep with reduced motion: wall latency, and main-thread CPU per step. */
  reduced: { samples: StepSample[]; summary: Summary; cpu: Summary }
}

export interface SpeakerViewResult {
  /** Main-window step latency (keydown → data-ready, reduced motion), before the speaker view opened. */
  without: Summary
  /** The same sweep in the same page with the speaker view (S) open. */
  with: Summary
  /** median(with) / median(without): what the budget reads. */
  ratio: number
  p95Ratio: number
  /** The speaker view's current copy showed the main window's last step. */
  copiesFollowed: boolean
}

export interface RendererMemory {
  geometries: number
  textures: number
  programs: number
}

export interface MemoryPoint {
  /** Passes done so far (0 = baseline). */
  passes: number
  heapUsed: number
  /** The same moment's heap snapshot, by kind: JS objects, V8's code, the browser's native objects. */
  heap: HeapBreakdown
  renderer: RendererMemory | null
}

export interface MemoryResult {
  points: MemoryPoint[]
  /** Wall time of each pass, ms. */
  passMs: number[]
  /** (heap after the last pass − heap after the first) / heap after the first. */
  heapGrowth: number
  /**
   * The same for the JS objects alone (heap snapshots): what a leak grows. The whole heap also
   * grows while V8 compiles optimised code for what runs every pass.
   */
  objectsGrowth: number
  /** Renderer geometries and textures after every pass equal the baseline's. */
  rendererBackToBaseline: boolean
}

export interface PdfResult {
  /** What the export says it took (from its process start). */
  seconds: number
  /** Wall time of the child process, as seen by the bench. */
  wallSeconds: number
  pages: number | null
  line: string
}

export interface SeekByKind {
  kind: string
  checkpoints: number
  freshMedianMs: number
  freshCpuMedianMs: number
  cachedMedianMs: number
  freshMaxMs: number
}

export interface SimResult {
  seek: {
    /** Every checkpoint of every scenario, seeking it on a freshly created scenario (the first replay). */
    fresh: Summary
    /** The same seek again on that scenario (snapshot cache). */
    cached: Summary
    /** fresh and cached together. */
    all: Summary
    /** The fresh seeks' CPU time (process.cpuUsage): what other processes on the machine do not inflate. */
    freshCpu: Summary
    byKind: SeekByKind[]
    slowest: { scenario: string; checkpoint: string; ms: number }
    /** The scenarios whose first replay (the whole script) costs most CPU: what a first visit pays. */
    slowestReplays: { scenario: string; cpuMs: number; wallMs: number }[]
  }
  raft: {
    simulatedMs: number
    eventsPerSecond: number
    events: number
    runMs: number
    tracedRunMs: number
    proposals: number
    committed: number
    messages: number
  }
}

export interface BenchMeta {
  date: string
  quick: boolean
  node: string
  chromium: string | null
  cpus: number
  cpuModel: string
  /** 1-minute load average at the start and the end (the machine is shared: read numbers against it). */
  loadStart: number
  loadEnd: number
  dist: string
  viewport: { width: number; height: number; deviceScaleFactor: number }
  durationS: number
  /** Page errors and console errors seen while measuring (deduplicated, at most 50). */
  warnings: string[]
}

export interface BenchReport {
  meta: BenchMeta
  bundle: Outcome<BundleReport>
  firstSlide: Outcome<FirstSlideResult>
  scenes: Outcome<SceneResult[]>
  firstFrames: Outcome<FirstFrameResult[]>
  steps: Outcome<StepLatencyResult>
  speaker: Outcome<SpeakerViewResult>
  memory: Outcome<MemoryResult>
  pdf: Outcome<PdfResult>
  sim: Outcome<SimResult>
  budgets: BudgetResult[]
}

export const BUDGETS = {
  initialJsGzip: 200_000,
  initialCssGzip: 60_000,
  firstSlideRatio: 1.5,
  stepP95Ms: 50,
  speakerRatio: 1.5,
  heapGrowth: 0.1,
  sceneTriangles: 50_000,
  sceneCalls: 150,
  pdfSeconds: 90,
  seekMedianMs: 5,
} as const

export type BudgetStatus = 'pass' | 'fail' | 'skip'

export interface BudgetResult {
  id: string
  label: string
  limit: string
  value: string
  status: BudgetStatus
}

export const kb = (bytes: number): string => `${(bytes / 1000).toFixed(1)} KB`
export const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(2)} MB`
export const ms = (x: number): string => (Number.isFinite(x) ? `${x < 10 ? x.toFixed(2) : x.toFixed(1)} ms` : '–')
const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`
const num = (x: number): string => x.toLocaleString('en-US')
const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`

type Check = Omit<BudgetResult, 'status' | 'value'> & { value: () => { value: string; pass: boolean } }

function judge<T>(o: Outcome<T>, c: Omit<Check, 'value'>, f: (r: T) => { value: string; pass: boolean }, missing: 'fail' | 'skip' = 'fail'): BudgetResult {
  if (o.status !== 'ok') return { ...c, value: `${o.status === 'skipped' ? 'skipped' : 'not measured'}: ${o.reason}`, status: o.status === 'skipped' ? 'skip' : missing }
  const r = f(o.result)
  return { ...c, value: r.value, status: r.pass ? 'pass' : 'fail' }
}

function sameMemory(a: RendererMemory | null, b: RendererMemory | null): boolean {
  return !!a && !!b && a.geometries === b.geometries && a.textures === b.textures
}

/** Each budget against the report: pass, fail, or skip (a measurement skipped on purpose). */
export function evaluateBudgets(r: Omit<BenchReport, 'budgets'>): BudgetResult[] {
  const worst = <K extends 'triangles' | 'calls'>(scenes: SceneResult[], key: K): SceneResult | undefined => [...scenes].sort((a, b) => b[key] - a[key])[0]
  return [
    judge(r.bundle, { id: 'initial-js', label: 'initial JS (gzip)', limit: `≤ ${kb(BUDGETS.initialJsGzip)}` }, (b) => ({ value: kb(b.initialJsGzip), pass: b.initialJsGzip <= BUDGETS.initialJsGzip })),
    judge(r.bundle, { id: 'initial-css', label: 'initial CSS (gzip)', limit: `≤ ${kb(BUDGETS.initialCssGzip)}` }, (b) => ({ value: kb(b.initialCssGzip), pass: b.initialCssGzip <= BUDGETS.initialCssGzip })),
    judge(r.firstSlide, { id: 'first-slide', label: 'first slide vs plain reveal.js', limit: `≤ ${BUDGETS.firstSlideRatio}×` }, (f) => ({ value: `${f.ratio.toFixed(2)}× (${ms(f.deck.ready.median)} vs ${ms(f.plain.ready.median)})`, pass: f.ratio <= BUDGETS.firstSlideRatio })),
    judge(r.steps, { id: 'step-latency', label: 'step latency p95', limit: `≤ ${BUDGETS.stepP95Ms} ms` }, (s) => ({ value: `${ms(s.summary.p95)} (median ${ms(s.summary.median)}, n=${s.summary.n})`, pass: s.summary.p95 <= BUDGETS.stepP95Ms })),
    judge(r.speaker, { id: 'speaker-view', label: 'step latency with speaker view open', limit: `≤ ${BUDGETS.speakerRatio}× without` }, (v) => ({
      value: `${v.ratio.toFixed(2)}× (median ${ms(v.with.median)} vs ${ms(v.without.median)})${v.copiesFollowed ? '' : ', copies did not follow'}`,
      pass: v.ratio <= BUDGETS.speakerRatio && v.copiesFollowed,
    })),
    judge(r.memory, { id: 'heap-growth', label: 'JS heap growth, pass 1 → last', limit: `≤ ${BUDGETS.heapGrowth * 100}%` }, (m) => {
      const first = m.points.find((p) => p.passes === 1)
      const last = m.points.at(-1)
      return { value: `${pct(m.heapGrowth)} (${mb(first?.heapUsed ?? Number.NaN)} → ${mb(last?.heapUsed ?? Number.NaN)}, ${last?.passes ?? 0} passes; JS objects ${pct(m.objectsGrowth)})`, pass: m.heapGrowth <= BUDGETS.heapGrowth }
    }),
    judge(r.memory, { id: 'renderer-memory', label: 'renderer memory back to baseline', limit: 'geometries, textures = baseline' }, (m) => {
      const fmt = (x: RendererMemory | null): string => (x ? `${plural(x.geometries, 'geometry', 'geometries')}, ${plural(x.textures, 'texture', 'textures')}` : 'no renderer')
      const base = m.points[0]!
      const off = m.points.filter((p) => !sameMemory(p.renderer, base.renderer))
      const value = off.length === 0 ? `${fmt(base.renderer)} at baseline and after every pass` : `baseline ${fmt(base.renderer)}; ${off.map((p) => `after ${p.passes}: ${fmt(p.renderer)}`).join('; ')}`
      return { value, pass: m.rendererBackToBaseline && m.points.every((p) => sameMemory(p.renderer, m.points[0]!.renderer)) }
    }),
    judge(r.scenes, { id: 'scene-triangles', label: 'triangles per scene (max)', limit: `≤ ${num(BUDGETS.sceneTriangles)}` }, (s) => {
      const w = worst(s, 'triangles')
      const over = s.filter((x) => x.triangles > BUDGETS.sceneTriangles).length
      return { value: w ? `${num(w.triangles)} (${w.kind}/${w.scenario})${over ? `, ${over} over` : ''}` : 'no scenes', pass: over === 0 }
    }),
    judge(r.scenes, { id: 'scene-calls', label: 'draw calls per scene (max)', limit: `≤ ${BUDGETS.sceneCalls}` }, (s) => {
      const w = worst(s, 'calls')
      const over = s.filter((x) => x.calls > BUDGETS.sceneCalls).length
      return { value: w ? `${w.calls} (${w.kind}/${w.scenario})${over ? `, ${over} over` : ''}` : 'no scenes', pass: over === 0 }
    }),
    // The brief: an absent or failing export tool is reported as skipped.
    judge(r.pdf, { id: 'pdf', label: 'full-deck PDF export', limit: `< ${BUDGETS.pdfSeconds} s` }, (p) => ({ value: `${p.seconds.toFixed(1)} s, ${p.pages ?? '?'} pages`, pass: p.seconds < BUDGETS.pdfSeconds }), 'skip'),
    judge(r.sim, { id: 'seek', label: 'checkpoint seek median (fresh)', limit: `< ${BUDGETS.seekMedianMs} ms` }, (s) => ({ value: `${ms(s.seek.fresh.median)} (cached ${ms(s.seek.cached.median)}, max ${ms(s.seek.fresh.max)})`, pass: s.seek.fresh.median < BUDGETS.seekMedianMs })),
  ]
}

export function failedBudgets(budgets: readonly BudgetResult[]): BudgetResult[] {
  return budgets.filter((b) => b.status === 'fail')
}

/**
 * Rows as aligned columns (the first row is a header, underlined). A column whose body cells all
 * look like numbers ("12.3 ms", "1,024", "2.38×") is aligned right.
 */
export function columns(rows: readonly (readonly string[])[], indent = '  '): string {
  const [head, ...body] = rows
  if (!head) return ''
  const width: number[] = []
  for (const row of rows) row.forEach((c, i) => (width[i] = Math.max(width[i] ?? 0, c.length)))
  const numeric = (c: string): boolean => /^[-+]?[\d.,]+( ?(ms|KB|s|%|×))?$/.test(c) || c === '–'
  const right = width.map((_, i) => body.some((r) => (r[i] ?? '') !== '') && body.every((r) => (r[i] ?? '') === '' || numeric(r[i]!)))
  const line = (row: readonly string[]): string =>
    indent +
    row
      .map((c, i) => (right[i] ? c.padStart(width[i]!) : c.padEnd(width[i]!)))
      .join('  ')
      .trimEnd()
  return [line(head), indent + width.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)].join('\n')
}

function section<T>(title: string, o: Outcome<T>, body: (r: T) => string): string {
  if (o.status !== 'ok') return `${title}\n  ${o.status}: ${o.reason}`
  return `${title}\n${body(o.result)}`
}

/** How the steps that compiled a new shader before data-ready compare with the others. */
function compileNote(samples: readonly StepSample[]): string {
  const compiling = samples.filter((x) => (x.compiled ?? 0) > 0).map((x) => x.ms)
  const others = samples.filter((x) => x.compiled === 0).map((x) => x.ms)
  if (!compiling.length) return 'no step compiled a new shader program before its data-ready'
  return `${compiling.length} step(s) compiled a new shader program before data-ready: median ${ms(median(compiling))} (p95 ${ms(percentile(compiling, 95))}) vs ${ms(median(others))} (p95 ${ms(percentile(others, 95))}) for the ${others.length} others`
}

const STATUS: Record<BudgetStatus, string> = { pass: 'PASS', fail: 'FAIL', skip: 'skip' }

/** The printed report: one block per measurement, then the budgets. */
export function formatReport(r: BenchReport): string {
  const out: string[] = []
  const m = r.meta
  out.push(
    `Deck benchmark — ${m.date}${m.quick ? ' (--quick: fewer repetitions)' : ''}`,
    `  ${m.dist}; Node ${m.node}; ${m.chromium ?? 'no Chromium'}; ${m.cpus} cores (${m.cpuModel}); load ${m.loadStart.toFixed(1)} → ${m.loadEnd.toFixed(1)}; ${m.viewport.width}×${m.viewport.height} DPR ${m.viewport.deviceScaleFactor}; ${m.durationS.toFixed(0)} s`,
  )

  out.push(
    section('\nBundle (gzip -9; fonts are separate files)', r.bundle, (b) => {
      const largest = b.lazyJs.slice(0, 3).map((f) => `${f.file.replace(/^assets\//, '')} ${kb(f.gzip)}`)
      const rows = [
        ['what', 'files', 'gzip', 'raw'],
        ['index.html (prerendered slides)', '1', kb(b.index.gzip), kb(b.index.bytes)],
        ['initial JS', String(b.initialJs.length), kb(b.initialJsGzip), kb(b.initialJs.reduce((a, f) => a + f.bytes, 0))],
        ['initial CSS', String(b.initialCss.length), kb(b.initialCssGzip), kb(b.initialCss.reduce((a, f) => a + f.bytes, 0))],
        ['lazy JS chunks', String(b.lazyJs.length), kb(b.lazyJsGzip), kb(b.lazyJs.reduce((a, f) => a + f.bytes, 0))],
        ['fonts (woff/woff2, as is)', String(b.fonts.length), '', kb(b.fonts.reduce((a, f) => a + f.bytes, 0))],
      ]
      return `${columns(rows)}\n  largest lazy chunks: ${largest.join(', ')}`
    }),
  )

  out.push(
    section('\nFirst slide (cold load, fresh context each, median)', r.firstSlide, (f) => {
      const rows = [
        ['deck', 'ready', 'FCP', 'p95 ready', 'runs', 'initial JS+CSS gzip'],
        ['this deck', ms(f.deck.ready.median), ms(f.deck.fcp.median), ms(f.deck.ready.p95), String(f.runs), kb(r.bundle.status === 'ok' ? r.bundle.result.initialJsGzip + r.bundle.result.initialCssGzip : Number.NaN)],
        ['plain reveal.js', ms(f.plain.ready.median), ms(f.plain.fcp.median), ms(f.plain.ready.p95), String(f.runs), kb(f.plainBundle.initialJsGzip + f.plainBundle.initialCssGzip)],
        ['ratio', `${f.ratio.toFixed(2)}×`, `${f.fcpRatio.toFixed(2)}×`, '', '', ''],
      ]
      const paired = `  ratio of medians (the budget); median of the ${f.runs} interleaved pairs: ${f.pairedRatio.toFixed(2)}×`
      return `${columns(rows)}\n${paired}\n  ready = reveal.js 'ready' (plain) / <html data-deck-ready="true"> (ours; reveal.js ready at ${ms(median(f.deck.revealReadyMs))})`
    }),
  )

  out.push(
    section('\nScenes (final step; render = renderer.render + 1-px readPixels, median)', r.scenes, (scenes) => {
      const rows = [['scene', 'step', 'render', 'min', 'p95', 'triangles', 'calls', 'buffer']]
      for (const s of scenes) rows.push([`${s.kind}/${s.scenario}`, s.step, ms(s.render.median), ms(s.render.min), ms(s.render.p95), num(s.triangles), String(s.calls), `${s.width}×${s.height}`])
      return columns(rows)
    }),
  )

  out.push(
    section('\nFirst frame per scene kind (fresh page: Reveal.slide() → data-ready, incl. stage + shader compile)', r.firstFrames, (ff) => {
      const rows = [['kind', 'first scene', 'first frame', 'programs', 'prefetched']]
      for (const f of ff) rows.push([f.kind, f.scenario, ms(f.ms), String(f.programs ?? '–'), f.prefetched ? 'yes' : 'no'])
      return columns(rows)
    }),
  )

  out.push(
    section('\nStep latency (key press → data-ready of the new step, every step of every scene slide)', r.steps, (s) => {
      const slow = [...s.samples].sort((a, b) => b.ms - a.ms).slice(0, 3)
      const over = s.samples.filter((x) => x.ms > BUDGETS.stepP95Ms).length
      return `${columns([
        ['sweep', 'steps', 'median', 'p95', 'max', `> ${BUDGETS.stepP95Ms} ms`],
        ['transitions on (budget)', String(s.summary.n), ms(s.summary.median), ms(s.summary.p95), ms(s.summary.max), String(over)],
        ['reduced motion', String(s.reduced.summary.n), ms(s.reduced.summary.median), ms(s.reduced.summary.p95), ms(s.reduced.summary.max), String(s.reduced.samples.filter((x) => x.ms > BUDGETS.stepP95Ms).length)],
        ['  main-thread CPU per step', String(s.reduced.cpu.n), ms(s.reduced.cpu.median), ms(s.reduced.cpu.p95), ms(s.reduced.cpu.max), String(s.reduced.samples.filter((x) => (x.cpuMs ?? 0) > BUDGETS.stepP95Ms).length)],
      ])}\n  slowest (transitions on): ${slow.map((x) => `${x.kind}/${x.scenario} '${x.step}' ${ms(x.ms)}`).join('; ')}\n  transitions on: ${compileNote(s.samples)}\n  reduced motion: ${compileNote(s.reduced.samples)}`
    }),
  )

  out.push(
    section('\nSpeaker view (main-window step latency, reduced motion, the same sweep closed and open)', r.speaker, (v) =>
      `${columns([
        ['speaker view', 'steps', 'median', 'p95', 'max'],
        ['closed', String(v.without.n), ms(v.without.median), ms(v.without.p95), ms(v.without.max)],
        ['open', String(v.with.n), ms(v.with.median), ms(v.with.p95), ms(v.with.max)],
      ])}\n  open / closed: ${v.ratio.toFixed(2)}× at the median, ${v.p95Ratio.toFixed(2)}× at p95; its current copy ${v.copiesFollowed ? 'followed' : 'did NOT follow'} the main window`,
    ),
  )

  out.push(
    section('\nMemory (full passes through every slide and step, reduced motion; after GC)', r.memory, (mem) => {
      const rows = [['after', 'JS heap', 'JS objects', 'V8 code', 'native', 'geometries', 'textures', 'programs']]
      const lastPass = mem.points.at(-1)?.passes ?? 0
      const shownPasses = new Set([0, 1, Math.ceil(lastPass / 2), lastPass])
      for (const p of mem.points.filter((x) => shownPasses.has(x.passes))) rows.push([p.passes === 0 ? 'baseline' : `${p.passes} pass${p.passes > 1 ? 'es' : ''}`, mb(p.heapUsed), mb(p.heap.objects), mb(p.heap.code), mb(p.heap.native), String(p.renderer?.geometries ?? '–'), String(p.renderer?.textures ?? '–'), String(p.renderer?.programs ?? '–')])
      const passMedian = median(mem.passMs)
      const mid = mem.points.find((p) => p.passes === Math.ceil(lastPass / 2))
      const tail = mid && lastPass > 1 && mid.passes < lastPass ? `, pass ${mid.passes} → ${lastPass}: ${pct((mem.points.at(-1)!.heapUsed - mid.heapUsed) / mid.heapUsed)} (a leak grows every pass; warm-up flattens)` : ''
      return `${columns(rows)}\n  heap growth pass 1 → ${lastPass}: ${pct(mem.heapGrowth)}${tail}\n  JS objects alone (heap snapshots; what a leak grows), pass 1 → ${lastPass}: ${pct(mem.objectsGrowth)}\n  a pass takes ${(passMedian / 1000).toFixed(1)} s (median)`
    }),
  )

  out.push(section('\nPDF export (src/cli/export.ts, one page per step)', r.pdf, (p) => `  ${p.seconds.toFixed(1)} s, ${p.pages ?? '?'} pages (wall ${p.wallSeconds.toFixed(1)} s)`))

  out.push(
    section('\nSimulation (Node)', r.sim, (s) => {
      const rows = [['seek', 'n', 'median', 'p95', 'max']]
      rows.push(['fresh scenario (first replay)', String(s.seek.fresh.n), ms(s.seek.fresh.median), ms(s.seek.fresh.p95), ms(s.seek.fresh.max)])
      rows.push(['  CPU time of the same', String(s.seek.freshCpu.n), ms(s.seek.freshCpu.median), ms(s.seek.freshCpu.p95), ms(s.seek.freshCpu.max)])
      rows.push(['cached', String(s.seek.cached.n), ms(s.seek.cached.median), ms(s.seek.cached.p95), ms(s.seek.cached.max)])
      rows.push(['both', String(s.seek.all.n), ms(s.seek.all.median), ms(s.seek.all.p95), ms(s.seek.all.max)])
      const kinds = columns([['kind', 'checkpoints', 'fresh median', 'CPU median', 'fresh max', 'cached median'], ...s.seek.byKind.map((k) => [k.kind, String(k.checkpoints), ms(k.freshMedianMs), ms(k.freshCpuMedianMs), ms(k.freshMaxMs), ms(k.cachedMedianMs)])])
      const raft = s.raft
      const replays = s.seek.slowestReplays.map((x) => `${x.scenario} ${ms(x.cpuMs)}`).join(', ')
      return `${columns(rows)}\n${kinds}\n  slowest seek (wall): ${s.seek.slowest.scenario} '${s.seek.slowest.checkpoint}' ${ms(s.seek.slowest.ms)}\n  costliest first replays (CPU median): ${replays}\n  raft: ${(raft.simulatedMs / 60_000).toFixed(raft.simulatedMs % 60_000 ? 1 : 0)} simulated min (5 nodes, 10 proposals/s) in ${ms(raft.runMs)} (traced ${ms(raft.tracedRunMs)}); ${num(raft.eventsPerSecond)} events/s; ${num(raft.committed)} committed, ${num(raft.messages)} messages`
    }),
  )

  out.push('\nBudgets')
  out.push(columns([['', 'budget', 'limit', 'measured'], ...r.budgets.map((b) => [STATUS[b.status], b.label, b.limit, b.value])]))
  const failed = failedBudgets(r.budgets)
  const skipped = r.budgets.filter((b) => b.status === 'skip').length
  out.push(`  ${r.budgets.length - failed.length - skipped} pass, ${failed.length} fail, ${skipped} skipped`)
  return out.join('\n')
}

