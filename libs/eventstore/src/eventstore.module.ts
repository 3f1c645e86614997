import { Global, Module } from '@nestjs/common';
import { CommitNotifier } from './append/commit-notifier.js';
import { CommandPath } from './commands/command-path.js';
import { EventStore } from './append/event-store.js';
import { ProjectionRebuilder } from './projections/projection-rebuilder.js';
import { ProjectionRegistry } from './projections/projection-registry.js';
import { AsyncConsumerRegistry } from './subscriptions/async-consumer-registry.js';
import { AsyncConsumerRunner } from './subscriptions/async-consumer-runner.js';
import { AuditMappingRegistry } from './audit/audit-mapping-registry.js';
import { UpcasterRegistry } from './upcasting/upcaster-registry.js';
import { RelayMetrics } from './relay/relay-metrics.js';
import { ChainMetrics } from './integrity/chain-metrics.js';
import { ChainVerifier } from './integrity/chain-verifier.service.js';

@Global()
@Module({
  providers: [EventStore, CommandPath, CommitNotifier, ProjectionRegistry, ProjectionRebuilder, AsyncConsumerRegistry, AsyncConsumerRunner, UpcasterRegistry, AuditMappingRegistry, RelayMetrics, ChainMetrics, ChainVerifier],
  exports: [EventStore, CommandPath, ProjectionRegistry, ProjectionRebuilder, AsyncConsumerRegistry, AsyncConsumerRunner, UpcasterRegistry, AuditMappingRegistry, ChainVerifier],
})
export class EventStoreModule {}
