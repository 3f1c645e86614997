import { Injectable } from '@nestjs/common';
import type { AuditEntry, AuditMapping, StoredEvent } from '@app/kernel';
import { UpcasterRegistry } from '../upcasting/upcaster-registry.js';

/**
 * The audit mappings of every context, registered when their modules start. Each context knows
 * which of its own events GitLab audits and how; the audit worker (activity) only asks this
 * registry, so it imports no other context. Events given to it are current (already upcast).
 */
@Injectable()
export class AuditMappingRegistry {
  private readonly byType = new Map<string, AuditMapping>();

  constructor(private readonly upcasters: UpcasterRegistry) {}

  register(mapping: AuditMapping): void {
    for (const type of mapping.eventTypes) {
      const existing = this.byType.get(type);
      if (existing) throw new Error(`Event type ${type} is audited by both ${existing.context} and ${mapping.context}`);
    }
    for (const type of mapping.eventTypes) this.byType.set(type, mapping);
  }

  /** The current event types that leave audit rows. */
  get eventTypes(): string[] {
    return [...this.byType.keys()];
  }

  audits(event: { type: string }): boolean {
    return this.byType.has(event.type);
  }

  /**
   * The types audited events may be stored under, older ones that upcast into audited types
   * included: for queries over `es_events` (the audit reconciliation).
   */
  storedEventTypes(): string[] {
    return this.upcasters.storedTypesOf(this.eventTypes);
  }

  entriesFor(event: StoredEvent): AuditEntry[] {
    return this.byType.get(event.type)?.entriesFor(event) ?? [];
  }
}
