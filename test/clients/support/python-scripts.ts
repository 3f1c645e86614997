import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { USERS_GET_BY_ID_LIMIT, type ClientService } from './client-service.js';
import { runCommand, systemPythonEnv } from './run-command.js';

/** Debian's interpreter: the one python-gitlab 3.12 is installed for (pyenv's python3 lacks it). */
export const SYSTEM_PYTHON = '/usr/bin/python3';

const SCRIPTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '../python');

/** What a script observed, case by case (see python/client_harness.py). */
export type CaseResults = Record<string, any>;

/**
 * Runs test/clients/python/<script> against the service and returns the JSON object it prints.
 * A case that raised something unexpected carries `{ unexpected: "<type>: <message>" }`, which
 * no assertion accepts, so a client that cannot parse an answer fails its case.
 */
export async function runPythonScript(script: string, service: ClientService): Promise<CaseResults> {
  const result = await runCommand(
    SYSTEM_PYTHON,
    [path.join(SCRIPTS_DIR, script)],
    systemPythonEnv({
      GITLAB_URL: service.url,
      GITLAB_TOKEN: service.rootToken,
      AVATAR_PATH: service.avatarPath,
      USERS_GET_BY_ID_LIMIT: String(USERS_GET_BY_ID_LIMIT),
    }),
    45_000,
  );
  const lastLine = result.stdout.trim().split('\n').pop() ?? '';
  if (result.code !== 0 || !lastLine.startsWith('{')) {
    throw new Error(
      `${script} exited with ${result.code}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}\n--- service ---\n${service.launcher.describe()}`,
    );
  }
  return JSON.parse(lastLine) as CaseResults;
}
