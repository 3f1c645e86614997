/** Who and what caused a change; stored on every event the request appends. */
export interface RequestMetadata {
  actor_id: number | null;
  actor_username: string | null;
  /** The actor's display name at the time (GitLab's audit `author_name`). */
  actor_name?: string | null;
  /** The admin behind a sudo or impersonated request. */
  impersonator_id: number | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  correlation_id: string | null;
  /** The event that caused this change; null for changes a request or an operator started. */
  causation_id: string | null;
}
