/**
 * Consistent hashing, as a person sees it: every hashing slide shows each checkpoint (its step
 * name, the scenario's own narration, a different picture, the numbers the snapshot holds in the
 * scene's labels), and the what-if keys change what they say they change: A adds a server and
 * counts the keys that moved, a click on a server's bar or token removes it, V cycles the virtual
 * nodes, and R brings back the scripted picture pixel for pixel. No console errors throughout.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { InstancedMesh, Mesh, Object3D } from 'three'
import { openDeck, sceneSlides, type DeckPage } from './harness.ts'
import { difference, sceneShot } from './pixels.ts'
import { hashingScenarios, type HashingSnapshot } from '../src/sim/hashing/index.ts'

let deck: DeckPage | undefined
afterEach(async () => {
  await deck?.close()
  deck = undefined
})

/** Longer than a what-if change takes to play (hashing-view.ts LIVE_MS). */
const SETTLE_MS = 1700

const scenario = (name: string) => hashingScenarios.find((s) => s.name === name)!.create(7)
const fmt = (n: number): string => n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')

interface Host {
  step: string
  narration: string
  labels: string
  live: string | undefined
}

async function host(d: DeckPage): Promise<Host> {
  await d.page.waitForFunction(() => window.Reveal!.getCurrentSlide()?.querySelector<HTMLElement>('[data-scene]')?.dataset.ready === 'true')
  return d.page.evaluate(() => {
    const el = window.Reveal!.getCurrentSlide()!.querySelector<HTMLElement>('[data-scene]')!
    // Only the labels on show: CSS2DRenderer hides those of invisible objects with display: none.
    const labels = [...el.querySelectorAll<HTMLElement>('.scene-label')].filter((l) => l.style.display !== 'none').map((l) => l.textContent)
    return { step: el.dataset.step ?? '', narration: el.querySelector('[role="status"]')?.textContent ?? '', labels: labels.join(' | '), live: el.dataset.live }
  })
}

async function go(d: DeckPage, h: number, v: number, f: number): Promise<void> {
  await d.page.evaluate(([hh, vv, ff]) => window.Reveal!.slide(hh!, vv!, ff!), [h, v, f] as const)
}

/** What the labels must say at a checkpoint: the numbers of the snapshot the step is about. */
function expectedLabels(s: HashingSnapshot): string[] {
  const out: string[] = []
  const m = s.moved
  if (m) out.push(`${fmt(m.count)} of ${fmt(m.total)} keys moved (${Math.round(m.fraction * 100)}%)`)
  if (s.mode === 'ring') {
    for (const x of s.servers) out.push(s.totalKeys > 0 ? `${x.name} ${fmt(x.keys)}` : `${x.name} ${Math.round(x.share * 100)}%`)
    if (s.servers.length > 1) out.push('load spread (std/mean)')
    if (s.probe?.owner) out.push(`${s.probe.key} → ${s.probe.owner}`)
    else if (s.probe) out.push(s.probe.key)
    if (s.focus === 'spread') for (const r of s.spread) out.push(`${r.vnodes} token${r.vnodes === 1 ? '' : 's'} · ${r.meanCv.toFixed(2)}`)
  } else {
    s.servers.forEach((x, i) => out.push(`#${i} ${x.name}`))
    // After the reshuffle the headline counts the moved keys instead.
    if (s.focus !== 'reshuffle') out.push(`hash(key) mod ${s.servers.length}`)
  }
  return out
}

/** Where on screen a server's pickable (its load bar, a token fin or its bucket) is. */
async function screenPoint(d: DeckPage, server: string, kind: 'bar' | 'token'): Promise<{ x: number; y: number }> {
  const pt = await d.page.evaluate(
    ([name, which]) => {
      const scenes = window.deckDebug!.scenes
      const view = scenes.currentView!
      const objs = view.pickables().filter((o: Object3D) => (o.userData.pick as { node?: string } | undefined)?.node === name)
      const obj = objs.find((o: Object3D) => ('isInstancedMesh' in o) === (which === 'token'))
      if (!obj) return null
      obj.updateMatrixWorld()
      const p = obj.position.clone()
      if ('isInstancedMesh' in obj) {
        // The middle of the server's first token fin.
        const m = obj.matrixWorld.clone()
        ;(obj as InstancedMesh).getMatrixAt(0, m)
        p.set(0, 0, 0).applyMatrix4(m).applyMatrix4(obj.matrixWorld)
      } else {
        // The middle of its box (a bar's geometry starts at its origin, a bucket's is centred on it).
        const geometry = (obj as Mesh).geometry
        geometry.computeBoundingBox()
        geometry.boundingBox!.getCenter(p).applyMatrix4(obj.matrixWorld)
      }
      p.project(view.camera)
      const r = scenes.currentStage!.canvas.getBoundingClientRect()
      return { x: r.left + ((p.x + 1) / 2) * r.width, y: r.top + ((1 - p.y) / 2) * r.height }
    },
    [server, kind] as const,
  )
  if (!pt) throw new Error(`no ${kind} for ${server} among the pickables`)
  return pt
}

/**
 * Do something, then wait until the picture has settled: a what-if change animates over
 * LIVE_MS of real time, and a loaded machine draws fewer frames, so wait for two identical
 * looks (labels and pixels) in a row rather than a fixed time.
 */
async function act(d: DeckPage, what: () => Promise<void>): Promise<Host> {
  await what()
  await d.page.waitForTimeout(SETTLE_MS)
  let last = { host: await host(d), shot: await sceneShot(d.page) }
  for (let i = 0; i < 20; i++) {
    await d.page.waitForTimeout(400)
    const now = { host: await host(d), shot: await sceneShot(d.page) }
    if (now.host.labels === last.host.labels && now.host.narration === last.host.narration && difference(now.shot, last.shot) === 0) return now.host
    last = now
  }
  throw new Error('the scene did not settle')
}

describe('consistent hashing slides', () => {
  it('show each checkpoint: step, narration from describe(), the snapshot’s numbers and a new picture', async () => {
    deck = await openDeck()
    const slides = await sceneSlides(deck, 'hashing')
    expect(slides.map((s) => s.scenario)).toEqual(['mod-n', 'ring', 'add-server', 'remove-server', 'virtual-nodes'])
    for (const s of slides) {
      const sc = scenario(s.scenario)
      expect(s.steps).toEqual(sc.checkpoints.slice(1))
      await go(deck, s.h, s.v, -1)
      let st = await host(deck)
      expect(st.step).toBe('')
      expect(st.narration).toBe(sc.describe(sc.stateAt('start')))
      let shot = await sceneShot(deck.page)
      for (const name of s.steps) {
        await deck.page.keyboard.press('ArrowRight')
        st = await host(deck)
        const snap = sc.stateAt(name)
        expect(st.step).toBe(name)
        expect(st.narration).toBe(sc.describe(snap))
        for (const text of expectedLabels(snap)) expect(st.labels, `${s.scenario}/${name}`).toContain(text)
        const next = await sceneShot(deck.page)
        expect(difference(next, shot), `${s.scenario}/${name}: the picture changes`).toBeGreaterThan(0.002)
        shot = next
      }
    }
    expect(deck.errors).toEqual([])
  })

  it('what-if on the ring: A adds a server, a click on a bar removes one, V cycles the tokens, R restores', async () => {
    deck = await openDeck()
    const s = (await sceneSlides(deck, 'hashing')).find((x) => x.scenario === 'add-server')!
    await go(deck, s.h, s.v, s.steps.indexOf('moved'))
    const scripted = await host(deck)
    expect(scripted.step).toBe('moved')
    const before = await sceneShot(deck.page)

    let st = await act(deck, () => deck!.page.keyboard.press('a'))
    expect(st.live).toBe('true')
    // The deck narrates "<what the action did> <describe()>", then describe() alone a moment later.
    expect(st.narration).toMatch(/(^|server-f joins the ring with 16 tokens\. )\d+ of 10000 keys \(\d+%\) changed server, every one of them to server-f;/)
    expect(st.labels).toContain('server-f')
    expect(st.labels).toMatch(/server-f [\d,]+ \(\+[\d,]+\)/)
    let shot = await sceneShot(deck.page)
    expect(difference(shot, before)).toBeGreaterThan(0.005)

    let pt = await screenPoint(deck, 'server-b', 'bar')
    st = await act(deck, () => deck!.page.mouse.click(pt.x, pt.y))
    expect(st.narration).toMatch(/every one of them a key server-b owned/)
    expect(st.labels).toMatch(/server-b left \(−[\d,]+\)/)
    let next = await sceneShot(deck.page)
    expect(difference(next, shot)).toBeGreaterThan(0.005)
    shot = next

    // With 16 tokens a server its flags are thin notches: a bar is the easy target here (the ring
    // slide below clicks a token).
    pt = await screenPoint(deck, 'server-a', 'bar')
    st = await act(deck, () => deck!.page.mouse.click(pt.x, pt.y))
    expect(st.narration).toMatch(/every one of them a key server-a owned/)
    next = await sceneShot(deck.page)
    expect(difference(next, shot)).toBeGreaterThan(0.005)
    shot = next

    const tokens: string[] = []
    for (let i = 0; i < 3; i++) {
      st = await act(deck, () => deck!.page.keyboard.press('v'))
      tokens.push(/× (\d+) tokens?/.exec(st.labels)?.[1] ?? '?')
      next = await sceneShot(deck.page)
      expect(difference(next, shot)).toBeGreaterThan(0.005)
      shot = next
    }
    expect(tokens).toEqual(['64', '1', '8'])
    expect(st.narration).toMatch(/(^|on the ring\. )With 8 tokens per server/)

    st = await act(deck, () => deck!.page.keyboard.press('r'))
    expect(st.live).toBeUndefined()
    expect(st.step).toBe('moved')
    expect(st.narration).toBe(scripted.narration)
    expect(st.labels).toBe(scripted.labels)
    expect(difference(await sceneShot(deck.page), before)).toBe(0)
    expect(deck.errors).toEqual([])
  })

  it('what-if on key mod N: A opens a bucket and reshuffles, a click on a bucket removes it, R restores', async () => {
    deck = await openDeck()
    const s = (await sceneSlides(deck, 'hashing')).find((x) => x.scenario === 'mod-n')!
    await go(deck, s.h, s.v, s.steps.indexOf('reshuffle'))
    const scripted = await host(deck)
    const before = await sceneShot(deck.page)

    let st = await act(deck, () => deck!.page.keyboard.press('a'))
    expect(st.live).toBe('true')
    expect(st.narration).toMatch(/(^|server-f is added, so N goes from 5 to 6\. )\d+ of 10000 keys \(8\d%\) changed server: changing N reshuffles almost everything, as N\/\(N\+1\) = 83% predicts\.$/)
    expect(st.labels).toContain('#5 server-f')
    const shot = await sceneShot(deck.page)
    expect(difference(shot, before)).toBeGreaterThan(0.005)

    const pt = await screenPoint(deck, 'server-a', 'bar')
    st = await act(deck, () => deck!.page.mouse.click(pt.x, pt.y))
    expect(st.narration).toMatch(/\(N−1\)\/N = 83% predicts/)
    expect(st.labels).toContain('#0 server-b')
    expect(st.labels).not.toContain('server-a')
    expect(difference(await sceneShot(deck.page), shot)).toBeGreaterThan(0.005)

    st = await act(deck, () => deck!.page.keyboard.press('r'))
    expect(st.live).toBeUndefined()
    expect(st.narration).toBe(scripted.narration)
    expect(difference(await sceneShot(deck.page), before)).toBe(0)
    expect(deck.errors).toEqual([])
  })

  it('what-if on the ring slide: the key walks again to its new owner; a click on a token removes that server', async () => {
    deck = await openDeck()
    const s = (await sceneSlides(deck, 'hashing')).find((x) => x.scenario === 'ring')!
    await go(deck, s.h, s.v, s.steps.indexOf('owner'))
    const scripted = await host(deck)
    const before = await sceneShot(deck.page)
    const walk = /Walking clockwise from 159°, key "user:\d+" first meets a token of (server-[a-j]) at \d+°, so \1 owns it\.$/
    const ownerOf = (h: Host): string => walk.exec(h.narration)?.[1] ?? '?'
    expect(ownerOf(scripted)).toBe('server-d')

    // Servers join until one of them takes over the key's stretch of the ring.
    let st = scripted
    for (let i = 0; i < 6 && ownerOf(st) === 'server-d'; i++) {
      st = await act(deck, () => deck!.page.keyboard.press('a'))
      expect(st.live).toBe('true')
      expect(st.narration).toMatch(walk)
      expect(st.labels).toContain(`→ ${ownerOf(st)}`)
    }
    const owner = ownerOf(st)
    expect(owner).not.toBe('server-d')

    // Its token is a flag on the ring: clicking it removes the server, and the key walks on.
    const pt = await screenPoint(deck, owner, 'token')
    const shot = await sceneShot(deck.page)
    st = await act(deck, () => deck!.page.mouse.click(pt.x, pt.y))
    expect(st.narration).toMatch(walk)
    expect(ownerOf(st)).not.toBe(owner)
    expect(st.labels).not.toContain(`${owner} `)
    expect(difference(await sceneShot(deck.page), shot)).toBeGreaterThan(0.005)

    st = await act(deck, () => deck!.page.keyboard.press('r'))
    expect(st.narration).toBe(scripted.narration)
    expect(difference(await sceneShot(deck.page), before)).toBe(0)
    expect(deck.errors).toEqual([])
  })
})
