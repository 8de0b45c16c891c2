/**
 * MurmurHash3, x86_32 variant (Austin Appleby, public domain), over the UTF-8 bytes of a string.
 *
 * Why murmur3 and not plain FNV-1a: FNV-1a mixes its last input bytes only weakly into the high
 * bits, so tokens named `server-3#0`, `server-3#1`, ... land in clumps on the ring and the load
 * spread at 100 virtual nodes stays around 0.35–0.48 instead of ≈ 0.1 (DESIGN.md §6). murmur3
 * ends with the `fmix32` finalizer, which avalanches every input bit into every output bit, so
 * nearby names give unrelated positions. It is also what Cassandra (its 128-bit sibling) and many
 * load balancers use, so the slide's numbers match what students will meet.
 */
export function murmur3(key: string, seed = 0): number {
  const bytes = utf8(key)
  const n = bytes.length
  const blocks = n - (n & 3)
  let h = seed >>> 0
  for (let i = 0; i < blocks; i += 4) {
    const k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)
    h ^= scramble(k)
    h = rotl(h, 13)
    h = (Math.imul(h, 5) + 0xe6546b64) | 0
  }
  let tail = 0
  const rest = n & 3
  if (rest === 3) tail ^= bytes[blocks + 2]! << 16
  if (rest >= 2) tail ^= bytes[blocks + 1]! << 8
  if (rest >= 1) h ^= scramble(tail ^ bytes[blocks]!)
  return fmix32(h ^ n)
}

/** murmur3's finalizer: every input bit flips each output bit with probability ≈ 1/2. */
export function fmix32(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

const TWO_PI = 2 * Math.PI
const TWO_32 = 4294967296

/** A 32-bit hash as an angle on the ring, in [0, 2π). */
export function hashToAngle(hash: number): number {
  return (hash / TWO_32) * TWO_PI
}

function scramble(k: number): number {
  k = Math.imul(k, 0xcc9e2d51)
  k = rotl(k, 15)
  return Math.imul(k, 0x1b873593)
}

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r))
}

/** UTF-8 bytes of a string (written out so the simulation needs no platform encoder). */
function utf8(s: string): number[] {
  const out: number[] = []
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const lo = s.charCodeAt(i + 1)
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00)
        i++
      }
    }
    if (c < 0x80) out.push(c)
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63))
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63))
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63))
  }
  return out
}
