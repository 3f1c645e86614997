import { Param } from '@app/shared';

export const SSH_KEY_USAGE_TYPES = ['auth_and_signing', 'auth', 'signing'] as const;

/** `POST /user/keys` and `POST /users/:id/keys`, in Grape's declaration order. */
export class AddSshKeyParams {
  @Param('string', { required: true }) key!: string;
  @Param('string', { required: true }) title!: string;
  @Param('datetime') expires_at?: Date | null;
  @Param('string', { values: SSH_KEY_USAGE_TYPES }) usage_type?: (typeof SSH_KEY_USAGE_TYPES)[number] | null;
}

/** `:key_id` is declared `Integer`: a non-numeric one is a 400, not a missing route. */
export class SshKeyIdParams {
  @Param('integer', { required: true }) key_id!: number;
}
