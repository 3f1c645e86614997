import { Param } from '@app/shared';
import { UserAttributeParams } from './user-attribute.params.js';

/** `PUT /users/:id`: only what was sent changes. */
export class UpdateUserParams extends UserAttributeParams {
  @Param('string') email?: string | null;
  @Param('string') password?: string | null;
  @Param('boolean') skip_reconfirmation?: boolean | null;
  @Param('string') name?: string | null;
  @Param('string') username?: string | null;
}
