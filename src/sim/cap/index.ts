// CAP: a replicated key-value store in CP or AP mode (see store.ts for the protocol and the merge).
export { CapStore, createCapStore, type CapMode, type CapOptions, type CapRequest, type CapRequestStatus, type CapValue, type Version as CapVersion, type Reconciliation } from './store.ts'
export { HlcClock, compareHlc, formatHlc, type Hlc } from './hlc.ts'
export { checkLinearizable, type RegisterOp, type RegisterValue, type LinearizabilityResult } from './linearizability.ts'
export { snapshotCap, type CapSnapshot, type CapNodeView, type CapReplyView, type CapRequestView } from './snapshot.ts'
export { describeCap } from './describe.ts'
export { capScenario, capScenarios } from './scenarios.ts'
export { capWhatIf, toggleReplica, togglePartition, minorityWrite, minorityReplica, toggleMode, LIVE_SPEED as CAP_LIVE_SPEED } from './whatif.ts'
