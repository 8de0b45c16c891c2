import { afterAll, describe, expect, it } from 'vitest'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { OutputError, checkWritableFile, clearOldPngs, preparePngDir } from './export-output.ts'

const dir = mkdtempSync(join(tmpdir(), 'export-output-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('checkWritableFile', () => {
  it('accepts a new file in an existing folder and leaves nothing behind', async () => {
    const file = join(dir, 'new.pdf')
    await checkWritableFile(file)
    expect(existsSync(file)).toBe(false)
  })

  it('accepts an existing file without changing it', async () => {
    const file = join(dir, 'old.pdf')
    writeFileSync(file, 'keep me')
    await checkWritableFile(file)
    expect(readFileSync(file, 'utf8')).toBe('keep me')
  })

  it('refuses a missing folder, a folder, and a path through a file, naming the path', async () => {
    await expect(checkWritableFile('/proc/nope/deck.pdf')).rejects.toThrow(new OutputError('cannot write /proc/nope/deck.pdf: its folder does not exist'))
    await expect(checkWritableFile(dir)).rejects.toThrow(`cannot write ${dir}: it is a folder`)
    writeFileSync(join(dir, 'plain'), '')
    await expect(checkWritableFile(join(dir, 'plain', 'deck.pdf'))).rejects.toThrow(/cannot write .*plain\/deck\.pdf: .*not a folder/)
  })
})

describe('PNG folder', () => {
  it('is created with its parents, and only our old page PNGs are cleared', async () => {
    const png = join(dir, 'a', 'b', 'png')
    await preparePngDir(png)
    expect(readdirSync(png)).toEqual([])
    for (const f of ['page-001.png', 'page-179.png', 'cover.png', 'page-notes.txt']) writeFileSync(join(png, f), '')
    await clearOldPngs(png)
    expect(readdirSync(png).sort()).toEqual(['cover.png', 'page-notes.txt'])
  })

  it('refuses a folder that cannot be created', async () => {
    await expect(preparePngDir('/proc/nope/png')).rejects.toThrow(/cannot write PNGs into \/proc\/nope\/png/)
    mkdirSync(join(dir, 'x'))
    writeFileSync(join(dir, 'x', 'file'), '')
    await expect(preparePngDir(join(dir, 'x', 'file'))).rejects.toThrow(OutputError)
  })
})
