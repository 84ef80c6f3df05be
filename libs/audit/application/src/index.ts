export { AUDIT_PAGE_RECORDS, auditContext, type AuditContext } from './shared/audit-context';
// the record: its tables, the writer role, reading it
export { AUDIT_WRITER_ROLE, migrateAuditTables } from './record/audit-tables';
export { AuditRecords, CHECKPOINT_RECORDS_MAX } from './record/audit-records';
// ingestion: every consumed message appended to the chain
export { AppendToRecord } from './ingestion/append-to-record';
// checkpoints
export type { CheckpointSigned } from './checkpoints/checkpoints-stream';
export { CheckpointsQuery } from './checkpoints/checkpoints-query';
export { SignCheckpoint } from './checkpoints/sign-checkpoint';
// evidence and verification
export { EVIDENCE_RECORDS_MAX, EvidenceQuery } from './evidence/evidence-query';
export { VerifyChain } from './verification/verify-chain';
export { AuditedSourcesQuery } from './cross-check/audited-sources-query';
// point-in-time reconstruction and trails
export { RECONSTRUCT_EVENTS_MAX } from './reconstruction/audited-events';
export { ReconstructionQuery } from './reconstruction/reconstruction-query';
export { TrailsQuery } from './reconstruction/trails-query';
// who asked what
export { AuditorQueryLog } from './auditor-queries/auditor-query-log';
