/**
 * The baseline for "time to first slide": a plain reveal.js deck with the same slide markup as
 * the built deck (taken from its prerendered index.html), reveal.js's own CSS and the notes
 * plugin, nothing else; built with Vite in the same run so both decks get the same toolchain.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const OPEN = /<div\s+class\s*=\s*(?:"slides"|'slides'|slides)\s*>/i
const DIV = /<(\/?)div\b[^>]*>/gi

/**
 * The `<div class="slides">…</div>` element of a built index.html, exactly as written there
 * (matching nested divs). Throws if there is none or it is not closed.
 */
export function extractSlidesMarkup(html: string): string {
  const open = OPEN.exec(html)
  if (!open) throw new Error('index.html has no <div class="slides">')
  DIV.lastIndex = open.index + open[0].length
  let depth = 1
  for (let m = DIV.exec(html); m; m = DIV.exec(html)) {
    if (m[0].endsWith('/>')) continue
    depth += m[1] ? -1 : 1
    if (depth === 0) return html.slice(open.index, m.index + m[0].length)
  }
  throw new Error('index.html: <div class="slides"> is not closed')
}

export function plainDeckHtml(slidesMarkup: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Plain reveal.js deck (bench baseline)</title>
    <link rel="icon" href="data:," />
  </head>
  <body>
    <div class="reveal">
      ${slidesMarkup}
    </div>
    <script type="module" src="./main.js"></script>
  </body>
</html>
`
}

export const PLAIN_MAIN_JS = `import Reveal from 'reveal.js'
import 'reveal.js/reveal.css'
import RevealNotes from 'reveal.js/plugin/notes'

const deck = new Reveal(document.querySelector('.reveal'), { hash: true, plugins: [RevealNotes] })
window.Reveal = deck
deck.initialize()
`

/**
 * Write the plain deck's sources into `dir` (inside the project, so 'reveal.js' resolves from its
 * node_modules) and build it into `dir/dist` with Vite (no config file). Returns the dist folder.
 */
export async function buildPlainDeck(dir: string, slidesMarkup: string): Promise<string> {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'index.html'), plainDeckHtml(slidesMarkup))
  writeFileSync(join(dir, 'main.js'), PLAIN_MAIN_JS)
  const outDir = join(dir, 'dist')
  const { build } = await import('vite')
  await build({
    configFile: false,
    root: dir,
    base: './',
    logLevel: 'warn',
    publicDir: false,
    build: { outDir, emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
  })
  return outDir
}
