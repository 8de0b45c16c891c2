import { SimArgumentError } from '../errors.ts'

/** One record in a partition's log. `id` names the logical message (producer-seq), so a
 *  duplicate written by a producer retry shows up as a second record with the same id. */
export interface LogRecord {
  readonly offset: number
  readonly key: string | null
  readonly value: string
  readonly id: string
  readonly appendedAt: number
}

/**
 * A partition's append-only log. Offsets start at 0 and grow by one per record, forever: deleting
 * old records (retention) moves `logStartOffset` up but never renumbers anything, which is what
 * lets every consumer group keep its own position and replay from any offset still retained.
 */
export class PartitionLog {
  private readonly recs: LogRecord[] = []
  private start = 0

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {}

  /** The first offset still retained. */
  get logStartOffset(): number {
    return this.start
  }

  /** The offset the next record will get (one past the last). */
  get logEndOffset(): number {
    return this.start + this.recs.length
  }

  append(r: Omit<LogRecord, 'offset'>): LogRecord {
    const record = { ...r, offset: this.logEndOffset }
    this.recs.push(record)
    return record
  }

  /** Up to `max` records from `offset`. Reading below the retained range is an error. */
  read(offset: number, max: number): LogRecord[] {
    if (!Number.isInteger(offset) || offset < this.start || offset > this.logEndOffset) {
      throw new SimArgumentError(`read(${this.topic}-${this.partition}, offset): got ${offset}, expected an offset in ${this.start}..${this.logEndOffset}`)
    }
    return this.recs.slice(offset - this.start, offset - this.start + max)
  }

  /** Delete records older than `retentionMs` (Kafka deletes whole segments; we go record by record). */
  applyRetention(now: number, retentionMs: number): number {
    let n = 0
    while (this.recs.length > 0 && this.recs[0]!.appendedAt <= now - retentionMs) {
      this.recs.shift()
      this.start++
      n++
    }
    return n
  }

  records(): readonly LogRecord[] {
    return this.recs
  }
}
