import type { LoadBalancingSnapshot } from './balancer.ts'

export type LbFocus = 'start' | 'requests' | 'rotate' | 'long-lived' | 'least' | 'weights' | 'smooth' | 'sticky' | 'remap' | 'probe-fails' | 'ejected' | 'restored' | 'live'

const NAMES: Record<LoadBalancingSnapshot['algorithm'], string> = {
  'round-robin': 'round robin',
  'least-connections': 'least connections',
  weighted: 'smooth weighted round robin',
  'ip-hash': 'IP hash',
  random: 'random choice',
  'two-choices': 'the power of two choices',
}

const list = (xs: readonly string[]): string => (xs.length <= 1 ? (xs[0] ?? 'none') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`)

/**
 * One or two plain sentences about a load-balancing snapshot. With a `focus` (scenario
 * snapshots) it says what the step shows; without one it summarises the state.
 */
export function describeLoadBalancing(s: LoadBalancingSnapshot & { readonly focus?: LbFocus }): string {
  const open = s.backends.map((b) => `${b.name} ${b.active}`).join(', ')
  const healthy = s.backends.filter((b) => b.health === 'healthy').map((b) => b.name)
  const ejected = s.backends.filter((b) => b.health === 'ejected')
  const stuck = s.clients.filter((c) => c.history.length > 0).map((c) => `${c.id} → ${c.lastBackend}`)
  switch (s.focus) {
    case 'requests':
      return `The balancer hands the first ${s.balancer.picks.length} requests to ${list(s.balancer.picks)}, one each in turn.`
    case 'rotate':
      return `Round robin keeps rotating (${s.balancer.picks.join(' ')}), so each backend has served ${list(s.backends.map((b) => `${b.name} ${b.requests}`))} requests.`
    case 'long-lived':
      return `Round robin ignores how long connections last, so every long-lived one landed on the same backend. Open connections: ${open}.`
    case 'least':
      return `With least connections, each new long-lived connection goes to the backend with the fewest open, evening them out: ${open}.`
    case 'weights':
      return `Weights are ${list(s.backends.map((b) => `${b.name} ${b.weight}`))}; the first request goes to ${s.balancer.picks[0] ?? 'nobody'}, the heaviest.`
    case 'smooth':
      return `Smooth weighted round robin interleaves the picks as ${s.balancer.picks.join(' ')}: the heavy backend gets its share without long bursts.`
    case 'sticky':
      return `IP hash pins every client to one backend: ${stuck.join(', ')}. Repeat requests go to the same place.`
    case 'remap': {
      const moved = s.clients.filter((c) => new Set(c.history).size > 1).map((c) => c.id)
      return `${list(ejected.map((b) => b.name))} failed and was ejected; only its clients (${list(moved)}) moved to another backend, every other client kept its own.`
    }
    case 'probe-fails': {
      const b = s.backends.find((x) => !x.up)
      return `Backend ${b?.name ?? '?'} has crashed and its last health probe failed (${b?.failStreak ?? 0} in a row), but it stays in rotation until the threshold; requests sent to it time out.`
    }
    case 'ejected':
      return `After ${s.balancer.activeChecks?.unhealthyThreshold ?? 'several'} failed probes in a row ${list(ejected.map((b) => b.name))} is ejected: new requests go only to ${list(healthy)}.`
    case 'restored': {
      const back = s.backends.filter((x) => x.health === 'healthy' && x.ejections > 0).map((x) => x.name)
      return `${list(back)} is back: ${s.balancer.activeChecks?.healthyThreshold ?? 'enough'} good probes in a row restored it, and it receives requests again.`
    }
    case 'live': {
      const weighted = s.algorithm === 'weighted'
      const each = s.backends.map((b) => {
        const state = !b.up && b.health === 'ejected' ? 'down and ejected, ' : !b.up ? 'down, ' : b.health === 'ejected' ? 'ejected, ' : ''
        return `${b.name}${weighted ? ` (weight ${b.weight})` : ''} ${state}${b.served} served${b.errors > 0 ? `, ${b.errors} failed` : ''}, ${b.active} open`
      })
      return `Live with ${NAMES[s.algorithm]}: ${each.join('; ')}.`
    }
    default:
      return `${s.clients.length} clients send requests through an ${s.layer.toUpperCase()} load balancer using ${NAMES[s.algorithm]} to ${s.backends.length} backends (${list(s.backends.map((b) => b.name))}). ${
        ejected.length > 0 ? `${list(ejected.map((b) => b.name))} ${ejected.length === 1 ? 'is' : 'are'} ejected.` : `${s.counters.requests} requests so far.`
      }`
  }
}
