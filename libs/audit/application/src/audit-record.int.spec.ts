import { generateKeyPairSync, randomUUID } from 'node:crypto';
import {
  keyObjectSigner,
  verifyCheckpoint,
  verifyConsistency,
  verifyEvidence,
} from '@custody/audit-domain';
import {
  DEAD_LETTER_TOPIC,
  EXCHANGE_PRICES_TOPIC,
  LEDGER_EVENTS_TOPIC,
  WALLET_EVENTS_TOPIC,
  type Topic,
} from '@custody/contracts';
import { PostgresEventStore } from '@custody/event-store';
import { InboxConsumer, InProcessMessageBus, type ConsumedMessage } from '@custody/messaging';
import { createTestDatabase, eventually, type TestDatabase } from '@custody/testing';
import { CheckpointsQuery } from './checkpoints/checkpoints-query';
import { SignCheckpoint } from './checkpoints/sign-checkpoint';
import { EvidenceQuery } from './evidence/evidence-query';
import { AppendToRecord } from './ingestion/append-to-record';
import { AuditRecords } from './record/audit-records';
import { AUDIT_WRITER_ROLE, migrateAuditTables } from './record/audit-tables';
import { auditContext } from './shared/audit-context';
import { VerifyChain } from './verification/verify-chain';

const WAIT_MS = 20_000;
const TOPICS: Topic[] = [
  LEDGER_EVENTS_TOPIC,
  WALLET_EVENTS_TOPIC,
  EXCHANGE_PRICES_TOPIC,
  DEAD_LETTER_TOPIC,
];

function envelope(type: string, streamId: string, data: Record<string, unknown>) {
  const eventId = randomUUID();
  return {
    eventId,
    type,
    schemaVersion: 1,
    streamId,
    streamVersion: '1',
    occurredAt: '2026-11-24T09:00:00.000Z',
    causationId: null,
    correlationId: eventId,
    data,
  };
}

/**
 * HK-22 over real PostgreSQL and the in-process bus (the same ports as Kafka): every message of
 * every topic recorded once with its exact bytes and the source's position and hash, chained,
 * checkpointed with a signature, provable record by record and checkpoint to checkpoint; the
 * record refuses UPDATE and DELETE, and the writer role cannot even ask.
 */
describe('the audit record (PostgreSQL)', () => {
  let db: TestDatabase;
  // the slices this spec drives, as the audit app provides them (apps/audit/src/host/audit-slices.providers.ts)
  let appending: AppendToRecord;
  let auditRecords: AuditRecords;
  let checkpoints: CheckpointsQuery;
  let signing: SignCheckpoint;
  let proofs: EvidenceQuery;
  let verification: VerifyChain;
  let bus: InProcessMessageBus;
  let consumer: InboxConsumer;
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const publish = (
    topic: string,
    headers: Record<string, string>,
    ...messages: ReturnType<typeof envelope>[]
  ) =>
    bus.publisher.publish(
      topic,
      messages.map((message) => ({
        key: message.streamId,
        value: JSON.stringify(message),
        headers,
      })),
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    const store = new PostgresEventStore({ pool: db.pool, schema: 'audit' });
    await store.migrate();
    await migrateAuditTables(db.pool, store.schema);
    const context = auditContext(store);
    appending = new AppendToRecord(context);
    auditRecords = new AuditRecords(context);
    checkpoints = new CheckpointsQuery(context);
    signing = new SignCheckpoint(context, auditRecords, checkpoints);
    proofs = new EvidenceQuery(auditRecords);
    verification = new VerifyChain(auditRecords);
    bus = new InProcessMessageBus();
    consumer = new InboxConsumer({
      bus,
      groupId: 'audit',
      topics: TOPICS,
      pool: db.pool,
      schema: 'audit',
      apply: (messages, client) => appending.append(messages, client),
    });
    await consumer.migrate();
    await consumer.start();
  });
  afterAll(async () => {
    await consumer?.stop();
    await db?.drop();
  });

  let first = 0;
  it("HK-22 records every message of every topic once, with the source store's position and hash, in an unbroken chain", async () => {
    await publish(
      LEDGER_EVENTS_TOPIC,
      { 'source-position': '1', 'source-hash': 'aa'.repeat(32) },
      envelope('ClientOnboarded', 'ledger-client-alice', { clientId: 'alice' }),
    );
    await publish(
      WALLET_EVENTS_TOPIC,
      { 'source-position': '7', 'source-hash': 'bb'.repeat(32) },
      envelope('KeyUsed', 'wallet-hot-1', { keyId: 'k' }),
    );
    await publish(
      EXCHANGE_PRICES_TOPIC,
      {},
      envelope('PriceObserved', 'price-ETH', {
        asset: 'ETH',
        quoteCurrency: 'USD',
        price: '3000',
        observedAt: '2026-11-24T09:00:00.000Z',
        source: 'mid',
      }),
    );
    await eventually(async () => (await auditRecords.size()) === 3, WAIT_MS);
    const records = await auditRecords.records(1n, 10);
    expect(records.map((record) => [record.topic, record.sourcePosition])).toEqual([
      [LEDGER_EVENTS_TOPIC, '1'],
      [WALLET_EVENTS_TOPIC, '7'],
      [EXCHANGE_PRICES_TOPIC, null],
    ]);
    expect(
      JSON.parse(Buffer.from(records[1]?.valueBase64 ?? '', 'base64').toString()),
    ).toMatchObject({ type: 'KeyUsed', data: { keyId: 'k' } });
    expect(await verification.verify()).toEqual({ checked: 3 });
    first = (await signing.sign(keyObjectSigner(privateKey), '2026-11-24T10:00:00.000Z')).treeSize;
    expect(first).toBe(3);
  });

  it('HK-22 a signed checkpoint, then more records and a second one: every record proves into the second, and the first is a prefix of the second', async () => {
    await publish(
      LEDGER_EVENTS_TOPIC,
      { 'source-position': '2', 'source-hash': 'cc'.repeat(32) },
      envelope('ClientOnboarded', 'ledger-client-bob', { clientId: 'bob' }),
      envelope('ClientOnboarded', 'ledger-client-carol', { clientId: 'carol' }),
    );
    await eventually(async () => (await auditRecords.size()) === 5, WAIT_MS);
    const second = await signing.sign(keyObjectSigner(privateKey), '2026-11-24T11:00:00.000Z');
    expect(await signing.sign(keyObjectSigner(privateKey), '2026-11-24T11:30:00.000Z')).toEqual(
      second,
    ); // nothing new: the same checkpoint
    const [firstCheckpoint] = await checkpoints.all();
    if (firstCheckpoint === undefined) throw new Error('no first checkpoint');
    expect([
      verifyCheckpoint(firstCheckpoint, publicKey),
      verifyCheckpoint(second, publicKey),
    ]).toEqual([true, true]);
    for (const evidence of await proofs.evidence(1, 5, 5))
      expect(verifyEvidence(evidence, second)).toEqual({ ok: true });
    const proof = (await proofs.consistency(first, 5)).map((step) => Buffer.from(step, 'hex'));
    expect(
      verifyConsistency(
        first,
        5,
        Buffer.from(firstCheckpoint.rootHash, 'hex'),
        Buffer.from(second.rootHash, 'hex'),
        proof,
      ),
    ).toBe(true);
  });

  it('HK-22 the record refuses UPDATE and DELETE to its owner; the writer role may INSERT and SELECT only', async () => {
    await expect(
      db.pool.query(`update audit.audit_records set value_base64 = 'e30=' where position = 2`),
    ).rejects.toThrow(/append-only: UPDATE refused/);
    await expect(
      db.pool.query('delete from audit.audit_records where position = 2'),
    ).rejects.toThrow(/append-only: DELETE refused/);
    const client = await db.pool.connect();
    try {
      await client.query(`set role ${AUDIT_WRITER_ROLE}`);
      expect(
        (await client.query('select count(*)::int as n from audit.audit_records')).rows[0],
      ).toEqual({ n: 5 });
      await expect(
        client.query(`update audit.audit_records set value_base64 = 'e30=' where position = 2`),
      ).rejects.toMatchObject({
        code: '42501',
        message: expect.stringMatching(/permission denied/),
      });
      await expect(
        client.query('delete from audit.audit_records where position = 2'),
      ).rejects.toMatchObject({ code: '42501' });
    } finally {
      await client.query('reset role');
      client.release();
    }
  });

  it("HK-22 an alteration behind the triggers' back (a superuser with them disabled) is found: the chain breaks at that position and its evidence no longer proves into the checkpoint", async () => {
    const [, second] = await checkpoints.all();
    if (second === undefined) throw new Error('no second checkpoint');
    const before = (await proofs.evidence(4, 4, 5))[0];
    await db.pool.query('alter table audit.audit_records disable trigger user');
    await db.pool.query(`update audit.audit_records set value_base64 = $1 where position = 4`, [
      Buffer.from('{"forged":true}').toString('base64'),
    ]);
    await db.pool.query('alter table audit.audit_records enable trigger user');
    expect(await verification.verify()).toEqual({
      checked: 3,
      broken: { position: 4n, problem: 'hash-mismatch' },
    });
    const after = (await proofs.evidence(4, 4, 5))[0];
    if (before === undefined || after === undefined) throw new Error('no evidence');
    expect(verifyEvidence(before, second)).toEqual({ ok: true });
    expect(verifyEvidence({ ...after, proof: before.proof }, second)).toMatchObject({
      ok: false,
      position: '4',
    });
  });

  it('HK-22 past nine records the chain keeps growing in position order (a text sort would put 10 before 9 and stall the record)', async () => {
    for (let index = 0; index < 12; index += 1)
      await publish(
        EXCHANGE_PRICES_TOPIC,
        {},
        envelope('PriceObserved', `price-${index}`, {
          asset: 'ETH',
          quoteCurrency: 'USD',
          price: String(3000 + index),
          observedAt: '2026-11-24T09:00:00.000Z',
          source: 'mid',
        }),
      );
    await eventually(async () => (await auditRecords.size()) === 17, WAIT_MS);
    const records = await auditRecords.records(1n, 100);
    expect(records.map((record) => record.position)).toEqual(
      Array.from({ length: 17 }, (_, index) => BigInt(index + 1)),
    );
    expect(
      records.slice(5).every((record, index) => record.previousHash === records[index + 4]?.hash),
    ).toBe(true);
  });

  it('HK-22 the same Kafka message applied again (the inbox lost, a replayed partition) is recorded once: the chain does not grow', async () => {
    const [last] = await auditRecords.records(BigInt(await auditRecords.size()), 1);
    if (last === undefined) throw new Error('no record');
    const again = {
      topic: last.topic,
      partition: last.partition,
      offset: last.offset,
      messageId: 'replayed',
      headers: {},
      value: { eventId: 'replayed', type: 'X', data: {} },
      raw: {
        key: null,
        value: Buffer.from(last.valueBase64, 'base64'),
        offset: last.offset,
        headers: {},
      },
    };
    const before = await auditRecords.size();
    const client = await db.pool.connect();
    try {
      await client.query('begin');
      await appending.append([again], client);
      await client.query('commit');
    } finally {
      client.release();
    }
    expect(await auditRecords.size()).toBe(before);
  });

  it('HK-22 a checkpoint limited to what its caller verified covers those records only; records appended since wait for the next one', async () => {
    const before = await auditRecords.size();
    const [last] = (await checkpoints.all()).slice(-1);
    await publish(
      LEDGER_EVENTS_TOPIC,
      {},
      envelope('ClientOnboarded', 'ledger-client-late-1', { clientId: 'late-1' }),
      envelope('ClientOnboarded', 'ledger-client-late-2', { clientId: 'late-2' }),
    );
    await eventually(async () => (await auditRecords.size()) === before + 2, WAIT_MS);
    const verified = before + 1; // as if the verification had run before the second arrived
    const limited = await signing.sign(
      keyObjectSigner(privateKey),
      '2026-11-24T12:00:00.000Z',
      verified,
    );
    const [head] = await auditRecords.records(BigInt(verified), 1);
    expect(limited).toMatchObject({ treeSize: verified, chainHead: head?.hash });
    expect(verifyCheckpoint(limited, publicKey)).toBe(true);
    // never backwards: a limit below the last checkpoint returns the last one
    expect(
      await signing.sign(
        keyObjectSigner(privateKey),
        '2026-11-24T12:30:00.000Z',
        (last?.treeSize ?? 1) - 1,
      ),
    ).toEqual(limited);
  });

  it('HK-22 the service appends as the writer role: with INSERT taken from that role, appending fails and records nothing; given back, it records', async () => {
    const before = await auditRecords.size();
    const value = envelope('ClientOnboarded', 'ledger-client-writer', { clientId: 'writer' });
    const bytes = Buffer.from(JSON.stringify(value));
    const message = {
      topic: LEDGER_EVENTS_TOPIC,
      partition: 0,
      offset: '900001',
      messageId: value.eventId,
      headers: {},
      value,
      raw: { key: Buffer.from(value.streamId), value: bytes, offset: '900001', headers: {} },
    } as unknown as ConsumedMessage;
    const appendInTransaction = async () => {
      const client = await db.pool.connect();
      try {
        await client.query('begin');
        await appending.append([message], client);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback');
        throw error;
      } finally {
        client.release();
      }
    };
    await db.pool.query(`revoke insert on audit.audit_records from ${AUDIT_WRITER_ROLE}`);
    try {
      await expect(appendInTransaction()).rejects.toMatchObject({ code: '42501' });
      expect(await auditRecords.size()).toBe(before);
    } finally {
      await db.pool.query(`grant insert on audit.audit_records to ${AUDIT_WRITER_ROLE}`);
    }
    await appendInTransaction();
    expect(await auditRecords.size()).toBe(before + 1);
  });
});
