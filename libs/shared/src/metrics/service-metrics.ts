import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export const METRICS_PREFIX = 'gitlab_users_';

/**
 * The process's Prometheus metrics, in both the API and the worker. Contexts add their gauges and
 * a collector that sets them; collectors run on each scrape, so nothing is measured on the hot
 * path. A failing collector is counted (`gitlab_users_metrics_scrape_errors_total`) and the others
 * still report: Redis being away must not hide the relay lag, which lives in PostgreSQL.
 */
@Injectable()
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly collectors: { name: string; collect: () => Promise<void> }[] = [];
  private readonly scrapeErrors: Counter;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: METRICS_PREFIX });
    this.scrapeErrors = new Counter({
      name: `${METRICS_PREFIX}metrics_scrape_errors_total`,
      help: 'Failures while collecting a metric on scrape, by collector',
      labelNames: ['collector'],
      registers: [this.registry],
    });
  }

  /** A gauge in this process's registry (`name` without the prefix). */
  gauge<L extends string = string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    return new Gauge({ name: `${METRICS_PREFIX}${name}`, help, labelNames, registers: [this.registry] });
  }

  /** A counter in this process's registry (`name` without the prefix). */
  counter<L extends string = string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return new Counter({ name: `${METRICS_PREFIX}${name}`, help, labelNames, registers: [this.registry] });
  }

  /** A histogram in this process's registry, in seconds (`name` without the prefix). */
  histogram<L extends string = string>(name: string, help: string, labelNames: readonly L[], buckets: number[]): Histogram<L> {
    return new Histogram({ name: `${METRICS_PREFIX}${name}`, help, labelNames, buckets, registers: [this.registry] });
  }

  /** Runs `collect` on every scrape, before the metrics are written. */
  onScrape(name: string, collect: () => Promise<void>): void {
    this.collectors.push({ name, collect });
  }

  /** Collects, then renders the exposition text. */
  async render(): Promise<{ contentType: string; body: string }> {
    for (const { name, collect } of this.collectors) {
      try {
        await collect();
      } catch {
        this.scrapeErrors.inc({ collector: name });
      }
    }
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
