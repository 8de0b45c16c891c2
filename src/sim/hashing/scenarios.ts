import { defineScenario, type ScenarioFactory } from '../scenario.ts'
import { HashingWorld, type HashingFocus, type HashingSnapshot } from './model.ts'
import { describeHashing } from './describe.ts'
import { hashToAngle, murmur3 } from './hash.ts'
import { moduloWhatIf, ringWhatIf } from './what-if.ts'
import type { WhatIf } from '../scenario.ts'

/** `create()` without a seed uses 7, the deck's usual `<Scene seed={7}>`; the seed picks the key names. */
const DEFAULT_SEED = 7
const KEYS = 10_000

interface Spec {
  name: string
  title: string
  checkpoints: readonly string[]
  world(seed: number): HashingWorld
  script(w: HashingWorld, mark: (name: string) => void): void
  whatIf: WhatIf<HashingWorld>
}

/** Set what the picture is about, then mark the checkpoint. */
const at = (w: HashingWorld, mark: (name: string) => void, name: string, focus: HashingFocus): void => {
  w.focus = focus
  mark(name)
}

/**
 * The ring slide's key is the first of a few seeded candidates whose clockwise walk to its owner is
 * long enough to watch (≥ MIN_WALK): seed 7's first key lands 3° before a token, and a 3° walk
 * teaches nothing from the back of the room. Falls back to the longest walk.
 */
const WALK_CANDIDATES = 16
const MIN_WALK = (45 * Math.PI) / 180
function visibleWalker(w: HashingWorld): string {
  const tokens = w.snapshot().tokens
  const walk = (key: string): number => {
    const a = hashToAngle(murmur3(key))
    const next = tokens.find((t) => t.angle >= a) ?? tokens[0]!
    return (((next.angle - a) % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI)
  }
  const longest = [...w.keys].sort((x, y) => walk(y) - walk(x))[0]!
  return w.keys.find((k) => walk(k) >= MIN_WALK) ?? longest
}

const servers = (n: number): string[] => Array.from({ length: n }, (_, i) => `server-${String.fromCharCode(97 + i)}`)

const populated = (seed: number, mode: 'ring' | 'modulo', vnodes: number, n: number): HashingWorld => {
  const w = new HashingWorld(seed, mode, vnodes, KEYS)
  for (const s of servers(n)) w.add(s)
  w.reassign()
  w.focus = 'placed'
  return w
}

const specs: Spec[] = [
  {
    name: 'ring',
    title: 'The hash ring',
    checkpoints: ['servers', 'key', 'owner'],
    // One key walks to its owner; the seed draws the candidates, so another seed walks another key.
    world: (seed) => new HashingWorld(seed, 'ring', 3, WALK_CANDIDATES),
    script(w, mark) {
      for (const s of servers(4)) w.add(s)
      at(w, mark, 'servers', 'servers')
      const key = visibleWalker(w)
      w.lookUp(key, false)
      at(w, mark, 'key', 'key')
      w.lookUp(key, true)
      at(w, mark, 'owner', 'owner')
    },
    whatIf: ringWhatIf,
  },
  {
    name: 'add-server',
    title: 'Adding a server moves about 1/(N+1) of the keys',
    checkpoints: ['add', 'moved'],
    world: (seed) => populated(seed, 'ring', 16, 4),
    script(w, mark) {
      w.add('server-e')
      at(w, mark, 'add', 'add')
      w.reassign()
      at(w, mark, 'moved', 'moved')
    },
    whatIf: ringWhatIf,
  },
  {
    name: 'remove-server',
    title: 'Removing a server moves only its keys',
    checkpoints: ['remove', 'moved'],
    world: (seed) => populated(seed, 'ring', 16, 5),
    script(w, mark) {
      w.remove('server-c')
      at(w, mark, 'remove', 'remove')
      w.reassign()
      at(w, mark, 'moved', 'moved')
    },
    whatIf: ringWhatIf,
  },
  {
    name: 'virtual-nodes',
    title: 'Virtual nodes even out the load',
    checkpoints: ['one-token', 'many-tokens', 'spread'],
    world: (seed) => populated(seed, 'ring', 4, 5),
    script(w, mark) {
      w.retoken(1)
      w.reassign()
      w.measureSpread()
      at(w, mark, 'one-token', 'one-token')
      w.retoken(64)
      w.reassign()
      w.measureSpread()
      at(w, mark, 'many-tokens', 'many-tokens')
      w.sched.advance(1000)
      for (const v of [4, 16, 256]) w.measureSpread(v)
      at(w, mark, 'spread', 'spread')
    },
    whatIf: ringWhatIf,
  },
  {
    name: 'mod-n',
    title: 'key mod N reshuffles almost everything',
    checkpoints: ['placed', 'add', 'reshuffle'],
    world(seed) {
      const w = new HashingWorld(seed, 'modulo', 0, KEYS)
      for (const s of servers(4)) w.add(s)
      w.focus = 'servers'
      return w
    },
    script(w, mark) {
      w.reassign()
      at(w, mark, 'placed', 'placed')
      w.add('server-e')
      at(w, mark, 'add', 'add')
      w.reassign()
      at(w, mark, 'reshuffle', 'reshuffle')
    },
    whatIf: moduloWhatIf,
  },
]

export const hashingScenarios: ScenarioFactory<HashingSnapshot, HashingWorld>[] = specs.map((spec) => {
  const factory = defineScenario<HashingWorld, HashingSnapshot>({
    kind: 'hashing',
    name: spec.name,
    title: spec.title,
    checkpoints: spec.checkpoints,
    setup: (seed) => spec.world(seed),
    script: (w, mark) => spec.script(w, mark),
    snapshot: (w) => w.snapshot(),
    time: (w) => w.sched.now,
    trace: (w) => w.trace.all(),
    describe: describeHashing,
    whatIf: spec.whatIf,
  })
  return { ...factory, create: (seed: number = DEFAULT_SEED) => factory.create(seed) }
})
