import { Param, ParamGroup } from '@app/shared';

/**
 * GitLab's `optional_attributes` helper, shared by POST and PUT /users, in its
 * declaration order (Grape reports errors in that order).
 */
@ParamGroup('all_or_none_of', 'extern_uid', 'provider')
export class UserAttributeParams {
  @Param('string') skype?: string | null;
  @Param('string') linkedin?: string | null;
  @Param('string') twitter?: string | null;
  @Param('string') discord?: string | null;
  @Param('string') website_url?: string | null;
  @Param('string') organization?: string | null;
  @Param('integer') projects_limit?: number | null;
  @Param('string') extern_uid?: string | null;
  @Param('string') provider?: string | null;
  @Param('string') bio?: string | null;
  @Param('string') location?: string | null;
  @Param('string') pronouns?: string | null;
  @Param('string') public_email?: string | null;
  @Param('string') commit_email?: string | null;
  @Param('boolean') admin?: boolean | null;
  @Param('boolean') can_create_group?: boolean | null;
  @Param('boolean') external?: boolean | null;
  @Param('file') avatar?: unknown;
  @Param('integer') theme_id?: number | null;
  @Param('integer') color_scheme_id?: number | null;
  @Param('boolean') private_profile?: boolean | null;
  @Param('string') note?: string | null;
  @Param('boolean') view_diffs_file_by_file?: boolean | null;
}
