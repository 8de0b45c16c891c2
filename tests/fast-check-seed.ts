import fc from 'fast-check'

/**
 * Property tests run the same cases everywhere, so `npm test` and CI fail only when the code
 * changes, never because a new random case came up. `npm run test:explore` (FC_SEED=random) looks
 * for new counterexamples; FC_SEED=<n> replays the seed a failure printed.
 */
const FIXED_SEED = 20261124
const env = process.env.FC_SEED
if (env !== 'random') {
  const seed = env === undefined || env === '' ? FIXED_SEED : Number(env)
  if (!Number.isInteger(seed)) throw new Error(`FC_SEED: got ${JSON.stringify(env)}, expected an integer or "random"`)
  fc.configureGlobal({ seed })
}
