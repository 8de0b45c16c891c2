/**
 * Build-time prerendering: the slides' markup is static, so `vite build` renders every MDX file to
 * HTML once (through Vite's SSR module loader, with the same plugins) and writes it into
 * index.html. The browser then boots reveal.js on markup that is already there, and the client
 * bundle carries neither React nor the MDX modules: the first slide paints about as fast as a
 * plain reveal.js deck. `npm start` (dev) renders in the browser instead, for hot reload.
 */
import { createServer, type Plugin } from 'vite'
import type * as PrerenderEntry from './prerender-entry.ts'

const SLIDES_PLACEHOLDER = '<div class="slides"></div>'

export function deckPrerenderPlugin(configFile: string): Plugin {
  return {
    name: 'deck-prerender',
    apply: 'build',
    transformIndexHtml: {
      // After the client bundle: an author error then fails the build there first, named by its
      // MDX file and line, rather than here inside index.html.
      order: 'post',
      async handler(html) {
        if (!html.includes(SLIDES_PLACEHOLDER)) throw new Error(`index.html must contain ${SLIDES_PLACEHOLDER}`)
        const server = await createServer({
          configFile,
          logLevel: 'error',
          appType: 'custom',
          server: { middlewareMode: true, hmr: false, watch: null },
          optimizeDeps: { noDiscovery: true, include: [] },
        })
        try {
          const mod = (await server.ssrLoadModule('/src/mdx/prerender-entry.ts')) as typeof PrerenderEntry
          const { html: slides, theme } = mod.render()
          const themed = theme ? html.replace('<html lang="en"', `<html lang="en" data-deck-theme="${escapeAttr(theme)}"`) : html
          return themed.replace(SLIDES_PLACEHOLDER, `<div class="slides">${slides}</div>`)
        } finally {
          await server.close()
        }
      },
    },
  }
}

function escapeAttr(s: string): string {
  return s.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`)
}
