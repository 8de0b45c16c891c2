/**
 * What the export watches in the print view, and how it reports it: progress while the scenes
 * draw (one line rewritten with \r on a terminal, one line per change otherwise) and, on timeout,
 * which slides and steps never became ready.
 */

/** A print page whose scene has not drawn yet. */
export interface PendingPage {
  /** 1-based page number in the PDF. */
  page: number
  /** The slide's `data-source` ("slides/02-raft.mdx:25"). */
  source: string
  scene: string
  scenario: string
  /** The page's step: the name of its last visible <Step> ('' before the first step). */
  step: string
}

export interface PrintStatus {
  /** <html data-print-ready="true"> */
  ready: boolean
  /** data-print-ready set to anything else ("error"): the deck gave up on the print view. */
  failed: boolean
  /** .pdf-page elements (0 until reveal.js has laid out the print view). */
  pages: number
  /** .pdf-page elements holding a scene host. */
  scenePages: number
  /** ... whose host has data-ready="true". */
  done: number
  pending: PendingPage[]
}

/**
 * Read the print view's state. Runs inside the page (page.evaluate): self-contained, and with no
 * named inner functions (tsx's keepNames would wrap them in a helper the page does not have).
 */
export function readPrintStatus(): PrintStatus {
  const pages = [...document.querySelectorAll<HTMLElement>('.pdf-page')]
  const pending: PendingPage[] = []
  let scenePages = 0
  let done = 0
  pages.forEach((page, i) => {
    const host = page.querySelector<HTMLElement>('[data-scene]')
    if (!host) return
    scenePages++
    if (host.dataset.ready === 'true') {
      done++
      return
    }
    const section = host.closest('section')
    let step = ''
    let best = -Infinity
    ;[...page.querySelectorAll<HTMLElement>('.fragment[data-step].visible')].forEach((f, k) => {
      const attr = f.getAttribute('data-fragment-index')
      const raw = attr === null ? Number.NaN : Number(attr)
      const index = Number.isFinite(raw) ? raw : k
      if (index >= best) {
        best = index
        step = f.dataset.step ?? ''
      }
    })
    pending.push({
      page: i + 1,
      source: section?.getAttribute('data-source') ?? '(unknown slide)',
      scene: host.dataset.scene ?? '?',
      scenario: host.dataset.scenario ?? '?',
      step,
    })
  })
  const state = document.documentElement.dataset.printReady
  return { ready: state === 'true', failed: state !== undefined && state !== '' && state !== 'true', pages: pages.length, scenePages, done, pending }
}

/** "raft/election step 'votes'" ('start' before the first step, as the scenarios name it). */
export function describePending(p: PendingPage): string {
  const scene = p.scenario && p.scenario !== '?' ? `${p.scene}/${p.scenario}` : p.scene
  return `${p.source} ${scene} step '${p.step || 'start'}' (page ${p.page})`
}

const MAX_LISTED = 8

/**
 * The one-line reason for exit 5: after `seconds` (the timeout, or less when the deck reported
 * that it gave up: `cause`), which pages were not drawn.
 */
export function notReadyMessage(seconds: number, status: PrintStatus | null, cause?: string): string {
  const head = `not ready after ${formatSeconds(seconds)} s${cause ? ` (${cause})` : ''}`
  if (!status || status.pages === 0) return `${head}: the print view had not laid out its pages yet (the deck did not load, or reveal.js did not start)`
  if (status.pending.length === 0) return `${head}: every scene page drew, but the deck never set <html data-print-ready="true">`
  const listed = status.pending.slice(0, MAX_LISTED).map(describePending)
  const more = status.pending.length - listed.length
  return `${head}: ${listed.join('; ')}${more > 0 ? `; … and ${more} more` : ''}`
}

export function formatSeconds(s: number): string {
  return Number.isInteger(s) ? String(s) : s.toFixed(s < 10 ? 1 : 0).replace(/\.0$/, '')
}

/** The progress line for a status. */
export function progressText(status: PrintStatus | null): string {
  if (!status || status.pages === 0) return 'loading the deck…'
  if (status.scenePages === 0) return 'laid out the pages (no scenes)'
  return `drawing scenes: ${status.done}/${status.scenePages} pages ready`
}

export interface Output {
  write(s: string): unknown
  isTTY?: boolean
}

/**
 * Progress on the terminal: on a TTY one line rewritten in place with \r; otherwise one line per
 * change, so logs stay readable.
 */
export class Progress {
  private last = ''
  private open = false

  constructor(private readonly out: Output) {}

  update(text: string): void {
    if (text === this.last) return
    this.last = text
    if (this.out.isTTY) {
      this.out.write(`\r${text}\x1b[K`)
      this.open = true
    } else {
      this.out.write(`${text}\n`)
    }
  }

  /** End the rewritten line (before printing anything else). */
  end(): void {
    if (this.open) this.out.write('\n')
    this.open = false
    this.last = ''
  }
}
