// The workflow's public API: everything a channel adapter may use. Channels (src/channels/**)
// import from here, the card model, the domain and their own SDK — never the store, a capability
// or another workflow module (test/boundaries.test.ts). What is not exported here is internal.

export { answerQuery, CATALOG, type CapabilityId, type CapabilityInfo, capabilityInfo } from './catalog.ts';
export type { InboundAction, InboundOperation, InboundText } from './inbound.ts';
export type { ClarificationForm, Interactions, ModifyForm, RequestDetail } from './interactions.ts';
export type { PostedMessage, ThreadPort } from './ports.ts';
export { type ApiCaller, type ApiScope, type ApiToken, ProgramAccess, type ProgramVia } from './program-access.ts';
export type { ChangeAsk, DeployAsk, ProgramCaller, ProgramRequests } from './program-requests.ts';
export type { QueryServices } from './query-services.ts';
export type { ThreadSummary } from './thread-summaries.ts';
