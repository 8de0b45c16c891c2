// Consistent hashing (DESIGN.md §4 contract): the ring, the key-mod-N baseline, statistics for the
// slide's numbers, and the `hashing` scenarios.
export { createHashRing, createModuloRouter, MAX_VNODES, type Router, type HashRing, type Token, type Arc } from './ring.ts'
export { murmur3, fmix32, hashToAngle } from './hash.ts'
export { spreadOf, expectedSpread, placeKeys, countPerServer, comparePlacements, type Spread, type Moves } from './stats.ts'
export { HashingWorld, SAMPLE_KEYS, type HashingSnapshot, type HashingFocus, type MovedSummary } from './model.ts'
export { hashingScenarios } from './scenarios.ts'
export { describeHashing } from './describe.ts'
