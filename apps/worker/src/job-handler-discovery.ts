import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { Job } from 'bullmq';
import { jobHandlerTargets, type FoundJobHandler } from '@app/shared';

/**
 * Every `@JobHandler` method of every provider instance in the application. A provider
 * exported by several modules is one instance and is counted once; request-scoped providers
 * have no instance at boot and cannot handle jobs.
 */
export function discoverJobHandlers(discovery: DiscoveryService, scanner: MetadataScanner): FoundJobHandler[] {
  const seen = new Set<object>();
  const found: FoundJobHandler[] = [];
  for (const wrapper of discovery.getProviders()) {
    const instance: unknown = wrapper.instance;
    if (!wrapper.isDependencyTreeStatic() || typeof instance !== 'object' || instance === null || seen.has(instance)) continue;
    seen.add(instance);
    const prototype = Object.getPrototypeOf(instance) as object | null;
    const methods = instance as Record<string, (job: Job) => Promise<unknown>>;
    for (const method of scanner.getAllMethodNames(prototype)) {
      for (const target of jobHandlerTargets(methods[method])) {
        found.push({
          queue: target.queue,
          job: target.job,
          source: `${instance.constructor.name}.${method}`,
          // Looked up at each call, as a method call would be.
          handle: (job) => methods[method](job),
        });
      }
    }
  }
  return found;
}
