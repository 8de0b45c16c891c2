/**
 * Concept 03, replication: every scene slide shows its checkpoints (data-step, the narration
 * describe() gives for that checkpoint, a picture that changes at every step), and every what-if
 * action changes what it says it changes, while R restores the scripted picture exactly.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { openDeck, type DeckPage } from './harness.ts'
import { difference, sceneShot } from './pixels.ts'
import { replicationScenarios } from '../src/sim/replication/scenarios.ts'
import type { ReplicationSnapshot } from '../src/sim/replication/snapshot.ts'
import type { Scenario } from '../src/sim/scenario.ts'

let deck: DeckPage | undefined
afterEach(async () => {
  await deck?.close()
  deck = undefined
})

const scenario = (name: string) => replicationScenarios.find((f) => f.name === name)!.create(7) as Scenario<ReplicationSnapshot, unknown>

/** The slide showing replication scenario `name`, and its step names. */
async function slideOf(d: DeckPage, name: string): Promise<{ h: number; v: number; steps: string[] }> {
  return d.page.evaluate((n) => {
    const host = document.querySelector<HTMLElement>(`[data-scene="replication"][data-scenario="${n}"]`)!
    const slide = host.closest('section')!
    const idx = window.Reveal!.getIndices(slide)
    return { h: idx.h, v: idx.v ?? 0, steps: [...slide.querySelectorAll<HTMLElement>('.fragment[data-step]')].map((e) => e.dataset.step ?? '') }
  }, name)
}

async function ready(d: DeckPage): Promise<{ step: string; narration: string }> {
  await d.page.waitForFunction(() => window.Reveal!.getCurrentSlide()?.querySelector<HTMLElement>('[data-scene]')?.dataset.ready === 'true')
  return d.page.evaluate(() => {
    const host = window.Reveal!.getCurrentSlide()!.querySelector<HTMLElement>('[data-scene]')!
    return { step: host.dataset.step ?? '', narration: host.querySelector('[role="status"]')?.textContent ?? '' }
  })
}

/** Open the deck on scenario `name` at step index `f` (-1: before the first step). */
async function openAt(name: string, step: string): Promise<DeckPage> {
  const d = await openDeck()
  const s = await slideOf(d, name)
  const f = s.steps.indexOf(step)
  await d.page.evaluate(([h, v, ff]) => window.Reveal!.slide(h!, v!, ff!), [s.h, s.v, f] as const)
  expect((await ready(d)).step).toBe(step === 'start' ? '' : step)
  return d
}

const narration = (d: DeckPage) => d.page.evaluate(() => window.Reveal!.getCurrentSlide()!.querySelector('[data-scene] [role="status"]')?.textContent ?? '')
const live = (d: DeckPage) => d.page.evaluate(() => window.Reveal!.getCurrentSlide()!.querySelector<HTMLElement>('[data-scene]')!.dataset.live ?? '')
/** Every label's text in the scene's label layer. */
const labels = (d: DeckPage) => d.page.evaluate(() => [...window.Reveal!.getCurrentSlide()!.querySelectorAll<HTMLElement>('[data-scene] .scene-label')].filter((e) => e.style.display !== 'none').map((e) => e.textContent ?? ''))
/** Wait until a visible label reads `text` (live runs are slow motion, and SwiftShader frames are slow). */
const waitLabel = (d: DeckPage, text: string, timeout = 30_000) =>
  d.page.waitForFunction((t) => [...window.Reveal!.getCurrentSlide()!.querySelectorAll<HTMLElement>('[data-scene] .scene-label')].some((e) => e.style.display !== 'none' && e.textContent === t), text, { timeout })

/** Click node `id`'s orb where the camera draws it. */
async function clickNode(d: DeckPage, id: number): Promise<void> {
  const at = await d.page.evaluate((node) => {
    const view = window.deckDebug!.scenes.currentView!
    const orb = view.pickables().find((o) => (o.userData.pick as { node: number }).node === node)!
    const v = orb.position.clone().project(view.camera)
    const rect = document.querySelector('canvas.scene-canvas')!.getBoundingClientRect()
    return { x: rect.left + ((v.x + 1) / 2) * rect.width, y: rect.top + ((1 - v.y) / 2) * rect.height }
  }, id)
  await d.page.mouse.click(at.x, at.y)
}

/** R, then the picture must be the scripted one again. */
async function resetMatches(d: DeckPage, before: Buffer): Promise<void> {
  await d.page.keyboard.press('r')
  await d.page.waitForFunction(() => !window.Reveal!.getCurrentSlide()!.querySelector<HTMLElement>('[data-scene]')!.dataset.live)
  await ready(d)
  await d.page.waitForFunction(() => window.Reveal!.getCurrentSlide()!.querySelector<HTMLElement>('[data-scene]')!.dataset.animating !== 'true')
  expect(difference(await sceneShot(d.page), before)).toBe(0)
}

describe('replication scenes', () => {
  for (const name of ['sync', 'async', 'semi-sync', 'failover']) {
    it(`${name}: every step shows its checkpoint, narration and a changed picture`, async () => {
      deck = await openAt(name, 'start')
      const sc = scenario(name)
      const { steps } = await slideOf(deck, name)
      expect(steps).toEqual(sc.checkpoints.slice(1))
      expect((await ready(deck)).narration).toBe(sc.describe(sc.stateAt('start')))
      let previous = await sceneShot(deck.page)
      for (const step of steps) {
        await deck.page.keyboard.press('ArrowRight')
        const st = await ready(deck)
        expect(st.step).toBe(step)
        expect(st.narration).toBe(sc.describe(sc.stateAt(step)))
        const shot = await sceneShot(deck.page)
        expect(difference(shot, previous), `${name}: picture changes at ${step}`).toBeGreaterThan(0.002)
        previous = shot
      }
      expect(deck.errors).toEqual([])
    })
  }

  it('the picture states the model: lag badge, acks, latency, lost writes', async () => {
    deck = await openAt('async', 'lag')
    expect(await labels(deck)).toEqual(expect.arrayContaining(['5 behind · 101 ms', 'up to date', 'node 0 · primary']))
    await deck.close()
    deck = await openAt('sync', 'all-acks')
    expect(await labels(deck)).toEqual(expect.arrayContaining(['acks 2/2', 'waiting 26 ms']))
    await deck.page.keyboard.press('ArrowRight')
    await ready(deck)
    expect(await labels(deck)).toContain('ok in 27 ms')
    await deck.close()
    deck = await openAt('failover', 'lost')
    expect(await labels(deck)).toEqual(expect.arrayContaining(['node 1 · primary', 'node 0 · crashed', '2 acked writes lost']))
    expect(deck.errors).toEqual([])
  })
})

describe('replication what-if', () => {
  it('W sends a write that the client sees acknowledged; R restores the script', async () => {
    deck = await openAt('sync', 'committed')
    const before = await sceneShot(deck.page)
    await deck.page.keyboard.press('w')
    await deck.page.waitForFunction(() => window.Reveal!.getCurrentSlide()!.querySelector<HTMLElement>('[data-scene]')!.dataset.live === 'true')
    expect(await narration(deck)).toMatch(/^The client sends write 2 to the primary, node 0\./)
    // It waits for both replicas, then the client's label shows the new latency and two writes.
    await waitLabel(deck, 'w2')
    await deck.page.waitForFunction(() => window.Reveal!.getCurrentSlide()!.querySelector('[data-scene] [role="status"]')!.textContent!.includes('the client has 2 acknowledged writes'), undefined, { timeout: 30_000 })
    expect(difference(await sceneShot(deck.page), before)).toBeGreaterThan(0.002)
    expect(await live(deck)).toBe('true')
    await resetMatches(deck, before)
    expect(deck.errors).toEqual([])
  })

  it('a click crashes a replica, a sync write then waits, and a second click restarts it', async () => {
    deck = await openAt('sync', 'committed')
    const before = await sceneShot(deck.page)
    await clickNode(deck, 2)
    expect(await narration(deck)).toMatch(/^Replica 2 crashes\. Synchronous writes now wait for it/)
    await waitLabel(deck, 'node 2 · crashed')
    await deck.page.keyboard.press('w')
    await waitLabel(deck, 'acks 1/2')
    await clickNode(deck, 2)
    expect(await narration(deck)).toMatch(/^Node 2 restarts as a replica of node 0; it catches up/)
    await deck.page.waitForFunction(() => window.Reveal!.getCurrentSlide()!.querySelector('[data-scene] [role="status"]')!.textContent!.includes('2 acknowledged writes'), undefined, { timeout: 30_000 })
    await resetMatches(deck, before)
    expect(deck.errors).toEqual([])
  })

  it('clicking the primary crashes it, fails over, and the client finds its lost writes', async () => {
    deck = await openAt('failover', 'lag')
    const before = await sceneShot(deck.page)
    await clickNode(deck, 0)
    expect(await narration(deck)).toMatch(/^Primary node 0 crashes; 2 s later a failover promotes the most up-to-date live replica/)
    await waitLabel(deck, 'node 1 · primary')
    await waitLabel(deck, '2 acked writes lost')
    expect(await labels(deck)).toContain('node 0 · crashed')
    await resetMatches(deck, before)
    expect(deck.errors).toEqual([])
  })

  it('the crashed old primary restarts as a replica and drops the writes the new primary never had', async () => {
    deck = await openAt('failover', 'lost')
    const before = await sceneShot(deck.page)
    await clickNode(deck, 0)
    expect(await narration(deck)).toMatch(/^Node 0 restarts as a replica of node 1 and discards 2 entries the primary never had/)
    await waitLabel(deck, 'node 0 · replica · link +0 ms')
    expect(difference(await sceneShot(deck.page), before)).toBeGreaterThan(0.002)
    await resetMatches(deck, before)
    expect(deck.errors).toEqual([])
  })

  it('G slows the fastest replica link, shown on the replica', async () => {
    deck = await openAt('semi-sync', 'committed')
    const before = await sceneShot(deck.page)
    expect(await labels(deck)).toContain('node 1 · replica · link +8 ms')
    await deck.page.keyboard.press('g')
    expect(await narration(deck)).toMatch(/^The link to replica 1 now holds each entry 108 ms before sending it\./)
    await waitLabel(deck, 'node 1 · replica · link +108 ms')
    await resetMatches(deck, before)
    expect(deck.errors).toEqual([])
  })

  it('P cuts the replicas off; a write then times out into async; P again heals', async () => {
    deck = await openAt('semi-sync', 'committed')
    const before = await sceneShot(deck.page)
    await deck.page.keyboard.press('p')
    expect(await narration(deck)).toMatch(/^The replicas are cut off from primary node 0/)
    await deck.page.waitForTimeout(300)
    const cut = await sceneShot(deck.page)
    expect(difference(cut, before)).toBeGreaterThan(0.002)
    await deck.page.keyboard.press('w')
    // The 10 s timeout plays fast-forwarded while nothing is on the wire.
    await waitLabel(deck, 'semi-sync timed out after 10 s: now async', 60_000)
    await deck.page.keyboard.press('p')
    expect(await narration(deck)).toMatch(/^The network heals/)
    await waitLabel(deck, 'semi-sync: ok when 1 replica has it (timeout 10 s)')
    await resetMatches(deck, before)
    expect(deck.errors).toEqual([])
  })
})
