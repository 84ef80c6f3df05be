import { Module } from '@nestjs/common';
import { formatConfigProblems, SERVICE_ENVIRONMENT } from '@custody/service-host';
import { AUDIT_CONFIG, parseAuditConfig } from './audit-config';
import { AUDIT_INBOX_TRANSPORT, AuditMessagesController } from './audit-messages';
import { AUDIT_SLICE_PROVIDERS } from './host/audit-slices.providers';
import { AuditTables } from './host/audit-tables';
import { CheckpointKey } from './host/checkpoint-key';
import { CheckpointRounds } from './host/checkpoint-rounds';
import { CheckpointSigning } from './host/checkpoint-signing';
import { AuditController } from './http/audit.controller';
import { CheckpointsController } from './http/checkpoints.controller';
import { ReconstructionController } from './http/reconstruction.controller';

/**
 * The audit service (HK-22): an independent, hash-chained copy of every message of every topic,
 * signed checkpoints, proofs, chain verification. The host gives it authentication, probes,
 * metrics, its event store (schema 'audit', relayed to custody.audit.events.v1) and the event log.
 * This module is the audit's composition root: each slice of the record is a factory provider
 * (audit-slices.providers.ts), controllers inject what they use, and what runs (the tables'
 * preparation, the verification and checkpoint rounds, the consumer, the HSM session) starts and
 * stops in the lifecycle hooks of the provider that owns it.
 */
@Module({
  controllers: [
    AuditController,
    CheckpointsController,
    ReconstructionController,
    AuditMessagesController,
  ],
  providers: [
    {
      provide: AUDIT_CONFIG,
      useFactory: (environment: Readonly<Record<string, string | undefined>>) => {
        const parsed = parseAuditConfig(environment);
        // checked before start-up (ownConfigProblems)
        if (!parsed.ok) throw new Error(formatConfigProblems('audit', parsed.problems));
        return parsed.config;
      },
      inject: [SERVICE_ENVIRONMENT],
    },
    ...AUDIT_SLICE_PROVIDERS,
    AuditTables,
    CheckpointKey,
    CheckpointSigning,
    CheckpointRounds,
    AUDIT_INBOX_TRANSPORT,
  ],
})
export class AuditModule {}
