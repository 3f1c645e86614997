import { Param } from '@app/shared';

/** `POST /user/emails`: only `email` (GitLab declares no `skip_confirmation` here, and ignores one sent). */
export class AddOwnEmailParams {
  @Param('string', { required: true }) email!: string;
}

/** `POST /users/:id/emails` (admin). */
export class AddEmailParams {
  @Param('string', { required: true }) email!: string;
  @Param('boolean') skip_confirmation?: boolean | null;
}

export class EmailIdParams {
  @Param('integer', { required: true }) email_id!: number;
}

export class ConfirmEmailParams {
  @Param('string', { required: true }) confirmation_token!: string;
}
