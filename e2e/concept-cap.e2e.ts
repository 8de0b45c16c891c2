/**
 * Concept 01, CAP: the story slide's scene shows each checkpoint (data-step, the narration
 * describe() gives, the values and replies on its labels, a picture that changes), and every
 * what-if action changes the state it names (P splits and heals, W is refused in CP mode and
 * accepted in AP mode, M switches the mode, a click cuts a replica off and back); R restores the
 * scripted picture exactly. No console errors; the scene stays within its triangle and draw-call budget.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { sceneSlides, hostState, waitForNarration, openScene, type DeckPage } from './harness.ts'
import { difference, sceneShot, stats } from './pixels.ts'
import { capScenario } from '../src/sim/cap/scenarios.ts'

/** How long a live run may take to reach a narration. */
const NARRATION_MS = 15_000

let deck: DeckPage | undefined
afterEach(async () => {
  await deck?.close()
  deck = undefined
})

const scenario = capScenario.create(7)

async function waitForLabel(d: DeckPage, text: string, timeout = 15_000): Promise<void> {
  await d.page.waitForFunction((t) => [...(window.Reveal!.getCurrentSlide()?.querySelectorAll<HTMLElement>('[data-scene] .scene-labels .scene-label') ?? [])].some((e) => e.style.display !== 'none' && (e.textContent ?? '').includes(t)), text, { timeout })
}

/** Client coordinates of replica `id`'s orb on screen. */
async function replicaOnScreen(d: DeckPage, id: number): Promise<{ x: number; y: number }> {
  return d.page.evaluate((i) => {
    const view = window.deckDebug!.scenes.currentView!
    const orb = view.pickables().find((o) => (o.userData.pick as { node?: number }).node === i)!
    const v = orb.getWorldPosition(orb.position.clone()).project(view.camera)
    const rect = document.querySelector('canvas.scene-canvas')!.getBoundingClientRect()
    return { x: rect.left + ((v.x + 1) / 2) * rect.width, y: rect.top + ((1 - v.y) / 2) * rect.height }
  }, id)
}

describe('CAP scene', () => {
  it('shows every checkpoint: its step, its narration, its values and replies, a new picture', async () => {
    deck = await openScene('cap', null, -1)
    const [s] = await sceneSlides(deck, 'cap')
    expect(s!.steps).toEqual(['healthy', 'partition', 'cp', 'ap', 'heal'])
    const expectLabels: Record<string, string[]> = {
      healthy: ['balance = 100', 'write 100 ✓ ok', 'CP mode'],
      partition: ['balance = 120', 'balance = 100 | cut off: no majority', 'write 120 ✓ ok'],
      cp: ['write 50 ✗ no quorum | read ✗ no quorum', 'read → 120', 'A ✗'],
      ap: ['AP mode', 'read → 150', 'read → 80', 'balance = 80', 'C ✗'],
      heal: ['80 overwritten', 'keeps 150 @186.0', 'drops 80 @180.0'],
    }
    let prev = await sceneShot(deck.page)
    let prevNarration = (await hostState(deck)).narration
    expect(prevNarration).toBe(scenario.describe(scenario.stateAt('start')))
    for (const name of s!.steps) {
      await deck.page.keyboard.press('ArrowRight')
      const st = await hostState(deck)
      expect(st.step).toBe(name)
      expect(st.narration).toBe(scenario.describe(scenario.stateAt(name)))
      expect(st.narration).not.toBe(prevNarration)
      const all = st.labels.join('\n')
      for (const text of expectLabels[name] ?? []) expect(all, `${name}: label "${text}"`).toContain(text)
      const shot = await sceneShot(deck.page)
      expect(stats(shot).colours, `${name}: not blank`).toBeGreaterThan(20)
      expect(difference(shot, prev), `${name}: the picture changes`).toBeGreaterThan(0.005)
      prev = shot
      prevNarration = st.narration
    }
    // The stale value stays on the cut-off replica until heal, and the healthy step has no fault.
    expect(deck.errors).toEqual([])
  })

  it('stays within budget: ≤ 50k triangles and ≤ 150 draw calls on its busiest step', async () => {
    deck = await openScene('cap', null, 2)
    const info = await deck.page.evaluate(() => {
      const stage = window.deckDebug!.scenes.currentStage!
      stage.draw()
      return { ...stage.renderer.info.render }
    })
    expect(info.triangles).toBeGreaterThan(1000)
    expect(info.triangles).toBeLessThanOrEqual(50_000)
    expect(info.calls).toBeLessThanOrEqual(150)
  })

  it('P splits a healthy store and heals it again; R restores the scripted picture exactly', async () => {
    deck = await openScene('cap', null, 0)
    const before = await sceneShot(deck.page)
    expect((await hostState(deck)).labels.join('\n')).not.toContain('cut off')
    await deck.page.keyboard.press('p')
    const split = await waitForNarration(deck, /A partition splits the replicas into \{0, 1\} and \{2\}/, NARRATION_MS)
    expect(split).toMatch(/the network is split into \{0, 1\} and \{2\}/)
    await waitForLabel(deck, 'cut off: no majority')
    expect((await hostState(deck)).live).toBe('true')
    expect(difference(await sceneShot(deck.page), before)).toBeGreaterThan(0.005)
    await deck.page.keyboard.press('p')
    await waitForNarration(deck, /The partition heals/, NARRATION_MS)
    await deck.page.keyboard.press('r')
    await deck.page.waitForFunction(() => window.Reveal!.getCurrentSlide()!.querySelector<HTMLElement>('[data-scene]')!.dataset.live === undefined)
    const st = await hostState(deck)
    expect(st.step).toBe('healthy')
    expect(st.narration).toBe(scenario.describe(scenario.stateAt('healthy')))
    await deck.page.waitForTimeout(900) // the camera eases home
    expect(difference(await sceneShot(deck.page), before)).toBe(0)
    expect(deck.errors).toEqual([])
  })

  it('W in CP mode is refused at the minority after the quorum timeout; after M the same write is accepted and the sides diverge', async () => {
    deck = await openScene('cap', null, 1)
    const before = await sceneShot(deck.page)
    await deck.page.keyboard.press('w')
    const said = await waitForNarration(deck, /A client writes balance = 110 at replica 2, on the minority side/, NARRATION_MS)
    expect(said).toMatch(/CP mode/)
    await waitForLabel(deck, 'write 110 … waiting')
    // 100 simulated ms of quorum timeout at 30 simulated ms per second: about 3.3 s, longer when
    // SwiftShader's frame rate drops under load (the stage caps each frame's step at 100 ms).
    await waitForLabel(deck, 'write 110 ✗ no quorum', 45_000)
    await waitForNarration(deck, /Node 2 cannot reach a majority and refuses reads and writes with a "no quorum" error/, NARRATION_MS)
    expect((await hostState(deck)).labels.join('\n')).toContain('balance = 100 | cut off: no majority')
    expect(difference(await sceneShot(deck.page), before)).toBeGreaterThan(0.001)

    await deck.page.keyboard.press('m')
    await waitForNarration(deck, /Switched to AP mode/, NARRATION_MS)
    await waitForLabel(deck, 'AP mode')
    await deck.page.keyboard.press('w')
    await waitForLabel(deck, 'write 110 ✓ ok')
    await waitForLabel(deck, 'balance = 110')
    await waitForNarration(deck, /^AP mode: the network is split.*node 2 holds balance = 110/, NARRATION_MS)
    const labels = (await hostState(deck)).labels.join('\n')
    expect(labels).toContain('balance = 120')

    await deck.page.keyboard.press('r')
    await deck.page.waitForFunction(() => window.Reveal!.getCurrentSlide()!.querySelector<HTMLElement>('[data-scene]')!.dataset.live === undefined)
    expect((await hostState(deck)).narration).toBe(scenario.describe(scenario.stateAt('partition')))
    await deck.page.waitForTimeout(900)
    expect(difference(await sceneShot(deck.page), before)).toBe(0)
    expect(deck.errors).toEqual([])
  })

  it('clicking a replica cuts it off, clicking it again reconnects it; R restores the picture', async () => {
    deck = await openScene('cap', null, 0)
    const before = await sceneShot(deck.page)
    const at = await replicaOnScreen(deck, 1)
    await deck.page.mouse.click(at.x, at.y)
    await waitForNarration(deck, /Replica 1 is cut off from the others/, NARRATION_MS)
    await waitForNarration(deck, /the network is split into \{0, 2\} and \{1\}/, NARRATION_MS)
    await waitForLabel(deck, 'cut off: no majority')
    expect(difference(await sceneShot(deck.page), before)).toBeGreaterThan(0.005)
    await deck.page.mouse.click(at.x, at.y)
    await waitForNarration(deck, /Replica 1 is reconnected/, NARRATION_MS)
    await deck.page.keyboard.press('r')
    await deck.page.waitForFunction(() => window.Reveal!.getCurrentSlide()!.querySelector<HTMLElement>('[data-scene]')!.dataset.live === undefined)
    await deck.page.waitForTimeout(900)
    expect(difference(await sceneShot(deck.page), before)).toBe(0)
    expect(deck.errors).toEqual([])
  })

  it('a step change leaves the live run and shows the script again', async () => {
    deck = await openScene('cap', null, 2)
    await deck.page.keyboard.press('m')
    await waitForNarration(deck, /Switched to AP mode/, NARRATION_MS)
    await deck.page.keyboard.press('ArrowRight')
    const st = await hostState(deck)
    expect(st.step).toBe('ap')
    expect(st.live).toBeUndefined()
    expect(st.narration).toBe(scenario.describe(scenario.stateAt('ap')))
    expect(deck.errors).toEqual([])
  })
})
