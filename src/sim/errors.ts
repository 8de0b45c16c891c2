/** Errors thrown for bad arguments: they name the value and what was expected. */
export class SimArgumentError extends Error {
  override name = 'SimArgumentError'
}

export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value)
  try {
    return JSON.stringify(value)
  } catch {
    return String(value)
  }
}

/** Throws `SimArgumentError("<what>: got <value>, expected <expected>")` unless `ok`. */
export function expectArg(ok: boolean, what: string, value: unknown, expected: string): void {
  if (!ok) throw new SimArgumentError(`${what}: got ${describeValue(value)}, expected ${expected}`)
}

export function expectNonNegative(what: string, value: number): void {
  expectArg(Number.isFinite(value) && value >= 0, what, value, 'a finite number ≥ 0')
}

export function expectInteger(what: string, value: number, min: number, max: number): void {
  expectArg(Number.isInteger(value) && value >= min && value <= max, what, value, `an integer in ${min}..${max}`)
}
