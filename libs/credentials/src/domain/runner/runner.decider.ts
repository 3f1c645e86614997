import { BadRequestError, ForbiddenError, type Decider } from '@app/kernel';
import { RUNNER_CREATED, type RunnerCreatedData, type RunnerEvent } from './runner.events.js';

export const MAINTENANCE_NOTE_MAX_LENGTH = 1024;

export interface CreateRunner extends Omit<RunnerCreatedData, 'created_at'> {
  creatorIsAdmin: boolean;
}

/**
 * GitLab's runner creation (`Ci::Runners::CreateRunnerService`): this service owns no groups or
 * projects, so a group or project runner names one that does not exist here (400); an instance
 * runner is for admins (403); then the model's rules (400 with its sentence).
 */
export function decideCreateRunner(command: CreateRunner, now: Date): RunnerEvent[] {
  if (command.runner_type === 'group_type') throw new BadRequestError('Missing/invalid group', 'credentials.runner_group_invalid');
  if (command.runner_type === 'project_type') throw new BadRequestError('Missing/invalid project', 'credentials.runner_project_invalid');
  if (!command.creatorIsAdmin) throw new ForbiddenError('Insufficient permissions', 'credentials.runner_forbidden');
  const problems: string[] = [];
  if (!command.run_untagged && command.tag_list.length === 0) problems.push('Tags list can not be empty when runner is not allowed to pick untagged jobs');
  if (command.maintenance_note !== null && command.maintenance_note.length > MAINTENANCE_NOTE_MAX_LENGTH) problems.push(`Maintenance note is too long (maximum is ${MAINTENANCE_NOTE_MAX_LENGTH} characters)`);
  if (command.maximum_timeout !== null && command.maximum_timeout < 600) problems.push('Maximum timeout needs to be at least 10 minutes');
  if (problems.length > 0) throw new BadRequestError(problems.join(', '), 'credentials.runner_invalid');
  const { creatorIsAdmin: _admin, ...data } = command;
  return [{ type: RUNNER_CREATED, schemaVersion: 1, data: { ...data, tag_list: [...new Set(data.tag_list)], created_at: now.toISOString() } }];
}

export const RUNNER_DECIDER: Decider<CreateRunner, { created: boolean }, RunnerEvent> = {
  initialState: { created: false },
  evolve: () => ({ created: true }),
  decide: (command, _state, now) => decideCreateRunner(command, now),
};
