import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Redis } from 'ioredis';
import { Authenticate } from '../auth/auth.decorators.js';
import { Database } from '../database/database.js';
import { REDIS } from '../queues/redis.provider.js';

async function probe(check: () => Promise<unknown>, timeoutMs = 2_000): Promise<'ok' | 'failed'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([check(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), timeoutMs)))]);
    return 'ok';
  } catch {
    return 'failed';
  } finally {
    clearTimeout(timer);
  }
}

/** GitLab's health endpoints; readiness is 200 only when PostgreSQL and Redis answer. */
@Controller('-')
@Authenticate('none')
export class HealthController {
  constructor(
    private readonly db: Database,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  @Get('liveness')
  @HttpCode(200)
  liveness(): { status: string } {
    return { status: 'ok' };
  }

  @Get('health')
  async health(@Res() res: Response): Promise<void> {
    await this.readiness(res);
  }

  @Get('readiness')
  async readiness(@Res() res: Response): Promise<void> {
    const [postgres, redis] = await Promise.all([probe(() => this.db.query('SELECT 1')), probe(() => this.redis.ping())]);
    const ok = postgres === 'ok' && redis === 'ok';
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'failed', master_check: [{ status: ok ? 'ok' : 'failed' }], postgres, redis });
  }
}
