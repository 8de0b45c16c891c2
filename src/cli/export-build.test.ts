import { afterAll, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildInputs, newestSource, shown, staleness, type BuildInputs } from './export-build.ts'

const base = mkdtempSync(join(tmpdir(), 'export-build-'))
afterAll(() => rmSync(base, { recursive: true, force: true }))

let n = 0
/** A fake project: every source at t=1000 s, dist/index.html at t=2000 s (fresh). */
function project(): BuildInputs {
  const root = join(base, `p${n++}`)
  const files = ['index.html', 'vite.config.ts', 'src/main.ts', 'src/deck/boot.ts', 'src/cli/export.ts', 'src/sim/raft.test.ts', 'slides/01-a.mdx', 'themes/dark.css', 'public/favicon.svg', 'README.md', 'e2e/x.e2e.ts']
  for (const f of files) {
    mkdirSync(join(root, f, '..'), { recursive: true })
    writeFileSync(join(root, f), f)
    utimesSync(join(root, f), 1000, 1000)
  }
  mkdirSync(join(root, 'dist'), { recursive: true })
  writeFileSync(join(root, 'dist/index.html'), '<!doctype html>')
  utimesSync(join(root, 'dist/index.html'), 2000, 2000)
  return buildInputs(root, {})
}

function touch(inputs: BuildInputs, rel: string, t = 3000): void {
  const path = join(inputs.root, rel)
  mkdirSync(join(path, '..'), { recursive: true })
  writeFileSync(path, 'changed')
  utimesSync(path, t, t)
}

describe('staleness', () => {
  it('a build newer than every source is fresh', () => {
    expect(staleness(project())).toEqual({ stale: false })
  })

  it('a missing dist/index.html needs a build', () => {
    const p = project()
    rmSync(join(p.root, 'dist'), { recursive: true })
    expect(staleness(p)).toEqual({ stale: true, reason: join('dist', 'index.html') + ' is missing' })
  })

  it.each(['src/deck/boot.ts', 'src/scenes/new-view.ts', 'slides/01-a.mdx', 'slides/02-new.mdx', 'themes/dark.css', 'public/favicon.svg', 'index.html', 'vite.config.ts'])('a newer %s makes it stale', (rel) => {
    const p = project()
    touch(p, rel)
    expect(staleness(p)).toEqual({ stale: true, reason: `${rel} changed since the last build` })
  })

  it.each(['src/cli/export.ts', 'src/sim/raft.test.ts', 'README.md', 'e2e/x.e2e.ts', 'src/.DS_Store', 'slides/.draft.mdx.swp'])('a newer %s (not part of the bundle) does not', (rel) => {
    const p = project()
    touch(p, rel)
    expect(staleness(p)).toEqual({ stale: false })
  })

  it('a source exactly as old as the build is not newer', () => {
    const p = project()
    touch(p, 'src/main.ts', 2000)
    expect(staleness(p)).toEqual({ stale: false })
  })

  it('follows DECK_SLIDES and DECK_OUT like vite.config.ts', () => {
    const p = project()
    const other = buildInputs(p.root, { DECK_SLIDES: join(base, 'elsewhere'), DECK_OUT: 'out' })
    expect(other.slidesDir).toBe(join(base, 'elsewhere'))
    expect(other.outDir).toBe(join(p.root, 'out'))
    expect(staleness(other).stale).toBe(true)
    mkdirSync(join(p.root, 'out'))
    writeFileSync(join(p.root, 'out/index.html'), '')
    utimesSync(join(p.root, 'out/index.html'), 2000, 2000)
    expect(staleness(other)).toEqual({ stale: false })
    touch({ ...other, root: base }, 'elsewhere/01.mdx')
    expect(staleness(other)).toEqual({ stale: true, reason: `${join(base, 'elsewhere/01.mdx')} changed since the last build` })
  })

  it('newestSource names the newest file', () => {
    const p = project()
    touch(p, 'themes/light.css', 5000)
    touch(p, 'slides/01-a.mdx', 4000)
    expect(newestSource(p)).toEqual({ path: join(p.root, 'themes/light.css'), mtimeMs: 5_000_000 })
  })
})

describe('shown', () => {
  it('is relative inside the project and absolute outside it', () => {
    expect(shown('/work/main', '/work/main/dist/index.html')).toBe(join('dist', 'index.html'))
    expect(shown('/work/main', '/tmp/out/index.html')).toBe('/tmp/out/index.html')
  })
})
