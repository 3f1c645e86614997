import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/kernel';

export interface SetUserStatusInput {
  user: { id: number; username: string };
  mode: 'put' | 'patch';
  /** The fields sent; a key that is absent was not sent (PATCH leaves it as it is). */
  fields: { emoji?: string | null; message?: string | null; availability?: string | null; clear_status_after?: string | null };
}

/** `PUT` or `PATCH /user/status`. Answers nothing: the status is read back from the read model. */
export class SetUserStatus extends Command<void> {
  constructor(
    readonly input: SetUserStatusInput,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
