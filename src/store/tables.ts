import type { Approval, ChannelKind, DeploymentStatus, Environment, RequestStatus } from '../domain/types.ts';
// Row shapes of the SQL schema, as Kysely sees them. JSON columns are TEXT and parsed with zod
// where they are read back (see repositories).

import type { Generated } from 'kysely';

export interface ChangeRequestsTable {
  id: string;
  revision: number;
  status: RequestStatus;
  requester: string;
  /** JSON array of the principals who changed the request into this revision. */
  editors: Generated<string>;
  capability: string;
  stack: string;
  environment: Environment;
  text: string;
  thread_channel: ChannelKind;
  thread_id: string;
  plan_message_id: string | null;
  plan: string;
  plan_hash: string;
  expires_at: string;
  created_at: string;
  updated_at: string;
}

export interface ApprovalsTable {
  request_id: string;
  revision: number;
  approver: string;
  decision: Approval['decision'];
  plan_hash: string;
  at: string;
}

export interface DeploymentsTable {
  id: string;
  request_id: string;
  revision: number;
  stack: string;
  status: DeploymentStatus;
  queued_at: string;
  started_at: string | null;
  finished_at: string | null;
  outputs: string;
  error: string | null;
  error_code: string | null;
  progress_message_id: string | null;
  /** The engine process (its own process group) applying this deployment, for crash recovery. */
  engine_pid: Generated<number | null>;
  state_serial_before: Generated<number | null>;
  /** An interrupted apply someone checked and marked resolved (who, when, what they found). */
  resolved_by: Generated<string | null>;
  resolved_at: Generated<string | null>;
  resolution: Generated<string | null>;
}

export interface DeploymentEventsTable {
  deployment_id: string;
  seq: number;
  at: string;
  type: string;
  address: string | null;
  message: string;
}

export interface StackLocksTable {
  stack: string;
  deployment_id: string;
  acquired_at: string;
  /** The replica holding it; null for locks written before leases. */
  owner: Generated<string | null>;
  /** The lease ends here unless its owner renews it (heartbeat). */
  expires_at: Generated<string | null>;
}

export interface LeasesTable {
  name: string;
  owner: string;
  expires_at: string;
}

export interface InboundEventsTable {
  /** `slack:event:<event_id>`, `slack:sig:<signature>`, `teams:<activity id>`. */
  id: string;
  expires_at: string;
}

export interface StackConfigTable {
  stack: string;
  config: string;
  updated_at: string;
  updated_by: string;
}

export interface ThreadsTable {
  id: string;
  channel: ChannelKind;
  created_at: string;
}

export interface MessagesTable {
  id: string;
  thread_id: string;
  seq: number;
  author: string;
  card: string;
  request_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface AuditLogTable {
  seq: Generated<number>;
  at: string;
  actor: string;
  action: string;
  request_id: string | null;
  revision: number | null;
  detail: string;
  prev_hash: string;
  hash: string;
}

export interface ClarificationsTable {
  id: string;
  kind: 'form' | 'choice';
  user: string;
  thread_channel: ChannelKind;
  thread_id: string;
  text: string;
  intent: string | null;
  params: string;
  created_at: string;
  resolved_at: string | null;
}

export interface ThreadAliasesTable {
  alias: string;
  thread: string;
  created_at: string;
}

export interface TeamsConversationsTable {
  conversation_id: string;
  reference: string;
  updated_at: string;
}

export interface TeamsUsersTable {
  aad_object_id: string;
  user_id: string;
  name: string | null;
  updated_at: string;
}

export interface KvTable {
  key: string;
  value: string;
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface ApiTokensTable {
  id: string;
  name: string;
  /** JSON array of scopes: read, plan, request. */
  scopes: string;
  /** sha256 of the token's secret part: the token itself is shown once and never stored. */
  secret_hash: string;
  webhook_url: string | null;
  /** Signs webhook deliveries (HMAC-SHA256); shown once with the token. */
  webhook_secret: string;
  /** Where this token's requests are posted for approval (`console`, `slack:<channel>`, `teams:<conversation>`). */
  post_to: string | null;
  created_at: string;
  created_by: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface ProgramRequestsTable {
  deployment_id: string;
  request_id: string;
  principal: string;
  /** `api` (HTTP) or `mcp` (an agent's tool call). */
  via: string;
  /** Digest of what was asked, so a reused deployment id with a different body is refused. */
  input_hash: string;
  webhook_url: string | null;
  created_at: string;
}

export interface EngineLogsTable {
  ref: string;
  at: string;
  actor: string;
  stack: string | null;
  text: string;
}

export interface PlanArtifactsTable {
  /** The saved plan's file name (`<request>-r<revision>.plan`). */
  name: string;
  sha256: string;
  /** AES-256-GCM of the file: iv.tag.body, base64. */
  content: string;
  created_at: string;
}

export interface TeamsSendsTable {
  conversation_id: string;
  /** When the call went out (ms since the epoch); bigint on PostgreSQL, read back as a number. */
  at_ms: number | string;
}

export interface StackTtlsTable {
  stack: string;
  environment: Environment;
  expires_at: string;
  requester: string;
  request_id: string;
  thread_channel: ChannelKind;
  thread_id: string;
  reminded_at: string | null;
  /** The destroy request opened at expiry (or by Destroy now). */
  destroy_request_id: string | null;
  updated_at: string;
}

export interface DriftSnoozesTable {
  stack: string;
  until: string;
  snoozed_by: string;
  at: string;
}

export interface ScheduleRunsTable {
  name: string;
  last_at: string;
}

export interface Database {
  change_requests: ChangeRequestsTable;
  approvals: ApprovalsTable;
  deployments: DeploymentsTable;
  deployment_events: DeploymentEventsTable;
  stack_locks: StackLocksTable;
  stack_config: StackConfigTable;
  threads: ThreadsTable;
  messages: MessagesTable;
  audit_log: AuditLogTable;
  kv: KvTable;
  clarifications: ClarificationsTable;
  thread_aliases: ThreadAliasesTable;
  teams_conversations: TeamsConversationsTable;
  teams_users: TeamsUsersTable;
  meta: MetaTable;
  api_tokens: ApiTokensTable;
  program_requests: ProgramRequestsTable;
  engine_logs: EngineLogsTable;
  plan_artifacts: PlanArtifactsTable;
  leases: LeasesTable;
  inbound_events: InboundEventsTable;
  teams_sends: TeamsSendsTable;
  stack_ttls: StackTtlsTable;
  drift_snoozes: DriftSnoozesTable;
  schedule_runs: ScheduleRunsTable;
}
