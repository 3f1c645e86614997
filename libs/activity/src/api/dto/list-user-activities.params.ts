import { Param } from '@app/shared';

/** `GET /user/activities`: `from` is a date (GitLab declares a DateTime; a bad one is 400 `from is invalid`). */
export class ListUserActivitiesParams {
  @Param('datetime') from?: Date | null;
}
