/**
 * Hybrid logical clocks (Kulkarni et al., 2014): a physical time `l` (the largest wall-clock
 * reading seen, ms) and a counter `c` that orders events within the same `l`. Unlike a bare wall
 * clock they never go backwards and always order a receive after its send, even with skewed
 * clocks; unlike a Lamport clock they stay close to real time, so last-writer-wins by HLC mostly
 * agrees with what a person watching the slide calls "later".
 */
export interface Hlc {
  readonly l: number
  readonly c: number
  /** Node id: the final tie-break, so two distinct writes never compare equal. */
  readonly node: number
}

/** Total order: l, then c, then node. */
export function compareHlc(a: Hlc, b: Hlc): number {
  return a.l - b.l || a.c - b.c || a.node - b.node
}

/** `1042.3@n2`: compact enough for a label in the 3D scene. */
export function formatHlc(h: Hlc): string {
  return `${h.l}.${h.c}@n${h.node}`
}

export class HlcClock {
  private l = 0
  private c = 0

  constructor(
    private readonly node: number,
    /** This node's (possibly skewed) physical clock, ms. */
    private readonly physical: () => number,
  ) {}

  /** Timestamp a local event (a write). Strictly greater than anything this clock produced or observed. */
  tick(): Hlc {
    const pt = this.physical()
    if (pt > this.l) {
      this.l = pt
      this.c = 0
    } else {
      this.c++
    }
    return { l: this.l, c: this.c, node: this.node }
  }

  /** Fold in a timestamp received from another node, so the next tick() is above it. */
  observe(remote: Hlc): void {
    const pt = this.physical()
    const l = Math.max(this.l, remote.l, pt)
    if (l === this.l && l === remote.l) this.c = Math.max(this.c, remote.c) + 1
    else if (l === this.l) this.c++
    else if (l === remote.l) this.c = remote.c + 1
    else this.c = 0
    this.l = l
  }
}
