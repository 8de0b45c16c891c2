/** Tracks what a view creates (geometries, materials, textures) so dispose() frees all of it. */
export interface Disposable {
  dispose(): void
}

export class Disposer {
  private readonly items = new Set<Disposable>()

  track<T extends Disposable>(item: T): T {
    this.items.add(item)
    return item
  }

  dispose(): void {
    for (const item of this.items) item.dispose()
    this.items.clear()
  }
}
