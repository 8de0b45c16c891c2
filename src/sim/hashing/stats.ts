import { expectArg, expectInteger } from '../errors.ts'
import { createHashRing, type Router } from './ring.ts'

/** How evenly keys spread over servers: `cv` is std/mean (population std), 0 when perfectly even. */
export interface Spread {
  readonly mean: number
  readonly std: number
  readonly cv: number
}

export function spreadOf(counts: readonly number[]): Spread {
  expectArg(counts.length > 0, 'spreadOf(counts)', counts, 'a non-empty list of counts')
  const mean = counts.reduce((a, x) => a + x, 0) / counts.length
  const std = Math.sqrt(counts.reduce((a, x) => a + (x - mean) ** 2, 0) / counts.length)
  return { mean, std, cv: mean === 0 ? 0 : std / mean }
}

/**
 * The spread theory predicts for N servers with v tokens each: a server's share of the ring is
 * Beta(v, (N−1)v), whose std/mean is √((N−1)/(Nv+1)) ≈ 1/√v (N=10: 0.90, 0.24, 0.095 at v=1, 16, 100).
 */
export function expectedSpread(servers: number, vnodes: number): number {
  return Math.sqrt((servers - 1) / (servers * vnodes + 1))
}

/**
 * Root-mean-square spread of ring shares over `clusters` rings of `servers` servers with `vnodes`
 * tokens each, servers named differently in each (`c<r>-s<i>`): the expected spread, measured.
 */
export function averageSpread(servers: number, vnodes: number, clusters: number): number {
  expectInteger('averageSpread(servers)', servers, 1, 1000)
  expectInteger('averageSpread(clusters)', clusters, 1, 1000)
  let sumSq = 0
  for (let r = 0; r < clusters; r++) {
    const ring = createHashRing({ vnodes })
    for (let i = 0; i < servers; i++) ring.add(`c${r}-s${i}`)
    sumSq += spreadOf(Object.values(ring.shares())).cv ** 2
  }
  return Math.sqrt(sumSq / clusters)
}

/** Who owns each key, in key order. */
export function placeKeys(router: Router, keys: readonly string[]): Map<string, string> {
  return new Map(keys.map((k) => [k, router.owner(k)]))
}

/** Keys per server (every current server listed, zero included). */
export function countPerServer(router: Router, placement: ReadonlyMap<string, string>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const s of router.servers()) out[s] = 0
  for (const owner of placement.values()) out[owner] = (out[owner] ?? 0) + 1
  return out
}

export interface Moves {
  /** Keys whose owner changed. */
  readonly count: number
  readonly total: number
  readonly fraction: number
  /** How many moved keys went to each new owner, and came from each old owner. */
  readonly to: Record<string, number>
  readonly from: Record<string, number>
}

export function comparePlacements(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): Moves {
  let count = 0
  const to: Record<string, number> = {}
  const from: Record<string, number> = {}
  for (const [key, was] of before) {
    const now = after.get(key)
    if (now === undefined || now === was) continue
    count++
    to[now] = (to[now] ?? 0) + 1
    from[was] = (from[was] ?? 0) + 1
  }
  return { count, total: before.size, fraction: before.size === 0 ? 0 : count / before.size, to, from }
}
