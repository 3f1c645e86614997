import { describe, expect, it } from '@jest/globals';
import { actionName } from './contribution-vocabulary.js';

describe("GitLab's action_name", () => {
  it.each([
    ['pushed', null, 'pushed', 'pushed to'],
    ['pushed', null, 'created', 'pushed new'],
    ['pushed', null, 'removed', 'deleted'],
    ['merged', 'MergeRequest', null, 'accepted'],
    ['commented', 'Note', null, 'commented on'],
    ['created', 'Issue', null, 'opened'],
    ['created', 'MergeRequest', null, 'opened'],
    ['created', 'Project', null, 'created'],
    ['created', 'WikiPage::Meta', null, 'created'],
    ['created', null, null, 'created'],
    ['created', 'DesignManagement::Design', null, 'uploaded'],
    ['updated', 'DesignManagement::Design', null, 'revised'],
    ['destroyed', 'DesignManagement::Design', null, 'deleted'],
    ['expired', 'Project', null, 'removed due to membership expiration from'],
    ['closed', 'Issue', null, 'closed'],
    ['reopened', 'Issue', null, 'reopened'],
    ['joined', 'Project', null, 'joined'],
    ['approved', 'MergeRequest', null, 'approved'],
  ])('%s on %s (push %s) is "%s"', (action, targetType, pushAction, expected) => {
    expect(actionName(action, targetType, pushAction)).toBe(expected);
  });
});
