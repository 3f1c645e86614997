import { Param } from '@app/shared';

/** `POST /users/sign_up`: what GitLab's sign-up form asks for. */
export class SignUpParams {
  @Param('string', { required: true }) email!: string;
  @Param('string', { required: true }) name!: string;
  @Param('string', { required: true }) username!: string;
  @Param('string', { required: true }) password!: string;
}
