/**
 * A work queue (RabbitMQ, SQS) for contrast with the log: competing consumers each take the next
 * ready message; while one works on it the message is invisible to the others; its ack deletes it
 * for good. If no ack comes within the visibility timeout the message becomes ready again (it is
 * redelivered). There are no offsets and nothing to replay: once acked, a message is gone.
 */
export interface QueueMessage {
  readonly id: string
  readonly value: string
  readonly enqueuedAt: number
}

export interface QueueCounters {
  readonly enqueued: number
  readonly delivered: number
  readonly acked: number
  readonly redelivered: number
}

export class WorkQueue {
  private readonly ready: QueueMessage[] = []
  private readonly unacked = new Map<string, { msg: QueueMessage; consumer: string; deadline: number }>()
  private counts = { enqueued: 0, delivered: 0, acked: 0, redelivered: 0 }

  constructor(readonly name: string) {}

  enqueue(msg: QueueMessage): void {
    this.ready.push(msg)
    this.counts.enqueued++
  }

  /** Hand the oldest ready message to `consumer` until `deadline`; null when none is ready. */
  take(consumer: string, deadline: number): QueueMessage | null {
    const msg = this.ready.shift()
    if (!msg) return null
    this.unacked.set(msg.id, { msg, consumer, deadline })
    this.counts.delivered++
    return msg
  }

  /** Delete an acknowledged message; false if it was not out (already acked or timed out). */
  ack(id: string): boolean {
    if (!this.unacked.delete(id)) return false
    this.counts.acked++
    return true
  }

  /** Messages whose visibility timeout passed go back to the front of the queue. */
  expire(now: number): QueueMessage[] {
    const back: QueueMessage[] = []
    for (const [id, u] of this.unacked) {
      if (u.deadline > now) continue
      this.unacked.delete(id)
      back.push(u.msg)
    }
    this.ready.unshift(...back)
    this.counts.redelivered += back.length
    return back
  }

  get depth(): number {
    return this.ready.length + this.unacked.size
  }

  view(): { ready: QueueMessage[]; unacked: (QueueMessage & { consumer: string })[]; counters: QueueCounters } {
    return {
      ready: [...this.ready],
      unacked: [...this.unacked.values()].map((u) => ({ ...u.msg, consumer: u.consumer })),
      counters: { ...this.counts },
    }
  }
}
