import { Module } from '@nestjs/common';
import { formatConfigProblems } from '@custody/service-host';
import { AUDIT_CONFIG, parseAuditConfig } from './audit-config';
import { AuditRuntime } from './audit-runtime';
import { AuditController } from './http/audit.controller';

/**
 * The audit service (HK-22): an independent, hash-chained copy of every message of every topic,
 * signed checkpoints, proofs, chain verification. The host gives it authentication, probes,
 * metrics, its event store (schema 'audit', relayed to custody.audit.events.v1) and the event log.
 */
@Module({
  controllers: [AuditController],
  providers: [
    {
      provide: AUDIT_CONFIG,
      useFactory: () => {
        const parsed = parseAuditConfig(process.env);
        if (!parsed.ok) throw new Error(formatConfigProblems('audit', parsed.problems)); // main.ts checked it before start-up
        return parsed.config;
      },
    },
    AuditRuntime,
  ],
})
export class AuditModule {}
