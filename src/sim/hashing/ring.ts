import { SimArgumentError, describeValue, expectArg, expectInteger } from '../errors.ts'
import { hashToAngle, murmur3 } from './hash.ts'

/** The contract of DESIGN.md §4: both the ring and the `key mod N` baseline implement it. */
export interface Router {
  add(server: string): void
  remove(server: string): void
  owner(key: string): string
  servers(): string[]
}

/** One virtual node: server `server`'s `index`-th token, at `hash` (and `angle` on the ring). */
export interface Token {
  readonly server: string
  readonly index: number
  readonly hash: number
  readonly angle: number
}

/**
 * The arc a token owns: every position after the previous token up to and including this one,
 * going clockwise (increasing angle). `start > end` means the arc wraps past angle 0; `length` is
 * in radians (2π when a single token owns the whole ring).
 */
export interface Arc {
  readonly server: string
  readonly start: number
  readonly end: number
  readonly length: number
}

export interface HashRing extends Router {
  readonly vnodes: number
  /** Every token, in clockwise order from angle 0. */
  tokens(): Token[]
  /** Every token's arc, in clockwise order (one arc per token). */
  arcs(): Arc[]
  /** Fraction of the ring each server owns (sums to 1 when there are servers). */
  shares(): Record<string, number>
  /** Where a key lands on the ring, in [0, 2π). */
  angleOf(key: string): number
  /** The token a key walks to: the first one clockwise from the key's position. */
  tokenFor(key: string): Token
  /** owner(key) is ownerOfHash(murmur3(key)); this form lets statistics hash each key once. */
  ownerOfHash(hash: number): string
}

export const MAX_VNODES = 4096
const TWO_PI = 2 * Math.PI

export function expectServerName(what: string, server: unknown): asserts server is string {
  expectArg(typeof server === 'string' && server.length > 0, what, server, 'a non-empty server name')
}

export function expectKey(what: string, key: unknown): asserts key is string {
  expectArg(typeof key === 'string', what, key, 'a string key')
}

/**
 * A consistent-hash ring in [0, 2π): each server gets `vnodes` tokens at murmur3(`server#i`);
 * a key is owned by the first token clockwise from murmur3(key). Ownership depends only on the
 * set of servers, never on the order they were added, because equal hashes are ordered by
 * (server, index).
 */
export function createHashRing(opts: { vnodes: number }): HashRing {
  expectArg(typeof opts === 'object' && opts !== null, 'createHashRing(opts)', opts, 'an object { vnodes }')
  expectInteger('vnodes', opts.vnodes, 1, MAX_VNODES)
  const vnodes = opts.vnodes
  const members = new Set<string>()
  let ring: Token[] = []

  const tokenOfHash = (hash: number, what: string): Token => {
    if (ring.length === 0) {
      throw new SimArgumentError(`${what}: the ring has no servers, expected at least one (call add(server) first)`)
    }
    // First token with hash ≥ the key's hash; past the last token the walk wraps to the first.
    let lo = 0
    let hi = ring.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (ring[mid]!.hash < hash) lo = mid + 1
      else hi = mid
    }
    return ring[lo === ring.length ? 0 : lo]!
  }

  const arcs = (): Arc[] =>
    ring.map((t, i) => {
      const prev = ring[i === 0 ? ring.length - 1 : i - 1]!
      const length = ring.length === 1 ? TWO_PI : (((t.angle - prev.angle) % TWO_PI) + TWO_PI) % TWO_PI
      return { server: t.server, start: prev.angle, end: t.angle, length }
    })

  return {
    vnodes,
    add(server) {
      expectServerName('add(server)', server)
      expectArg(!members.has(server), 'add(server)', server, `a server not already on the ring (${[...members].join(', ')})`)
      members.add(server)
      const fresh: Token[] = []
      for (let index = 0; index < vnodes; index++) {
        const hash = murmur3(`${server}#${index}`)
        fresh.push({ server, index, hash, angle: hashToAngle(hash) })
      }
      ring = [...ring, ...fresh].sort(byPosition)
    },
    remove(server) {
      expectArg(members.has(server), 'remove(server)', server, `one of the servers on the ring (${[...members].join(', ') || 'none'})`)
      members.delete(server)
      ring = ring.filter((t) => t.server !== server)
    },
    owner(key) {
      expectKey('owner(key)', key)
      return tokenOfHash(murmur3(key), `owner(${describeValue(key)})`).server
    },
    ownerOfHash(hash) {
      expectArg(Number.isInteger(hash) && hash >= 0 && hash < 2 ** 32, 'ownerOfHash(hash)', hash, 'an unsigned 32-bit integer')
      return tokenOfHash(hash, `ownerOfHash(${hash})`).server
    },
    servers: () => [...members],
    tokens: () => [...ring],
    arcs,
    shares() {
      const out: Record<string, number> = {}
      for (const s of members) out[s] = 0
      for (const a of arcs()) out[a.server] = (out[a.server] ?? 0) + a.length / TWO_PI
      return out
    },
    angleOf(key) {
      expectKey('angleOf(key)', key)
      return hashToAngle(murmur3(key))
    },
    tokenFor(key) {
      expectKey('tokenFor(key)', key)
      return tokenOfHash(murmur3(key), `tokenFor(${describeValue(key)})`)
    },
  }
}

function byPosition(a: Token, b: Token): number {
  return a.hash - b.hash || (a.server < b.server ? -1 : a.server > b.server ? 1 : a.index - b.index)
}

/**
 * The baseline the slide contrasts: server = servers[hash(key) mod N], servers in the order they
 * were added. Adding or removing one server changes N and so remaps ≈ N/(N+1) of all keys.
 */
export function createModuloRouter(): Router {
  const list: string[] = []
  return {
    add(server) {
      expectServerName('add(server)', server)
      expectArg(!list.includes(server), 'add(server)', server, `a server not already added (${list.join(', ')})`)
      list.push(server)
    },
    remove(server) {
      const i = list.indexOf(server)
      expectArg(i >= 0, 'remove(server)', server, `one of the servers (${list.join(', ') || 'none'})`)
      list.splice(i, 1)
    },
    owner(key) {
      expectKey('owner(key)', key)
      if (list.length === 0) {
        throw new SimArgumentError(`owner(${describeValue(key)}): there are no servers, expected at least one (call add(server) first)`)
      }
      return list[murmur3(key) % list.length]!
    },
    servers: () => [...list],
  }
}
