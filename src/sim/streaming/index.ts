// Event streaming: partitioned append-only logs with offsets and retention, consumer groups with
// range / round-robin / sticky assignors and rebalancing, delivery guarantees, a work queue for
// contrast, and the `streaming` scenarios.
export { Streaming, createStreaming } from './streaming.ts'
export {
  BROKER, DELIVERIES,
  type Delivery, type TopicSpec, type StreamingOptions, type ProducerOptions, type GroupOptions,
  type DeliveryStats, type MemberView, type GroupView, type StreamingSnapshot,
} from './types.ts'
export { assign, allPartitions, tpKey, ASSIGNORS, type AssignorName, type Assignment, type AssignInput, type TopicPartition } from './assignors.ts'
export { PartitionLog, type LogRecord } from './log.ts'
export { WorkQueue, type QueueMessage, type QueueCounters } from './queue.ts'
export { streamingScenarios, type StreamingWorld, type StreamingScenarioSnapshot } from './scenarios.ts'
export { describeStreaming, type StreamingFocus } from './describe.ts'
export { streamingWhatIf, advanceLive, stepGroup, nextMemberId, LIVE_SPEED, QUIET, MAX_GROUP_MEMBERS, type StreamingAction, type StreamingWhatIfSpec } from './whatif.ts'
