import { Random } from '../random.ts'
import { Scheduler } from '../scheduler.ts'
import { Trace } from '../trace.ts'
import { createHashRing, createModuloRouter, type Arc, type HashRing, type Router } from './ring.ts'
import { hashToAngle, murmur3 } from './hash.ts'
import { averageSpread, comparePlacements, countPerServer, expectedSpread, placeKeys, spreadOf, type Moves } from './stats.ts'

/**
 * A hashing "world" for the slides: a router, a population of keys, and what the picture shows.
 * Placement is refreshed explicitly (`reassign`) so a scene can first show the new server's tokens
 * and then, one step later, the keys that move to it.
 *
 * HashingSnapshot (plain JSON; angles in radians on [0, 2π), clockwise = increasing angle):
 * {
 *   focus: what the step is about (see HashingFocus),
 *   mode: 'ring' | 'modulo',  vnodes: tokens per server (0 for modulo),
 *   servers: [{ name, keys, share }]   share = fraction of the ring owned (modulo: of the keys),
 *   tokens: [{ server, index, angle }]  every virtual node, clockwise from 0,
 *   arcs: [{ server, start, end, length }]  one per token; start > end means it wraps past 0,
 *   keys: [{ key, angle, owner, movedFrom }]  a drawing sample (first SAMPLE_KEYS keys),
 *   totalKeys,
 *   probe: { key, angle, tokenAngle, owner } | null   the key walking to its owner (owner null = not yet found),
 *   moved: { count, total, fraction, expected, to, from, added, removed } | null,
 *   spread: [{ vnodes, cv, meanCv, expected }]   std/mean of load per server: cv on this ring,
 *           meanCv averaged over 16 clusters, expected = √((N−1)/(Nv+1))
 * }
 */
export type HashingFocus = 'empty' | 'servers' | 'key' | 'owner' | 'placed' | 'add' | 'remove' | 'moved' | 'one-token' | 'many-tokens' | 'spread' | 'reshuffle'

export interface HashingSnapshot {
  readonly focus: HashingFocus
  readonly mode: 'ring' | 'modulo'
  readonly vnodes: number
  readonly servers: readonly { readonly name: string; readonly keys: number; readonly share: number }[]
  readonly tokens: readonly { readonly server: string; readonly index: number; readonly angle: number }[]
  readonly arcs: readonly Arc[]
  readonly keys: readonly { readonly key: string; readonly angle: number; readonly owner: string; readonly movedFrom: string | null }[]
  readonly totalKeys: number
  readonly probe: { readonly key: string; readonly angle: number; readonly tokenAngle: number | null; readonly owner: string | null } | null
  readonly moved: MovedSummary | null
  readonly spread: readonly { readonly vnodes: number; readonly cv: number; readonly meanCv: number; readonly expected: number }[]
}

export interface MovedSummary extends Moves {
  /** What theory predicts: 1/(N+1) for a ring join, 1/N for a ring leave, N/(N+1) for mod N. */
  readonly expected: number
  readonly added: string | null
  readonly removed: string | null
  /** How many servers there were before the change (N in the formulas). */
  readonly before: number
}

/** How many keys a snapshot lists for drawing (counts always cover every key). */
export const SAMPLE_KEYS = 48
/** Simulated time per scripted step, so a scene has a duration to animate over. */
const STEP_MS = 1000

export class HashingWorld {
  readonly sched = new Scheduler()
  readonly trace = new Trace()
  readonly keys: string[]
  router: Router
  focus: HashingFocus = 'empty'
  private ring: HashRing | null
  private placement = new Map<string, string>()
  private movedFrom = new Map<string, string>()
  private moved: MovedSummary | null = null
  private probe: HashingSnapshot['probe'] = null
  private spread: HashingSnapshot['spread'] = []
  /** The membership change since the last placement, if any (what `moved` is measured against). */
  private lastChange: { added: string | null; removed: string | null; before: number } | null = null

  constructor(
    seed: number,
    readonly mode: 'ring' | 'modulo',
    private vnodes: number,
    keyCount: number,
  ) {
    this.ring = mode === 'ring' ? createHashRing({ vnodes }) : null
    this.router = this.ring ?? createModuloRouter()
    this.keys = makeKeys(new Random(seed).fork(), keyCount)
  }

  private step(): void {
    this.sched.advance(STEP_MS)
  }

  add(server: string): void {
    this.step()
    this.lastChange = { added: server, removed: null, before: this.router.servers().length }
    this.router.add(server)
    this.trace.record({ at: this.sched.now, type: 'state', node: server, field: 'server', value: 'added', label: `${server} joins with ${this.vnodes} token(s)` })
  }

  remove(server: string): void {
    this.step()
    this.lastChange = { added: null, removed: server, before: this.router.servers().length }
    this.router.remove(server)
    this.trace.record({ at: this.sched.now, type: 'state', node: server, field: 'server', value: 'removed', label: `${server} leaves` })
  }

  /** Rebuild the ring with a different number of tokens per server (same servers). */
  retoken(vnodes: number): void {
    const servers = this.router.servers()
    const ring = createHashRing({ vnodes })
    for (const s of servers) ring.add(s)
    this.step()
    this.ring = ring
    this.router = ring
    this.vnodes = vnodes
    this.lastChange = null
    this.trace.record({ at: this.sched.now, type: 'note', text: `every server now has ${vnodes} token(s)`, data: { vnodes } })
  }

  /** Place (or re-place) every key and record which ones moved since the last placement. */
  reassign(): MovedSummary | null {
    this.step()
    const next = placeKeys(this.router, this.keys)
    const first = this.placement.size === 0
    const change = this.lastChange
    this.movedFrom = new Map()
    if (change) for (const [k, was] of this.placement) if (next.get(k) !== was) this.movedFrom.set(k, was)
    this.moved = first || !change ? null : { ...comparePlacements(this.placement, next), ...change, expected: this.expectedMove(change) }
    this.placement = next
    this.lastChange = null
    for (const k of this.keys.slice(0, SAMPLE_KEYS)) {
      const from = this.movedFrom.get(k)
      if (first || from !== undefined) {
        this.trace.record({ at: this.sched.now, type: 'state', node: k, field: 'owner', value: next.get(k), ...(from ? { label: `moved from ${from}` } : {}) })
      }
    }
    return this.moved
  }

  private expectedMove(change: { added: string | null; before: number }): number {
    const n = change.before
    if (this.mode === 'modulo') return change.added ? n / (n + 1) : (n - 1) / n
    return change.added ? 1 / (n + 1) : 1 / n
  }

  /** Show one key's position on the ring; `resolve` also walks it to its owner. */
  lookUp(key: string, resolve: boolean): void {
    this.step()
    const angle = hashToAngle(murmur3(key))
    if (!resolve) {
      this.probe = { key, angle, tokenAngle: null, owner: null }
      this.trace.record({ at: this.sched.now, type: 'note', text: `${key} hashes to angle ${angle.toFixed(3)}`, node: key })
      return
    }
    const token = this.ring?.tokenFor(key) ?? null
    const owner = this.router.owner(key)
    this.probe = { key, angle, tokenAngle: token?.angle ?? null, owner }
    this.trace.record({ at: this.sched.now, type: 'state', node: key, field: 'owner', value: owner })
  }

  /**
   * Measure the load spread with `vnodes` tokens per server (by default the ring's own; otherwise
   * on a scratch ring with the same servers) and remember the row. `cv` is this ring's std/mean
   * of the servers' shares, the load an endless stream of keys would put on them. One ring is one
   * random draw, so `meanCv` also gives the root-mean-square over 16 differently named clusters
   * of the same size: the trend the slide's table shows, free of one draw's luck.
   */
  measureSpread(vnodes = this.vnodes): void {
    let ring = this.ring
    if (vnodes !== this.vnodes || !ring) {
      ring = createHashRing({ vnodes })
      for (const s of this.router.servers()) ring.add(s)
    }
    const n = ring.servers().length
    const row = { vnodes, cv: spreadOf(Object.values(ring.shares())).cv, meanCv: averageSpread(n, vnodes, 16), expected: expectedSpread(n, vnodes) }
    this.spread = [...this.spread.filter((r) => r.vnodes !== row.vnodes), row].sort((a, b) => a.vnodes - b.vnodes)
    this.trace.record({ at: this.sched.now, type: 'note', text: `spread at ${row.vnodes} token(s): ${row.cv.toFixed(2)}`, data: row })
  }

  snapshot(): HashingSnapshot {
    const counts = countPerServer(this.router, this.placement)
    const shares = this.ring?.shares() ?? null
    const total = this.placement.size
    return {
      focus: this.focus,
      mode: this.mode,
      vnodes: this.ring ? this.vnodes : 0,
      servers: this.router.servers().map((name) => ({ name, keys: counts[name] ?? 0, share: shares ? (shares[name] ?? 0) : total === 0 ? 0 : (counts[name] ?? 0) / total })),
      tokens: (this.ring?.tokens() ?? []).map(({ server, index, angle }) => ({ server, index, angle })),
      arcs: this.ring?.arcs() ?? [],
      keys: this.keys
        .slice(0, SAMPLE_KEYS)
        .filter((k) => this.placement.has(k))
        .map((key) => ({ key, angle: hashToAngle(murmur3(key)), owner: this.placement.get(key)!, movedFrom: this.movedFrom.get(key) ?? null })),
      totalKeys: total,
      probe: this.probe,
      moved: this.moved,
      spread: this.spread,
    }
  }
}

/** `count` distinct keys like "user:48213", drawn from the world's own stream. */
function makeKeys(rng: Random, count: number): string[] {
  const seen = new Set<string>()
  while (seen.size < count) seen.add(`user:${rng.int(0, 9_999_999)}`)
  return [...seen]
}
