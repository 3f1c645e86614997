import type { RequestObserver } from '../logging/access-log.js';
import type { ServiceMetrics } from './service-metrics.js';

/** From a couple of milliseconds (a cached read) to the 10 s a request may take before it is a problem. */
const HTTP_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The API's latency histogram by method, route and status, fed by the access log. */
export function httpRequestMetrics(metrics: ServiceMetrics): RequestObserver {
  const duration = metrics.histogram('http_request_duration_seconds', 'API requests by method, route pattern and status: time to the last byte of the answer', ['method', 'route', 'status'], HTTP_BUCKETS);
  return (method, route, status, seconds) => duration.observe({ method, route, status: String(status) }, seconds);
}
