/**
 * Concept 04, network partitions: each of the five scene slides (split-brain, fencing, LWW, vector
 * clocks, CRDTs) shows each checkpoint (data-step, the narration describe() gives, the state on its
 * labels, a picture that changes), and every what-if action changes the state it names: P heals and
 * partitions, W writes on side A then side B (taken by each side's primary; on the fencing slide the
 * stale primary's write is rejected by the disk), a click powers a node off (STONITH) and on again,
 * and healing merges the sides. R restores the scripted picture exactly. No console errors; the
 * scene stays within its triangle and draw-call budget.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { openDeck, sceneSlides, hostState, waitForNarration, pickOnScreen, openScene, type DeckPage } from './harness.ts'
import { difference, sceneShot, stats } from './pixels.ts'
import { partitionScenarios } from '../src/sim/partition/scenarios.ts'
import type { PartitionSnapshot } from '../src/sim/partition/snapshot.ts'
import type { Scenario } from '../src/sim/scenario.ts'

/** How long a live run may take to reach a narration. */
const NARRATION_MS = 20_000

let deck: DeckPage | undefined
afterEach(async () => {
  await deck?.close()
  deck = undefined
})

const scenarios = new Map(partitionScenarios.map((f) => [f.name, f.create(7) as Scenario<PartitionSnapshot>]))
const narrationAt = (name: string, step: string): string => scenarios.get(name)!.describe(scenarios.get(name)!.stateAt(step))

async function waitForLabel(d: DeckPage, text: string, timeout = 20_000): Promise<void> {
  await d.page.waitForFunction(
    (t) => [...(window.Reveal!.getCurrentSlide()?.querySelectorAll<HTMLElement>('[data-scene] .scene-labels .scene-label') ?? [])]
      .some((e) => e.style.display !== 'none' && [...e.children].map((c) => c.textContent).join(' | ').includes(t)),
    text, { timeout },
  )
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
  'split-brain': {
    start: ['n0 primary e1', 'network whole', 'side A · 3 of 5 · majority', 'side B · 2 of 5 · minority'],
    partition: ['partition · 0 packets dropped', 'seat-12A: free on every node'],
    bounce: ['partition · 2 packets dropped'],
    'two-primaries': ['⚠ 2 primaries: n0 (e1) + n4 (e3)', 'n4 primary e3 | free'],
    conflict: ['seat-12A: alice on n0,n1,n2 ≠ bob on n3,n4', 'n0 primary e1 | alice', 'n4 primary e3 | bob'],
  },
  fencing: {
    start: ['n3 primary e1', 'shared disk · accepts token ≥ 0 | empty'],
    partition: ['n3 primary e1 | v1 ✓ stored', 'shared disk · accepts token ≥ 1 | config = v1 (token 1, n3)'],
    'new-epoch': ['n2 primary e2', 'accepts token ≥ 2', '⚠ 2 primaries: n2 (e2) + n3 (e1)'],
    'stale-rejected': ['✗ REJECTED n3’s write: token 1 < 2', 'n3 follower e2 | v2-stale ✗ rejected'],
    stonith: ['n3 powered off e2', 'STONITH: power cut', 'config = v2 (token 2, n2)', '1 stale write rejected'],
  },
  lww: {
    'concurrent-writes': ['n0 primary e1 | alice @614', 'n4 primary e3 | bob @613'],
    heal: ['network whole', 'kept alice @614 (n0) · lost bob @613 (n4)'],
    resolved: ['n4 primary e3 | alice @614 | bob @613 lost', 'seat-12A: alice on every node', 'bob was written later, but n4’s clock was behind'],
  },
  'vector-clocks': {
    'concurrent-writes': ['n0 primary e1 | alice [1,0,0,0,0]', 'n4 primary e3 | bob [0,0,0,0,1]'],
    heal: ['neither clock is ≥ the other: concurrent'],
    siblings: ['n0 follower e3 | alice [1,0,0,0,0] | bob [0,0,0,0,1]', 'concurrent clocks → both kept as siblings'],
  },
  crdt: {
    'concurrent-updates': ['likes 13 n0+13', 'likes 11 n0+10 n3+2−1', 'merge on heal → 14', 'merge on heal → {book, pen}'],
    heal: ['merging → 14'],
    merged: ['likes 14 (n0+13 n3+2−1) on every node', 'cart {book, pen} on every node'],
  },
}

describe('partition scenes', () => {
  it('every slide shows every checkpoint: its step, its narration, its state on the labels, a new picture', async () => {
    deck = await openDeck()
    const slides = await sceneSlides(deck, 'partition')
    expect(slides.map((s) => [s.scenario, s.steps])).toEqual([
      ['split-brain', ['partition', 'bounce', 'two-primaries', 'conflict']],
      ['fencing', ['partition', 'new-epoch', 'stale-rejected', 'stonith']],
      ['lww', ['concurrent-writes', 'heal', 'resolved']],
      ['vector-clocks', ['concurrent-writes', 'heal', 'siblings']],
      ['crdt', ['concurrent-updates', 'heal', 'merged']],
    ])
    for (const s of slides) {
      await deck.page.evaluate(([h, v]) => window.Reveal!.slide(h!, v!, -1), [s.h, s.v])
      let st = await hostState(deck)
      expect(st.step).toBe('')
      expect(st.narration).toBe(narrationAt(s.scenario, 'start'))
      for (const text of EXPECT_LABELS[s.scenario]?.start ?? []) expect(st.labels.join('\n'), `${s.scenario}/start: label "${text}"`).toContain(text)
      let prev = await sceneShot(deck.page)
      let prevNarration = st.narration
      for (const name of s.steps) {
        await deck.page.keyboard.press('ArrowRight')
        st = await hostState(deck)
        expect(st.step).toBe(name)
        expect(st.narration).toBe(narrationAt(s.scenario, name))
        expect(st.narration).not.toBe(prevNarration)
        const all = st.labels.join('\n')
        for (const text of EXPECT_LABELS[s.scenario]?.[name] ?? []) expect(all, `${s.scenario}/${name}: label "${text}"`).toContain(text)
        const shot = await sceneShot(deck.page)
        expect(stats(shot).colours, `${s.scenario}/${name}: not blank`).toBeGreaterThan(20)
        expect(difference(shot, prev), `${s.scenario}/${name}: the picture changes`).toBeGreaterThan(0.002)
        prev = shot
        prevNarration = st.narration
      }
    }
    expect(deck.errors).toEqual([])
  })

  it('stays within budget: ≤ 50k triangles and ≤ 150 draw calls on its busiest steps', async () => {
    for (const [scenario, f] of [['split-brain', 3], ['fencing', 3], ['lww', 1]] as const) {
      deck = await openScene('partition', scenario, f)
      const info = await deck.page.evaluate(() => {
        const stage = window.deckDebug!.scenes.currentStage!
        stage.draw()
        return { ...stage.renderer.info.render }
      })
      expect(info.triangles, scenario).toBeGreaterThan(1000)
      expect(info.triangles, scenario).toBeLessThanOrEqual(50_000)
      expect(info.calls, scenario).toBeLessThanOrEqual(150)
      await deck.close()
      deck = undefined
    }
  })

  it('P heals a split cluster and splits it again; R restores the scripted picture exactly', async () => {
    deck = await openScene('partition', 'split-brain', 2)
    const before = await sceneShot(deck.page)
    expect((await hostState(deck)).labels.join('\n')).toContain('partition · 30 packets dropped')
    await deck.page.keyboard.press('p')
    await waitForNarration(deck, /^Healed: the two sides reach each other again/, NARRATION_MS)
    expect((await hostState(deck)).live).toBe('true')
    await waitForLabel(deck, 'network whole · 30 dropped while split')
    // Once heartbeats cross again the lower-epoch primary steps down: one primary is left.
    await waitForNarration(deck, /The network is whole; node 4 is primary in epoch 3\./, NARRATION_MS)
    expect(difference(await sceneShot(deck.page), before)).toBeGreaterThan(0.005)
    await deck.page.keyboard.press('p')
    await waitForNarration(deck, /^Partitioned: side A \{0, 1, 2\} and side B \{3, 4\} can no longer reach each other\./, NARRATION_MS)
    await waitForLabel(deck, 'partition · ')
    await resetAndCompare(deck, 'two-primaries', 'split-brain', before)
    expect(deck.errors).toEqual([])
  })

  it('W writes on side A, then on side B: both primaries take a different value; R restores the script', async () => {
    deck = await openScene('partition', 'split-brain', 2)
    const before = await sceneShot(deck.page)
    await deck.page.keyboard.press('w')
    await waitForNarration(deck, /^A client on side A sends seat-12A = dave to node 0 \(primary, epoch 1\): taken\./, NARRATION_MS)
    await deck.page.keyboard.press('w')
    await waitForNarration(deck, /^A client on side B sends seat-12A = erin to node 4 \(primary, epoch 3\): taken\./, NARRATION_MS)
    await waitForLabel(deck, 'seat-12A: dave on n0,n1,n2 ≠ erin on n3,n4')
    await waitForLabel(deck, 'n0 primary e1 | dave')
    expect(difference(await sceneShot(deck.page), before)).toBeGreaterThan(0.005)
    await resetAndCompare(deck, 'two-primaries', 'split-brain', before)
    expect(deck.errors).toEqual([])
  })

  it('clicking the stale primary powers it off (STONITH) and on again; R restores the script', async () => {
    deck = await openScene('partition', 'fencing', 1)
    const before = await sceneShot(deck.page)
    const n3 = await pickOnScreen(deck, 3)
    await deck.page.mouse.click(n3.x, n3.y)
    await waitForNarration(deck, /^STONITH: node 3 is powered off through its power switch \(by node 2\)\./, NARRATION_MS)
    await waitForLabel(deck, 'n3 powered off e1')
    await waitForLabel(deck, 'STONITH: power cut')
    const off = await sceneShot(deck.page)
    expect(difference(off, before)).toBeGreaterThan(0.002)
    await deck.page.mouse.click(n3.x, n3.y)
    await waitForNarration(deck, /^Node 3 is powered back on as a follower in epoch 1\./, NARRATION_MS)
    await waitForLabel(deck, 'n3 follower e1')
    await resetAndCompare(deck, 'new-epoch', 'fencing', before)
    expect(deck.errors).toEqual([])
  })

  it('W on the fencing slide: the new primary’s write is stored, the stale primary’s is rejected by the disk', async () => {
    deck = await openScene('partition', 'fencing', 1)
    const before = await sceneShot(deck.page)
    await deck.page.keyboard.press('w')
    await waitForNarration(deck, /^A client on side A sends config = v2 to node 2 \(primary, epoch 2\): on its way to the shared disk with fencing token 2\./, NARRATION_MS)
    await waitForLabel(deck, 'config = v2 (token 2, n2)')
    await deck.page.keyboard.press('w')
    await waitForNarration(deck, /^A client on side B sends config = v3 to node 3 \(primary, epoch 1\): on its way to the shared disk with fencing token 1\./, NARRATION_MS)
    await waitForLabel(deck, '✗ REJECTED n3’s write: token 1 < 2')
    await waitForLabel(deck, 'v3 ✗ rejected')
    await waitForNarration(deck, /the disk rejected its write with stale token 1 because it has seen token 2/, NARRATION_MS)
    expect(difference(await sceneShot(deck.page), before)).toBeGreaterThan(0.005)
    await resetAndCompare(deck, 'new-epoch', 'fencing', before)
    expect(deck.errors).toEqual([])
  })

  it('on the CRDT slide, a like added on side A during the split survives the merge on heal', async () => {
    deck = await openScene('partition', 'crdt', 0)
    const before = await sceneShot(deck.page)
    await deck.page.keyboard.press('w')
    await waitForNarration(deck, /^A client on side A sends likes \+1 to node 0 \(primary, epoch 1\): taken\./, NARRATION_MS)
    await waitForLabel(deck, 'merge on heal → 15')
    await deck.page.keyboard.press('p')
    await waitForNarration(deck, /^Healed/, NARRATION_MS)
    await waitForLabel(deck, 'likes 15 (n0+14 n3+2−1) on every node')
    expect(difference(await sceneShot(deck.page), before)).toBeGreaterThan(0.005)
    await resetAndCompare(deck, 'concurrent-updates', 'crdt', before)
    expect(deck.errors).toEqual([])
  })

  it('on the vector-clock slide, healing by P keeps both writes as siblings', async () => {
    deck = await openScene('partition', 'vector-clocks', 0)
    const before = await sceneShot(deck.page)
    await deck.page.keyboard.press('p')
    await waitForLabel(deck, 'concurrent clocks → both kept as siblings')
    await waitForNarration(deck, /every node keeps alice and bob as siblings of seat-12A/, NARRATION_MS)
    expect(difference(await sceneShot(deck.page), before)).toBeGreaterThan(0.005)
    await resetAndCompare(deck, 'concurrent-writes', 'vector-clocks', before)
    expect(deck.errors).toEqual([])
  })
})
