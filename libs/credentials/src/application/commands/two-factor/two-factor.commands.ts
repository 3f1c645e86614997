import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/eventstore';

/** Issues a new TOTP secret to the user (shown this once); two-factor is on once a code from it is confirmed. */
export class StartTwoFactorEnrolment extends Command<{ secret: string; provisioning_uri: string }> {
  constructor(
    readonly userId: number,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}

/** Turns two-factor on with a first code from the new secret; answers the recovery codes (shown this once). */
export class ConfirmTwoFactorEnrolment extends Command<string[]> {
  constructor(
    readonly userId: number,
    readonly code: string,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}

/** An admin turns a user's two-factor off (GitLab's `PATCH /users/:id/disable_two_factor`). */
export class DisableTwoFactor extends Command<void> {
  constructor(
    readonly userId: number,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
