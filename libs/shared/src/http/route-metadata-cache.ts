import type { ExecutionContext } from '@nestjs/common';

/**
 * What a guard reads from a route's decorators, worked out on the route's first request and kept:
 * decorators are fixed once the classes are defined, and asking the Reflector on every request
 * (several metadata look-ups and arrays each time) showed up in CPU profiles. Keyed by controller
 * and handler, since an inherited handler may serve two controllers with different decorators.
 */
export class RouteMetadataCache<T> {
  private readonly byController = new WeakMap<Function, WeakMap<Function, T>>();

  constructor(private readonly read: (targets: [handler: Function, controller: Function]) => T) {}

  of(context: ExecutionContext): T {
    const controller = context.getClass();
    const handler = context.getHandler();
    let handlers = this.byController.get(controller);
    if (!handlers) {
      handlers = new WeakMap();
      this.byController.set(controller, handlers);
    }
    if (handlers.has(handler)) return handlers.get(handler) as T;
    const value = this.read([handler, controller]);
    handlers.set(handler, value);
    return value;
  }
}
