/**
 * Authoring in dev (`npm start`): editing an MDX file updates the open deck in place without
 * losing the current slide and step; a syntax error shows Vite's overlay with the file and line.
 * Runs the real Vite dev server on a fixture folder of slides (DECK_SLIDES).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createServer, type ViteDevServer } from 'vite'
import { browser } from './harness.ts'

mkdirSync('.tmp', { recursive: true })
const dir = resolve(mkdtempSync(join('.tmp', 'deck-dev-')))
const first = join(dir, '00-first.mdx')
const second = join(dir, '01-second.mdx')
let server: ViteDevServer
let url: string

beforeAll(async () => {
  writeFileSync(first, '---\ntitle: First\n---\n\n# First file\n\n<Notes>Opening words for the fixture deck.</Notes>\n')
  writeFileSync(
    second,
    '---\ntitle: Second\n---\n\n## Slide A\n\n<Notes>Notes for slide A of the fixture.</Notes>\n\n---\n\n## Slide B\n\n<Step name="one">Step one.</Step>\n\n<Step name="two">Step two.</Step>\n\n<Notes>Notes for slide B of the fixture.</Notes>\n',
  )
  process.env.DECK_SLIDES = dir
  server = await createServer({ configFile: 'vite.config.ts', logLevel: 'silent', server: { port: 0, strictPort: false } })
  await server.listen()
  delete process.env.DECK_SLIDES
  url = server.resolvedUrls!.local[0]!
})

afterAll(async () => {
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('the dev server', () => {
  it('hot-reloads an edited MDX file and keeps the current slide and step', async () => {
    const context = await (await browser()).newContext({ viewport: { width: 1280, height: 720 } })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(`${url}#/1/1/0`)
    await page.waitForSelector('html[data-deck-ready="true"]')
    expect(await page.evaluate(() => window.Reveal!.getIndices())).toMatchObject({ h: 1, v: 1, f: 0 })
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42))

    writeFileSync(second, readFileSync(second, 'utf8').replace('## Slide B', '## Slide B, edited'))
    await page.waitForFunction(() => window.Reveal?.getCurrentSlide()?.querySelector('h2')?.textContent === 'Slide B, edited', undefined, { timeout: 20_000 })
    const after = await page.evaluate(() => ({
      indices: window.Reveal!.getIndices(),
      marker: (window as unknown as { marker?: number }).marker,
      visible: [...document.querySelectorAll<HTMLElement>('section.present .fragment.visible')].map((e) => e.dataset.step),
    }))
    // Same page (no full reload), same slide, same step.
    expect(after).toEqual({ indices: { h: 1, v: 1, f: 0 }, marker: 42, visible: ['one'] })
    expect(errors).toEqual([])
    await context.close()
  })

  it('shows Vite’s error overlay with the file and line for an MDX syntax error', async () => {
    const context = await (await browser()).newContext()
    const page = await context.newPage()
    await page.goto(url)
    await page.waitForSelector('html[data-deck-ready="true"]')
    writeFileSync(first, '---\ntitle: First\n---\n\n# First file\n\n<Step name="x">never closed\n')
    const overlay = await page.waitForFunction(
      () => {
        const el = document.querySelector('vite-error-overlay')
        return el?.shadowRoot?.textContent ?? null
      },
      undefined,
      { timeout: 20_000 },
    )
    const text = String(await overlay.jsonValue())
    expect(text).toContain('00-first.mdx')
    expect(text).toMatch(/7:1/)
    expect(text).toContain('Expected a closing tag for `<Step>`')
    await context.close()
  })
})
