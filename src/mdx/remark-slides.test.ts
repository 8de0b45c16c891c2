import { describe, expect, it } from 'vitest'
import { compile } from '@mdx-js/mdx'
import { VFile } from 'vfile'
import remarkFrontmatter from 'remark-frontmatter'
import remarkMdxFrontmatter from 'remark-mdx-frontmatter'
import remarkGfm from 'remark-gfm'
import { remarkSlides } from './remark-slides.ts'
import { AUTHOR_COMPONENTS } from './component-names.ts'
import { authorComponents } from './components.tsx'
import type { SceneCatalog } from './scene-props.ts'

const scenes: SceneCatalog = { raft: { election: ['start', 'timeout', 'candidate', 'votes'] } }

async function build(source: string, components: readonly string[] = [...AUTHOR_COMPONENTS, 'Scene']): Promise<string> {
  const file = new VFile({ path: '/deck/slides/02-raft.mdx', cwd: '/deck', value: source })
  const out = await compile(file, {
    remarkPlugins: [remarkFrontmatter, [remarkMdxFrontmatter, { name: 'frontmatter' }], remarkGfm, [remarkSlides, { components, scenes }]],
  })
  return String(out)
}

async function failure(source: string): Promise<string> {
  try {
    await build(source)
  } catch (e) {
    return String(e)
  }
  throw new Error('expected the build to fail')
}

const fm = '---\ntitle: Raft\n---\n\n'

describe('remark-slides', () => {
  it('keeps the author component list in step with the components', () => {
    expect([...AUTHOR_COMPONENTS].sort()).toEqual(Object.keys(authorComponents).sort())
  })

  it('wraps one slide in a Slide and several in a Stack', async () => {
    const one = await build(`${fm}## A\n\ntext\n`)
    expect(one).toMatch(/\{Slide\} = _components/)
    expect(one).not.toContain('Stack')
    const two = await build(`${fm}## A\n\ntext\n\n---\n\n## B\n\nmore\n`)
    expect(two).toMatch(/\{Slide, Stack\} = _components|\{Stack, Slide\} = _components/)
    expect(two).toMatch(/"data-title": "Raft"/)
    expect(two).toMatch(/"data-source": "slides\/02-raft.mdx:5"/)
    expect(two).toMatch(/"data-source": "slides\/02-raft.mdx:11"/)
  })

  it('fails on an unknown component with the file, line and valid components', async () => {
    const msg = await failure(`${fm}## A\n\n<Stpe name="x">hi</Stpe>\n`)
    expect(msg).toContain('02-raft.mdx:7')
    expect(msg).toContain('Unknown component <Stpe>')
    expect(msg).toContain('<Step>')
  })

  it('fails on a step a scene does not define, naming the valid steps', async () => {
    const msg = await failure(`${fm}## A\n\n<Scene kind="raft" scenario="election" />\n\n<Step name="timeout">a</Step>\n\n<Step name="vote">b</Step>\n`)
    expect(msg).toContain('02-raft.mdx:11')
    expect(msg).toContain('Unknown step "vote" for scene raft/election. Valid steps: timeout, candidate, votes')
  })

  it('fails on a step listed twice on one slide', async () => {
    const msg = await failure(`${fm}## A\n\n<Step name="a">1</Step>\n\n<Step name="a">2</Step>\n`)
    expect(msg).toContain('02-raft.mdx:9')
    expect(msg).toContain('Step "a" is listed twice on this slide (first at line 7)')
  })

  it('allows the same step name on different slides', async () => {
    await expect(build(`${fm}## A\n\n<Step name="a">1</Step>\n\n---\n\n## B\n\n<Step name="a">2</Step>\n`)).resolves.toContain('Stack')
  })

  it('fails on unknown scene kinds and scenarios, and bad prop types', async () => {
    expect(await failure(`${fm}<Scene kind="paxos" scenario="x" />\n`)).toContain('unknown kind "paxos". Valid kinds: raft')
    expect(await failure(`${fm}<Scene kind="raft" scenario="x" />\n`)).toContain('unknown scenario "x" for kind "raft". Valid scenarios: election')
    expect(await failure(`${fm}<Scene kind="raft" scenario="election" seed="seven" />\n`)).toContain('seed must be a number')
    expect(await failure(`${fm}<Scene kind="raft" scenario="election" sed={7} />\n`)).toContain('unknown prop sed')
  })

  it('needs a title in the front matter and kebab-case literal step names', async () => {
    expect(await failure('## A\n')).toContain('front matter with a title is required')
    expect(await failure(`${fm}<Step name="Big Step">x</Step>\n`)).toContain('must be kebab-case')
    expect(await failure(`${fm}<Step name={x}>x</Step>\n`)).toContain('<Step> needs a literal name')
  })

  it('reports MDX syntax errors with a line', async () => {
    // The parser's own message carries the line; Vite prefixes the file (tests/author-errors.test.ts).
    expect(await failure(`${fm}## A\n\n<Step name="a">unclosed\n`)).toMatch(/^7:1-7:\d+: Expected a closing tag for `<Step>`/)
  })
})
