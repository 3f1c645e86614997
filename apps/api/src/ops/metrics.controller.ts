import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Authenticate, ServiceMetrics } from '@app/shared';

/**
 * Prometheus metrics of the API process: process defaults, queue depth per state, relay lag,
 * audit backlog and the latest active-user rollups (each context registers its own). The worker
 * serves the same on its own port (WORKER_METRICS_PORT).
 */
@Controller('-')
@Authenticate('none')
export class MetricsController {
  constructor(private readonly service: ServiceMetrics) {}

  @Get('metrics')
  async metrics(@Res() res: Response): Promise<void> {
    const { contentType, body } = await this.service.render();
    res.setHeader('Content-Type', contentType);
    res.send(body);
  }
}
