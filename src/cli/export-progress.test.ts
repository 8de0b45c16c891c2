import { describe, expect, it } from 'vitest'
import { Progress, describePending, formatSeconds, notReadyMessage, progressText, type PendingPage, type PrintStatus } from './export-progress.ts'

const votes: PendingPage = { page: 18, source: 'slides/02-raft.mdx:25', scene: 'raft', scenario: 'election', step: 'votes' }
const status = (over: Partial<PrintStatus>): PrintStatus => ({ ready: false, failed: false, pages: 179, scenePages: 6, done: 0, pending: [], ...over })

describe('not-ready message (exit 5)', () => {
  it('names the slide, the scene and the step of each page not drawn', () => {
    expect(notReadyMessage(120, status({ done: 5, pending: [votes] }))).toBe("not ready after 120 s: slides/02-raft.mdx:25 raft/election step 'votes' (page 18)")
    expect(describePending({ ...votes, step: '' })).toBe("slides/02-raft.mdx:25 raft/election step 'start' (page 18)")
    expect(describePending({ ...votes, scenario: '' })).toBe("slides/02-raft.mdx:25 raft step 'votes' (page 18)")
  })

  it('lists several on one line and cuts a long list short', () => {
    const many = Array.from({ length: 11 }, (_, i) => ({ ...votes, page: 10 + i }))
    const msg = notReadyMessage(30, status({ pending: many }))
    expect(msg.split('\n')).toHaveLength(1)
    expect(msg).toMatch(/^not ready after 30 s: slides\/02-raft.mdx:25 .*\(page 10\); .*\(page 17\); … and 3 more$/)
  })

  it('says so when the print view never laid out, or every scene drew but the deck never finished', () => {
    expect(notReadyMessage(0.5, null)).toMatch(/^not ready after 0\.5 s: the print view had not laid out its pages yet/)
    expect(notReadyMessage(2, status({ pages: 0, scenePages: 0 }))).toMatch(/had not laid out/)
    expect(notReadyMessage(2, status({ done: 6 }))).toMatch(/every scene page drew, but the deck never set <html data-print-ready="true">/)
  })

  it('says when the deck gave up before the timeout', () => {
    expect(notReadyMessage(12.3, status({ pending: [votes] }), 'the deck’s print snapshots failed')).toBe(
      "not ready after 12 s (the deck’s print snapshots failed): slides/02-raft.mdx:25 raft/election step 'votes' (page 18)",
    )
  })

  it('formats seconds without noise', () => {
    expect(formatSeconds(120)).toBe('120')
    expect(formatSeconds(0.25)).toBe('0.3')
    expect(formatSeconds(2.5)).toBe('2.5')
    expect(formatSeconds(12.4)).toBe('12')
  })
})

describe('progress', () => {
  it('describes the wait', () => {
    expect(progressText(null)).toBe('loading the deck…')
    expect(progressText(status({ done: 3 }))).toBe('drawing scenes: 3/6 pages ready')
    expect(progressText(status({ scenePages: 0 }))).toBe('laid out the pages (no scenes)')
  })

  it('rewrites one line on a terminal', () => {
    let out = ''
    const p = new Progress({ isTTY: true, write: (s: string) => (out += s) })
    p.update('a')
    p.update('a')
    p.update('b')
    p.end()
    expect(out).toBe('\ra\x1b[K\rb\x1b[K\n')
  })

  it('prints one line per change otherwise', () => {
    let out = ''
    const p = new Progress({ isTTY: false, write: (s: string) => (out += s) })
    p.update('a')
    p.update('a')
    p.update('b')
    p.end()
    expect(out).toBe('a\nb\n')
  })
})
