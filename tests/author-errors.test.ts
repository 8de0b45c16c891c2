/**
 * Author errors fail `vite build` with the file, the line and the valid choices (issue: bad input).
 * Each case builds a one-file fixture deck through the real Vite config (DECK_SLIDES).
 */
import { afterAll, describe, expect, it } from 'vitest'
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'vite'

// Inside the project (gitignored .tmp/) so fixtures resolve react from its node_modules.
mkdirSync('.tmp', { recursive: true })
const root = mkdtempSync(join('.tmp', 'deck-author-errors-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

async function buildFixture(name: string, mdx: string): Promise<string> {
  const dir = join(root, name)
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, '01-fixture.mdx'), mdx)
  process.env.DECK_SLIDES = dir
  process.env.DECK_OUT = join(root, `${name}-dist`)
  try {
    await build({ configFile: 'vite.config.ts', logLevel: 'silent' })
  } catch (e) {
    return String((e as Error).message ?? e)
  } finally {
    delete process.env.DECK_SLIDES
    delete process.env.DECK_OUT
  }
  return 'BUILD SUCCEEDED'
}

const fm = '---\ntitle: Fixture\n---\n\n## A slide\n\n'

describe('the build refuses author errors', () => {
  it('an MDX syntax error: file and line', async () => {
    const msg = await buildFixture('syntax', `${fm}<Step name="a">never closed\n`)
    expect(msg).toContain('01-fixture.mdx')
    expect(msg).toMatch(/7:1-7:\d+: Expected a closing tag for `<Step>`/)
  })

  it('an unknown component: file, line and the valid components', async () => {
    const msg = await buildFixture('component', `${fm}<Stpe name="a">typo</Stpe>\n`)
    expect(msg).toMatch(/01-fixture\.mdx:7:1-7:\d+: Unknown component <Stpe>\. Valid components: .*<Step>/)
  })

  it('a step listed twice on one slide', async () => {
    const msg = await buildFixture('twice', `${fm}<Step name="vote">one</Step>\n\n<Step name="vote">two</Step>\n`)
    expect(msg).toMatch(/01-fixture\.mdx:9:1-9:\d+: Step "vote" is listed twice on this slide \(first at line 7\)/)
  })

  it('an unknown step name on a scene slide: file, line and the scenario’s steps', async () => {
    const msg = await buildFixture('step', `${fm}<Scene kind="raft" scenario="election" />\n\n<Step name="timeout">one</Step>\n\n<Step name="vote">two</Step>\n`)
    expect(msg).toMatch(/01-fixture\.mdx:11:1-11:\d+: Unknown step "vote" for scene raft\/election\. Valid steps: timeout, candidate, votes, leader, heartbeats/)
  })

  it('an unknown scene kind or scenario: the valid ones', async () => {
    const kind = await buildFixture('kind', `${fm}<Scene kind="paxos" scenario="election" />\n`)
    expect(kind).toMatch(/01-fixture\.mdx:7:1-7:\d+: Invalid <Scene>: unknown kind "paxos"\. Valid kinds: .*raft/)
    const scenario = await buildFixture('scenario', `${fm}<Scene kind="raft" scenario="elections" />\n`)
    expect(scenario).toMatch(/Invalid <Scene>: unknown scenario "elections" for kind "raft"\. Valid scenarios: election, replication/)
  })

  it('a bad prop type: the schema’s message', async () => {
    const msg = await buildFixture('prop', `${fm}<Scene kind="raft" scenario="election" seed="seven" />\n`)
    expect(msg).toMatch(/01-fixture\.mdx:7:1-7:\d+: Invalid <Scene>: seed must be a number, e\.g\. seed=\{7\}/)
  })

  it('a file with no title', async () => {
    const msg = await buildFixture('notitle', '## No front matter\n')
    expect(msg).toMatch(/01-fixture\.mdx.*front matter with a title is required/)
  })

  it('a well-formed fixture builds', async () => {
    expect(await buildFixture('good', `${fm}<Step name="vote">fine</Step>\n\n<Notes>Say this.</Notes>\n`)).toBe('BUILD SUCCEEDED')
  })
})
