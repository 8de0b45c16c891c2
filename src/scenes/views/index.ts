/**
 * The view of each scene kind, discovered by file name (`<kind>-view.ts` exporting
 * `createView`) and loaded lazily, one chunk per kind: the first slide never waits for three.js,
 * and a kind's code loads only when a slide shows it. Adding a kind needs no edit here.
 */
import type { ViewFactory } from '../types.ts'

interface ViewModule {
  createView: ViewFactory
}

const modules = import.meta.glob<ViewModule>('./*-view.ts')

export const viewLoaders: Record<string, () => Promise<ViewFactory>> = Object.fromEntries(
  Object.entries(modules).map(([path, load]) => [path.replace(/^\.\/(.*)-view\.ts$/, '$1'), () => load().then((m) => m.createView)]),
)

export async function loadView(kind: string): Promise<ViewFactory> {
  const load = viewLoaders[kind]
  if (!load) throw new Error(`No 3D view for scene kind "${kind}". Views exist for: ${Object.keys(viewLoaders).join(', ')}`)
  return load()
}
