/**
 * Bundle sizes for `npm run bench`: what the browser must fetch before the first slide paints
 * (the prerendered index.html, its module script(s), modulepreload links and stylesheets) and
 * every lazy chunk, each gzipped with zlib level 9 (what a static host serving .gz would send).
 *
 * parseIndexAssets() is pure and unit-tested; measureBundle() reads a built folder.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, posix, relative } from 'node:path'
import { gzipSync } from 'node:zlib'

export interface IndexAssets {
  /** `<script src>` (module or classic), in document order, as paths relative to index.html. */
  scripts: string[]
  /** `<link rel="modulepreload">`: chunks the entry imports statically, fetched up front. */
  modulepreloads: string[]
  /** `<link rel="stylesheet">`. */
  stylesheets: string[]
  /** References that leave the folder (http:, //host, data:): not part of the bundle. */
  external: string[]
}

const TAG = /<(script|link)\b([^>]*)>/gi
const ATTR = /([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g

/** The attributes of a tag's inside (`a="x" b c=d`), names lower-cased; a bare attribute is ''. */
export function parseAttributes(inside: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const m of inside.matchAll(ATTR)) {
    const name = m[1]!.toLowerCase()
    if (!(name in out)) out[name] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '')
  }
  return out
}

function decodeEntities(s: string): string {
  return s.replace(/&(amp|quot|#39|apos|lt|gt);/g, (_, e: string) => ({ amp: '&', quot: '"', '#39': "'", apos: "'", lt: '<', gt: '>' })[e] ?? _)
}

/** A URL from index.html as a path inside the built folder, or null if it points outside. */
export function localPath(url: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//')) return null
  const clean = url.split(/[?#]/)[0]!
  const norm = posix.normalize(clean.startsWith('/') ? clean.slice(1) : clean)
  if (norm.startsWith('..') || norm === '.' || norm === '') return null
  return norm
}

/**
 * The assets index.html loads before anything runs: module scripts, modulepreloads and
 * stylesheets. Comments are skipped; prerendered slide text cannot hold a real tag (it is escaped).
 */
export function parseIndexAssets(html: string): IndexAssets {
  const out: IndexAssets = { scripts: [], modulepreloads: [], stylesheets: [], external: [] }
  const text = html.replace(/<!--[\s\S]*?-->/g, '')
  const add = (list: string[], url: string | undefined): void => {
    if (!url) return
    const p = localPath(url)
    if (p === null) out.external.push(url)
    else if (!list.includes(p)) list.push(p)
  }
  for (const m of text.matchAll(TAG)) {
    const attrs = parseAttributes(m[2]!)
    if (m[1]!.toLowerCase() === 'script') {
      add(out.scripts, attrs.src)
      continue
    }
    const rel = (attrs.rel ?? '').toLowerCase().split(/\s+/)
    if (rel.includes('modulepreload')) add(out.modulepreloads, attrs.href)
    else if (rel.includes('stylesheet')) add(out.stylesheets, attrs.href)
  }
  return out
}

export interface SizedFile {
  /** Path relative to the built folder (posix separators). */
  file: string
  bytes: number
  gzip: number
}

export interface BundleReport {
  dist: string
  /** The prerendered index.html itself. */
  index: SizedFile
  /** Module scripts and modulepreloads: the JS parsed before the first slide. */
  initialJs: SizedFile[]
  initialCss: SizedFile[]
  initialJsGzip: number
  initialCssGzip: number
  /** Every other .js under assets/, largest first. */
  lazyJs: SizedFile[]
  lazyJsGzip: number
  /** Font files (already compressed formats; the browser fetches only the faces it uses). */
  fonts: { file: string; bytes: number }[]
  external: string[]
}

export function gzipSize(buf: Buffer | string): number {
  return gzipSync(buf, { level: 9 }).length
}

function sized(dist: string, file: string): SizedFile {
  const buf = readFileSync(join(dist, file))
  return { file, bytes: buf.length, gzip: gzipSize(buf) }
}

function walk(dir: string): string[] {
  const out: string[] = []
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) out.push(...walk(p))
    else out.push(p)
  }
  return out
}

const sum = (xs: readonly SizedFile[]): number => xs.reduce((a, f) => a + f.gzip, 0)

export function measureBundle(dist: string): BundleReport {
  const html = readFileSync(join(dist, 'index.html'), 'utf8')
  const assets = parseIndexAssets(html)
  const initialJsFiles = [...assets.scripts, ...assets.modulepreloads.filter((p) => !assets.scripts.includes(p))]
  const initialJs = initialJsFiles.map((f) => sized(dist, f))
  const initialCss = assets.stylesheets.map((f) => sized(dist, f))
  const all = walk(dist).map((p) => relative(dist, p).split('\\').join('/'))
  const initial = new Set(initialJsFiles)
  const lazyJs = all
    .filter((f) => /\.m?js$/.test(f) && !initial.has(f))
    .map((f) => sized(dist, f))
    .sort((a, b) => b.gzip - a.gzip || a.file.localeCompare(b.file))
  const fonts = all.filter((f) => /\.(woff2?|ttf|otf)$/.test(f)).map((f) => ({ file: f, bytes: statSync(join(dist, f)).size }))
  return {
    dist,
    index: sized(dist, 'index.html'),
    initialJs,
    initialCss,
    initialJsGzip: sum(initialJs),
    initialCssGzip: sum(initialCss),
    lazyJs,
    lazyJsGzip: sum(lazyJs),
    fonts,
    external: assets.external,
  }
}
