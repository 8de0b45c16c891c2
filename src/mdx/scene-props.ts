/**
 * <Scene> props, validated with a schema (zod) against the scene catalogue: the same check runs in
 * the build (remark-slides.ts) and in the browser component.
 */
import { z } from 'zod'

/** kind → scenario → checkpoint names (from the simulation's scenario factories). */
export type SceneCatalog = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>

export interface SceneProps {
  kind: string
  scenario: string
  seed: number
  label?: string | undefined
}

const baseSchema = z.object({
  kind: z.string({ error: 'kind must be a string, e.g. kind="raft"' }),
  scenario: z.string({ error: 'scenario must be a string, e.g. scenario="election"' }),
  seed: z.number({ error: 'seed must be a number, e.g. seed={7}' }).int('seed must be a whole number').min(0, 'seed must be ≥ 0').default(7),
  label: z.string({ error: 'label must be a string (what the scene shows, for screen readers)' }).optional(),
}).strict()

export type SceneCheck = { ok: true; value: SceneProps; checkpoints: readonly string[] } | { ok: false; error: string }

export function validateSceneProps(raw: Record<string, unknown>, catalog: SceneCatalog): SceneCheck {
  const parsed = baseSchema.safeParse(raw)
  if (!parsed.success) {
    return { ok: false, error: parsed.error.issues.map((i) => (i.code === 'unrecognized_keys' ? `unknown prop ${i.keys.join(', ')} (valid props: kind, scenario, seed, label)` : i.message)).join('; ') }
  }
  const { kind, scenario } = parsed.data
  const kinds = Object.keys(catalog)
  const scenarios = catalog[kind]
  if (!scenarios) return { ok: false, error: `unknown kind "${kind}". Valid kinds: ${kinds.join(', ') || '(none registered)'}` }
  const checkpoints = scenarios[scenario]
  if (!checkpoints) return { ok: false, error: `unknown scenario "${scenario}" for kind "${kind}". Valid scenarios: ${Object.keys(scenarios).join(', ')}` }
  return { ok: true, value: parsed.data, checkpoints }
}
