import { Module } from '@nestjs/common';

/**
 * The policy service: policy versions, withdrawal approvals, ratio checks, commingling exceptions, capital report (TW-3/4, HK-11g/j, BC-1..4).
 * Its domain arrives with its own issue; the host already gives it authentication, probes,
 * metrics, its event store (schema 'policy') and the auditor's event-log endpoints.
 */
@Module({})
export class PolicyModule {}
