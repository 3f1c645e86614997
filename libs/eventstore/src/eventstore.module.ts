import { Global, Module } from '@nestjs/common';
import { CommitNotifier } from './append/commit-notifier.js';
import { EventStore } from './append/event-store.js';
import { ProjectionRebuilder } from './projections/projection-rebuilder.js';
import { ProjectionRegistry } from './projections/projection-registry.js';

@Global()
@Module({
  providers: [EventStore, CommitNotifier, ProjectionRegistry, ProjectionRebuilder],
  exports: [EventStore, ProjectionRegistry, ProjectionRebuilder],
})
export class EventStoreModule {}
