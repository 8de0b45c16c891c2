/**
 * Output checks made before anything slow happens (building, launching Chromium): can the PDF be
 * written, can the PNG folder be created and written? Each failure is one clear line.
 */
import { constants } from 'node:fs'
import { access, mkdir, open, readdir, rm, stat, unlink } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'

export class OutputError extends Error {
  override name = 'OutputError'
}

function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code
  switch (code) {
    case 'ENOENT':
      return 'its folder does not exist'
    case 'ENOTDIR':
      return 'a parent is not a folder'
    case 'EACCES':
    case 'EPERM':
      return 'permission denied'
    case 'EROFS':
      return 'read-only file system'
    case 'EISDIR':
      return 'it is a folder'
    default:
      return (e as Error).message ?? String(e)
  }
}

/**
 * Check that `file` (absolute) can be written: if it exists, open it for appending (which does not
 * change it); if not, create it and remove it again. Throws OutputError naming the path.
 */
export async function checkWritableFile(file: string): Promise<void> {
  const existing = await stat(file).catch(() => null)
  if (existing?.isDirectory()) throw new OutputError(`cannot write ${file}: it is a folder`)
  try {
    if (existing) {
      await (await open(file, 'a')).close()
    } else {
      const dir = await stat(dirname(file)).catch((e: unknown) => {
        throw new OutputError(`cannot write ${file}: ${reason(e)}`)
      })
      if (!dir.isDirectory()) throw new OutputError(`cannot write ${file}: ${dirname(file)} is not a folder`)
      await (await open(file, 'wx')).close()
      await unlink(file)
    }
  } catch (e) {
    if (e instanceof OutputError) throw e
    throw new OutputError(`cannot write ${file}: ${reason(e)}`)
  }
}

/** PNG file names written into the --png folder. */
export const PNG_PREFIX = 'page'
const OUR_PNG = new RegExp(`^${PNG_PREFIX}-\\d+\\.png$`)

/**
 * `mkdir -p`, one level at a time. Node 20's `mkdir(dir, { recursive: true })` never settles when
 * the kernel answers ENOENT for a parent that exists (e.g. under /proc), so it is not used.
 */
export async function makeDirs(dir: string): Promise<void> {
  const missing: string[] = []
  let at = resolve(dir)
  for (;;) {
    const st = await stat(at).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return null
      throw e
    })
    if (st) {
      if (!st.isDirectory()) throw Object.assign(new Error(`${at} is not a folder`), { code: 'ENOTDIR' })
      break
    }
    missing.push(at)
    const up = dirname(at)
    if (up === at) break
    at = up
  }
  for (const d of missing.reverse()) {
    await mkdir(d).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e
    })
  }
}

/** Create the PNG folder (and its parents) and check it is writable. */
export async function preparePngDir(dir: string): Promise<void> {
  try {
    await makeDirs(dir)
    await access(dir, constants.W_OK)
    const probe = join(dir, `.export-probe-${process.pid}`)
    await (await open(probe, 'wx')).close()
    await unlink(probe)
  } catch (e) {
    throw new OutputError(`cannot write PNGs into ${dir}: ${reason(e)}`)
  }
}

/** Remove the PNGs of an earlier export (page-*.png only), so the folder ends with one per page. */
export async function clearOldPngs(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (OUR_PNG.test(name)) await rm(join(dir, name), { force: true })
  }
}
