import type { WhatIf } from '../scenario.ts'
import { SERVICES, type Fault, type ObservedSystem, type ServiceName } from './system.ts'

/**
 * What-if on the observed service graph: click a service to cycle it healthy → slow → failing →
 * healthy, W sends one request (it becomes the trace the scene follows), Q turns steady traffic on
 * or off. The metrics, logs and traces the scene draws then follow from the live model.
 */
export type FaultLevel = 'healthy' | 'slow' | 'failing'

/** Extra time a slow service adds to every request, ms: far above any healthy latency. */
export const SLOW_MS = 150
/** Requests per second that T turns on. */
export const TRAFFIC_RPS = 40

export function faultLevel(f: Fault | null): FaultLevel {
  if (!f) return 'healthy'
  if (f.errorRate > 0) return 'failing'
  return f.slowMs > 0 ? 'slow' : 'healthy'
}

/** The level a click moves a service to. */
export function nextFault(level: FaultLevel): FaultLevel {
  return level === 'healthy' ? 'slow' : level === 'slow' ? 'failing' : 'healthy'
}

const isService = (x: unknown): x is ServiceName => typeof x === 'string' && (SERVICES as readonly string[]).includes(x)

/** The what-if actions, at `speed` simulated ms per real second. */
export function observabilityWhatIf(speed: number): WhatIf<ObservedSystem> {
  return {
    speed,
    // The deck's frame clock can hand over a slightly negative slice (a frame timestamp from
    // before the action started the run); the scheduler rightly refuses to go back in time.
    advance: (m, ms) => m.advance(Math.max(0, ms)),
    actions: [
      {
        trigger: 'click',
        label: 'Click a service: make it slow, click again: failing, again: healthy',
        run(m, target) {
          const name = target?.node
          if (!isService(name)) return 'Click a service to make it slow or failing.'
          const level = nextFault(faultLevel(m.fault(name)))
          if (level === 'slow') {
            m.setFault(name, { slowMs: SLOW_MS })
            return `${name} turns slow: every request it handles takes ${SLOW_MS} ms longer.`
          }
          if (level === 'failing') {
            m.setFault(name, { errorRate: 1 })
            return `${name} now fails every request; the error travels back up the call chain.`
          }
          m.clearFault(name)
          return `${name} is healthy again.`
        },
      },
      {
        trigger: 'w',
        label: 'W: the client sends one checkout request (the scene follows its trace)',
        run(m) {
          const id = m.request()
          const trace = m.requests()[id - 1]!.traceId
          return `The client sends checkout request ${id} with trace id ${trace.slice(0, 8)}.`
        },
      },
      {
        trigger: 'q',
        label: `Q: steady traffic on (${TRAFFIC_RPS} queries/s) or off`,
        run(m) {
          if (m.load > 0) {
            m.setLoad(0)
            return 'Traffic stops: only requests you send with W arrive.'
          }
          m.setLoad(TRAFFIC_RPS)
          return `Traffic starts: ${TRAFFIC_RPS} checkout requests per second.`
        },
      },
    ],
  }
}
