/** Easing and interpolation helpers for transitions. */
export const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x)
export const easeInOutCubic = (t: number): number => (t < 0.5 ? 4 * t * t * t : 1 - (-2 * t + 2) ** 3 / 2)
export const lerp = (a: number, b: number, t: number): number => a + (b - a) * t
/** Where `x` falls in [a, b], clamped to [0, 1]. */
export const progress = (x: number, a: number, b: number): number => (b <= a ? (x >= b ? 1 : 0) : clamp01((x - a) / (b - a)))
