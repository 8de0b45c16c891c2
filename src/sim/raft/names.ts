/** Narration names nodes by letter: id 0 is A, 1 is B, ... (clusters have at most 26 nodes). */
export const MAX_NODES = 26

export function nodeName(id: number): string {
  return String.fromCharCode(65 + id)
}

/** "A", "A and B", "A, B and C". */
export function nameList(ids: readonly number[]): string {
  const names = ids.map(nodeName)
  if (names.length <= 1) return names.join('')
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`
}
