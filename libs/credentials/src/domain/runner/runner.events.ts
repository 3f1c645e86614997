/** Runner events (stream `credentials.runner-<id>`). The runner's authentication token appears only as its digest. */

export const RUNNER_CREATED = 'credentials.runner_created';

export interface RunnerCreatedData {
  id: number;
  runner_type: 'instance_type' | 'group_type' | 'project_type';
  description: string | null;
  paused: boolean;
  locked: boolean;
  run_untagged: boolean;
  tag_list: string[];
  access_level: 'not_protected' | 'ref_protected';
  maximum_timeout: number | null;
  maintenance_note: string | null;
  /** SHA-256 (hex) of the `glrt-` token. */
  token_digest: string;
  creator_id: number;
  creator_username: string;
  created_at: string;
}

export type RunnerEvent = { type: typeof RUNNER_CREATED; schemaVersion: 1; data: RunnerCreatedData };

export function runnerStreamId(id: number): string {
  return `credentials.runner-${id}`;
}
