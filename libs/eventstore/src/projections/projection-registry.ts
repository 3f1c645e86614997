import { Injectable } from '@nestjs/common';
import type { InlineProjection } from './inline-projection.js';

/** Contexts register their inline projections here when their module starts. */
@Injectable()
export class ProjectionRegistry {
  private readonly byName = new Map<string, InlineProjection>();
  private readonly byType = new Map<string, InlineProjection[]>();

  register(projection: InlineProjection): void {
    if (this.byName.has(projection.name)) throw new Error(`Projection "${projection.name}" is registered twice`);
    this.byName.set(projection.name, projection);
    for (const type of projection.eventTypes) {
      this.byType.set(type, [...(this.byType.get(type) ?? []), projection]);
    }
  }

  forEventType(type: string): readonly InlineProjection[] {
    return this.byType.get(type) ?? [];
  }

  get(name: string): InlineProjection | undefined {
    return this.byName.get(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }
}
