import type { Provider } from '@nestjs/common';
import {
  AppendToRecord,
  auditContext,
  AuditedSourcesQuery,
  AuditorQueryLog,
  AuditRecords,
  CheckpointsQuery,
  EvidenceQuery,
  ReconstructionQuery,
  SignCheckpoint,
  TrailsQuery,
  VerifyChain,
  type AuditContext,
} from '@custody/audit-application';
import type { PostgresEventStore } from '@custody/event-store';
import { EVENT_STORE, slice } from '@custody/service-host';

/** The audit's event store and its streams (schema 'audit', given by the host). */
export const AUDIT_CONTEXT = Symbol('custody.audit.context');

/** Every slice of the audit record, each built from what it needs. */
export const AUDIT_SLICE_PROVIDERS: Provider[] = [
  {
    provide: AUDIT_CONTEXT,
    useFactory: (store: PostgresEventStore) => auditContext(store),
    inject: [EVENT_STORE],
  },
  // the record as it stands, and every consumed message appended to it
  slice(AuditRecords, [AUDIT_CONTEXT], (context: AuditContext) => new AuditRecords(context)),
  slice(AppendToRecord, [AUDIT_CONTEXT], (context: AuditContext) => new AppendToRecord(context)),
  // checkpoints
  slice(
    CheckpointsQuery,
    [AUDIT_CONTEXT],
    (context: AuditContext) => new CheckpointsQuery(context),
  ),
  slice(
    SignCheckpoint,
    [AUDIT_CONTEXT, AuditRecords, CheckpointsQuery],
    (context: AuditContext, records: AuditRecords, checkpoints: CheckpointsQuery) =>
      new SignCheckpoint(context, records, checkpoints),
  ),
  // evidence, verification and the cross-check's audit side
  slice(EvidenceQuery, [AuditRecords], (records: AuditRecords) => new EvidenceQuery(records)),
  slice(VerifyChain, [AuditRecords], (records: AuditRecords) => new VerifyChain(records)),
  slice(
    AuditedSourcesQuery,
    [AUDIT_CONTEXT],
    (context: AuditContext) => new AuditedSourcesQuery(context),
  ),
  // point-in-time reconstruction and trails
  slice(
    ReconstructionQuery,
    [AUDIT_CONTEXT],
    (context: AuditContext) => new ReconstructionQuery(context),
  ),
  slice(TrailsQuery, [AUDIT_CONTEXT], (context: AuditContext) => new TrailsQuery(context)),
  // who asked what
  slice(AuditorQueryLog, [AUDIT_CONTEXT], (context: AuditContext) => new AuditorQueryLog(context)),
];
