/**
 * Concept 02, Raft: each of the five scene slides (election, replication, leader failure, Figure 8,
 * log repair) shows each checkpoint (data-step, the narration describe() gives, the model's state
 * on the labels, a picture that changes), and every what-if action changes the state it names:
 * a click crashes a node and a second click restarts it, P cuts the leader off with one follower
 * and heals, W writes (the entry is replicated, committed and applied, and the client hears back),
 * U makes the links lossy. R restores the scripted picture exactly. No console errors; the scene
 * stays within its triangle and draw-call budget.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { openDeck, sceneSlides, hostState, pickOnScreen, openScene, type DeckPage } from './harness.ts'
import { difference, sceneShot, stats } from './pixels.ts'
import { raftScenarios } from '../src/sim/raft/scenarios.ts'
import type { RaftSnapshot } from '../src/sim/raft/types.ts'
import type { Scenario } from '../src/sim/scenario.ts'

let deck: DeckPage | undefined
afterEach(async () => {
  await deck?.close()
  deck = undefined
})

/**
 * Live time runs at 100 simulated ms per second only while frames keep up; each frame advances at
 * most 100 ms of real time, so on a loaded machine an election (~300 simulated ms) takes longer.
 */
const ELECTION_MS = 60_000

const scenarios = new Map(raftScenarios.map((f) => [f.name, f.create(7) as Scenario<RaftSnapshot>]))
const narrationAt = (name: string, step: string): string => scenarios.get(name)!.describe(scenarios.get(name)!.stateAt(step))

/** On a timeout, say what the scene showed instead. */
async function orExplain(d: DeckPage, what: string, wait: Promise<unknown>): Promise<void> {
  try {
    await wait
  } catch (e) {
    const st = await hostState(d)
    throw new Error(`${what} never came (${(e as Error).message.split('\n')[0]}). Narration: "${st.narration}"; labels: ${st.labels.join(' / ')}; live: ${st.live}; errors: ${d.errors.join(' / ')}`, { cause: e })
  }
}

async function waitForNarration(d: DeckPage, pattern: RegExp, timeout = 20_000): Promise<string> {
  const wait = d.page.waitForFunction((src) => new RegExp(src).test(window.Reveal!.getCurrentSlide()?.querySelector('[data-scene] [role="status"]')?.textContent ?? ''), pattern.source, { timeout })
  await orExplain(d, `narration ${pattern}`, wait)
  return (await hostState(d)).narration
}

async function waitForLabel(d: DeckPage, text: string, timeout = 20_000): Promise<void> {
  await orExplain(d, `label "${text}"`, d.page.waitForFunction(
    (t) => [...(window.Reveal!.getCurrentSlide()?.querySelectorAll<HTMLElement>('[data-scene] .scene-labels .scene-label') ?? [])]
      .some((e) => e.style.display !== 'none' && ([...e.children].map((c) => c.textContent).join(' | ') || e.textContent || '').includes(t)),
    text, { timeout },
  ))
}

/** R: back to the script; the picture must be the one before the what-if, pixel for pixel. */
async function resetAndCompare(d: DeckPage, step: string, scenario: string, before: Buffer): Promise<void> {
  await d.page.keyboard.press('r')
  await d.page.waitForFunction(() => window.Reveal!.getCurrentSlide()!.querySelector<HTMLElement>('[data-scene]')!.dataset.live === undefined)
  const st = await hostState(d)
  expect(st.step).toBe(step)
  expect(st.narration).toBe(narrationAt(scenario, step))
  await d.page.waitForTimeout(900) // the camera eases home
  expect(difference(await sceneShot(d.page), before)).toBe(0)
}

/** Label text each checkpoint must show: the model's real state, as drawn. */
const EXPECT_LABELS: Record<string, Record<string, string[]>> = {
  election: {
    start: ['A follower | term 0', 'Logs are empty: nothing written yet'],
    candidate: ['B candidate | term 1 · 1 of 3 votes'],
    votes: ['B candidate | term 1 · 2 of 3 votes', 'A follower | term 1'],
    leader: ['B leader | term 1'],
  },
  replication: {
    start: ['client'],
    'client-write': ['client | waiting: x=1', 'Entry 1: the leader knows of 1 of the 3 copies it needs', 'terms ■1'],
    acks: ['Entry 1: the leader knows of 2 of the 3 copies it needs'],
    commit: ['Committed up to entry 1', 'commit 1 · applied 1', 'commit 0 · applied 0', 'client | waiting: x=1'],
    apply: ['client | x=1 ✓ ok'],
  },
  'leader-failure': {
    crash: ['B leader | term 1 · cut off', 'No leader: nothing new can commit'],
    'new-term': ['D candidate | term 2 · 1 of 3 votes'],
    'new-leader': ['D leader | term 2', 'B leader | term 1 · cut off'],
    'old-leader-returns': ['B leader | term 1 · stale', 'commit 1 · applied 1 · next 2'],
    'steps-down': ['B follower | term 2'],
  },
  'figure-8': {
    'term-2': ['A leader | term 2', 'terms ■1 ■2'],
    'term-3': ['A crashed | term 2', 'E leader | term 3 · cut off', 'down · log kept on disk', 'terms ■1 ■2 ■3'],
    'term-4': ['A leader | term 4', 'D follower | term 3 · cut off'],
    'not-committed': ['Entry 2 is on 3 of 5 nodes, yet not committed: it is from term 2, not 4'],
    'commit-current': ['Committed up to entry 3', 'commit 3 · applied 3', 'terms ■1 ■2 ■3 ■4'],
  },
  'log-repair': {
    start: ['A crashed | term 1'],
    diverged: ['commit 0 · applied 0 · next 5'],
    backtrack: ['commit 0 · applied 0 · next 3'],
    repaired: ['Committed up to entry 4'],
  },
}

describe('raft scenes', () => {
  it('every slide shows every checkpoint: its step, its narration, its state on the labels, a new picture', async () => {
    deck = await openDeck()
    const slides = await sceneSlides(deck, 'raft')
    expect(slides.map((s) => [s.scenario, s.steps])).toEqual([
      ['election', ['timeout', 'candidate', 'votes', 'leader', 'heartbeats']],
      ['replication', ['client-write', 'append', 'acks', 'commit', 'apply']],
      ['leader-failure', ['crash', 'new-term', 'new-leader', 'old-leader-returns', 'steps-down']],
      ['figure-8', ['term-2', 'term-3', 'term-4', 'not-committed', 'commit-current']],
      ['log-repair', ['diverged', 'reject', 'backtrack', 'repaired']],
    ])
    for (const s of slides) {
      await deck.page.evaluate(([h, v]) => window.Reveal!.slide(h!, v!, -1), [s.h, s.v])
      let previous: Buffer | null = null
      let said: string | null = null
      for (const step of ['start', ...s.steps]) {
        if (step !== 'start') await deck.page.keyboard.press('ArrowRight')
        const st = await hostState(deck)
        expect(st.step).toBe(step === 'start' ? '' : step)
        expect(st.live).toBeUndefined()
        expect(st.narration, `${s.scenario}/${step}`).toBe(narrationAt(s.scenario, step))
        expect(st.narration, `${s.scenario}/${step}: the narration changes`).not.toBe(said)
        said = st.narration
        for (const text of EXPECT_LABELS[s.scenario]?.[step] ?? []) {
          expect(st.labels.some((l) => l.includes(text)), `${s.scenario}/${step}: a label shows "${text}" (labels: ${st.labels.join(' / ')})`).toBe(true)
        }
        const shot = await sceneShot(deck.page)
        expect(stats(shot).colours, `${s.scenario}/${step}: not blank`).toBeGreaterThan(20)
        if (previous) expect(difference(shot, previous), `${s.scenario}/${step}: the picture changes`).toBeGreaterThan(0.001)
        previous = shot
      }
    }
    expect(deck.errors).toEqual([])
  })

  it('between two checkpoints the real messages fly: t = 0 is the earlier checkpoint, t = ½ a picture of its own', async () => {
    deck = await openScene('raft', 'replication', 1) // append
    const frames = await deck.page.evaluate(() => {
      const scenes = window.deckDebug!.scenes
      const stage = scenes.currentStage!
      const view = scenes.currentView!
      // The message particles: the scene's one instanced mesh of spheres.
      const particles = view.scene.children.find((o) => (o as unknown as { isInstancedMesh?: boolean }).isInstancedMesh && (o as unknown as { geometry: { type: string } }).geometry.type === 'SphereGeometry') as unknown as { count: number }
      // Render and read the canvas in the same task (the drawing buffer is not preserved).
      const frame = (from: string | null, to: string, t: number): { png: string; messages: number } => {
        view.show(from, to, t)
        stage.renderer.render(view.scene, view.camera)
        return { png: stage.renderer.domElement.toDataURL('image/png'), messages: particles.count }
      }
      const out = { append: frame(null, 'append', 1), start: frame('append', 'acks', 0), mid: frame('append', 'acks', 0.5), acks: frame(null, 'acks', 1) }
      frame(null, 'append', 1)
      return out
    })
    const png = (url: string): Buffer => Buffer.from(url.slice(url.indexOf(',') + 1), 'base64')
    expect(difference(png(frames.start.png), png(frames.append.png)), 't = 0 is the earlier checkpoint').toBe(0)
    expect(difference(png(frames.mid.png), png(frames.append.png))).toBeGreaterThan(0.001)
    expect(difference(png(frames.mid.png), png(frames.acks.png))).toBeGreaterThan(0.001)
    // Halfway: AppendEntries still landing and acknowledgements on their way.
    expect(frames.mid.messages).toBeGreaterThan(0)
    // With motion allowed, the deck plays that transition: mid-way the picture is neither end.
    await deck.close()
    deck = await openDeck('', { reducedMotion: 'no-preference' })
    const s = (await sceneSlides(deck, 'raft')).find((x) => x.scenario === 'replication')!
    await deck.page.evaluate(([h, v]) => window.Reveal!.slide(h!, v!, 1), [s.h, s.v])
    await hostState(deck)
    await deck.page.keyboard.press('ArrowRight')
    await deck.page.waitForFunction(() => window.Reveal!.getCurrentSlide()!.querySelector<HTMLElement>('[data-scene]')!.dataset.animating === 'true')
    await deck.page.waitForFunction(() => window.Reveal!.getCurrentSlide()!.querySelector<HTMLElement>('[data-scene]')!.dataset.animating === 'false', undefined, { timeout: 5000 })
    expect(deck.errors).toEqual([])
  })

  it('what-if: clicking a node crashes it and clicking again restarts it; R restores the scripted picture', async () => {
    deck = await openScene('raft', 'election', 4) // heartbeats: B leads term 1
    const before = await sceneShot(deck.page)
    let at = await pickOnScreen(deck, 1)
    await deck.page.mouse.click(at.x, at.y)
    let narration = await waitForNarration(deck, /^Node B crashes; the cluster has lost its leader\./)
    expect(narration).toMatch(/Node B is down/)
    expect((await hostState(deck)).live).toBe('true')
    await waitForLabel(deck, 'B crashed | term 1')
    expect(difference(await sceneShot(deck.page), before)).toBeGreaterThan(0.001)
    // The survivors elect a new leader on their own (their timers run out within ~3 s at 100 ms/s).
    narration = await waitForNarration(deck, /Term 2\. Node [ACDE] leads/, ELECTION_MS)
    expect(narration).toMatch(/Node B is down/)
    at = await pickOnScreen(deck, 1)
    await deck.page.mouse.click(at.x, at.y)
    await waitForNarration(deck, /^Node B restarts as a follower in term 1/)
    await waitForLabel(deck, 'B follower | term 2')
    await resetAndCompare(deck, 'heartbeats', 'election', before)
    expect(deck.errors).toEqual([])
  })

  it('what-if: W writes through the leader; the entry commits and applies everywhere and the client hears back', async () => {
    deck = await openScene('raft', 'replication', 4) // apply: x=1 everywhere
    const before = await sceneShot(deck.page)
    await deck.page.keyboard.press('w')
    await waitForNarration(deck, /^Leader B appends the write as entry 2 of term 1\./)
    expect((await hostState(deck)).live).toBe('true')
    await waitForLabel(deck, 'client | w=2 ✓ ok')
    await deck.page.waitForFunction(
      () => [...window.Reveal!.getCurrentSlide()!.querySelectorAll<HTMLElement>('[data-scene] .scene-labels .scene-label')].filter((e) => e.textContent === 'commit 2 · applied 2').length === 5,
      undefined, { timeout: 20_000 },
    )
    expect(difference(await sceneShot(deck.page), before)).toBeGreaterThan(0.001)
    await resetAndCompare(deck, 'apply', 'replication', before)
    expect(deck.errors).toEqual([])
  })

  it('what-if: P cuts the leader off with one follower (the rest elect a new leader) and P heals; U makes links lossy', async () => {
    deck = await openScene('raft', 'replication', 4)
    const before = await sceneShot(deck.page)
    await deck.page.keyboard.press('p')
    const narration = await waitForNarration(deck, /^The network splits: AB on one side, CDE on the other\./)
    expect(narration).toMatch(/The network is split into AB \| CDE/)
    const split = await sceneShot(deck.page)
    expect(difference(split, before)).toBeGreaterThan(0.001)
    // C, D and E are a majority: one of them wins term 2 while B still believes it leads term 1.
    await waitForNarration(deck, /Term \d+\. Node [CDE] leads/, ELECTION_MS)
    await waitForLabel(deck, 'B leader | term 1 · stale')
    await deck.page.keyboard.press('p')
    await waitForNarration(deck, /^The partition heals\./)
    // B hears of term 2 and steps down.
    await waitForLabel(deck, 'B follower | term 2', ELECTION_MS)
    await deck.page.keyboard.press('u')
    await waitForNarration(deck, /^Links now lose about one message in ten/)
    const lossy = await sceneShot(deck.page)
    await deck.page.keyboard.press('u')
    await waitForNarration(deck, /^Links are reliable again\./)
    expect(difference(lossy, before)).toBeGreaterThan(0.001)
    await resetAndCompare(deck, 'apply', 'replication', before)
    expect(deck.errors).toEqual([])
  })

  it('stays within budget: ≤ 50k triangles and ≤ 150 draw calls on the busiest step', async () => {
    deck = await openScene('raft', 'figure-8', 3) // not-committed: every log, frame and label in use
    const info = await deck.page.evaluate(() => {
      const scenes = window.deckDebug!.scenes
      const stage = scenes.currentStage!
      const view = scenes.currentView!
      stage.renderer.render(view.scene, view.camera)
      return { triangles: stage.renderer.info.render.triangles, calls: stage.renderer.info.render.calls }
    })
    expect(info.triangles).toBeLessThanOrEqual(50_000)
    expect(info.calls).toBeLessThanOrEqual(150)
    expect(deck.errors).toEqual([])
  })
})
