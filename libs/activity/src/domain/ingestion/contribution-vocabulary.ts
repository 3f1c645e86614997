/**
 * The words of GitLab's Events API: the stored actions and target classes, the names the
 * `target_type` filter takes, and the `action_name` an event is shown with.
 */

/** `Event.actions`: what a sender may report, and what the `action` filter takes. */
export const CONTRIBUTION_ACTIONS = ['created', 'updated', 'closed', 'reopened', 'pushed', 'commented', 'merged', 'joined', 'left', 'destroyed', 'expired', 'approved'] as const;

/** The `target_type` filter's values and the class each stands for. */
export const TARGET_TYPE_FILTERS: Readonly<Record<string, string>> = {
  issue: 'Issue',
  milestone: 'Milestone',
  merge_request: 'MergeRequest',
  note: 'Note',
  project: 'Project',
  snippet: 'Snippet',
  user: 'User',
  wiki: 'WikiPage::Meta',
  design: 'DesignManagement::Design',
};

/** Classes a sender may name as an event's target (the filter's, and the notes GitLab stores under their own class). */
export const TARGET_TYPES = [...Object.values(TARGET_TYPE_FILTERS), 'DiffNote', 'DiscussionNote'] as const;

export const NOTE_TARGET_TYPES: readonly string[] = ['Note', 'DiffNote', 'DiscussionNote'];

export const PUSH_ACTIONS = ['pushed', 'created', 'removed'] as const;
export const REF_TYPES = ['branch', 'tag'] as const;

const DESIGN_ACTION_NAMES: Readonly<Record<string, string>> = { created: 'uploaded', updated: 'revised', destroyed: 'deleted' };

/** What an event of `action` on `targetType` is called in the Events API, as GitLab's `Event#action_name` words it. */
export function actionName(action: string, targetType: string | null, pushAction: string | null): string {
  if (action === 'pushed') return pushAction === 'created' ? 'pushed new' : pushAction === 'removed' ? 'deleted' : 'pushed to';
  if (targetType === 'DesignManagement::Design' && DESIGN_ACTION_NAMES[action]) return DESIGN_ACTION_NAMES[action];
  switch (action) {
    case 'merged':
      return 'accepted';
    case 'expired':
      return 'removed due to membership expiration from';
    case 'commented':
      return 'commented on';
    case 'created':
      // A created wiki page or project keeps "created"; anything else with a target was "opened".
      return targetType === null || targetType === 'WikiPage::Meta' || targetType === 'Project' ? 'created' : 'opened';
    default:
      return action;
  }
}
