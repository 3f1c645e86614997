import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { NewEvent, StoredEvent, Upcaster } from '@app/kernel';

/** Far more steps than any history needs: reaching it means two upcasters undo each other. */
const MAX_UPCAST_DEPTH = 32;

const keyOf = (type: string, version: number) => `${type}@${version}`;

/**
 * The upcasters of every context, registered when their modules start (as inline projections
 * are). The event store runs each event it reads through `upcast`, so code only ever sees the
 * current version of each event type.
 */
@Injectable()
export class UpcasterRegistry {
  private readonly byKey = new Map<string, Upcaster>();

  register(upcaster: Upcaster): void {
    const key = keyOf(upcaster.eventType, upcaster.fromVersion);
    if (this.byKey.has(key)) throw new Error(`An upcaster for ${upcaster.eventType} v${upcaster.fromVersion} is registered twice`);
    this.byKey.set(key, upcaster);
    this.cachedFingerprint = null;
  }

  private cachedFingerprint: string | null = null;

  /**
   * Names the set of upcasters in force. A state folded from upcast events depends on them: a
   * snapshot taken under another set is not trusted (see `CommandPath`).
   */
  fingerprint(): string {
    this.cachedFingerprint ??= createHash('sha1').update([...this.byKey.keys()].sort().join(',')).digest('hex').slice(0, 12);
    return this.cachedFingerprint;
  }

  /**
   * The stored event as current code reads it: itself when no upcaster applies, otherwise every
   * event its upcasters turn it into. Each keeps the stored event's identity (event id, position,
   * stream version, metadata, time), so one stored event split in several still counts once in
   * its stream's version and is still found by its id.
   */
  upcast(event: StoredEvent): StoredEvent[] {
    if (!this.byKey.has(keyOf(event.type, event.schemaVersion))) return [event];
    return this.current(event, 0).map(({ type, schemaVersion, data }) => ({ ...event, type, schemaVersion, data }));
  }

  upcastAll(events: readonly StoredEvent[]): StoredEvent[] {
    return events.flatMap((event) => this.upcast(event));
  }

  /**
   * The stored event types whose events may be read as one of `types`: those types and every
   * older type some chain of upcasters turns into one of them. For queries that select stored
   * rows by type before upcasting them.
   */
  storedTypesOf(types: readonly string[]): string[] {
    const found = new Set(types);
    for (let grew = true; grew; ) {
      grew = false;
      for (const upcaster of this.byKey.values()) {
        if (!found.has(upcaster.eventType) && upcaster.produces.some((type) => found.has(type))) {
          found.add(upcaster.eventType);
          grew = true;
        }
      }
    }
    return [...found];
  }

  private current(event: NewEvent, depth: number): NewEvent[] {
    const upcaster = this.byKey.get(keyOf(event.type, event.schemaVersion));
    if (!upcaster) return [event];
    if (depth >= MAX_UPCAST_DEPTH) throw new Error(`Upcasting ${event.type} v${event.schemaVersion} does not end: check its upcasters for a cycle`);
    const next = upcaster.upcast(event);
    for (const produced of next) {
      if (!upcaster.produces.includes(produced.type)) {
        throw new Error(`The upcaster of ${upcaster.eventType} v${upcaster.fromVersion} returned ${produced.type}, which it does not declare in produces`);
      }
    }
    return next.flatMap((produced) => this.current(produced, depth + 1));
  }
}
