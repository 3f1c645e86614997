import { Injectable, type OnModuleInit } from '@nestjs/common';
import { QueueName, QueueRegistry, ServiceMetrics } from '@app/shared';
import { ActiveUsersRepository } from './active-users.repository.js';

/**
 * Activity's figures in the metrics of both processes: the latest active-user rollups, and the
 * audit backlog (events relayed to the audit queue whose rows are not written yet).
 */
@Injectable()
export class ActivityMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: ServiceMetrics,
    private readonly rollups: ActiveUsersRepository,
    private readonly queues: QueueRegistry,
  ) {}

  onModuleInit(): void {
    const activeUsers = this.metrics.gauge(
      'active_users',
      "Users active in the current day or month so far, as of the worker's last rollup (GET /api/v4/admin/active_users has the history)",
      ['period'],
    );
    this.metrics.onScrape('active_users', async () => {
      for (const row of await this.rollups.latest()) activeUsers.set({ period: row.period }, row.active_users);
    });
    const backlog = this.metrics.gauge(
      'audit_backlog_jobs',
      'Audit jobs not done yet (waiting, delayed for a retry, or running): relayed events whose audit rows are still to be written; with gitlab_users_relay_lag_events, how far the audit log is behind',
    );
    this.metrics.onScrape('audit_backlog', async () => {
      if (!this.queues.connected) throw new Error('Redis is not connected');
      const audit = this.queues.get(QueueName.Audit);
      const [counts, schedulers] = await Promise.all([audit.getJobCounts('waiting', 'delayed', 'active', 'prioritized'), audit.getJobSchedulersCount()]);
      // The reconciliation's job scheduler always keeps its next run as a delayed job: that one is no backlog.
      backlog.set(Math.max(0, Object.values(counts).reduce((sum, n) => sum + n, 0) - schedulers));
    });
  }
}
