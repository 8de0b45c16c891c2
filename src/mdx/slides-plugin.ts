/**
 * A Vite plugin that discovers every slides/*.mdx file and serves them, ordered by file name, as
 * the virtual module `virtual:deck-slides`. Adding or removing a file needs no code change; in dev
 * the deck reloads (keeping its place through the URL hash).
 */
import { readdirSync, existsSync } from 'node:fs'
import { resolve, join, relative, isAbsolute, sep } from 'node:path'
import type { Plugin } from 'vite'

const ID = 'virtual:deck-slides'
const RESOLVED = '\0' + ID

export function deckSlidesPlugin(slidesDir: string): Plugin {
  const dir = resolve(slidesDir)
  const list = (): string[] => {
    if (!existsSync(dir)) throw new Error(`Slides folder not found: ${dir} (set DECK_SLIDES or create slides/)`)
    const files = readdirSync(dir).filter((f) => f.endsWith('.mdx')).sort()
    if (files.length === 0) throw new Error(`No .mdx files in ${dir}: add one, e.g. slides/00-title.mdx`)
    return files
  }
  let root = process.cwd()
  let serving = false
  /** The import specifier of a slide file: root-relative inside the project, /@fs/ outside in dev. */
  const specifier = (file: string): string => {
    const abs = join(dir, file)
    const rel = relative(root, abs)
    if (!rel.startsWith('..') && !isAbsolute(rel)) return '/' + rel.split(sep).join('/')
    return serving ? '/@fs' + abs : abs
  }
  return {
    name: 'deck-slides',
    configResolved(config) {
      root = config.root
      serving = config.command === 'serve'
    },
    resolveId: (id) => (id === ID ? RESOLVED : null),
    load(id) {
      if (id !== RESOLVED) return null
      const files = list()
      const imports = files.map((f, i) => `import * as s${i} from ${JSON.stringify(specifier(f))}`)
      const entries = files.map((f, i) => `{ file: ${JSON.stringify(f)}, module: s${i} }`)
      return `${imports.join('\n')}\nexport default [${entries.join(', ')}]\n`
    },
    configureServer(server) {
      const onChange = (path: string) => {
        if (!path.startsWith(dir) || !path.endsWith('.mdx')) return
        const mod = server.moduleGraph.getModuleById(RESOLVED)
        if (mod) server.moduleGraph.invalidateModule(mod)
        server.ws.send({ type: 'full-reload' })
      }
      server.watcher.add(dir)
      server.watcher.on('add', onChange)
      server.watcher.on('unlink', onChange)
    },
  }
}
