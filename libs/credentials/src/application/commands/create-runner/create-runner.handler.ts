import { randomBytes } from 'node:crypto';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandPath } from '@app/eventstore';
import { Database, tokenDigest } from '@app/shared';
import { RUNNER_DECIDER } from '../../../domain/runner/runner.decider.js';
import { runnerStreamId } from '../../../domain/runner/runner.events.js';
import { CreateRunner } from './create-runner.command.js';

@CommandHandler(CreateRunner)
export class CreateRunnerHandler implements ICommandHandler<CreateRunner> {
  constructor(
    private readonly db: Database,
    private readonly commands: CommandPath,
  ) {}

  async execute({ input, metadata }: CreateRunner): Promise<{ id: number; token: string; token_expires_at: null }> {
    // GitLab's runner authentication tokens: `glrt-` and a random part.
    const token = `glrt-${randomBytes(20).toString('base64url')}`;
    const [{ id }] = await this.db.query<{ id: string }>("SELECT nextval('credentials.runners_id_seq') AS id");
    await this.commands.handle(runnerStreamId(Number(id)), RUNNER_DECIDER, { ...input, id: Number(id), token_digest: tokenDigest(token) }, { metadata });
    return { id: Number(id), token, token_expires_at: null };
  }
}
