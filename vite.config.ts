import { defineConfig } from 'vite'
import mdx from '@mdx-js/rollup'
import remarkGfm from 'remark-gfm'
import remarkFrontmatter from 'remark-frontmatter'
import remarkMdxFrontmatter from 'remark-mdx-frontmatter'
import { remarkSlides } from './src/mdx/remark-slides.ts'
import { deckSlidesPlugin } from './src/mdx/slides-plugin.ts'
import { AUTHOR_COMPONENTS } from './src/mdx/component-names.ts'
import { checkpointCatalog } from './src/sim/catalog.ts'

// DECK_SLIDES points the build at another folder of slides (the author-error tests use it).
const slidesDir = process.env.DECK_SLIDES ?? 'slides'

export default defineConfig({
  base: './',
  plugins: [
    {
      enforce: 'pre',
      ...mdx({
        jsxImportSource: 'react',
        remarkPlugins: [
          remarkFrontmatter,
          [remarkMdxFrontmatter, { name: 'frontmatter' }],
          remarkGfm,
          [remarkSlides, { components: AUTHOR_COMPONENTS, scenes: checkpointCatalog() }],
        ],
      }),
    },
    deckSlidesPlugin(slidesDir),
  ],
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
  build: {
    target: 'es2022',
    outDir: process.env.DECK_OUT ?? 'dist',
    emptyOutDir: true,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 800,
  },
})
