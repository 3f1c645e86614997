import { Param, ParamGroup } from '@app/shared';

/** `PUT /user/preferences`: three optional Booleans, `at_least_one_of` them. */
@ParamGroup('at_least_one_of', 'view_diffs_file_by_file', 'show_whitespace_in_diffs', 'pass_user_identities_to_ci_jwt')
export class UserPreferencesParams {
  @Param('boolean') view_diffs_file_by_file?: boolean | null;
  @Param('boolean') show_whitespace_in_diffs?: boolean | null;
  @Param('boolean') pass_user_identities_to_ci_jwt?: boolean | null;
}
