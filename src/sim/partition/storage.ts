/**
 * Shared storage that checks fencing tokens (Kleppmann, "How to do distributed locking", 2016):
 * every write carries the writer's epoch; once the storage has seen epoch k it rejects anything
 * older. A primary that was replaced while cut off (or paused) therefore cannot overwrite what
 * its successor wrote, even though it still believes it is in charge.
 *
 * With `fencing: false` the storage takes every write: the unsafe baseline the tests compare with.
 */
export interface StoredValue {
  readonly value: string
  readonly token: number
  readonly by: number
  readonly write: number
}

export interface StorageWrite {
  readonly write: number
  readonly key: string
  readonly value: string
  readonly token: number
  readonly by: number
  readonly at: number
  readonly accepted: boolean
  /** The highest token the storage had seen when it decided. */
  readonly highest: number
}

export class FencedStorage {
  private highestToken = 0
  private readonly data = new Map<string, StoredValue>()
  private readonly history: StorageWrite[] = []

  constructor(readonly fencing: boolean) {}

  get highest(): number {
    return this.highestToken
  }

  /** A new primary announces its token before writing, so older ones are refused at once. */
  fence(token: number): void {
    if (this.fencing) this.highestToken = Math.max(this.highestToken, token)
  }

  write(w: Omit<StorageWrite, 'accepted' | 'highest'>): StorageWrite {
    const accepted = !this.fencing || w.token >= this.highestToken
    const rec: StorageWrite = { ...w, accepted, highest: this.highestToken }
    this.history.push(rec)
    if (accepted) {
      this.highestToken = Math.max(this.highestToken, w.token)
      this.data.set(w.key, { value: w.value, token: w.token, by: w.by, write: w.write })
    }
    return rec
  }

  get(key: string): StoredValue | null {
    return this.data.get(key) ?? null
  }

  entries(): { key: string; value: string; token: number; by: number }[] {
    return [...this.data.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, v]) => ({ key, value: v.value, token: v.token, by: v.by }))
  }

  writes(): readonly StorageWrite[] {
    return this.history
  }
}
