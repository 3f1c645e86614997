/**
 * Told of the token behind every admitted request. Credentials implements it (a job at most
 * once a minute per token sets `last_used_at`); like CallerActivity it must return at once and
 * never throw.
 */
export abstract class TokenUsage {
  abstract used(tokenId: number): void;
}
