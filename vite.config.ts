import { defineConfig } from 'vite'
import mdx from '@mdx-js/rollup'
import remarkGfm from 'remark-gfm'
import remarkFrontmatter from 'remark-frontmatter'
import remarkMdxFrontmatter from 'remark-mdx-frontmatter'
import { remarkSlides } from './src/mdx/remark-slides.ts'
import { deckSlidesPlugin } from './src/mdx/slides-plugin.ts'
import { deckPrerenderPlugin } from './src/mdx/prerender-plugin.ts'
import { fileURLToPath } from 'node:url'
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
        // The production JSX runtime everywhere: the build prerenders through Vite's SSR loader while
        // NODE_ENV is production, where react/jsx-dev-runtime has no jsxDEV.
        development: false,
        remarkPlugins: [
          remarkFrontmatter,
          [remarkMdxFrontmatter, { name: 'frontmatter' }],
          remarkGfm,
          [remarkSlides, { components: AUTHOR_COMPONENTS, scenes: checkpointCatalog() }],
        ],
      }),
    },
    deckSlidesPlugin(slidesDir),
    deckPrerenderPlugin(fileURLToPath(import.meta.url)),
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
