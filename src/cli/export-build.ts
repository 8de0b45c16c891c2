/**
 * Build dist/ when it is missing or older than what it is built from, with Vite's build() run
 * programmatically through the project's vite.config.ts.
 *
 * "Older" compares modification times with dist/index.html: any file under src/, slides/,
 * themes/ or public/, or index.html or vite.config.ts, newer than it makes dist/ stale. Files
 * that never reach the bundle are ignored (src/cli/, *.test.ts, dot-files), so editing a tool
 * or a test does not trigger a rebuild.
 */
import { readdirSync, statSync, type Stats } from 'node:fs'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'

export interface BuildInputs {
  /** The project root (where vite.config.ts lives). */
  root: string
  /** The build output folder (vite.config.ts: DECK_OUT, else dist). */
  outDir: string
  /** The slides folder (vite.config.ts: DECK_SLIDES, else slides). */
  slidesDir: string
}

export function buildInputs(root: string, env: NodeJS.ProcessEnv = process.env): BuildInputs {
  return { root, outDir: resolve(root, env.DECK_OUT ?? 'dist'), slidesDir: resolve(root, env.DECK_SLIDES ?? 'slides') }
}

const SOURCE_DIRS = ['src', 'themes', 'public']
const SOURCE_FILES = ['index.html', 'vite.config.ts']

function ignored(rel: string, name: string): boolean {
  return name.startsWith('.') || name === 'node_modules' || /\.(test|e2e)\.tsx?$/.test(name) || rel === join('src', 'cli') || rel.startsWith(join('src', 'cli') + sep)
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path)
  } catch {
    return null
  }
}

/** The newest source file and its mtime (ms), or null if there is none. */
export function newestSource(inputs: BuildInputs): { path: string; mtimeMs: number } | null {
  let best: { path: string; mtimeMs: number } | null = null
  const consider = (path: string, st: Stats): void => {
    if (!best || st.mtimeMs > best.mtimeMs) best = { path, mtimeMs: st.mtimeMs }
  }
  const walk = (dir: string): void => {
    let entries
    try {
      entries = readdirSync(dir, { withFileTypes: true })
    } catch {
      return
    }
    for (const e of entries) {
      const path = join(dir, e.name)
      if (ignored(relative(inputs.root, path), e.name)) continue
      if (e.isDirectory()) walk(path)
      else {
        const st = statOrNull(path)
        if (st?.isFile()) consider(path, st)
      }
    }
  }
  for (const d of SOURCE_DIRS) walk(join(inputs.root, d))
  walk(inputs.slidesDir)
  for (const f of SOURCE_FILES) {
    const path = join(inputs.root, f)
    const st = statOrNull(path)
    if (st?.isFile()) consider(path, st)
  }
  return best
}

/** A path relative to the project when it is inside it, else absolute. */
export function shown(root: string, path: string): string {
  const rel = relative(root, path)
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path
}

export type Staleness = { stale: false } | { stale: true; reason: string }

/** Whether dist/ must be (re)built, and why. */
export function staleness(inputs: BuildInputs): Staleness {
  const index = join(inputs.outDir, 'index.html')
  const built = statOrNull(index)
  if (!built) return { stale: true, reason: `${shown(inputs.root, index)} is missing` }
  const newest = newestSource(inputs)
  if (newest && newest.mtimeMs > built.mtimeMs) return { stale: true, reason: `${shown(inputs.root, newest.path)} changed since the last build` }
  return { stale: false }
}

export class BuildError extends Error {
  override name = 'BuildError'
}

/** Run Vite's build with the project's config; throws BuildError with Vite's message. */
export async function runBuild(root: string): Promise<void> {
  const { build } = await import('vite')
  try {
    await build({ root, configFile: join(root, 'vite.config.ts'), logLevel: 'warn' })
  } catch (e) {
    const err = e as Error & { frame?: string; id?: string }
    const parts = [err.message ?? String(e)]
    if (err.frame && !parts[0]!.includes(err.frame)) parts.push(err.frame)
    throw new BuildError(parts.join('\n'))
  }
}
