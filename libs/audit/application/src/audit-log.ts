import type {
  AuditRecord,
  AuditedSource,
  ChainBreak,
  Checkpoint,
  CheckpointSigner,
  InclusionEvidence,
  ReconstructedBalance,
  ReconstructedState,
  TrailEntry,
} from '@custody/audit-domain';
import type { PostgresEventStore } from '@custody/event-store';
import type { ApplyOutcome, ConsumedMessage } from '@custody/messaging';
import type { Pool, PoolClient } from 'pg';
import { AuditorQueryLog } from './auditor-queries/auditor-query-log';
import { CheckpointsQuery } from './checkpoints/checkpoints-query';
import { SignCheckpoint } from './checkpoints/sign-checkpoint';
import { AuditedSourcesQuery } from './cross-check/audited-sources-query';
import { EvidenceQuery } from './evidence/evidence-query';
import { AppendToRecord } from './ingestion/append-to-record';
import { ReconstructionQuery } from './reconstruction/reconstruction-query';
import { TrailsQuery } from './reconstruction/trails-query';
import { AuditRecords } from './record/audit-records';
import { migrateAuditTables } from './record/audit-tables';
import { auditContext, type AuditContext } from './shared/audit-context';
import { VerifyChain } from './verification/verify-chain';

/**
 * HK-22, the audit record's slices under one object, for the flows in tools/e2e and this
 * library's int spec (which drive the record without its HTTP host). Each method is one slice's;
 * the audit app provides and injects the slices themselves.
 */
export class AuditLog {
  private readonly context: AuditContext;
  private readonly appending: AppendToRecord;
  private readonly stored: AuditRecords;
  private readonly signed: CheckpointsQuery;
  private readonly signing: SignCheckpoint;
  private readonly proofs: EvidenceQuery;
  private readonly verification: VerifyChain;
  private readonly sources: AuditedSourcesQuery;
  private readonly reconstruction: ReconstructionQuery;
  private readonly trails: TrailsQuery;
  private readonly queries: AuditorQueryLog;

  constructor(store: PostgresEventStore) {
    this.context = auditContext(store);
    this.appending = new AppendToRecord(this.context);
    this.stored = new AuditRecords(this.context);
    this.signed = new CheckpointsQuery(this.context);
    this.signing = new SignCheckpoint(this.context, this.stored, this.signed);
    this.proofs = new EvidenceQuery(this.stored);
    this.verification = new VerifyChain(this.stored);
    this.sources = new AuditedSourcesQuery(this.context);
    this.reconstruction = new ReconstructionQuery(this.context);
    this.trails = new TrailsQuery(this.context);
    this.queries = new AuditorQueryLog(this.context);
  }

  get schema(): string {
    return this.context.schema;
  }

  async migrate(pool: Pool = this.context.store.pool): Promise<void> {
    await migrateAuditTables(pool, this.schema);
  }

  /** The inbox consumer's `apply`: each message appended to the chain, in the batch's transaction, one writer at a time. */
  apply() {
    return (messages: readonly ConsumedMessage[], client: PoolClient): Promise<ApplyOutcome> =>
      this.appending.append(messages, client);
  }

  size(): Promise<number> {
    return this.stored.size();
  }

  records(fromPosition: bigint, limit: number): Promise<AuditRecord[]> {
    return this.stored.records(fromPosition, limit);
  }

  checkpoint(signer: CheckpointSigner, at: string, sizeMax?: number): Promise<Checkpoint> {
    return this.signing.sign(signer, at, sizeMax);
  }

  checkpoints(): Promise<readonly Checkpoint[]> {
    return this.signed.all();
  }

  evidence(from: number, to: number, treeSize: number): Promise<InclusionEvidence[]> {
    return this.proofs.evidence(from, to, treeSize);
  }

  consistency(first: number, second: number): Promise<string[]> {
    return this.proofs.consistency(first, second);
  }

  verifyChain(
    onProgress?: (checked: number) => void,
  ): Promise<{ readonly checked: number; readonly broken?: ChainBreak }> {
    return this.verification.verify(onProgress);
  }

  auditedSources(
    topic: string,
    afterAuditPosition: bigint,
    limit: number,
  ): Promise<AuditedSource[]> {
    return this.sources.page(topic, afterAuditPosition, limit);
  }

  reconstructClientBalances(
    clientId: string,
    asOf: { readonly ledgerPosition: bigint } | { readonly at: string },
  ): Promise<{
    readonly ledgerPosition: bigint;
    readonly balances: readonly ReconstructedBalance[];
  }> {
    return this.reconstruction.clientBalances(clientId, asOf);
  }

  reconstructState(at: string): Promise<ReconstructedState> {
    return this.reconstruction.state(at);
  }

  trail(of: { readonly clientId: string } | { readonly keyId: string }): Promise<TrailEntry[]> {
    return this.trails.trail(of);
  }

  recordQuery(caller: string, query: string): Promise<void> {
    return this.queries.record(caller, query);
  }
}
