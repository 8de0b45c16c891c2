import { describe, expect, it } from 'vitest'
import { hashingScenarios } from './scenarios.ts'
import { MAX_SERVERS, nextVnodes } from './what-if.ts'
import type { HashingWorld } from './model.ts'
import { createHashRing } from './ring.ts'

const scenario = (name: string) => hashingScenarios.find((s) => s.name === name)!.create(7)

/** Run a what-if action on a live world, as the deck does. */
function act(sc: ReturnType<typeof scenario>, w: HashingWorld, trigger: string, node?: string): string {
  const action = sc.whatIf!.actions.find((a) => a.trigger === trigger)
  if (!action) throw new Error(`no action ${trigger}`)
  return action.run(w, node === undefined ? undefined : { node })
}

describe('hashing what-if', () => {
  it('offers a, click and v on the ring slides, and only a and click on key mod N', () => {
    for (const name of ['ring', 'add-server', 'remove-server', 'virtual-nodes']) {
      expect(scenario(name).whatIf!.actions.map((a) => a.trigger)).toEqual(['a', 'click', 'v'])
    }
    expect(scenario('mod-n').whatIf!.actions.map((a) => a.trigger)).toEqual(['a', 'click'])
    for (const a of scenario('add-server').whatIf!.actions) expect(a.label.length).toBeGreaterThan(10)
  })

  it('a: a new server joins the ring and takes ≈ 1/(N+1) of the keys, all from its neighbours', () => {
    const sc = scenario('add-server')
    const w = sc.live('moved')
    expect(act(sc, w, 'a')).toBe('server-f joins the ring with 16 tokens.')
    const s = sc.snapshotOf(w)
    expect(s.focus).toBe('moved')
    expect(s.servers.map((x) => x.name)).toEqual(['server-a', 'server-b', 'server-c', 'server-d', 'server-e', 'server-f'])
    expect(s.moved).toMatchObject({ added: 'server-f', removed: null, before: 5, total: 10_000 })
    expect(Object.keys(s.moved!.to)).toEqual(['server-f'])
    expect(s.moved!.count).toBe(s.servers.find((x) => x.name === 'server-f')!.keys)
    expect(Math.abs(s.moved!.fraction - 1 / 6)).toBeLessThan(0.08)
    expect(sc.describe(s)).toMatch(/every one of them to server-f/)
  })

  it('a on a half-finished step first settles it, so the count is that of the new server alone', () => {
    const sc = scenario('add-server')
    const w = sc.live('add')
    act(sc, w, 'a')
    const s = sc.snapshotOf(w)
    expect(s.servers.find((x) => x.name === 'server-e')!.keys).toBeGreaterThan(1000)
    expect(Object.keys(s.moved!.to)).toEqual(['server-f'])
    expect(s.moved!.before).toBe(5)
  })

  it('click: the server leaves and only its keys move; a bad target or the last server is refused', () => {
    const sc = scenario('remove-server')
    const w = sc.live('moved')
    const owned = sc.snapshotOf(w).servers.find((x) => x.name === 'server-b')!.keys
    expect(act(sc, w, 'click', 'server-b')).toBe('server-b leaves the ring.')
    const s = sc.snapshotOf(w)
    expect(s.servers.map((x) => x.name)).not.toContain('server-b')
    expect(s.moved).toMatchObject({ count: owned, from: { 'server-b': owned }, removed: 'server-b', before: 4 })
    expect(act(sc, w, 'click', 'server-b')).toBe('Click a server to remove it.')
    expect(act(sc, w, 'click')).toBe('Click a server to remove it.')
    for (const name of ['server-a', 'server-d']) act(sc, w, 'click', name)
    expect(act(sc, w, 'click', 'server-e')).toBe('server-e is the last server and stays: every key needs an owner.')
    expect(sc.snapshotOf(w).servers.map((x) => x.name)).toEqual(['server-e'])
    expect(sc.snapshotOf(w).servers[0]!.keys).toBe(10_000)
  })

  it('v: cycles the tokens per server 16 → 64 → 1 → 8, measuring the spread each time', () => {
    expect([1, 3, 4, 8, 16, 64, 256].map(nextVnodes)).toEqual([8, 8, 8, 64, 64, 1, 1])
    const sc = scenario('add-server')
    const w = sc.live('moved')
    const seen: number[] = []
    for (let i = 0; i < 3; i++) {
      expect(act(sc, w, 'v')).toMatch(/^Every server now has \d+ tokens? on the ring\.$/)
      const s = sc.snapshotOf(w)
      seen.push(s.vnodes)
      expect(s.tokens).toHaveLength(5 * s.vnodes)
      expect(s.focus).toBe(s.vnodes === 1 ? 'one-token' : 'many-tokens')
      expect(s.spread.map((r) => r.vnodes)).toContain(s.vnodes)
      expect(s.servers.reduce((a, x) => a + x.keys, 0)).toBe(10_000)
    }
    expect(seen).toEqual([64, 1, 8])
  })

  it('on the ring slide the one key walks again to whoever owns its place now', () => {
    const sc = scenario('ring')
    const w = sc.live('owner')
    const before = sc.snapshotOf(w).probe!
    for (let i = 0; i < 4; i++) act(sc, w, 'a')
    act(sc, w, 'v')
    const s = sc.snapshotOf(w)
    expect(s.focus).toBe('owner')
    expect(s.probe!.key).toBe(before.key)
    const ring = createHashRing({ vnodes: s.vnodes })
    for (const x of s.servers) ring.add(x.name)
    expect(s.probe!.owner).toBe(ring.owner(before.key))
    expect(s.probe!.tokenAngle).toBe(ring.tokenFor(before.key).angle)
    expect(sc.describe(s)).toMatch(/clockwise .* owns it/)
    // Before the key is shown, a change just redraws the servers.
    const fresh = sc.live('start')
    act(sc, fresh, 'a')
    expect(sc.snapshotOf(fresh)).toMatchObject({ focus: 'servers', probe: null })
    expect(sc.describe(sc.snapshotOf(fresh))).toMatch(/^One server sits on the hash ring/)
  })

  it('key mod N: adding or removing a server reshuffles most keys', () => {
    const sc = scenario('mod-n')
    const w = sc.live('reshuffle')
    expect(act(sc, w, 'a')).toBe('server-f is added, so N goes from 5 to 6.')
    let s = sc.snapshotOf(w)
    expect(s.focus).toBe('reshuffle')
    expect(Math.abs(s.moved!.fraction - 5 / 6)).toBeLessThan(0.03)
    expect(act(sc, w, 'click', 'server-a')).toBe('server-a is removed, so N goes from 6 to 5.')
    s = sc.snapshotOf(w)
    expect(s.moved).toMatchObject({ removed: 'server-a', before: 6 })
    expect(s.moved!.fraction).toBeGreaterThan(0.7)
    expect(sc.describe(s)).toMatch(/\(N−1\)\/N = 83% predicts/)
  })

  it('stops at the ramp of server colours', () => {
    const sc = scenario('mod-n')
    const w = sc.live('start')
    for (let i = 4; i < MAX_SERVERS; i++) act(sc, w, 'a')
    expect(sc.snapshotOf(w).servers).toHaveLength(MAX_SERVERS)
    expect(act(sc, w, 'a')).toBe(`The cluster already has ${MAX_SERVERS} servers, as many as the picture has colours for.`)
  })

  it('is deterministic: the same actions from the same checkpoint give the same snapshots', () => {
    const run = () => {
      const sc = scenario('virtual-nodes')
      const w = sc.live('spread')
      act(sc, w, 'a')
      act(sc, w, 'click', 'server-c')
      act(sc, w, 'v')
      sc.whatIf!.advance(w, 500)
      // A live frame may report a hair of negative time; it must not throw.
      sc.whatIf!.advance(w, -1.7)
      return JSON.stringify(sc.snapshotOf(w))
    }
    expect(run()).toBe(run())
  })
})
