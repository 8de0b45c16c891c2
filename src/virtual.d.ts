declare module 'virtual:deck-slides' {
  import type { SlideEntry } from './mdx/render.tsx'
  const entries: SlideEntry[]
  export default entries
}

declare module '*.mdx' {
  import type { ComponentType } from 'react'
  const Content: ComponentType<{ components?: Record<string, unknown> }>
  export const frontmatter: Record<string, unknown> | undefined
  export default Content
}
