import type { WhatIf, WhatIfAction } from '../scenario.ts'
import type { LbWorld } from './scenarios.ts'

/**
 * What-if on a live load balancer (the deck's live mode): the viewer pokes the model and watches
 * the balancer react. Every scenario offers
 * - a click on a backend: crash it, or restart it (with health checks the balancer ejects it after
 *   enough failed probes and takes it back after enough good ones; without, it keeps its turn
 *   and those requests time out);
 * - `w`: a burst of short requests from the clients in turn (one whole cycle of the weights for
 *   the weighted scenario);
 * - `c`: long-lived connections (WebSockets, say), one from each of up to three clients;
 * and the weighted scenario adds `x`: the next weights of WEIGHT_PRESETS.
 *
 * Messages take 2–6 simulated ms a hop, so the live speed is slow enough to watch them fly, and
 * stretches with nothing on the wire (a backend holding a request, the gap between probes) play
 * `quietFactor` times faster. Both only decide how much simulated time passes per real second:
 * the model still runs event by event, seeded.
 */
export interface LiveSpec {
  /** Simulated ms per real second while messages are on the wire. */
  readonly speed: number
  /** How many times faster quiet stretches play. */
  readonly quietFactor: number
  /** Offer `x` (cycle the weights). */
  readonly weights: boolean
}

/** The weights `x` cycles through, backend by backend in configuration order. */
export const WEIGHT_PRESETS: readonly (readonly number[])[] = [[5, 1, 1], [1, 1, 1], [3, 2, 1], [1, 1, 5]]

/** Requests in a `w` burst (the weighted scenario: one cycle of the weights, at most 12). */
export const BURST = 6
/** Ms between the requests of a burst, and how long a backend holds each. */
const BURST_GAP_MS = 25
const BURST_HOLD_MS = 30
/** Long-lived connections `c` opens, and how long each stays open (ten minutes: the whole run). */
export const LONG_LIVED = 3
export const LONG_HOLD_MS = 600_000

/** Run the model for `ms` of simulated time at watching speed; quiet stretches fast-forward. */
export function advanceLive(w: LbWorld, spec: LiveSpec, ms: number): void {
  const lb = w.lb
  let left = ms
  if (spec.quietFactor > 1 && lb.onWire() === 0) {
    const start = lb.now
    // Stops right after the event that puts a message on the wire, or after ms × quietFactor.
    lb.sched.runWhile(() => lb.onWire() > 0, ms * spec.quietFactor)
    left = Math.max(0, ms - (lb.now - start) / spec.quietFactor)
  }
  if (left > 0) lb.advance(left)
}

function clickBackend(w: LbWorld, target?: { node?: number | string }): string {
  const lb = w.lb
  const backends = lb.backends()
  const b = backends.find((x) => x.name === String(target?.node ?? ''))
  if (!b) return `Click a backend (${backends.map((x) => x.name).join(', ')}) to crash or restart it.`
  w.focus = 'live'
  const checks = lb.snapshot().balancer.activeChecks
  if (b.up) {
    lb.setBackend(b.name, { up: false })
    return checks
      ? `Backend ${b.name} crashed; the health checks eject it after ${checks.unhealthyThreshold} failed probes in a row.`
      : `Backend ${b.name} crashed; this balancer has no health checks, so ${b.name} keeps its turn and those requests time out.`
  }
  lb.setBackend(b.name, { up: true })
  return b.health === 'ejected' && checks
    ? `Backend ${b.name} is running again; it rejoins the pool after ${checks.healthyThreshold} good probes.`
    : `Backend ${b.name} is running again.`
}

/** `w`: short requests from the clients in turn, a few ms apart. */
function burst(w: LbWorld): string {
  const lb = w.lb
  const clients = lb.clients()
  const n = lb.algorithm === 'weighted' ? Math.min(12, lb.backends().reduce((sum, b) => sum + b.weight, 0)) : BURST
  for (let i = 0; i < n; i++) lb.sched.after(i * BURST_GAP_MS, () => lb.request(clients[i % clients.length]!.id, { holdMs: BURST_HOLD_MS }))
  w.focus = 'live'
  return `The clients send a burst of ${n} requests.`
}

/** `c`: long-lived connections from up to three clients; they stay open for the rest of the run. */
function longLived(w: LbWorld): string {
  const lb = w.lb
  const clients = lb.clients().slice(0, LONG_LIVED)
  clients.forEach((c, i) => lb.sched.after(i * BURST_GAP_MS * 2, () => lb.request(c.id, { holdMs: LONG_HOLD_MS })))
  w.focus = 'live'
  return `${clients.length} clients open long-lived connections (WebSockets, say) that stay open.`
}

/** `x`: the next weights in WEIGHT_PRESETS (the first if the current ones are not in it). */
function cycleWeights(w: LbWorld): string {
  const lb = w.lb
  const backends = lb.backends()
  const now = backends.map((b) => b.weight)
  const i = WEIGHT_PRESETS.findIndex((p) => p.length >= now.length && now.every((x, k) => p[k] === x))
  const next = WEIGHT_PRESETS[(i + 1) % WEIGHT_PRESETS.length]!
  backends.forEach((b, k) => lb.setWeight(b.name, next[k] ?? 1))
  w.focus = 'live'
  return `The weights are now ${backends.map((b, k) => `${b.name} ${next[k] ?? 1}`).join(', ')}; the smooth cycle starts afresh.`
}

export function loadBalancingWhatIf(spec: LiveSpec): WhatIf<LbWorld> {
  const actions: WhatIfAction<LbWorld>[] = [
    { trigger: 'click', label: 'Click a backend: crash it, or restart it', run: (w, target) => clickBackend(w, target) },
    { trigger: 'w', label: 'W: the clients send a burst of requests', run: (w) => burst(w) },
    { trigger: 'c', label: 'C: open long-lived connections (they stay open)', run: (w) => longLived(w) },
  ]
  if (spec.weights) actions.push({ trigger: 'x', label: 'X: cycle the weights 5/1/1 → 1/1/1 → 3/2/1 → 1/1/5', run: (w) => cycleWeights(w) })
  return { speed: spec.speed, advance: (w, ms) => advanceLive(w, spec, ms), actions }
}
