import { expectArg } from '../errors.ts'
import type { Random } from '../random.ts'
import { murmur3 } from '../hashing/hash.ts'

export const ALGORITHMS = ['round-robin', 'least-connections', 'weighted', 'ip-hash', 'random', 'two-choices'] as const
export type AlgorithmName = (typeof ALGORITHMS)[number]

/** What an algorithm may look at about a backend. Only `healthy` backends may be picked. */
export interface Candidate {
  readonly name: string
  readonly weight: number
  /** Open connections (requests forwarded and not yet answered). */
  readonly active: number
  readonly healthy: boolean
}

export interface Picker {
  readonly name: AlgorithmName
  /**
   * Choose a backend among the healthy candidates (the list is the whole pool, in configuration
   * order, so that stateful algorithms keep their place when a backend is ejected and returns).
   * Returns null when no candidate is healthy.
   */
  pick(pool: readonly Candidate[], client: { readonly ip: string }): string | null
  /** nginx's per-backend `current_weight` for smooth weighted round robin; null for the others. */
  currentWeights(): Record<string, number> | null
}

export function expectAlgorithm(name: unknown): asserts name is AlgorithmName {
  expectArg(typeof name === 'string' && (ALGORITHMS as readonly string[]).includes(name), 'algorithm', name, `one of ${ALGORITHMS.join(', ')}`)
}

export function createPicker(name: AlgorithmName, rng: Random): Picker {
  expectAlgorithm(name)
  switch (name) {
    case 'round-robin': return roundRobin()
    case 'least-connections': return leastConnections()
    case 'weighted': return smoothWeighted()
    case 'ip-hash': return ipHash()
    case 'random': return randomPick(rng)
    case 'two-choices': return twoChoices(rng)
  }
}

const healthyOf = (pool: readonly Candidate[]): Candidate[] => pool.filter((c) => c.healthy)

/** Rotate through the healthy backends in order: a b c a b c. Ignores capacity and load. */
function roundRobin(): Picker {
  let next = 0
  return {
    name: 'round-robin',
    pick(pool) {
      const up = healthyOf(pool)
      if (up.length === 0) return null
      return up[next++ % up.length]!.name
    },
    currentWeights: () => null,
  }
}

/**
 * Fewest open connections wins. Ties go round robin (as in nginx's least_conn), otherwise the
 * first backend would take every request while all are idle.
 */
function leastConnections(): Picker {
  let turn = 0
  return {
    name: 'least-connections',
    pick(pool) {
      const up = healthyOf(pool)
      if (up.length === 0) return null
      const start = turn++ % up.length
      let best = up[start]!
      for (let i = 1; i < up.length; i++) {
        const c = up[(start + i) % up.length]!
        if (c.active < best.active) best = c
      }
      return best.name
    },
    currentWeights: () => null,
  }
}

/**
 * nginx's smooth weighted round robin (ngx_http_upstream_get_peer): every pick, each healthy
 * backend's current weight grows by its weight; the largest current weight wins (first in order on
 * a tie) and pays back the total. {a:5, b:1, c:1} gives a a b a c a a: a's turns are spread out
 * instead of bunched as a a a a a b c.
 */
function smoothWeighted(): Picker {
  const current = new Map<string, number>()
  return {
    name: 'weighted',
    pick(pool) {
      const up = healthyOf(pool)
      if (up.length === 0) return null
      let total = 0
      let best: Candidate | null = null
      for (const c of up) {
        const w = (current.get(c.name) ?? 0) + c.weight
        current.set(c.name, w)
        total += c.weight
        if (!best || w > current.get(best.name)!) best = c
      }
      current.set(best!.name, current.get(best!.name)! - total)
      return best!.name
    },
    currentWeights: () => Object.fromEntries(current),
  }
}

/**
 * Sticky by client address: hash(ip) mod N over the whole pool, so a client keeps its backend.
 * If that backend is unhealthy, rehash (hash(ip) with seeds 1, 2, ...) as nginx's ip_hash does;
 * only the clients of the missing backend move, and they move back when it returns.
 */
function ipHash(): Picker {
  return {
    name: 'ip-hash',
    pick(pool, client) {
      if (!pool.some((c) => c.healthy)) return null
      for (let attempt = 0; attempt < 20; attempt++) {
        const c = pool[murmur3(client.ip, attempt) % pool.length]!
        if (c.healthy) return c.name
      }
      // nginx gives up rehashing after 20 tries and falls back to round robin; first healthy here.
      return healthyOf(pool)[0]!.name
    },
    currentWeights: () => null,
  }
}

function randomPick(rng: Random): Picker {
  return {
    name: 'random',
    pick(pool) {
      const up = healthyOf(pool)
      return up.length === 0 ? null : rng.pick(up).name
    },
    currentWeights: () => null,
  }
}

/**
 * Power of two choices (Mitzenmacher): sample two distinct healthy backends at random and take
 * the one with fewer open connections. The maximum load drops from ≈ ln n / ln ln n (random) to
 * ≈ ln ln n / ln 2, while needing no global view of all backends.
 */
function twoChoices(rng: Random): Picker {
  return {
    name: 'two-choices',
    pick(pool) {
      const up = healthyOf(pool)
      if (up.length <= 1) return up[0]?.name ?? null
      const i = rng.int(0, up.length - 1)
      const j = (i + rng.int(1, up.length - 1)) % up.length
      const [x, y] = [up[i]!, up[j]!]
      return (y.active < x.active ? y : x).name
    },
    currentWeights: () => null,
  }
}
