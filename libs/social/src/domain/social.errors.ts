import { BadRequestError, ModelInvalidError } from '@app/kernel';

/** GitLab's `Users::UserFollowUser::MAX_FOLLOWEE_LIMIT`. */
export const MAX_FOLLOWEES = 300;

/** 400 `{"message":"You can't follow more than 300 users. ..."}`: the follow model's validation, without a status prefix. */
export class FolloweeLimitError extends BadRequestError {
  constructor() {
    super(null, 'social.followee_limit');
    this.message = `You can't follow more than ${MAX_FOLLOWEES} users. To follow more users, unfollow some others.`;
  }
}

/** 400 `{"message":{"emoji":[...],"message":[...]}}`: the status model's validations. */
export class UserStatusInvalidError extends ModelInvalidError {
  constructor(errors: Record<string, string[]>) {
    super(errors, 'social.user_status_invalid');
  }
}
