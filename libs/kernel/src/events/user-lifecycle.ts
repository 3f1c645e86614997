/**
 * The two events that begin and end a user, as identity publishes them: contexts that keep a
 * row per user create it and remove it on these, without knowing identity's payloads.
 */
export interface UserLifecycle {
  readonly created: string;
  readonly deleted: string;
  userIdOf(data: unknown): number;
}
