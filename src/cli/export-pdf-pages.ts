/**
 * How many pages a PDF has. A small pure-JS count of the `/Type /Page` objects (Chromium's Skia
 * PDF writer keeps them uncompressed), so it works without poppler; `pdfinfo` is asked only when
 * the objects are hidden in compressed object streams (PDF 1.5+ from other writers).
 */
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'

/** Count the page objects in a PDF's bytes: `/Type /Page` but not `/Type /Pages`. */
export function countPdfPages(pdf: Uint8Array): number {
  // latin1 maps every byte to one char, so binary streams cannot break the scan.
  const text = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString('latin1')
  const matches = text.match(/\/Type\s*\/Page(?![A-Za-z0-9_.-])/g)
  return matches?.length ?? 0
}

/** True if the PDF keeps its objects in compressed object streams (then counting bytes fails). */
export function hasObjectStreams(pdf: Uint8Array): boolean {
  return Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString('latin1').includes('/ObjStm')
}

/** `pdfinfo`'s page count, or null if poppler is not installed or cannot read the file. */
export function pdfinfoPages(path: string): Promise<number | null> {
  return new Promise((resolve) => {
    execFile('pdfinfo', [path], (err, stdout) => {
      if (err) return resolve(null)
      const m = /^Pages:\s+(\d+)/m.exec(stdout)
      resolve(m ? Number(m[1]) : null)
    })
  })
}

/** The page count of the PDF at `path`: the pure-JS count, else pdfinfo, else null. */
export async function pdfPageCount(path: string): Promise<number | null> {
  const bytes = await readFile(path)
  const n = countPdfPages(bytes)
  if (n > 0 && !hasObjectStreams(bytes)) return n
  return (await pdfinfoPages(path)) ?? (n > 0 ? n : null)
}

/**
 * Split pages 1..count into at most `parts` contiguous [first, last] ranges of near-equal size
 * (for rendering them in parallel). An unknown count gives one open range [0, 0]: all pages.
 */
export function pageRanges(count: number | null, parts: number): [number, number][] {
  if (!count || count < 1) return [[0, 0]]
  const n = Math.max(1, Math.min(Math.floor(parts), count))
  const ranges: [number, number][] = []
  let first = 1
  for (let i = 0; i < n; i++) {
    const size = Math.floor(count / n) + (i < count % n ? 1 : 0)
    ranges.push([first, first + size - 1])
    first += size
  }
  return ranges
}
