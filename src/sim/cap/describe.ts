import type { CapSnapshot } from './snapshot.ts'

const list = (ids: readonly number[]): string => (ids.length === 1 ? `node ${ids[0]}` : `nodes ${ids.slice(0, -1).join(', ')} and ${ids.at(-1)}`)

const cap = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1)

/** One or two plain sentences about a CAP snapshot, for screen readers. */
export function describeCap(s: CapSnapshot): string {
  const net = s.partition
    ? `the network is split into ${s.partition.map((g) => `{${g.join(', ')}}`).join(' and ')}`
    : s.reconciliation ? 'the partition has healed' : 'the network is healthy'
  const first = `${s.mode} mode: ${net}.`
  const key = s.nodes.flatMap((n) => n.store.map((e) => e.key))[0]
  if (key === undefined) return `${first} No data has been written yet.`
  // Group nodes by the value they hold for the first key.
  const byValue = new Map<string, number[]>()
  for (const n of s.nodes) {
    const v = String(n.store.find((e) => e.key === key)?.value ?? 'nothing')
    byValue.set(v, [...(byValue.get(v) ?? []), n.id])
  }
  const values = [...byValue.entries()].map(([v, ids]) => `${list(ids)} ${ids.length === 1 ? 'holds' : 'hold'} ${key} = ${v}`)
  const refused = s.nodes.filter((n) => n.lastReply && !n.lastReply.ok)
  const answers = s.nodes.filter((n) => n.lastReply?.ok && n.lastReply.op === 'read')
  let second: string
  const quorum = Math.floor(s.nodes.length / 2) + 1
  const minority = s.partition ? s.partition.filter((g) => g.length < quorum).flat() : []
  if (s.mode === 'CP' && refused.length > 0) {
    second = `${cap(list(refused.map((n) => n.id)))} cannot reach a majority and ${refused.length === 1 ? 'refuses' : 'refuse'} reads and writes with a "no quorum" error, while ${values.join('; ')}.`
  } else if (s.mode === 'CP' && minority.length > 0) {
    second = `The majority keeps committing, so ${values.join('; ')}; ${list(minority)} ${minority.length === 1 ? 'is' : 'are'} cut off and must refuse requests rather than answer with stale data.`
  } else if (byValue.size > 1 && s.partition) {
    const said = answers.map((n) => `${list([n.id])} answers ${String(n.lastReply!.value)}`).join(', ')
    second = `Both sides keep answering${said ? ` (${said})` : ''}, so the replicas diverge: ${values.join('; ')}.`
  } else if (s.reconciliation && byValue.size === 1 && !s.partition) {
    const lost = s.reconciliation.overwritten.map((o) => String(o.value)).join(', ')
    second = `Last-writer-wins by hybrid timestamp reconciled the replicas: all hold ${key} = ${String(s.reconciliation.kept.value)}, and ${lost} was overwritten.`
  } else if (byValue.size === 1) {
    second = `All ${s.nodes.length} replicas agree: ${key} = ${[...byValue.keys()][0]}.`
  } else {
    second = `The replicas differ: ${values.join('; ')}.`
  }
  return `${first} ${second}`
}
