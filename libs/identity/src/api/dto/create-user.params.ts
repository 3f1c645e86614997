import { Param, ParamGroup } from '@app/shared';
import { UserAttributeParams } from './user-attribute.params.js';

/** `POST /users`. Field order follows GitLab's declaration. */
@ParamGroup('at_least_one_of', 'password', 'reset_password', 'force_random_password', { after: 'skip_confirmation' })
export class CreateUserParams extends UserAttributeParams {
  @Param('string', { required: true }) email!: string;
  @Param('string') password?: string | null;
  @Param('boolean') reset_password?: boolean | null;
  @Param('boolean') skip_confirmation?: boolean | null;
  @Param('string', { required: true }) name!: string;
  @Param('string', { required: true }) username!: string;
  @Param('boolean') force_random_password?: boolean | null;
}
