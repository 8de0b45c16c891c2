import { afterAll, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { gzipSize, localPath, measureBundle, parseAttributes, parseIndexAssets } from './bench-bundle.ts'

/** The head Vite 8 writes for this deck, plus the tags a bigger build would add. */
const BUILT = `<!doctype html>
<html lang="en" data-deck-theme="dark" data-theme="dark">
  <head>
    <meta charset="utf-8" />
    <link rel="icon" href="./favicon.svg" type="image/svg+xml" />
    <script type="module" crossorigin src="./assets/index-BIfgzQBx.js"></script>
    <link rel="modulepreload" crossorigin href="./assets/vendor-a1.js">
    <link rel=modulepreload href='/assets/shared-b2.js?v=1'>
    <link rel="stylesheet" crossorigin href="./assets/index-CZOwuFYj.css">
    <link rel="preload stylesheet" href="assets/extra.css">
    <link rel="stylesheet" href="https://fonts.example.com/a.css">
    <!-- <script type="module" src="./assets/commented-out.js"></script> -->
  </head>
  <body><div class="reveal"><div class="slides"><section><p>&lt;script src="x.js"&gt;</p></section></div></div></body>
</html>`

describe('parseIndexAssets', () => {
  it('finds the module script, modulepreloads and stylesheets, as paths inside the build', () => {
    expect(parseIndexAssets(BUILT)).toEqual({
      scripts: ['assets/index-BIfgzQBx.js'],
      modulepreloads: ['assets/vendor-a1.js', 'assets/shared-b2.js'],
      stylesheets: ['assets/index-CZOwuFYj.css', 'assets/extra.css'],
      external: ['https://fonts.example.com/a.css'],
    })
  })
  it('ignores icons, comments and escaped text in the slides, and lists each file once', () => {
    const html = `${BUILT}<script type="module" src="./assets/index-BIfgzQBx.js"></script>`
    const a = parseIndexAssets(html)
    expect(a.scripts).toEqual(['assets/index-BIfgzQBx.js'])
    expect(JSON.stringify(a)).not.toContain('favicon')
    expect(JSON.stringify(a)).not.toContain('commented-out')
  })
  it('reads inline classic scripts as nothing to fetch', () => {
    expect(parseIndexAssets('<script>window.x = 1</script>').scripts).toEqual([])
  })
})

describe('parseAttributes and localPath', () => {
  it('reads quoted, unquoted and bare attributes, decoding entities', () => {
    expect(parseAttributes(` type="module" crossorigin src='./a&amp;b.js' data-x=1`)).toEqual({ type: 'module', crossorigin: '', src: './a&b.js', 'data-x': '1' })
  })
  it('maps URLs to paths in the build folder, and rejects what leaves it', () => {
    expect(localPath('./assets/a.js')).toBe('assets/a.js')
    expect(localPath('/assets/a.js#x')).toBe('assets/a.js')
    expect(localPath('assets/../assets/a.js?v=2')).toBe('assets/a.js')
    expect(localPath('https://cdn.example/a.js')).toBeNull()
    expect(localPath('//cdn.example/a.js')).toBeNull()
    expect(localPath('data:text/javascript,1')).toBeNull()
    expect(localPath('../outside.js')).toBeNull()
  })
})

describe('measureBundle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-bundle-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('splits initial from lazy JS and gzips each file at level 9', () => {
    mkdirSync(join(dir, 'assets'))
    const js = 'export const a = 1;\n'.repeat(200)
    writeFileSync(join(dir, 'index.html'), '<script type="module" src="./assets/main.js"></script><link rel="modulepreload" href="./assets/dep.js"><link rel="stylesheet" href="./assets/main.css">')
    writeFileSync(join(dir, 'assets', 'main.js'), js)
    writeFileSync(join(dir, 'assets', 'dep.js'), 'export const d = 2;\n')
    writeFileSync(join(dir, 'assets', 'main.css'), 'body { color: red }\n'.repeat(50))
    writeFileSync(join(dir, 'assets', 'lazy-big.js'), 'x'.repeat(5000) + Math.PI.toString().repeat(400))
    writeFileSync(join(dir, 'assets', 'lazy-small.js'), 'export {}')
    writeFileSync(join(dir, 'assets', 'font.woff2'), Buffer.alloc(1234))
    const b = measureBundle(dir)
    expect(b.initialJs.map((f) => f.file)).toEqual(['assets/main.js', 'assets/dep.js'])
    expect(b.initialJs[0]).toEqual({ file: 'assets/main.js', bytes: js.length, gzip: gzipSync(js, { level: 9 }).length })
    expect(b.initialJsGzip).toBe(b.initialJs[0]!.gzip + b.initialJs[1]!.gzip)
    expect(b.initialCss.map((f) => f.file)).toEqual(['assets/main.css'])
    expect(b.lazyJs.map((f) => f.file)).toEqual(['assets/lazy-big.js', 'assets/lazy-small.js'])
    expect(b.lazyJsGzip).toBe(b.lazyJs[0]!.gzip + b.lazyJs[1]!.gzip)
    expect(b.fonts).toEqual([{ file: 'assets/font.woff2', bytes: 1234 }])
    expect(b.index).toEqual({ file: 'index.html', bytes: readFileSync(join(dir, 'index.html')).length, gzip: gzipSize(readFileSync(join(dir, 'index.html'))) })
  })
})
