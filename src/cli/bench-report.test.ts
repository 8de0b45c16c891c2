import { describe, expect, it } from 'vitest'
import { BUDGETS, columns, evaluateBudgets, failedBudgets, formatReport, type BenchReport, type SceneResult } from './bench-report.ts'
import { summarize } from './bench-stats.ts'
import type { BundleReport } from './bench-bundle.ts'

const s = (xs: number[]) => summarize(xs)

function scene(over: Partial<SceneResult> = {}): SceneResult {
  return { host: 0, source: 'slides/02-raft.mdx:23', kind: 'raft', scenario: 'election', step: 'heartbeats', render: s([12, 13, 14]), triangles: 9000, calls: 36, lines: 0, points: 0, width: 614, height: 465, ...over }
}

const bundle: BundleReport = {
  dist: 'dist',
  index: { file: 'index.html', bytes: 130_000, gzip: 38_000 },
  initialJs: [{ file: 'assets/index.js', bytes: 212_000, gzip: 59_300 }],
  initialCss: [{ file: 'assets/index.css', bytes: 60_600, gzip: 13_100 }],
  initialJsGzip: 59_300,
  initialCssGzip: 13_100,
  lazyJs: [{ file: 'assets/scenes.js', bytes: 578_000, gzip: 142_600 }],
  lazyJsGzip: 142_600,
  fonts: [{ file: 'assets/inter.woff2', bytes: 23_664 }],
  external: [],
}

/** A report where every budget passes. */
function passing(): Omit<BenchReport, 'budgets'> {
  return {
    meta: { date: '2026-11-24T08:00:00.000Z', quick: false, node: '20.20.2', chromium: 'Chromium 156', cpus: 2, cpuModel: 'cpu', loadStart: 3, loadEnd: 4, dist: '.tmp/dist-bench', viewport: { width: 1280, height: 720, deviceScaleFactor: 1 }, durationS: 600, warnings: [] },
    bundle: { status: 'ok', result: structuredClone(bundle) },
    firstSlide: {
      status: 'ok',
      result: {
        runs: 3,
        deck: { readyMs: [120, 130, 140], fcpMs: [150, 160, 170], ready: s([120, 130, 140]), fcp: s([150, 160, 170]), revealReadyMs: [118, 128, 138] },
        plain: { readyMs: [100, 110, 120], fcpMs: [140, 150, 160], ready: s([100, 110, 120]), fcp: s([140, 150, 160]) },
        ratio: 130 / 110,
        pairedRatio: 1.18,
        fcpRatio: 160 / 150,
        requestedBeforeReady: ['assets/index.js', 'assets/index.css'],
        plainBundle: { initialJsGzip: 50_000, initialCssGzip: 11_000, indexGzip: 38_000 },
      },
    },
    scenes: { status: 'ok', result: [scene(), scene({ host: 1, kind: 'hashing', scenario: 'virtual-nodes', triangles: 18_066, calls: 20 })] },
    firstFrames: { status: 'ok', result: [{ kind: 'raft', scenario: 'election', source: 'slides/02-raft.mdx:23', ms: 420, prefetched: true, programs: 5 }] },
    steps: {
      status: 'ok',
      result: {
        motion: 'no-preference',
        samples: [{ source: 'x', kind: 'raft', scenario: 'election', step: 'vote', ms: 12, compiled: 0 }],
        summary: s([10, 12, 14, 30]),
        reduced: { samples: [{ source: 'x', kind: 'raft', scenario: 'election', step: 'vote', ms: 9, cpuMs: 6, compiled: 0 }], summary: s([9]), cpu: s([6]) },
      },
    },
    speaker: { status: 'ok', result: { without: s([8, 9, 10]), with: s([9, 10, 12]), ratio: 10 / 9, p95Ratio: 1.2, copiesFollowed: true } },
    memory: {
      status: 'ok',
      result: {
        points: [
          { passes: 0, heapUsed: 4_000_000, heap: { objects: 1_500_000, code: 1_000_000, native: 500_000, other: 1_000_000 }, renderer: { geometries: 0, textures: 1, programs: 0 } },
          { passes: 1, heapUsed: 10_000_000, heap: { objects: 4_000_000, code: 3_000_000, native: 1_000_000, other: 2_000_000 }, renderer: { geometries: 0, textures: 1, programs: 0 } },
          { passes: 10, heapUsed: 10_500_000, heap: { objects: 4_010_000, code: 3_400_000, native: 1_090_000, other: 2_000_000 }, renderer: { geometries: 0, textures: 1, programs: 0 } },
        ],
        passMs: [19_000, 18_000],
        heapGrowth: 0.05,
        objectsGrowth: 0.0025,
        rendererBackToBaseline: true,
      },
    },
    pdf: { status: 'ok', result: { seconds: 61.2, wallSeconds: 62, pages: 152, line: '/x.pdf: 152 pages, 61.2 s' } },
    sim: {
      status: 'ok',
      result: {
        seek: { fresh: s([0.4, 0.5, 30]), cached: s([0.001]), all: s([0.001, 0.4, 0.5, 30]), freshCpu: s([0.4, 0.5, 28]), byKind: [{ kind: 'raft', checkpoints: 34, freshMedianMs: 0.4, freshCpuMedianMs: 0.4, freshMaxMs: 30, cachedMedianMs: 0.001 }], slowest: { scenario: 'raft/figure-8', checkpoint: 'term-4', ms: 30 }, slowestReplays: [{ scenario: 'hashing/virtual-nodes', cpuMs: 20, wallMs: 25 }] },
        raft: { simulatedMs: 600_000, eventsPerSecond: 100_000, events: 168_000, runMs: 1680, tracedRunMs: 700, proposals: 5998, committed: 5998, messages: 143_000 },
      },
    },
  }
}

const byId = (r: Omit<BenchReport, 'budgets'>) => Object.fromEntries(evaluateBudgets(r).map((b) => [b.id, b]))

describe('evaluateBudgets', () => {
  it('every budget of the brief, all passing on a good report', () => {
    const budgets = evaluateBudgets(passing())
    expect(budgets.map((b) => b.id)).toEqual(['initial-js', 'initial-css', 'first-slide', 'step-latency', 'speaker-view', 'heap-growth', 'renderer-memory', 'scene-triangles', 'scene-calls', 'pdf', 'seek'])
    expect(budgets.filter((b) => b.status !== 'pass')).toEqual([])
    expect(failedBudgets(budgets)).toEqual([])
  })

  it('limits are inclusive where the brief says ≤ and exclusive where it says <', () => {
    const r = passing()
    if (r.bundle.status !== 'ok' || r.firstSlide.status !== 'ok' || r.pdf.status !== 'ok' || r.sim.status !== 'ok') throw new Error('fixture')
    r.bundle.result.initialJsGzip = BUDGETS.initialJsGzip
    r.bundle.result.initialCssGzip = BUDGETS.initialCssGzip
    r.firstSlide.result.ratio = BUDGETS.firstSlideRatio
    expect(byId(r)['initial-js']!.status).toBe('pass')
    expect(byId(r)['initial-css']!.status).toBe('pass')
    expect(byId(r)['first-slide']!.status).toBe('pass')
    r.bundle.result.initialJsGzip = BUDGETS.initialJsGzip + 1
    r.bundle.result.initialCssGzip = BUDGETS.initialCssGzip + 1
    r.firstSlide.result.ratio = 1.51
    r.pdf.result.seconds = 90
    r.sim.result.seek.fresh = s([5])
    const b = byId(r)
    for (const id of ['initial-js', 'initial-css', 'first-slide', 'pdf', 'seek']) expect(b[id]!.status, id).toBe('fail')
    expect(b['first-slide']!.value).toContain('1.51×')
  })

  it('step latency reads the p95 of the transitions-on sweep', () => {
    const r = passing()
    if (r.steps.status !== 'ok') throw new Error('fixture')
    r.steps.result.summary = s([...Array.from({ length: 18 }, () => 10), 400, 400])
    expect(byId(r)['step-latency']!.status).toBe('fail')
    r.steps.result.summary = s([...Array.from({ length: 99 }, () => 10), 400])
    expect(byId(r)['step-latency']!.status).toBe('pass')
  })

  it('speaker view: the median with it open over 1.5× the median without, or copies that did not follow, fails', () => {
    const r = passing()
    if (r.speaker.status !== 'ok') throw new Error('fixture')
    r.speaker.result.ratio = 1.5
    expect(byId(r)['speaker-view']!.status).toBe('pass')
    r.speaker.result.ratio = 1.51
    expect(byId(r)['speaker-view']!).toMatchObject({ status: 'fail', value: '1.51× (median 10.0 ms vs 9.00 ms)' })
    r.speaker.result.ratio = 1.1
    r.speaker.result.copiesFollowed = false
    expect(byId(r)['speaker-view']!.status).toBe('fail')
    expect(byId(r)['speaker-view']!.value).toContain('copies did not follow')
  })

  it('memory: heap growth over 10%, or the renderer not back to its baseline, fails', () => {
    const r = passing()
    if (r.memory.status !== 'ok') throw new Error('fixture')
    r.memory.result.heapGrowth = 0.1
    expect(byId(r)['heap-growth']!.status).toBe('pass')
    r.memory.result.heapGrowth = 0.11
    expect(byId(r)['heap-growth']!.status).toBe('fail')
    r.memory.result.points[2]!.renderer = { geometries: 3, textures: 1, programs: 0 }
    r.memory.result.rendererBackToBaseline = false
    const b = byId(r)['renderer-memory']!
    expect(b.status).toBe('fail')
    expect(b.value).toBe('baseline 0 geometries, 1 texture; after 10: 3 geometries, 1 texture')
    r.memory.result.points[2]!.renderer = { geometries: 0, textures: 1, programs: 4 }
    r.memory.result.rendererBackToBaseline = true
    expect(byId(r)['renderer-memory']!).toMatchObject({ status: 'pass', value: '0 geometries, 1 texture at baseline and after every pass' })
  })

  it('per scene: any scene over 50k triangles or 150 draw calls fails, naming the worst', () => {
    const r = passing()
    if (r.scenes.status !== 'ok') throw new Error('fixture')
    r.scenes.result.push(scene({ host: 2, kind: 'mesh', scenario: 'canary', triangles: 60_000, calls: 151 }), scene({ host: 3, triangles: 50_001 }))
    const b = byId(r)
    expect(b['scene-triangles']!.status).toBe('fail')
    expect(b['scene-triangles']!.value).toBe('60,000 (mesh/canary), 2 over')
    expect(b['scene-calls']!.status).toBe('fail')
    expect(b['scene-calls']!.value).toBe('151 (mesh/canary), 1 over')
  })

  it('a skipped PDF is a skip; a measurement that broke is a failure', () => {
    const r = passing()
    r.pdf = { status: 'skipped', reason: 'src/cli/export.ts is absent' }
    r.steps = { status: 'error', reason: 'timeout' }
    const b = byId(r)
    expect(b.pdf!.status).toBe('skip')
    expect(b.pdf!.value).toBe('skipped: src/cli/export.ts is absent')
    expect(b['step-latency']!.status).toBe('fail')
    expect(b['step-latency']!.value).toBe('not measured: timeout')
    r.pdf = { status: 'error', reason: 'boom' }
    expect(byId(r).pdf!.status).toBe('skip')
  })
})

describe('columns', () => {
  it('aligns text left and numbers (and their header) right, with a rule under the header', () => {
    const out = columns([
      ['scene', 'render', 'note'],
      ['raft/election', '16.6 ms', 'ok'],
      ['cap', '9.40 ms', 'a longer note'],
    ])
    expect(out.split('\n')).toEqual(['  scene           render  note', '  ─────────────  ───────  ─────────────', '  raft/election  16.6 ms  ok', '  cap            9.40 ms  a longer note'])
  })
})

describe('formatReport', () => {
  it('prints every section and the budgets with PASS/FAIL/skip', () => {
    const partial = passing()
    partial.pdf = { status: 'skipped', reason: '--no-pdf' }
    if (partial.steps.status !== 'ok') throw new Error('fixture')
    partial.steps.result.samples.push({ source: 'y', kind: 'cap', scenario: 'cap', step: 'partition', ms: 140, compiled: 1 })
    const text = formatReport({ ...partial, budgets: evaluateBudgets(partial) })
    for (const heading of ['Bundle', 'First slide', 'Scenes', 'First frame', 'Step latency', 'Speaker view', 'Memory', 'PDF export', 'Simulation', 'Budgets']) expect(text).toContain(heading)
    expect(text).toContain('PASS  initial JS (gzip)')
    expect(text).toContain('skip  full-deck PDF export')
    expect(text).toContain('10 pass, 0 fail, 1 skipped')
    expect(text).toContain('1.18×')
    expect(text).toContain('JS objects alone (heap snapshots; what a leak grows), pass 1 → 10: +0.3%')
    expect(text).toContain('1 step(s) compiled a new shader program before data-ready: median 140.0 ms (p95 140.0 ms) vs 12.0 ms')
  })
})
