import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import { Authenticate, CurrentCaller, ReqMeta, requireAdmin, type Caller, type RequestMetadata } from '@app/shared';
import { IngestActivity } from '../application/commands/ingest-activity/ingest-activity.command.js';
import { parseIngestionBatch } from '../domain/ingestion/ingestion-batch.js';

/**
 * `POST /admin/activity/batches` (extension): how the services that own projects, groups,
 * issues and merge requests tell this one about memberships, contribution events and per-user
 * counters. Admins only (checked before the body, so others learn nothing of its rules); a batch
 * is recorded whole or refused whole; items are idempotent on (`source`, `id`).
 * 201 when something new was recorded, 200 when every item had been recorded before.
 */
@Controller('api/v4/admin/activity')
@Authenticate('required')
export class ActivityIngestionController {
  constructor(private readonly commands: CommandBus) {}

  @Post('batches')
  async ingest(@CurrentCaller() caller: Caller | undefined, @Body() body: unknown, @ReqMeta() meta: RequestMetadata, @Res() res: Response): Promise<void> {
    requireAdmin(caller);
    const batch = parseIngestionBatch(body, new Date());
    const result = await this.commands.execute(new IngestActivity(batch, meta));
    res.status(result.recorded > 0 ? 201 : 200).json(result);
  }
}
