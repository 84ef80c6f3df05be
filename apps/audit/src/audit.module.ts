import { Module } from '@nestjs/common';

/**
 * The audit service: independent hash-chained copy of every event, checkpoints, point-in-time reconstruction, evidence (HK-22).
 * Its domain arrives with its own issue; the host already gives it authentication, probes,
 * metrics, its event store (schema 'audit') and the auditor's event-log endpoints.
 */
@Module({})
export class AuditModule {}
