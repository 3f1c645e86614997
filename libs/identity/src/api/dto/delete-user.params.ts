import { Param } from '@app/shared';

export class DeleteUserParams {
  @Param('boolean') hard_delete?: boolean | null;
}
