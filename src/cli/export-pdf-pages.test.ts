import { afterAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { countPdfPages, hasObjectStreams, pageRanges, pdfPageCount } from './export-pdf-pages.ts'

/** A minimal, valid PDF with `n` pages (as Skia writes them: uncompressed page objects). */
function pdfWithPages(n: number, compact = false): Buffer {
  const sp = compact ? '' : ' '
  const objects: string[] = []
  const kids = Array.from({ length: n }, (_, i) => `${i + 3} 0 R`).join(' ')
  objects.push(`<</Type${sp}/Catalog /Pages 2 0 R>>`)
  objects.push(`<</Type${sp}/Pages /Kids [${kids}] /Count ${n}>>`)
  for (let i = 0; i < n; i++) objects.push(`<</Type${sp}/Page /Parent 2 0 R /MediaBox [0 0 997.92 561.12]>>`)
  let body = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n'
  const offsets: number[] = []
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'))
    body += `${i + 1} 0 obj\n${o}\nendobj\n`
  })
  const xref = Buffer.byteLength(body, 'latin1')
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`
  body += `trailer\n<</Size ${objects.length + 1} /Root 1 0 R>>\nstartxref\n${xref}\n%%EOF\n`
  return Buffer.from(body, 'latin1')
}

const dir = mkdtempSync(join(tmpdir(), 'pdf-pages-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('countPdfPages', () => {
  it('counts /Type /Page objects and not the /Pages tree', () => {
    expect(countPdfPages(pdfWithPages(1))).toBe(1)
    expect(countPdfPages(pdfWithPages(179))).toBe(179)
    expect(countPdfPages(pdfWithPages(3, true))).toBe(3)
  })

  it('is not fooled by binary stream bytes or look-alike names', () => {
    const noise = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))
    const pdf = Buffer.concat([pdfWithPages(2), noise, Buffer.from('/Type /PageLabel /Type /Pages')])
    expect(countPdfPages(pdf)).toBe(2)
    expect(countPdfPages(new Uint8Array())).toBe(0)
  })

  it('reads a subarray view correctly', () => {
    const big = Buffer.concat([Buffer.from('/Type /Page '.repeat(5)), pdfWithPages(4)])
    expect(countPdfPages(big.subarray(60))).toBe(4)
  })

  it('notices compressed object streams', () => {
    expect(hasObjectStreams(pdfWithPages(2))).toBe(false)
    expect(hasObjectStreams(Buffer.from('1 0 obj <</Type /ObjStm /N 3>> stream'))).toBe(true)
  })
})

describe('pdfPageCount', () => {
  it('counts a file on disk', async () => {
    const file = join(dir, 'five.pdf')
    writeFileSync(file, pdfWithPages(5))
    expect(await pdfPageCount(file)).toBe(5)
  })
})

describe('pageRanges', () => {
  it('splits pages into near-equal contiguous ranges covering every page once', () => {
    expect(pageRanges(179, 2)).toEqual([
      [1, 90],
      [91, 179],
    ])
    expect(pageRanges(10, 3)).toEqual([
      [1, 4],
      [5, 7],
      [8, 10],
    ])
    expect(pageRanges(2, 8)).toEqual([
      [1, 1],
      [2, 2],
    ])
    expect(pageRanges(5, 1)).toEqual([[1, 5]])
  })

  it('an unknown count renders everything in one go', () => {
    expect(pageRanges(null, 4)).toEqual([[0, 0]])
    expect(pageRanges(0, 4)).toEqual([[0, 0]])
  })
})
