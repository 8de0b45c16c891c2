import { existsSync } from 'node:fs'
import { chromium, type BrowserServer } from 'playwright-core'
import type { TestProject } from 'vitest/node'
import { findChromium, CHROMIUM_ARGS } from '../src/cli/chromium.ts'
import { serveStatic, type StaticServer } from '../src/cli/static-server.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string
    wsEndpoint: string
  }
}

let server: StaticServer | undefined
let browser: BrowserServer | undefined

export async function setup(project: TestProject): Promise<void> {
  const dist = process.env.DECK_OUT ?? 'dist'
  if (!existsSync(`${dist}/index.html`)) throw new Error(`${dist}/ is missing: run \`npm run build\` first (npm test does).`)
  const executablePath = findChromium()
  server = await serveStatic(dist)
  browser = await chromium.launchServer({ executablePath, args: CHROMIUM_ARGS, headless: true })
  project.provide('baseUrl', server.url)
  project.provide('wsEndpoint', browser.wsEndpoint())
}

export async function teardown(): Promise<void> {
  await browser?.close()
  await server?.close()
}
