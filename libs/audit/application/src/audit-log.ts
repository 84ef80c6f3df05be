import {
  AUDIT_GENESIS_HASH,
  checkpointsFold,
  consistencyProof,
  entryLeaf,
  inclusionProof,
  recordHash,
  signCheckpointWith,
  type CheckpointSigner,
  treeRoot,
  verifyAuditChain,
  type AuditEntry,
  type AuditRecord,
  type AuditedSource,
  type ChainBreak,
  type Checkpoint,
  type InclusionEvidence,
  reconstructClientBalances,
  clientTrail,
  keyTrail,
  reconstructState,
  type ReconstructedState,
  type AuditedEvent,
  type TrailEntry,
  type AuditedLedgerEvent,
  type ReconstructedBalance,
} from '@custody/audit-domain';
import {
  EXCHANGE_PRICES_TOPIC,
  LEDGER_EVENTS_TOPIC,
  POLICY_EVENTS_TOPIC,
  RECONCILIATION_EVENTS_TOPIC,
  WALLET_EVENTS_TOPIC,
} from '@custody/contracts';
import {
  EventSourcedStreams,
  guardHistory,
  withSchemaDdl,
  type Fold,
  type PostgresEventStore,
} from '@custody/event-store';
import type { ApplyOutcome, ConsumedMessage } from '@custody/messaging';
import type { Pool, PoolClient } from 'pg';

/** Records read per page when verifying or exporting. */
export const AUDIT_PAGE_RECORDS = 10_000;
/** A checkpoint covers at most this many records (the Merkle tree is built in memory: 32 bytes a record). */
export const CHECKPOINT_RECORDS_MAX = 50_000_000;
/** Records one evidence pack carries at most. */
export const EVIDENCE_RECORDS_MAX = 100_000;
/** Ledger events one reconstruction reads at most (beyond: snapshots, not yet built). */
export const RECONSTRUCT_EVENTS_MAX = 5_000_000;
/** The database role the audit service writes as: INSERT and SELECT on its record, never UPDATE or DELETE. */
export const AUDIT_WRITER_ROLE = 'custody_audit_writer';

export interface CheckpointSigned {
  readonly type: 'AuditCheckpointSigned';
  readonly data: Checkpoint;
}

const CHECKPOINTS_AGGREGATE: Fold<readonly Checkpoint[], CheckpointSigned> = checkpointsFold;
const CHECKPOINTS_STREAM_ID = 'audit-checkpoints';

type RecordRow = {
  position: string;
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value_base64: string;
  source_position: string | null;
  source_hash: string | null;
  previous_hash: string;
  hash: string;
};
const recordOf = (row: RecordRow): AuditRecord => ({
  position: BigInt(row.position),
  topic: row.topic,
  partition: row.partition,
  offset: row.offset,
  key: row.key,
  valueBase64: row.value_base64,
  sourcePosition: row.source_position,
  sourceHash: row.source_hash,
  previousHash: row.previous_hash,
  hash: row.hash,
});

/**
 * HK-22, the audit service's independent record: every message of every topic it consumes, as
 * received (exact bytes, topic, partition, offset) with the source store's position and hash,
 * in a hash chain of its own and a Merkle tree whose roots are signed as checkpoints with a key
 * held outside the database. The record is append-only twice over: the history guard refuses
 * UPDATE, DELETE and TRUNCATE (to everyone but its owner in a migration), and the role the service writes as holds INSERT and SELECT only.
 */
export class AuditLog {
  private readonly streams: EventSourcedStreams;

  constructor(private readonly store: PostgresEventStore) {
    this.streams = new EventSourcedStreams(store, { bigintFields: /Minor$/, schemaVersion: 1 });
  }

  get schema(): string {
    return this.store.schema;
  }

  async migrate(pool: Pool = this.store.pool): Promise<void> {
    await withSchemaDdl(pool, this.schema, async (client) => {
      await client.query(`
        create table if not exists ${this.schema}.audit_records (
          position bigint primary key,
          topic text not null,
          partition int not null,
          "offset" text not null,
          key text,
          value_base64 text not null,
          source_position text,
          source_hash text,
          previous_hash text not null,
          hash text not null,
          leaf_hash bytea not null,
          received_at timestamptz not null default now(),
          unique (topic, partition, "offset")
        );
        create table if not exists ${this.schema}.audit_queries (
          id bigserial primary key,
          caller text not null,
          query text not null,
          at timestamptz not null default now()
        );`);
      // the history guard of every service (refuses UPDATE, DELETE and TRUNCATE but to the owner in a
      // migration), on the record and on the log of auditors' queries; it replaces the record's own trigger function
      await guardHistory(client, this.schema, 'audit_records');
      await guardHistory(client, this.schema, 'audit_queries');
      await client.query(`drop function if exists ${this.schema}.audit_append_only()`);
      // the writer role: roles are cluster-wide, so another database may be creating it at this very moment
      await client.query(`
        do $$ begin
          if not exists (select from pg_roles where rolname = '${AUDIT_WRITER_ROLE}') then create role ${AUDIT_WRITER_ROLE} nologin; end if;
        exception when duplicate_object or unique_violation then null;
        end $$;`);
      await client.query(`grant usage on schema ${this.schema} to ${AUDIT_WRITER_ROLE}`);
      await client.query(
        `grant select, insert on ${this.schema}.audit_records, ${this.schema}.audit_queries to ${AUDIT_WRITER_ROLE}`,
      );
      await client.query(
        `grant usage on sequence ${this.schema}.audit_queries_id_seq to ${AUDIT_WRITER_ROLE}`,
      );
      await client.query(
        `revoke update, delete, truncate on ${this.schema}.audit_records from ${AUDIT_WRITER_ROLE}, public`,
      );
      // the service's own database user may act as the writer (SET ROLE) when it appends
      await client.query(`grant ${AUDIT_WRITER_ROLE} to current_user`);
    });
  }

  /** The inbox consumer's `apply`: each message appended to the chain, in the batch's transaction, one writer at a time. */
  apply() {
    return async (
      messages: readonly ConsumedMessage[],
      client: PoolClient,
    ): Promise<ApplyOutcome> => {
      await client.query('select pg_advisory_xact_lock(hashtext($1))', [
        `custody.audit-append.${this.schema}`,
      ]);
      // the record is written as the writer role (INSERT and SELECT only) for the rest of this transaction:
      // even a bug here cannot UPDATE or DELETE a record (the inbox row was written before, as the owner)
      await client.query(`set local role ${AUDIT_WRITER_ROLE}`);
      const { rows } = await client.query<{ position: string; hash: string }>(
        `select r.position::text as position, r.hash from ${this.schema}.audit_records r order by r.position desc limit 1`,
      );
      let position = BigInt(rows[0]?.position ?? '0');
      let previous = rows[0]?.hash ?? AUDIT_GENESIS_HASH;
      const entries: AuditEntry[] = messages.map((message) => ({
        topic: message.topic,
        partition: message.partition,
        offset: message.offset,
        key: message.raw.key === null ? null : message.raw.key.toString('utf8'),
        valueBase64: message.raw.value.toString('base64'),
        sourcePosition: message.headers['source-position'] ?? null,
        sourceHash: message.headers['source-hash'] ?? null,
      }));
      // the same Kafka message again is recorded once: what the record holds already is left out before the chain is extended
      const { rows: held } = await client.query<{
        topic: string;
        partition: number;
        offset: string;
      }>(
        `select r.topic, r.partition, r."offset" from ${this.schema}.audit_records r
           join unnest($1::text[], $2::int4[], $3::text[]) as m(topic, partition, "offset") using (topic, partition, "offset")`,
        [
          entries.map((entry) => entry.topic),
          entries.map((entry) => entry.partition),
          entries.map((entry) => entry.offset),
        ],
      );
      const already = new Set(
        held.map((row) => `${row.topic}\u0000${row.partition}\u0000${row.offset}`),
      );
      const appended: {
        position: string;
        entry: AuditEntry;
        previous: string;
        hash: string;
        leaf: Buffer;
      }[] = [];
      for (const entry of entries) {
        if (already.has(`${entry.topic}\u0000${entry.partition}\u0000${entry.offset}`)) continue;
        position += 1n;
        const hash = recordHash(previous, position, entry);
        appended.push({
          position: position.toString(),
          entry,
          previous,
          hash,
          leaf: entryLeaf(entry),
        });
        previous = hash;
      }
      // one statement per batch, in chain order
      if (appended.length > 0) {
        await client.query(
          `insert into ${this.schema}.audit_records (position, topic, partition, "offset", key, value_base64, source_position, source_hash, previous_hash, hash, leaf_hash)
           select * from unnest($1::int8[], $2::text[], $3::int4[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::bytea[])`,
          [
            appended.map((row) => row.position),
            appended.map((row) => row.entry.topic),
            appended.map((row) => row.entry.partition),
            appended.map((row) => row.entry.offset),
            appended.map((row) => row.entry.key),
            appended.map((row) => row.entry.valueBase64),
            appended.map((row) => row.entry.sourcePosition),
            appended.map((row) => row.entry.sourceHash),
            appended.map((row) => row.previous),
            appended.map((row) => row.hash),
            appended.map((row) => row.leaf),
          ],
        );
      }
      return { rejected: [] };
    };
  }

  async size(): Promise<number> {
    const { rows } = await this.store.pool.query<{ size: string | null }>(
      `select max(position)::text as size from ${this.schema}.audit_records`,
    );
    return Number(rows[0]?.size ?? '0');
  }

  async records(fromPosition: bigint, limit: number): Promise<AuditRecord[]> {
    const { rows } = await this.store.pool.query<RecordRow>(
      `select r.position::text as position, r.topic, r.partition, r."offset", r.key, r.value_base64, r.source_position, r.source_hash, r.previous_hash, r.hash
         from ${this.schema}.audit_records r where r.position >= $1 order by r.position limit $2`,
      [fromPosition.toString(), Math.min(limit, AUDIT_PAGE_RECORDS)],
    );
    return rows.map(recordOf);
  }

  private async leaves(size: number): Promise<Buffer[]> {
    if (size > CHECKPOINT_RECORDS_MAX)
      throw new Error(`assertion: a checkpoint covers at most ${CHECKPOINT_RECORDS_MAX} records`);
    const leaves: Buffer[] = [];
    for (let from = 1; from <= size; from += AUDIT_PAGE_RECORDS) {
      const { rows } = await this.store.pool.query<{ leaf_hash: Buffer }>(
        `select leaf_hash from ${this.schema}.audit_records where position >= $1 and position <= $2 order by position`,
        [from, Math.min(size, from + AUDIT_PAGE_RECORDS - 1)],
      );
      for (const row of rows) leaves.push(row.leaf_hash);
    }
    if (leaves.length !== size)
      throw new Error(`assertion: ${leaves.length} leaves for a tree of ${size}`);
    return leaves;
  }

  /**
   * A checkpoint of the record as it stands (or of its first `sizeMax` records): its size, the Merkle root of its entries, its chain
   * head, signed with the key (Ed25519, never stored here) and recorded as `AuditCheckpointSigned`
   * (relayed to custody.audit.events.v1). Nothing new since the last one: that one is returned.
   */
  async checkpoint(signer: CheckpointSigner, at: string, sizeMax?: number): Promise<Checkpoint> {
    // up to `sizeMax` when given: a checkpoint covers only records its caller verified
    const size = sizeMax === undefined ? await this.size() : Math.min(await this.size(), sizeMax);
    const [last] = (await this.checkpoints()).slice(-1);
    if (last !== undefined && last.treeSize >= size) return last; // nothing new (or less than already signed): the last one
    const [head] = await this.records(BigInt(size), 1);
    const signed = await signCheckpointWith(
      {
        treeSize: size,
        rootHash: treeRoot(await this.leaves(size)).toString('hex'),
        chainHead: head?.hash ?? AUDIT_GENESIS_HASH,
        at,
      },
      signer,
    );
    await this.streams.execute(
      CHECKPOINTS_STREAM_ID,
      CHECKPOINTS_AGGREGATE,
      (checkpoints) =>
        checkpoints.some((existing) => existing.treeSize === size)
          ? { ok: true as const, events: [] }
          : {
              ok: true as const,
              events: [{ type: 'AuditCheckpointSigned' as const, data: signed }],
            },
      { actor: 'audit-service' },
    );
    return signed;
  }

  async checkpoints(): Promise<readonly Checkpoint[]> {
    return (await this.streams.load(CHECKPOINTS_STREAM_ID, CHECKPOINTS_AGGREGATE)).state;
  }

  /** Records [from, to] with their inclusion proofs in the checkpoint of `treeSize` records. */
  async evidence(from: number, to: number, treeSize: number): Promise<InclusionEvidence[]> {
    if (from < 1 || to < from || to > treeSize || to - from + 1 > EVIDENCE_RECORDS_MAX)
      throw new Error(`assertion: records ${from}..${to} of a checkpoint of ${treeSize}`);
    const leaves = await this.leaves(treeSize);
    const evidence: InclusionEvidence[] = [];
    for (let start = from; start <= to; start += AUDIT_PAGE_RECORDS) {
      for (const record of await this.records(
        BigInt(start),
        Math.min(AUDIT_PAGE_RECORDS, to - start + 1),
      )) {
        const { position, previousHash: _previous, hash: _hash, ...entry } = record;
        evidence.push({
          position: position.toString(),
          entry,
          proof: inclusionProof(leaves, Number(position) - 1, treeSize).map((step) =>
            step.toString('hex'),
          ),
        });
      }
    }
    return evidence;
  }

  /** The proof that the checkpoint of `first` records is a prefix of the one of `second`. */
  async consistency(first: number, second: number): Promise<string[]> {
    return consistencyProof(await this.leaves(second), first, second).map((step) =>
      step.toString('hex'),
    );
  }

  /** Walks the whole chain page by page: the first break, or none; and how many records were checked. */
  async verifyChain(
    onProgress?: (checked: number) => void,
  ): Promise<{ readonly checked: number; readonly broken?: ChainBreak }> {
    let previous = AUDIT_GENESIS_HASH;
    let checked = 0;
    for (;;) {
      const page = await this.records(BigInt(checked + 1), AUDIT_PAGE_RECORDS);
      const broken = verifyAuditChain(page, previous, BigInt(checked));
      if (broken !== undefined) return { checked: Number(broken.position) - 1, broken }; // every record before it holds
      if (page.length === 0) return { checked };
      checked += page.length;
      previous = page.at(-1)?.hash ?? previous;
      onProgress?.(checked);
    }
  }

  /** What the record holds of one service's topic, by audit position: the source position and hash of each (the cross-check's audit side). */
  async auditedSources(
    topic: string,
    afterAuditPosition: bigint,
    limit: number,
  ): Promise<AuditedSource[]> {
    const { rows } = await this.store.pool.query<{
      position: string;
      source_position: string;
      source_hash: string | null;
    }>(
      `select r.position::text as position, r.source_position, r.source_hash from ${this.schema}.audit_records r
        where r.topic = $1 and r.source_position is not null and r.position > $2 order by r.position limit $3`,
      [topic, afterAuditPosition.toString(), Math.min(limit, AUDIT_PAGE_RECORDS)],
    );
    return rows.map((row) => ({
      auditPosition: row.position,
      sourcePosition: row.source_position,
      sourceHash: row.source_hash,
    }));
  }

  /** The audited events of some topics, decoded, in record order (bounded by RECONSTRUCT_EVENTS_MAX). */
  private async auditedEvents(
    topics: readonly string[],
    sourcedOnly = false,
  ): Promise<(AuditedEvent & { readonly sourcePosition: bigint | null })[]> {
    const events: (AuditedEvent & { sourcePosition: bigint | null })[] = [];
    for (let after = 0n; ;) {
      const { rows } = await this.store.pool.query<{
        position: string;
        topic: string;
        source_position: string | null;
        value_base64: string;
      }>(
        `select r.position::text as position, r.topic, r.source_position, r.value_base64 from ${this.schema}.audit_records r
          where r.topic = any($1::text[]) and ($2::boolean = false or r.source_position is not null) and r.position > $3 order by r.position limit ${AUDIT_PAGE_RECORDS}`,
        [topics, sourcedOnly, after.toString()],
      );
      for (const row of rows) {
        const envelope = JSON.parse(Buffer.from(row.value_base64, 'base64').toString('utf8')) as {
          type: string;
          occurredAt: string;
          data: Record<string, unknown>;
        };
        events.push({
          auditPosition: BigInt(row.position),
          topic: row.topic,
          type: envelope.type,
          occurredAt: envelope.occurredAt,
          data: envelope.data,
          sourcePosition: row.source_position === null ? null : BigInt(row.source_position),
        });
      }
      if (events.length > RECONSTRUCT_EVENTS_MAX)
        throw new Error(
          `more than ${RECONSTRUCT_EVENTS_MAX} audited events: reconstruct from a snapshot`,
        );
      if (rows.length < AUDIT_PAGE_RECORDS) return events;
      after = BigInt(rows.at(-1)?.position ?? '0');
    }
  }

  /**
   * HK-22 point-in-time, from the audit record alone: a client's balances as of a position of the
   * ledger's store, or as of an instant (the last ledger event recorded at or before it).
   */
  async reconstructClientBalances(
    clientId: string,
    asOf: { readonly ledgerPosition: bigint } | { readonly at: string },
  ): Promise<{
    readonly ledgerPosition: bigint;
    readonly balances: readonly ReconstructedBalance[];
  }> {
    const audited = await this.auditedEvents([LEDGER_EVENTS_TOPIC], true);
    let upTo = 'ledgerPosition' in asOf ? asOf.ledgerPosition : 0n;
    const events: AuditedLedgerEvent[] = [];
    for (const event of audited) {
      const sourcePosition = event.sourcePosition ?? 0n;
      if (
        'at' in asOf &&
        Date.parse(event.occurredAt) <= Date.parse(asOf.at) &&
        sourcePosition > upTo
      )
        upTo = sourcePosition;
      events.push({ sourcePosition, type: event.type, data: event.data });
    }
    return { ledgerPosition: upTo, balances: reconstructClientBalances(events, clientId, upTo) };
  }

  /** HK-22 point-in-time: wallets, allow-lists, key access, policy version, open breaches and discrepancies, prices, as of an instant. */
  async reconstructState(at: string): Promise<ReconstructedState> {
    return reconstructState(
      await this.auditedEvents([
        WALLET_EVENTS_TOPIC,
        POLICY_EVENTS_TOPIC,
        RECONCILIATION_EVENTS_TOPIC,
        EXCHANGE_PRICES_TOPIC,
      ]),
      at,
    );
  }

  /** HK-22 trails from the audit record alone: a client's movements (books and chain), or a key's life, access changes and uses (TW-18, HK-11c). */
  async trail(
    of: { readonly clientId: string } | { readonly keyId: string },
  ): Promise<TrailEntry[]> {
    if ('clientId' in of)
      return clientTrail(
        await this.auditedEvents([LEDGER_EVENTS_TOPIC, WALLET_EVENTS_TOPIC]),
        of.clientId,
      );
    return keyTrail(await this.auditedEvents([WALLET_EVENTS_TOPIC]), of.keyId);
  }

  /** Every auditor query is itself recorded (HK-22): who asked what, when. */
  async recordQuery(caller: string, query: string): Promise<void> {
    await this.store.pool.query(
      `insert into ${this.schema}.audit_queries (caller, query) values ($1, $2)`,
      [caller, query.slice(0, 2_000)],
    );
  }
}
