/**
 * Told of every authenticated request's user, after the guard admitted it. The activity context
 * implements it (one queued job per user per day); it must return at once and never throw, since
 * it runs on every request.
 */
export abstract class CallerActivity {
  abstract touch(userId: number): void;
}
