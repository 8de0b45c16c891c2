import { describe, expect, it } from 'vitest'
import { lastLine, parseExportLine } from './bench-pdf.ts'

describe('parseExportLine', () => {
  it('reads pages and seconds from the export summary', () => {
    expect(parseExportLine('/work/main/.tmp/bench.pdf: 152 pages, 61.4 s')).toEqual({ pages: 152, seconds: 61.4 })
    expect(parseExportLine('/x/a b.pdf: 1 page, 3 s')).toEqual({ pages: 1, seconds: 3 })
    expect(parseExportLine('/x/deck.pdf: page count unknown, 12.0 s')).toEqual({ pages: null, seconds: 12 })
  })
  it('is null for anything else', () => {
    expect(parseExportLine('drawing scenes: 12/38 pages ready')).toBeNull()
    expect(parseExportLine('')).toBeNull()
  })
})

describe('lastLine', () => {
  it('is the last non-empty line, also after carriage-return progress', () => {
    expect(lastLine('a\nb\n\n')).toBe('b')
    expect(lastLine('drawing 1/3\rdrawing 3/3\rwriting PDF…\n/x.pdf: 3 pages, 2.0 s\n')).toBe('/x.pdf: 3 pages, 2.0 s')
    expect(lastLine('')).toBe('')
  })
})
