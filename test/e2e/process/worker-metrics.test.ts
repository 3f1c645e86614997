import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort, httpRequest, poll, startService, type RunningService } from '../../support/process-harness.js';

const ROOT = 'glpat-worker-metrics-root-012345678';

/** The value of a metric line (`name{labels} value`) in an exposition text, or NaN when absent. */
function metricValue(text: string, line: string): number {
  const escaped = line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return Number(new RegExp(`^${escaped} (\\d+(?:\\.\\d+)?)$`, 'm').exec(text)?.[1]);
}

/**
 * Both processes report the service's queue, relay and audit figures: the worker serves the same
 * registry as the API on WORKER_METRICS_PORT, so an operator sees them even with the API down.
 */
describe('the worker serves /-/metrics on WORKER_METRICS_PORT', () => {
  let service: RunningService;
  let metricsPort: number;

  beforeAll(async () => {
    metricsPort = await freePort();
    service = await startService('workermetrics', { rootToken: ROOT, extra: { WORKER_METRICS_PORT: String(metricsPort), WORKER_METRICS_HOST: '127.0.0.1' } });
  }, 90_000);
  afterAll(async () => service?.stop());

  it('relay lag, audit backlog, queue depth and the process figures, as the API shows them', async () => {
    const created = await httpRequest(service.port, 'POST', '/api/v4/users', {
      headers: { 'PRIVATE-TOKEN': ROOT },
      body: { username: 'metricsuser', email: 'metricsuser@example.org', name: 'Metrics User', password: 'Vq8!zR2#long-enough', skip_confirmation: true },
    });
    expect(created.status).toBe(201);
    // Once the user's creation is audited, the worker's figures settle: nothing waits to be relayed or audited.
    let last = '';
    const text = await poll(
      async () => {
        const res = await httpRequest(metricsPort, 'GET', '/-/metrics');
        last = res.text;
        expect(res.status).toBe(200);
        return metricValue(res.text, 'gitlab_users_queue_jobs{queue="audit",state="completed"}') >= 1 &&
          metricValue(res.text, 'gitlab_users_relay_lag_events') === 0 &&
          metricValue(res.text, 'gitlab_users_audit_backlog_jobs') === 0
          ? res.text
          : undefined;
      },
      30_000,
      () => `the worker metrics to show the audited user creation; last seen:\n${last.split('\n').filter((line) => /relay_lag|audit_backlog|queue_jobs\{queue="audit"|scrape_errors/.test(line)).join('\n')}`,

    );
    expect(text).toMatch(/^gitlab_users_process_resident_memory_bytes \d+/m);
    // The worker timed the audit job it ran; the API counted the event it appended and timed the request.
    expect(metricValue(text, 'gitlab_users_job_duration_seconds_count{queue="audit",job="audit.record-event",outcome="completed"}')).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^gitlab_users_queue_jobs\{queue="activity",state="waiting"\} \d+$/m);
    const api = await httpRequest(service.port, 'GET', '/-/metrics');
    expect(metricValue(api.text, 'gitlab_users_events_appended_total{type="identity.user_created"}')).toBeGreaterThanOrEqual(1);
    expect(metricValue(api.text, 'gitlab_users_http_request_duration_seconds_count{method="POST",route="/api/v4/users",status="201"}')).toBe(1);
    for (const name of ['gitlab_users_relay_lag_events', 'gitlab_users_audit_backlog_jobs', 'gitlab_users_queue_jobs{queue="audit",state="failed"}']) {
      expect({ name, worker: Number.isNaN(metricValue(text, name)), api: Number.isNaN(metricValue(api.text, name)) }).toEqual({ name, worker: false, api: false });
    }
  });

  it('answers nothing else on that port', async () => {
    const res = await httpRequest(metricsPort, 'GET', '/api/v4/users');
    expect([res.status, res.body]).toEqual([404, { error: '404 Not Found' }]);
  });
});
