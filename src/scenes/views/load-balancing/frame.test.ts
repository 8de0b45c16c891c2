import { describe, expect, it } from 'vitest'
import { loadBalancingScenarios, createLoadBalancer } from '../../../sim/load-balancing/index.ts'
import { Replay, frameOf, indexScript } from './frame.ts'

describe('load-balancing frames', () => {
  it('replaying the trace from one checkpoint to the next ends exactly on the next snapshot', () => {
    for (const f of loadBalancingScenarios) {
      const sc = f.create(7)
      const last = sc.stateAt(sc.checkpoints[sc.checkpoints.length - 1]!)
      const index = indexScript(sc.trace(), last.balancer.activeChecks)
      for (let i = 1; i < sc.checkpoints.length; i++) {
        const [from, to] = [sc.checkpoints[i - 1]!, sc.checkpoints[i]!]
        const target = frameOf(sc.stateAt(to))
        const replay = new Replay(sc.stateAt(from), sc.eventsBetween(from, to), index)
        const end = replay.at(sc.timeOf(to))
        const where = `${f.name} ${from} → ${to}`
        expect(end.backends, where).toEqual(target.backends)
        expect(end.clients, where).toEqual(target.clients)
        expect(end.picks, where).toEqual(target.picks)
        expect(end.algorithm, where).toBe(target.algorithm)
        expect(end.next, where).toBe(target.next)
        expect(end.flights.map((x) => x.id).sort(), where).toEqual(target.flights.map((x) => x.id).sort())
        // And just before its first event, the replay is the earlier checkpoint.
        expect(replay.at(sc.timeOf(from) - 1e-9).backends, where).toEqual(frameOf(sc.stateAt(from)).backends)
      }
    }
  })

  it('counts the health check as it happens: b red with 1, then 2, then 3 failed probes and ejected', () => {
    const sc = loadBalancingScenarios.find((f) => f.name === 'health-check')!.create(7)
    const index = indexScript(sc.trace(), sc.stateAt('start').balancer.activeChecks)
    const replay = new Replay(sc.stateAt('probe-fails'), sc.eventsBetween('probe-fails', 'ejected'), index)
    const streaks: number[] = []
    let ejectedAt = -1
    for (let t = sc.timeOf('probe-fails'); t <= sc.timeOf('ejected'); t += 50) {
      const b = replay.at(t).backends.find((x) => x.name === 'b')!
      if (streaks[streaks.length - 1] !== b.failStreak) streaks.push(b.failStreak)
      if (b.health === 'ejected' && ejectedAt < 0) ejectedAt = t
    }
    expect(streaks).toEqual([1, 2, 3])
    expect(ejectedAt).toBeGreaterThan(sc.timeOf('probe-fails'))
    // While b is down and still in the pool, requests and probes to it are lost on the way (drawn red).
    const lost = new Set<string>()
    for (let t = sc.timeOf('probe-fails'); t <= sc.timeOf('ejected'); t += 2) {
      for (const fl of replay.at(t).flights) if (fl.dropped && fl.to === 'b') lost.add(fl.kind)
    }
    expect([...lost].sort()).toEqual(['probe', 'request'])
  })

  it('round robin points at the next backend; IP hash gives each client its sticky backend', () => {
    const rr = loadBalancingScenarios.find((f) => f.name === 'round-robin')!.create(7)
    expect(frameOf(rr.stateAt('start')).next).toBe('a')
    expect(frameOf(rr.stateAt('requests')).next).toBe('a')
    const ip = loadBalancingScenarios.find((f) => f.name === 'ip-hash')!.create(7)
    const sticky = frameOf(ip.stateAt('sticky'))
    for (const c of sticky.clients) expect(c.sticky).toBe(c.history[c.history.length - 1])
    const remap = frameOf(ip.stateAt('remap'))
    for (const c of remap.clients) expect(c.sticky).toBe(c.history[c.history.length - 1])
  })

  it('replays smooth weighted scores through a weight change', () => {
    const lb = createLoadBalancer({ seed: 1, algorithm: 'weighted', backends: [{ name: 'a', weight: 5 }, 'b', 'c'] })
    const start = lb.snapshot()
    for (let i = 0; i < 3; i++) lb.sched.after(i * 20, () => lb.request('client-1'))
    lb.sched.after(70, () => lb.setWeight('b', 4))
    for (let i = 0; i < 3; i++) lb.sched.after(100 + i * 20, () => lb.request('client-2'))
    lb.advance(400)
    const end = lb.snapshot()
    const replay = new Replay(start, lb.trace.all(), indexScript(lb.trace.all(), null))
    expect(replay.at(end.now).backends).toEqual(frameOf(end).backends)
    expect(replay.at(end.now).backends.map((b) => b.weight)).toEqual([5, 4, 1])
  })
})
