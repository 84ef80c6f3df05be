import { Module } from '@nestjs/common';
import { formatConfigProblems, SERVICE_ENVIRONMENT } from '@custody/service-host';
import { AUDIT_CONFIG, parseAuditConfig } from './audit-config';
import { AUDIT_INBOX_TRANSPORT, AuditMessagesController } from './audit-messages';
import { AuditRuntime } from './audit-runtime';
import { AuditController } from './http/audit.controller';

/**
 * The audit service (HK-22): an independent, hash-chained copy of every message of every topic,
 * signed checkpoints, proofs, chain verification. The host gives it authentication, probes,
 * metrics, its event store (schema 'audit', relayed to custody.audit.events.v1) and the event log.
 */
@Module({
  controllers: [AuditController, AuditMessagesController],
  providers: [
    {
      provide: AUDIT_CONFIG,
      useFactory: (environment: Readonly<Record<string, string | undefined>>) => {
        const parsed = parseAuditConfig(environment);
        if (!parsed.ok) throw new Error(formatConfigProblems('audit', parsed.problems)); // checked before start-up (ownConfigProblems)
        return parsed.config;
      },
      inject: [SERVICE_ENVIRONMENT],
    },
    AuditRuntime,
    AUDIT_INBOX_TRANSPORT,
  ],
})
export class AuditModule {}
