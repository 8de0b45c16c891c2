/** Pixel checks on screenshots: what a person would see, decoded with pngjs. */
import { PNG } from 'pngjs'
import type { Page, ElementHandle } from 'playwright-core'

export interface PixelStats {
  width: number
  height: number
  /** Distinct colours (quantised to 5 bits per channel). */
  colours: number
  /** Share of pixels that differ from the most common colour. */
  busy: number
}

export function stats(png: Buffer): PixelStats {
  const img = PNG.sync.read(png)
  const counts = new Map<number, number>()
  for (let i = 0; i < img.data.length; i += 4) {
    const key = ((img.data[i]! >> 3) << 10) | ((img.data[i + 1]! >> 3) << 5) | (img.data[i + 2]! >> 3)
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  const total = img.width * img.height
  const top = Math.max(...counts.values())
  return { width: img.width, height: img.height, colours: counts.size, busy: 1 - top / total }
}

/**
 * Share of pixels that differ between two same-sized PNGs (0 = identical). A channel must move by
 * more than `tolerance` to count: Chromium's compositor rounds antialiased label text by ±1
 * depending on its layer state, which is not a different picture.
 */
export function difference(a: Buffer, b: Buffer, tolerance = 8): number {
  const x = PNG.sync.read(a)
  const y = PNG.sync.read(b)
  if (x.width !== y.width || x.height !== y.height) return 1
  let diff = 0
  for (let i = 0; i < x.data.length; i += 4) {
    if (Math.abs(x.data[i]! - y.data[i]!) > tolerance || Math.abs(x.data[i + 1]! - y.data[i + 1]!) > tolerance || Math.abs(x.data[i + 2]! - y.data[i + 2]!) > tolerance) diff++
  }
  return diff / (x.width * x.height)
}

/** A screenshot of the current slide's scene surface (canvas and labels, as on screen). */
export async function sceneShot(page: Page): Promise<Buffer> {
  const surface = (await page.evaluateHandle(() => window.Reveal!.getCurrentSlide()!.querySelector('[data-scene] .scene-surface'))) as ElementHandle<Element>
  return surface.screenshot({ animations: 'disabled' })
}
