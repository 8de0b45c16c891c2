import { describe, expect, it } from 'vitest'
import { meshScenarios } from '../../../sim/mesh/scenarios.ts'
import type { MeshSnapshot } from '../../../sim/mesh/types.ts'
import { Transition, clipRequest, frameOf, type MeshFrame } from './frame.ts'

const SERVICE: Record<string, string> = { mtls: 'payments', retries: 'payments', 'circuit-breaker': 'payments', canary: 'reviews' }

/** The parts of a frame the replay must get right at a checkpoint (flights are checked apart). */
const essentials = (f: MeshFrame): unknown => ({
  workloads: f.workloads.map((w) => ({ name: w.name, errorRate: w.errorRate, serial: w.cert?.serial, valid: w.certValid })),
  connections: f.connections.map((c) => `${c.from}>${c.to}:${c.state}:${c.serials.join('/')}`).sort(),
  refusal: f.refusal,
  handshakes: f.handshakes,
  request: f.request && { id: f.request.id, status: f.request.status, tries: f.request.tries.map((t) => t.status), backoffs: f.request.backoffs },
  outcomes: f.outcomes.map((o) => `${o.id}:${o.ok}:${o.fast}`),
  breaker: f.breaker && { state: f.breaker.state, calls: f.breaker.calls, failures: f.breaker.failures, shortCircuited: f.breaker.shortCircuited },
  counts: f.counts,
})

describe('mesh view frames', () => {
  for (const factory of meshScenarios) {
    it(`${factory.name}: replaying the trace between checkpoints lands on the later checkpoint's state`, () => {
      const sc = factory.create(7)
      const names = sc.checkpoints
      for (let i = 1; i < names.length; i++) {
        const a = sc.stateAt(names[i - 1]!) as MeshSnapshot
        const b = sc.stateAt(names[i]!) as MeshSnapshot
        const tr = new Transition(a, b, sc.eventsBetween(names[i - 1]!, names[i]!), SERVICE[factory.name]!, 0.3)
        const end = tr.at(b.now)
        expect(essentials(end), `${names[i - 1]} → ${names[i]}`).toEqual(essentials(frameOf(b, SERVICE[factory.name]!)))
        // The messages on the wire at the checkpoint are the snapshot's.
        expect(end.flights.map((f) => f.id).sort()).toEqual(b.inFlight.map((f) => f.id).sort())
        // The start of the transition shows the earlier state (what the script had changed by then).
        const start = essentials(tr.at(a.now)) as { workloads: unknown; breaker: unknown }
        const before = essentials(frameOf(a, SERVICE[factory.name]!)) as { workloads: unknown; breaker: unknown }
        expect(start.breaker).toEqual(before.breaker)
      }
    })
  }

  it('plays quiet stretches faster: timeAt is monotonic, covers the span, and gives busy time most of the animation', () => {
    const sc = meshScenarios.find((f) => f.name === 'mtls')!.create(7)
    const a = sc.stateAt('start') as MeshSnapshot
    const b = sc.stateAt('handshake') as MeshSnapshot
    const tr = new Transition(a, b, sc.eventsBetween('start', 'handshake'), 'payments', 0.3)
    expect(tr.timeAt(0)).toBeCloseTo(a.now)
    expect(tr.timeAt(1)).toBeCloseTo(b.now)
    let last = -Infinity
    for (let t = 0; t <= 1.0001; t += 0.01) {
      const x = tr.timeAt(t)
      expect(x).toBeGreaterThanOrEqual(last)
      last = x
    }
    // The first 100 ms are quiet (the call leaves at 100 ms): they take about 30% of the animation.
    expect(tr.timeAt(0.3)).toBeGreaterThan(95)
    expect(tr.timeAt(0.25)).toBeLessThan(100)
    // Evenly paced when the quiet share allows it.
    const even = new Transition(a, b, sc.eventsBetween('start', 'handshake'), 'payments', 1)
    expect(even.timeAt(0.5)).toBeCloseTo((a.now + b.now) / 2)
  })

  it('clips a request to a time: later tries hidden, unknown outcomes pending, the wait in progress', () => {
    const sc = meshScenarios.find((f) => f.name === 'retries')!.create(7)
    const r = (sc.stateAt('recovered') as MeshSnapshot).requests[0]!
    const failure = (sc.stateAt('failure') as MeshSnapshot).now
    const at = clipRequest(r, failure + 10)
    expect(at.tries.map((t) => t.status)).toEqual([503])
    expect(at.backoffs).toEqual([100])
    expect(at.status).toBe('pending')
    expect(at.nextRetryAt).toBeCloseTo(failure + 100)
    expect(clipRequest(r, r.endedAt!)).toMatchObject({ status: 'ok', code: 200, backoffs: [100, 200] })
  })
})
