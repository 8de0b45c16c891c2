import type { WhatIf, WhatIfAction } from '../scenario.ts'
import type { MeshFocus } from './describe.ts'
import type { Mesh } from './mesh.ts'

/**
 * What-if on a live mesh (the deck's live mode): the viewer pokes the model and watches the
 * sidecars react. Every scenario offers a click on a called service (fail every call / heal) and
 * `w` (the frontend sends a request); some add their own key:
 * - `c` (canary): cycle the weights 90/10 → 50/50 → 0/100 → 90/10;
 * - `i` (mTLS): an intruder with a self-signed certificate calls payments;
 * - `x` (retries): backoff with full jitter, or without.
 *
 * Two things keep the live picture watchable without touching the model's timing: messages take
 * 2–6 simulated ms a hop, so the base speed is slow; stretches with nothing on the wire (a backoff,
 * an open circuit's wait, the gap between calls) play `quietFactor` times faster. Both only decide
 * how much simulated time passes per real second; the model still runs event by event, seeded.
 */

/** The live model: the mesh, plus what the narration is about and the live load generator's state. */
export interface LiveWorld {
  readonly mesh: Mesh
  focus: MeshFocus
  /** When the script's own traffic ends (ms); live load starts no earlier. */
  trafficUntil: number
  /** Whether the live load generator has been started. */
  loadStarted: boolean
}

export type LiveFocus = Extract<MeshFocus, `live-${string}`>
export type LiveExtra = 'canary' | 'intruder' | 'jitter'

export interface LiveSpec {
  readonly focus: LiveFocus
  /** The service the frontend calls. */
  readonly service: string
  /** Simulated ms per real second while messages are on the wire. */
  readonly speed: number
  /** How many times faster quiet stretches play. */
  readonly quietFactor: number
  /** Live traffic after the script's own has ended: ms between calls (0: only `w`). */
  readonly loadEveryMs: number
  readonly extras: readonly LiveExtra[]
}

/** The canary cycle `c` steps through: [v1, v2] weights. */
export const CANARY_WEIGHTS: readonly (readonly [number, number])[] = [[90, 10], [50, 50], [0, 100]]

/** The client every scenario calls from. */
const CLIENT = 'frontend'

/** Start the steady load once (a scheduler event, so quiet fast-forward stops at each call). */
function startLoad(w: LiveWorld, spec: LiveSpec): void {
  if (w.loadStarted || spec.loadEveryMs <= 0) return
  w.loadStarted = true
  const m = w.mesh
  const tick = (): void => {
    m.call(CLIENT, spec.service)
    m.sched.after(spec.loadEveryMs, tick)
  }
  m.sched.at(Math.max(m.now, w.trafficUntil), tick)
}

/** Run the model for `ms` of simulated time at watching speed; quiet stretches fast-forward. */
export function advanceLive(w: LiveWorld, spec: LiveSpec, ms: number): void {
  startLoad(w, spec)
  const m = w.mesh
  let left = ms
  if (!m.busy() && spec.quietFactor > 1) {
    const start = m.now
    // Stops right after the event that puts a message on the wire, or after ms × quietFactor.
    m.sched.runWhile(() => m.busy(), ms * spec.quietFactor)
    left = Math.max(0, ms - (m.now - start) / spec.quietFactor)
  }
  if (left > 0) m.advance(left)
}

function clickService(w: LiveWorld, spec: LiveSpec, target?: { node?: number | string }): string {
  const m = w.mesh
  const callees = m.workloads().filter((x) => x.trusted && x.name !== CLIENT)
  const wl = callees.find((x) => x.name === String(target?.node ?? ''))
  if (!wl) return `Click ${callees.map((x) => x.name).join(' or ')} to make it fail or heal it.`
  w.focus = spec.focus
  if (wl.errorRate > 0) {
    m.setErrorRate(wl.name, 0)
    return `${wl.name} is healthy again.`
  }
  m.setErrorRate(wl.name, 1)
  return `${wl.name} now answers every call with 503.`
}

function sendRequest(w: LiveWorld, spec: LiveSpec): string {
  w.focus = spec.focus
  const id = w.mesh.call(CLIENT, spec.service)
  return `The frontend sends request ${id} to ${spec.service}, through its own sidecar.`
}

/** `c`: the next canary weights in the cycle (from 90/10 if the current ones are not in it). */
function shiftCanary(w: LiveWorld, spec: LiveSpec): string {
  const m = w.mesh
  const routes = m.snapshot().policies[spec.service]?.routes?.routes ?? []
  const split = routes[routes.length - 1]?.route ?? []
  const weight = (subset: string): number => split.find((d) => d.subset === subset)?.weight ?? 0
  const i = CANARY_WEIGHTS.findIndex(([a, b]) => a === weight('v1') && b === weight('v2'))
  const [v1, v2] = CANARY_WEIGHTS[(i + 1) % CANARY_WEIGHTS.length]!
  // Header routes (testers always reach v2) stay in front; only the default split changes.
  m.setRoutes(spec.service, { routes: [...routes.slice(0, -1), { route: [{ subset: 'v1', weight: v1 }, { subset: 'v2', weight: v2 }] }] })
  w.focus = spec.focus
  return `The canary weights are now v1 ${v1} / v2 ${v2}: a configuration change at the sidecars, nothing redeployed.`
}

function intruderCalls(w: LiveWorld, spec: LiveSpec): string {
  const m = w.mesh
  if (!m.workloads().some((x) => x.name === 'intruder')) m.addWorkload({ name: 'intruder', service: 'intruder', trusted: false })
  m.call('intruder', spec.service)
  w.focus = spec.focus
  return `An intruder with a self-signed certificate calls ${spec.service}; its handshake is checked at the ${spec.service} sidecar.`
}

function toggleJitter(w: LiveWorld, spec: LiveSpec): string {
  const m = w.mesh
  const p = m.snapshot().policies[spec.service]!.retry
  const jitter = p.backoff.jitter === 'none' ? 'full' : 'none'
  m.setRetryPolicy(spec.service, { ...p, backoff: { ...p.backoff, jitter } })
  w.focus = spec.focus
  const { baseMs } = p.backoff
  return jitter === 'full'
    ? `Backoff now uses full jitter: each wait is drawn at random between 0 and ${baseMs}·2^n ms. Requests sent from now on use it.`
    : `Backoff without jitter again: waits of exactly ${baseMs}, ${baseMs * 2}, ${baseMs * 4} ms. Requests sent from now on use it.`
}

export function meshWhatIf(spec: LiveSpec): WhatIf<LiveWorld> {
  const actions: WhatIfAction<LiveWorld>[] = [
    { trigger: 'click', label: 'Click a called service: make it fail every call, or heal it', run: (w, target) => clickService(w, spec, target) },
    { trigger: 'w', label: 'W: the frontend sends a request', run: (w) => sendRequest(w, spec) },
  ]
  if (spec.extras.includes('canary')) actions.push({ trigger: 'c', label: 'C: canary weights 90/10 → 50/50 → 0/100', run: (w) => shiftCanary(w, spec) })
  if (spec.extras.includes('intruder')) actions.push({ trigger: 'i', label: 'I: an intruder without a mesh certificate calls payments', run: (w) => intruderCalls(w, spec) })
  if (spec.extras.includes('jitter')) actions.push({ trigger: 'x', label: 'X: retry backoff with full jitter, or without', run: (w) => toggleJitter(w, spec) })
  return { speed: spec.speed, advance: (w, ms) => advanceLive(w, spec, ms), actions }
}
