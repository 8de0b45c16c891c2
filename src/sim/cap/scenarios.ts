import { defineScenario, type Scenario, type ScenarioFactory } from '../scenario.ts'
import { createCapStore, type CapStore } from './store.ts'
import { snapshotCap, type CapSnapshot } from './snapshot.ts'
import { describeCap } from './describe.ts'
import { capWhatIf } from './whatif.ts'

export const DEFAULT_SEED = 7

/** A factory whose `create()` without a seed uses 7, the deck's usual `<Scene seed={7}>`. */
export type SeededFactory<S, M> = ScenarioFactory<S, M> & { create(seed?: number): Scenario<S, M> }

function withDefaultSeed<S, M>(factory: ScenarioFactory<S, M>): SeededFactory<S, M> {
  return { ...factory, create: (seed: number = DEFAULT_SEED) => factory.create(seed) }
}
const KEY = 'balance'

/**
 * `cap`: one cluster of three replicas, first in CP mode, then switched to AP, so the slide can
 * put the two answers to the same partition side by side.
 *  - healthy:   a write of 100 reaches all three replicas.
 *  - partition: node 2 is cut off while a write of 120 is under way; the majority commits it,
 *               the message to node 2 is dropped at the fault line.
 *  - cp:        node 2 refuses a write and a read with "no quorum"; node 0 still reads 120.
 *  - ap:        the cluster switches to AP; node 0 writes 150, node 2 writes 80, and reads on
 *               each side answer with their own, diverging, value.
 *  - heal:      anti-entropy reconciles every replica to the last writer by HLC.
 */
export const capScenario = withDefaultSeed(defineScenario<CapStore, CapSnapshot>({
  kind: 'cap',
  name: 'cap',
  title: 'CAP: under a partition, choose consistency or availability',
  checkpoints: ['healthy', 'partition', 'cp', 'ap', 'heal'],
  setup: (seed) => createCapStore({ mode: 'CP', seed }),
  script(m, mark) {
    m.write(0, KEY, 100)
    m.settle()
    m.advance(20)
    mark('healthy')

    m.write(0, KEY, 120)
    m.advance(1)
    m.partition([[0, 1], [2]])
    m.settle()
    m.advance(10)
    mark('partition')

    m.write(2, KEY, 50)
    m.read(2, KEY)
    m.read(0, KEY)
    m.settle()
    mark('cp')

    m.setMode('AP')
    m.advance(20)
    m.write(0, KEY, 150)
    m.advance(3)
    m.write(2, KEY, 80)
    m.advance(10)
    m.read(0, KEY)
    m.read(2, KEY)
    m.advance(1)
    mark('ap')

    m.heal()
    m.advance(15)
    mark('heal')
  },
  snapshot: snapshotCap,
  time: (m) => m.now,
  trace: (m) => m.trace.all(),
  describe: describeCap,
  whatIf: capWhatIf,
}))

export const capScenarios: ScenarioFactory[] = [capScenario as ScenarioFactory]
