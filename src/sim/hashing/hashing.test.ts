import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { SimArgumentError } from '../errors.ts'
import { checkScenarioContract } from '../mesh/scenario-contract.ts'
import type { ScenarioFactory } from '../scenario.ts'
import {
  comparePlacements, createHashRing, createModuloRouter, describeHashing, expectedSpread, hashingScenarios, murmur3, placeKeys,
  spreadOf, type HashingSnapshot, type Router,
} from './index.ts'

const KEYS = Array.from({ length: 100_000 }, (_, i) => `key-${i}`)
const servers = (n: number, prefix = 'server-'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`)
const build = (router: Router, names: string[]): Router => {
  for (const s of names) router.add(s)
  return router
}

describe('murmur3 (x86_32)', () => {
  it('matches the reference vectors', () => {
    expect(murmur3('')).toBe(0)
    expect(murmur3('', 1)).toBe(0x514e28b7)
    expect(murmur3('hello')).toBe(0x248bfa47)
    expect(murmur3('The quick brown fox jumps over the lazy dog')).toBe(0x2e4ff723)
  })
  it('hashes the UTF-8 bytes (non-ASCII keys hash like their byte strings)', () => {
    // Values from an independent implementation over the UTF-8 bytes (C3 A9; F0 9F 98 80; ...).
    expect(murmur3('é')).toBe(0x10110787)
    expect(murmur3('😀')).toBe(0xbeb42efa)
    expect(murmur3('Zürich-東京')).toBe(0x65d1dd33)
  })
})

describe('hash ring', () => {
  it('moves ≈ 1/(N+1) of 100 000 keys when a server joins, all of them to the new server', () => {
    for (const n of [4, 9]) {
      const ring = build(createHashRing({ vnodes: 100 }), servers(n))
      const before = placeKeys(ring, KEYS)
      ring.add('newcomer')
      const moves = comparePlacements(before, placeKeys(ring, KEYS))
      expect(Object.keys(moves.to)).toEqual(['newcomer'])
      expect(Math.abs(moves.fraction - 1 / (n + 1))).toBeLessThan(0.25 / (n + 1))
    }
  })
  it('moves only the removed server\u2019s keys when one leaves', () => {
    const ring = build(createHashRing({ vnodes: 100 }), servers(10))
    const before = placeKeys(ring, KEYS)
    const owned = [...before.values()].filter((s) => s === 'server-3').length
    ring.remove('server-3')
    const moves = comparePlacements(before, placeKeys(ring, KEYS))
    expect(Object.keys(moves.from)).toEqual(['server-3'])
    expect(moves.count).toBe(owned)
  })
  it('key mod N moves ≈ N/(N+1) of the keys', () => {
    for (const n of [4, 9]) {
      const mod = build(createModuloRouter(), servers(n))
      const before = placeKeys(mod, KEYS)
      mod.add('newcomer')
      const { fraction } = comparePlacements(before, placeKeys(mod, KEYS))
      expect(Math.abs(fraction - n / (n + 1))).toBeLessThan(0.02)
    }
  })
  it('spreads load like 1/√v (N=10: v=1 ≈ 0.9, v=16 ≈ 0.23, v=100 ≈ 0.09, within 25%)', () => {
    // One ring is one random draw (a single v=1 ring can read anywhere from 0.5 to 1.3), so the
    // figure is the root-mean-square over 24 rings with differently named servers.
    const hashes = KEYS.map((k) => murmur3(k))
    const rings = 24
    for (const [v, target] of [[1, 0.9], [16, 0.23], [100, 0.09]] as const) {
      let sumSq = 0
      for (let r = 0; r < rings; r++) {
        const ring = createHashRing({ vnodes: v })
        for (const s of servers(10, `rack${r}-node-`)) ring.add(s)
        const counts = new Map<string, number>(ring.servers().map((s) => [s, 0]))
        for (const h of hashes) {
          const o = ring.ownerOfHash(h)
          counts.set(o, counts.get(o)! + 1)
        }
        sumSq += spreadOf([...counts.values()]).cv ** 2
      }
      const rms = Math.sqrt(sumSq / rings)
      expect(Math.abs(rms - target) / target, `v=${v}: spread ${rms.toFixed(3)}`).toBeLessThan(0.25)
      expect(Math.abs(expectedSpread(10, v) - target) / target).toBeLessThan(0.06)
    }
  })
  it('ownership depends on the set of servers, not the order they joined', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 8 }), (names, v) => {
        const a = build(createHashRing({ vnodes: v }), names)
        const b = build(createHashRing({ vnodes: v }), [...names].reverse())
        for (let i = 0; i < 50; i++) expect(a.owner(`k${i}`)).toBe(b.owner(`k${i}`))
      }),
      { numRuns: 100 },
    )
  })
  it('draws: tokens in clockwise order, one arc per token, arcs tile the circle, the owner is the next token clockwise', () => {
    const ring = build(createHashRing({ vnodes: 8 }), servers(5)) as ReturnType<typeof createHashRing>
    const tokens = ring.tokens()
    expect(tokens).toHaveLength(40)
    for (let i = 1; i < tokens.length; i++) expect(tokens[i]!.angle).toBeGreaterThanOrEqual(tokens[i - 1]!.angle)
    for (const t of tokens) expect(t.angle >= 0 && t.angle < 2 * Math.PI).toBe(true)
    const arcs = ring.arcs()
    expect(arcs.reduce((a, x) => a + x.length, 0)).toBeCloseTo(2 * Math.PI, 9)
    expect(Object.values(ring.shares()).reduce((a, x) => a + x, 0)).toBeCloseTo(1, 9)
    for (const key of ['alpha', 'beta', 'gamma', 'user:42']) {
      const angle = ring.angleOf(key)
      const next = tokens.find((t) => t.angle >= angle) ?? tokens[0]!
      expect(ring.tokenFor(key)).toEqual(next)
      expect(ring.owner(key)).toBe(next.server)
    }
    const single = build(createHashRing({ vnodes: 1 }), ['only'])
    expect((single as ReturnType<typeof createHashRing>).arcs()[0]!.length).toBeCloseTo(2 * Math.PI)
  })
  it('refuses bad arguments and an empty ring with clear errors', () => {
    expect(() => createHashRing({ vnodes: 0 })).toThrow(SimArgumentError)
    expect(() => createHashRing({ vnodes: 1.5 })).toThrow(/vnodes: got 1.5, expected an integer in 1..4096/)
    const ring = createHashRing({ vnodes: 4 })
    expect(() => ring.owner('user:1')).toThrow(/owner\("user:1"\): the ring has no servers/)
    expect(() => createModuloRouter().owner('user:1')).toThrow(/owner\("user:1"\): there are no servers/)
    ring.add('a')
    expect(() => ring.add('a')).toThrow(/add\(server\): got "a", expected a server not already on the ring/)
    expect(() => ring.add('')).toThrow(/add\(server\): got "", expected a non-empty server name/)
    expect(() => ring.remove('b')).toThrow(/remove\(server\): got "b", expected one of the servers on the ring \(a\)/)
    expect(() => ring.owner(42 as unknown as string)).toThrow(/owner\(key\): got 42, expected a string key/)
  })
})

const factory = (name: string): ScenarioFactory<HashingSnapshot, unknown> => {
  const f = hashingScenarios.find((s) => s.name === name)
  if (!f) throw new Error(`no scenario ${name}`)
  return f
}
const states = (name: string, seed = 7) => {
  const sc = factory(name).create(seed)
  return Object.fromEntries(sc.checkpoints.map((c) => [c, sc.stateAt(c)])) as Record<string, HashingSnapshot>
}

describe('hashing scenarios', () => {
  it('have exactly the checkpoints the slides use', () => {
    // They fit the deck's catalog as plain ScenarioFactory values (checked by tsc).
    const asCatalog: readonly ScenarioFactory[] = hashingScenarios
    expect(asCatalog).toHaveLength(hashingScenarios.length)
    expect(Object.fromEntries(hashingScenarios.map((s) => [s.name, s.checkpoints]))).toEqual({
      ring: ['start', 'servers', 'key', 'owner'],
      'add-server': ['start', 'add', 'moved'],
      'remove-server': ['start', 'remove', 'moved'],
      'virtual-nodes': ['start', 'one-token', 'many-tokens', 'spread'],
      'mod-n': ['start', 'placed', 'add', 'reshuffle'],
    })
    for (const s of hashingScenarios) expect(s.kind).toBe('hashing')
  })
  it('keep the scenario contract: deterministic, seekable both ways, JSON, distinct narration', () => {
    for (const f of hashingScenarios) expect(checkScenarioContract(f)).toEqual([])
  })
  it('differ with the seed (the seed picks the keys)', () => {
    expect(states('add-server', 7).moved!.keys).not.toEqual(states('add-server', 8).moved!.keys)
  })
  it('ring: servers on the ring, then a key at its angle, then its owner clockwise', () => {
    const s = states('ring')
    expect(s.start!.servers).toEqual([])
    expect(s.servers!.servers).toHaveLength(4)
    expect(s.servers!.tokens).toHaveLength(12)
    expect(s.servers!.arcs).toHaveLength(12)
    expect(s.servers!.probe).toBeNull()
    expect(s.key!.probe).toMatchObject({ owner: null, tokenAngle: null })
    const p = s.owner!.probe!
    expect(p.key).toBe(s.key!.probe!.key)
    const next = s.owner!.tokens.find((t) => t.angle >= p.angle) ?? s.owner!.tokens[0]!
    expect(p.owner).toBe(next.server)
    expect(p.tokenAngle).toBe(next.angle)
  })
  it('add-server: a fifth server joins; ≈ 1/5 of the keys move, all to it', () => {
    const s = states('add-server')
    expect(s.start!.servers.map((x) => x.name)).toEqual(['server-a', 'server-b', 'server-c', 'server-d'])
    expect(s.add!.servers).toHaveLength(5)
    expect(s.add!.servers[4]).toMatchObject({ name: 'server-e', keys: 0 })
    expect(s.add!.moved).toBeNull()
    const m = s.moved!.moved!
    expect(Object.keys(m.to)).toEqual(['server-e'])
    expect(m.total).toBe(10_000)
    expect(Math.abs(m.fraction - 0.2)).toBeLessThan(0.07)
    expect(s.moved!.keys.filter((k) => k.movedFrom !== null).every((k) => k.owner === 'server-e')).toBe(true)
  })
  it('remove-server: only the leaver\u2019s keys move', () => {
    const s = states('remove-server')
    const owned = s.start!.servers.find((x) => x.name === 'server-c')!.keys
    expect(s.remove!.servers.map((x) => x.name)).not.toContain('server-c')
    expect(s.moved!.moved).toMatchObject({ count: owned, from: { 'server-c': owned }, removed: 'server-c' })
  })
  it('virtual-nodes: one token is uneven, many tokens are even, the spread table falls like 1/√v', () => {
    const s = states('virtual-nodes')
    expect(s['one-token']!.tokens).toHaveLength(5)
    expect(s['many-tokens']!.tokens).toHaveLength(5 * 64)
    const one = s['one-token']!.spread[0]!
    const many = s['many-tokens']!.spread.find((r) => r.vnodes === 64)!
    expect(one.cv).toBeGreaterThan(3 * many.cv)
    const rows = s.spread!.spread
    expect(rows.map((r) => r.vnodes)).toEqual([1, 4, 16, 64, 256])
    // Averaged over clusters, each quadrupling of the tokens roughly halves the spread.
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.meanCv / rows[i - 1]!.meanCv).toBeGreaterThan(0.35)
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.meanCv / rows[i - 1]!.meanCv).toBeLessThan(0.65)
    for (const r of rows) expect(Math.abs(r.meanCv - r.expected) / r.expected).toBeLessThan(0.25)
  })
  it('mod-n: keys placed, a fifth server added, then ≈ 80% of keys reshuffle', () => {
    const s = states('mod-n')
    expect(s.start!.totalKeys).toBe(0)
    expect(s.placed!.totalKeys).toBe(10_000)
    expect(s.placed!.tokens).toEqual([])
    expect(s.add!.servers).toHaveLength(5)
    expect(s.add!.moved).toBeNull()
    expect(Math.abs(s.reshuffle!.moved!.fraction - 0.8)).toBeLessThan(0.03)
    expect(s.reshuffle!.moved!.expected).toBeCloseTo(0.8)
  })
  it('describe speaks about what the picture shows', () => {
    expect(describeHashing(states('ring').owner!)).toMatch(/clockwise .* owns it/)
    expect(describeHashing(states('mod-n').reshuffle!)).toMatch(/reshuffles almost everything/)
  })
})
