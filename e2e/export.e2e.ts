/**
 * `npm run export` end to end: the CLI runs as a child process against the built dist/
 * (--no-build: `npm test` builds first) and its PDF is checked with poppler — one page per
 * (slide, step), every scene page shows its own step's picture, --no-steps, --notes, --theme,
 * --png — and so are its failures: exit codes 1–5, each before any slow work where it can be.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PNG } from 'pngjs'
import { openDeck } from './harness.ts'
import { INSTALL_HINT } from '../src/cli/chromium.ts'
import { countPdfPages } from '../src/cli/export-pdf-pages.ts'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx')
const tmp = mkdtempSync(join(tmpdir(), 'deck-export-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

interface Run {
  code: number | null
  stdout: string
  stderr: string
  seconds: number
}

function exportCli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const started = performance.now()
  return new Promise((ok, fail) => {
    const child = spawn(TSX, ['src/cli/export.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', fail)
    child.on('close', (code) => ok({ code, stdout, stderr, seconds: (performance.now() - started) / 1000 }))
  })
}

function pdfinfoPages(pdf: string): number {
  const m = /^Pages:\s+(\d+)/m.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))
  return Number(m?.[1])
}

function pdfText(pdf: string): string {
  return execFileSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 }).replace(/\s+/g, ' ')
}

/** The last line of stdout: "<absolute path>: N pages, S s". */
function summary(run: Run, out: string): { pages: number; seconds: number } {
  const last = run.stdout.trim().split('\n').pop() ?? ''
  const m = new RegExp(`^${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: (\\d+) pages?, ([\\d.]+) s$`).exec(last)
  expect(m, `summary line: ${last}`).not.toBeNull()
  return { pages: Number(m![1]), seconds: Number(m![2]) }
}

interface Region {
  width: number
  height: number
  /** RGBA, row by row. */
  data: Uint8Array
}

/** A region of a decoded page, kept raw: re-encoding 100+ crops for the PNG-buffer helpers of pixels.ts is slow. */
function region(png: PNG, box: { x: number; y: number; width: number; height: number }): Region {
  const x0 = Math.max(0, Math.round(box.x))
  const y0 = Math.max(0, Math.round(box.y))
  const width = Math.min(png.width - x0, Math.round(box.width))
  const height = Math.min(png.height - y0, Math.round(box.height))
  const data = new Uint8Array(width * height * 4)
  for (let y = 0; y < height; y++) data.set(png.data.subarray(((y0 + y) * png.width + x0) * 4, ((y0 + y) * png.width + x0 + width) * 4), y * width * 4)
  return { width, height, data }
}

/** As pixels.ts stats(): distinct colours (5 bits a channel) and the share off the commonest one. */
function regionStats(r: Region): { colours: number; busy: number } {
  const counts = new Map<number, number>()
  for (let i = 0; i < r.data.length; i += 4) {
    const key = ((r.data[i]! >> 3) << 10) | ((r.data[i + 1]! >> 3) << 5) | (r.data[i + 2]! >> 3)
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  return { colours: counts.size, busy: 1 - Math.max(...counts.values()) / (r.width * r.height) }
}

/** As pixels.ts difference(): the share of pixels with a channel moved by more than `tolerance`. */
function regionDifference(a: Region, b: Region, tolerance = 8): number {
  if (a.width !== b.width || a.height !== b.height) return 1
  let diff = 0
  for (let i = 0; i < a.data.length; i += 4) {
    if (Math.abs(a.data[i]! - b.data[i]!) > tolerance || Math.abs(a.data[i + 1]! - b.data[i + 1]!) > tolerance || Math.abs(a.data[i + 2]! - b.data[i + 2]!) > tolerance) diff++
  }
  return diff / (a.width * a.height)
}

function pngs(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => /^page-\d+\.png$/.test(n))
    .sort()
}

interface DeckShape {
  /** Leaf slides (sections without child sections). */
  leaves: number
  /** (slide, step) pairs: each leaf slide once, plus once per fragment on it. */
  steps: number
  /** The text of the last fragment of slides that have fragments (plain ASCII ones only). */
  lastSteps: string[]
}

/** The deck's shape, read from the live deck. */
async function deckShape(): Promise<DeckShape> {
  const d = await openDeck()
  try {
    const slides = await d.page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('.reveal .slides section')]
        .filter((s) => !s.querySelector('section'))
        .map((s) => {
          const fragments = [...s.querySelectorAll<HTMLElement>('.fragment')]
          // The step's own text, without the speaker notes inside it.
          const last = fragments[fragments.length - 1]?.cloneNode(true) as HTMLElement | undefined
          last?.querySelectorAll('aside.notes').forEach((n) => n.remove())
          return { fragments: fragments.length, last: (last?.textContent ?? '').replace(/\s+/g, ' ').trim() }
        }),
    )
    return {
      leaves: slides.length,
      steps: slides.reduce((n, s) => n + 1 + s.fragments, 0),
      lastSteps: slides.map((s) => s.last).filter((t) => /^[A-Za-z][A-Za-z0-9 ,.:;'()-]{20,}$/.test(t)),
    }
  } finally {
    await d.close()
  }
}

interface ScenePage {
  /** 0-based page index in the PDF. */
  index: number
  source: string
  step: string
  pageWidth: number
  /** The scene surface relative to its page, in CSS px. */
  box: { x: number; y: number; width: number; height: number }
}

/**
 * Every print page holding a scene, with where the scene sits on it (same viewport as the CLI),
 * read once the print view is ready: a page's narration is set with its snapshot and can change
 * the scene surface's height.
 */
async function scenePages(): Promise<ScenePage[]> {
  const d = await openDeck('?print-pdf', { waitReady: false })
  try {
    await d.page.waitForSelector('html[data-print-ready="true"]', { timeout: 400_000 })
    return await d.page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('.pdf-page')].flatMap((page, index) => {
        const host = page.querySelector<HTMLElement>('[data-scene]')
        if (!host) return []
        const p = page.getBoundingClientRect()
        const r = (host.querySelector<HTMLElement>('.scene-surface') ?? host).getBoundingClientRect()
        const visible = [...page.querySelectorAll<HTMLElement>('.fragment[data-step].visible')]
        return [
          {
            index,
            source: host.closest('section')?.getAttribute('data-source') ?? '',
            step: host.dataset.step || (visible[visible.length - 1]?.dataset.step ?? 'start'),
            pageWidth: p.width,
            box: { x: r.left - p.left, y: r.top - p.top, width: r.width, height: r.height },
          },
        ]
      }),
    )
  } finally {
    await d.close()
  }
}

describe('npm run export', () => {
  const out = join(tmp, 'deck.pdf')
  const pngDir = join(tmp, 'png')
  let full: Run
  let shape: DeckShape
  let scenes: ScenePage[]

  // One export of the whole deck, every step, with PNGs, shared by the tests below; meanwhile the
  // deck's shape and its print-view layout are read in the test browser.
  beforeAll(async () => {
    // A generous --timeout: SwiftShader draws every scene page on the CPU, and CI machines are shared.
    ;[full, shape, scenes] = await Promise.all([exportCli(['--out', out, '--png', pngDir, '--no-build', '--timeout', '400']), deckShape(), scenePages()])
    if (full.code !== 0) throw new Error(`export failed (${full.code}):\n${full.stdout}\n${full.stderr}`)
  }, 600_000)

  it('prints one page per (slide, step), reports it on one line, and shows its progress', () => {
    expect(shape.steps).toBeGreaterThan(shape.leaves)
    expect(pdfinfoPages(out)).toBe(shape.steps)
    expect(countPdfPages(readFileSync(out))).toBe(shape.steps)
    const s = summary(full, out)
    expect(s.pages).toBe(shape.steps)
    expect(s.seconds).toBeGreaterThan(0)
    // Not a TTY here: one progress line per change, ending with every scene page ready.
    expect(full.stdout).toMatch(/^loading the deck…$/m)
    expect(full.stdout).toMatch(/^drawing scenes: (\d+)\/\1 pages ready$/m)
    expect(full.stdout).toMatch(/^writing PDF…$/m)
    expect(full.stdout).not.toContain('\r')
    expect(full.stdout).not.toMatch(/building/)
    expect(full.stderr).toBe('')
  })

  it('draws every scene page at its own step: a picture in the scene’s area, different at each step', () => {
    expect(scenes.length).toBeGreaterThan(1)
    const files = pngs(pngDir)
    const areas = scenes.map((s) => {
      const png = PNG.sync.read(readFileSync(join(pngDir, files[s.index]!)))
      const k = png.width / s.pageWidth
      const area = region(png, { x: s.box.x * k, y: s.box.y * k, width: s.box.width * k, height: s.box.height * k })
      const px = regionStats(area)
      expect(px.colours, `page ${s.index + 1} (${s.source} step '${s.step}'): scene not blank`).toBeGreaterThan(20)
      expect(px.busy).toBeGreaterThan(0.02)
      return { ...s, area }
    })
    let pairs = 0
    for (let i = 1; i < areas.length; i++) {
      const [a, b] = [areas[i - 1]!, areas[i]!]
      if (a.source !== b.source || b.index !== a.index + 1) continue
      pairs++
      expect(regionDifference(a.area, b.area), `${b.source}: step '${a.step}' → '${b.step}' (pages ${a.index + 1}, ${b.index + 1})`).toBeGreaterThan(0.001)
    }
    expect(pairs).toBeGreaterThan(0)
  })

  it('--png writes one PNG per page, at 96 dpi', () => {
    const files = pngs(pngDir)
    expect(files).toHaveLength(pdfinfoPages(out))
    const first = PNG.sync.read(readFileSync(join(pngDir, files[0]!)))
    // 96 dpi is one pixel per CSS px: the page is 1331×748 CSS px (1280×720 plus reveal's 4% margin).
    const [w, h] = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(execFileSync('pdfinfo', [out], { encoding: 'utf8' }))!.slice(1).map(Number)
    expect(Math.abs(first.width - (w! * 96) / 72)).toBeLessThan(1)
    expect(Math.abs(first.height - (h! * 96) / 72)).toBeLessThan(1)
    expect(first.width).toBeGreaterThan(1280)
    expect(full.stdout).toContain(`${files.length} PNGs in ${pngDir}`)
  })

  it('--no-steps prints one page per slide, in its final state; --theme light prints light', async () => {
    const light = join(tmp, 'final-light.pdf')
    const r = await exportCli(['--out', light, '--no-steps', '--theme', 'light', '--no-build', '--timeout', '400'])
    expect(r.code, r.stderr).toBe(0)
    expect(pdfinfoPages(light)).toBe(shape.leaves)
    expect(summary(r, light).pages).toBe(shape.leaves)
    const luminance = (file: string): number => {
      const png = PNG.sync.read(readFileSync(file))
      const i = (png.width * 5 + 5) * 4
      return (png.data[i]! + png.data[i + 1]! + png.data[i + 2]!) / 3
    }
    const lightFirst = join(tmp, 'light-first')
    execFileSync('pdftoppm', ['-png', '-r', '96', '-f', '1', '-l', '1', '-singlefile', light, lightFirst])
    expect(luminance(`${lightFirst}.png`)).toBeGreaterThan(200)
    expect(luminance(join(pngDir, pngs(pngDir)[0]!))).toBeLessThan(60)
    // Each slide's one page is its final state: its last step's text is there.
    expect(shape.lastSteps.length).toBeGreaterThan(2)
    const text = pdfText(light)
    for (const last of shape.lastSteps) expect(text).toContain(last)
  }, 600_000)

  it('--notes adds the speaker notes’ text', async () => {
    // A plain sentence (no markup) from the notes of slides/02-raft.mdx, read from the file.
    const mdx = readFileSync(join(ROOT, 'slides', '02-raft.mdx'), 'utf8')
    const notes = [...mdx.matchAll(/<Notes>([\s\S]*?)<\/Notes>/g)].map((m) => m[1]!.replace(/\s+/g, ' ').trim())
    const sentences = notes.flatMap((n) => n.split(/(?<=\.) /)).filter((s) => /^[A-Z][A-Za-z ,:;'()-]{30,}\.$/.test(s))
    expect(sentences.length).toBeGreaterThan(2)
    const pdf = join(tmp, 'notes.pdf')
    const r = await exportCli(['--out', pdf, '--notes', '--no-steps', '--no-build', '--timeout', '400'])
    expect(r.code, r.stderr).toBe(0)
    const text = pdfText(pdf)
    for (const s of [sentences[0]!, sentences[sentences.length - 1]!]) {
      expect(text).toContain(s)
      expect(pdfText(out)).not.toContain(s)
    }
    expect(text).toContain('Speaker notes')
  }, 600_000)
})

describe('npm run export: failures', () => {
  /** A DECK_OUT that does not exist: any build would create it, so it proves none ran. */
  let n = 0
  const neverBuilt = (): string => join(tmp, `unbuilt-${++n}`)

  it('no Chromium: the one-line install hint, exit 3, before building', async () => {
    const outDir = neverBuilt()
    const r = await exportCli(['--out', join(tmp, 'x.pdf')], { CHROME_PATH: '/nonexistent', DECK_OUT: outDir })
    expect(r.code).toBe(3)
    expect(r.stderr).toBe(`${INSTALL_HINT}\n`)
    expect(existsSync(outDir)).toBe(false)
  })

  it('an unwritable output: exit 4 naming the path, before building', async () => {
    const outDir = neverBuilt()
    const r = await exportCli(['--out', '/proc/nope/deck.pdf'], { DECK_OUT: outDir })
    expect(r.code).toBe(4)
    expect(r.stderr).toContain('/proc/nope/deck.pdf')
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(existsSync(outDir)).toBe(false)
    const png = await exportCli(['--out', join(tmp, 'y.pdf'), '--png', '/proc/nope/png'], { DECK_OUT: outDir })
    expect(png.code).toBe(4)
    expect(png.stderr).toContain('/proc/nope/png')
  })

  it('bad arguments: the usage and exit 1', async () => {
    // (Each bad value has its unit test in src/cli/export-args.test.ts.)
    for (const args of [[], ['--out', 'a.pdf', '--frobnicate']]) {
      const r = await exportCli(args)
      expect(r.code, args.join(' ')).toBe(1)
      expect(r.stderr).toMatch(/^export: .+\n\nUsage: npm run export -- --out FILE\.pdf/)
    }
    const help = await exportCli(['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/^Usage: [\s\S]*Exit codes:/)
  })

  it('a build failure prints Vite’s message and exits 2; --no-build without dist/ exits 2', async () => {
    const slides = join(tmp, 'broken-slides')
    mkdirSync(slides, { recursive: true })
    writeFileSync(join(slides, '01-broken.mdx'), '---\ntitle: Broken\n---\n\n## A slide\n\n<Step name="a">never closed\n')
    const outDir = neverBuilt()
    const r = await exportCli(['--out', join(tmp, 'broken.pdf')], { DECK_SLIDES: slides, DECK_OUT: outDir })
    expect(r.code, r.stdout + r.stderr).toBe(2)
    expect(r.stdout).toMatch(/building the deck \(.*index\.html is missing\)/)
    expect(r.stderr).toMatch(/build failed:[\s\S]*01-broken\.mdx[\s\S]*Expected a closing tag for `<Step>`/)
    const nb = await exportCli(['--out', join(tmp, 'nb.pdf'), '--no-build'], { DECK_OUT: neverBuilt() })
    expect(nb.code).toBe(2)
    expect(nb.stderr).toMatch(/index\.html is missing: run npm run build, or drop --no-build/)
  })

  it('scenes not drawn in time: exit 5 saying what was not ready', async () => {
    const r = await exportCli(['--out', join(tmp, 'slow.pdf'), '--no-build', '--timeout', '0.2'])
    expect(r.code).toBe(5)
    expect(r.stderr).toMatch(/^not ready after 0\.2 s: /)
    expect(existsSync(join(tmp, 'slow.pdf'))).toBe(false)
  })
})
