/**
 * The build-time half of the MDX layer: a remark plugin that turns one concept file into reveal.js
 * sections and refuses what an author got wrong, with the file, the line and the valid choices.
 *
 * - Slides inside a file are separated by thematic breaks (`---` on its own line). A file with
 *   several slides becomes a vertical stack.
 * - Every capitalised JSX element must be a known component.
 * - <Step name> must be a kebab-case literal, unique on its slide and, on a slide with a <Scene>,
 *   one of that scenario's checkpoints.
 * - <Scene> props are checked against the scene catalogue (see scene-props.ts).
 */
import type { Root, RootContent } from 'mdast'
import type { MdxJsxAttribute, MdxJsxFlowElement, MdxJsxTextElement } from 'mdast-util-mdx-jsx'
import type { VFile } from 'vfile'
import { parse as parseYaml } from 'yaml'
import { validateSceneProps, type SceneCatalog } from './scene-props.ts'

export interface SlidesPluginOptions {
  /** Components authors may use (besides the Slide/Stack wrappers this plugin adds). */
  components: readonly string[]
  /** kind → scenario → checkpoint names; <Scene> is only accepted when it is in `components`. */
  scenes: SceneCatalog
}

type JsxElement = MdxJsxFlowElement | MdxJsxTextElement
type Node = Root | RootContent

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/
const HEADER_TYPES = new Set(['yaml', 'toml', 'mdxjsEsm'])

export function remarkSlides(options: SlidesPluginOptions) {
  return (tree: Root, file: VFile): void => {
    const fileName = displayName(file)
    const header: RootContent[] = []
    const groups: RootContent[][] = [[]]
    for (const node of tree.children) {
      if (HEADER_TYPES.has(node.type)) header.push(node)
      else if (node.type === 'thematicBreak') groups.push([])
      else groups[groups.length - 1]!.push(node)
    }
    const slides = groups.filter((g) => g.length > 0)
    if (slides.length === 0) file.fail(`${fileName} has no slide content`, tree)

    const meta = readFrontMatter(tree, file)
    const sections = slides.map((children, i) => {
      checkSlide(children, file, options)
      const first = children[0]!
      const attrs: Record<string, string> = { 'data-source': `${fileName}:${first.position?.start.line ?? 1}` }
      if (slides.length === 1) Object.assign(attrs, fileAttrs(fileName, meta))
      return jsx('Slide', attrs, children, i)
    })
    tree.children = [...header, ...(slides.length === 1 ? sections : [jsx('Stack', fileAttrs(fileName, meta), sections, 0)])]
  }
}

function fileAttrs(fileName: string, meta: FrontMatter): Record<string, string> {
  return { 'data-file': fileName, 'data-title': meta.title }
}

interface FrontMatter {
  title: string
}

function readFrontMatter(tree: Root, file: VFile): FrontMatter {
  const yamlNode = tree.children.find((n) => n.type === 'yaml')
  if (!yamlNode || yamlNode.type !== 'yaml') file.fail(`${displayName(file)}: front matter with a title is required (---\\ntitle: …\\n---)`, tree)
  let data: unknown
  try {
    data = parseYaml(yamlNode.value)
  } catch (e) {
    file.fail(`${displayName(file)}: front matter is not valid YAML: ${(e as Error).message}`, yamlNode)
  }
  const title = (data as { title?: unknown } | null)?.title
  if (typeof title !== 'string' || title.trim() === '') file.fail(`${displayName(file)}: front matter needs a \`title:\` string`, yamlNode)
  return { title }
}

function checkSlide(children: RootContent[], file: VFile, options: SlidesPluginOptions): void {
  const known = new Set(options.components)
  const steps: { name: string; node: JsxElement }[] = []
  const scenes: { node: JsxElement; checkpoints: readonly string[]; label: string }[] = []
  const visit = (node: Node): void => {
    if (node.type === 'mdxJsxFlowElement' || node.type === 'mdxJsxTextElement') {
      const name = node.name
      if (name && /^[A-Z]/.test(name) && !known.has(name)) {
        file.fail(`Unknown component <${name}>. Valid components: ${[...known].sort().map((c) => `<${c}>`).join(', ')}`, node)
      }
      if (name === 'Step') steps.push({ name: stepName(node, file), node })
      if (name === 'Scene') {
        const props = validateSceneProps(literalProps(node, file), options.scenes)
        if (!props.ok) file.fail(`Invalid <Scene>: ${props.error}`, node)
        scenes.push({ node, checkpoints: props.checkpoints, label: `${props.value.kind}/${props.value.scenario}` })
      }
    }
    if ('children' in node) for (const child of node.children as Node[]) visit(child)
  }
  for (const c of children) visit(c)

  if (scenes.length > 1) file.fail('Only one <Scene> per slide: its <Step>s drive it. Put the second scene on a slide of its own (separate slides with ---).', scenes[1]!.node)
  const seen = new Map<string, JsxElement>()
  for (const s of steps) {
    const earlier = seen.get(s.name)
    if (earlier) file.fail(`Step "${s.name}" is listed twice on this slide (first at line ${earlier.position?.start.line ?? '?'}); step names must be unique on a slide`, s.node)
    seen.set(s.name, s.node)
  }
  const scene = scenes[0]
  if (scene) {
    const valid = scene.checkpoints.filter((c) => c !== 'start')
    for (const s of steps) {
      if (!scene.checkpoints.includes(s.name)) {
        file.fail(`Unknown step "${s.name}" for scene ${scene.label}. Valid steps: ${valid.join(', ')}`, s.node)
      }
    }
  }
}

function stepName(node: JsxElement, file: VFile): string {
  const attr = node.attributes.find((a): a is MdxJsxAttribute => a.type === 'mdxJsxAttribute' && a.name === 'name')
  if (!attr || typeof attr.value !== 'string') file.fail('<Step> needs a literal name, e.g. <Step name="vote">', node)
  if (!KEBAB.test(attr.value)) file.fail(`Step name "${attr.value}" must be kebab-case (lower-case words joined by -)`, node)
  return attr.value
}

/** JSX attributes as plain values; expressions must be literals (numbers, booleans, strings). */
function literalProps(node: JsxElement, file: VFile): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const a of node.attributes) {
    if (a.type !== 'mdxJsxAttribute') file.fail(`<${node.name}> does not take spread props`, node)
    if (a.value == null) out[a.name] = true
    else if (typeof a.value === 'string') out[a.name] = a.value
    else {
      try {
        out[a.name] = JSON.parse(a.value.value)
      } catch {
        file.fail(`<${node.name}> prop ${a.name}={${a.value.value}} must be a literal (a number, true/false or a "string")`, node)
      }
    }
  }
  return out
}

function jsx(name: string, attrs: Record<string, string>, children: RootContent[], _i: number): MdxJsxFlowElement {
  return {
    type: 'mdxJsxFlowElement',
    name,
    attributes: Object.entries(attrs).map(([k, v]) => ({ type: 'mdxJsxAttribute', name: k, value: v })),
    children: children as MdxJsxFlowElement['children'],
  }
}

function displayName(file: VFile): string {
  const path = file.path ?? 'unknown.mdx'
  const cwd = file.cwd ?? ''
  return path.startsWith(cwd + '/') ? path.slice(cwd.length + 1) : path
}
