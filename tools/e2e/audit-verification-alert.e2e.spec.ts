import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyCheckpoint, type Checkpoint } from '@custody/audit-domain';
import { HsmEd25519Signer } from '@custody/hsm';
import {
  AppendToRecord,
  auditContext,
  AuditRecords,
  migrateAuditTables,
} from '@custody/audit-application';
import { LEDGER_EVENTS_TOPIC } from '@custody/contracts';
import { PostgresEventStore } from '@custody/event-store';
import { InboxConsumer, InProcessMessageBus } from '@custody/messaging';
import {
  createSoftHsmToken,
  createTestDatabase,
  startService,
  waitFor,
  type ServiceProcess,
  type SoftHsmToken,
  type TestDatabase,
} from '@custody/testing';

const ISSUER = 'custody-e2e';
const AUDIENCE = 'custody';
const WAIT_MS = 30_000;
/** The service's scheduled round (verification, then a checkpoint) runs this often here. */
const INTERVAL_MS = 1_000;

/**
 * Issue 10 alert "chain verification failure": the audit service verifies its record's whole
 * hash chain on its schedule and exports the verdict. Records written through the same library
 * the service uses; one altered behind the triggers' back turns the gauge to 0 and counts a failure.
 * Issue 8 (HK-22): the checkpoints of the schedule are signed inside the HSM (AUDIT_HSM_*), and
 * verify offline with the public key the HSM gave when the key was generated.
 */
describe('the audit service exports its scheduled chain verification (process, PostgreSQL)', () => {
  let db: TestDatabase;
  let audit: ServiceProcess | undefined;
  let token: SoftHsmToken | undefined;
  let directory: string | undefined;
  afterAll(async () => {
    await audit?.stop();
    await db?.drop();
    await token?.destroy();
    if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  });

  it('HK-22 checkpoints signed in the HSM verify offline; the verified gauge is 1 over an intact record and 0, with a failure counted, once a record is altered', async () => {
    db = await createTestDatabase();
    const store = new PostgresEventStore({ pool: db.pool, schema: 'audit' });
    await store.migrate();
    await migrateAuditTables(db.pool, store.schema);
    const context = auditContext(store);
    const appending = new AppendToRecord(context);
    const auditRecords = new AuditRecords(context);
    const bus = new InProcessMessageBus();
    const consumer = new InboxConsumer({
      bus,
      groupId: 'audit-writer',
      topics: [LEDGER_EVENTS_TOPIC],
      pool: db.pool,
      schema: 'audit',
      apply: (messages, client) => appending.append(messages, client),
    });
    await consumer.migrate();
    await consumer.start();
    try {
      for (const clientId of ['alice', 'bob', 'carol']) {
        const eventId = randomUUID();
        const message = {
          eventId,
          type: 'ClientOnboarded',
          schemaVersion: 1,
          streamId: `ledger-client-${clientId}`,
          streamVersion: '1',
          occurredAt: '2026-11-24T09:00:00.000Z',
          causationId: null,
          correlationId: eventId,
          data: { clientId, at: '2026-11-24T09:00:00.000Z' },
        };
        await bus.publisher.publish(LEDGER_EVENTS_TOPIC, [
          { key: message.streamId, value: JSON.stringify(message) },
        ]);
      }
      await waitFor(async () => (await auditRecords.size()) === 3, 'three audit records', WAIT_MS);
    } finally {
      await consumer.stop();
    }

    // the checkpoint key: generated inside the HSM; the service gets the token, the label and the PIN's file
    token = await createSoftHsmToken('audit-e2e');
    directory = await mkdtemp(join(tmpdir(), 'custody-audit-hsm-'));
    const pinFile = join(directory, 'pin');
    await writeFile(pinFile, token.userPin, { mode: 0o600 });
    const publicKey = HsmEd25519Signer.generate({
      modulePath: token.modulePath,
      tokenLabel: token.tokenLabel,
      pin: token.userPin,
      keyLabel: 'audit-checkpoints',
    });
    const checkpoints = join(directory, 'checkpoints');

    // no Kafka: the service only keeps, verifies and checkpoints its record here
    audit = await startService('audit', {
      SOFTHSM2_CONF: token.confPath,
      AUDIT_HSM_MODULE: token.modulePath,
      AUDIT_HSM_TOKEN_LABEL: token.tokenLabel,
      AUDIT_HSM_PIN_FILE: pinFile,
      AUDIT_HSM_KEY_LABEL: 'audit-checkpoints',
      AUDIT_CHECKPOINT_DIR: checkpoints,
      DATABASE_URL: db.url,
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
      AUTH_JWT_SECRET: randomBytes(32).toString('hex'),
      AUDIT_CHECKPOINT_INTERVAL_MS: String(INTERVAL_MS),
      LOG_LEVEL: 'info',
    });
    const service = audit;
    const metrics = async () => (await fetch(`${service.baseUrl}/metrics`)).text();
    await waitFor(
      async () => /custody_audit_record_verified\{service="audit"\} 1\n/.test(await metrics()),
      'a passing verification',
      WAIT_MS,
    );
    expect(await metrics()).toMatch(
      /custody_audit_record_verification_failures_total\{service="audit"\} 0\n/,
    );
    // the schedule's checkpoint, signed in the HSM, verifies with the public key alone (and not after a change)
    await waitFor(
      async () => (await readdir(checkpoints).catch(() => [])).length > 0,
      'a checkpoint file',
      WAIT_MS,
    );
    const [file] = await readdir(checkpoints);
    const checkpoint = JSON.parse(
      await readFile(join(checkpoints, file as string), 'utf8'),
    ) as Checkpoint;
    expect(checkpoint).toMatchObject({ treeSize: 3 });
    expect(verifyCheckpoint(checkpoint, publicKey)).toBe(true);
    expect(verifyCheckpoint({ ...checkpoint, treeSize: 2 }, publicKey)).toBe(false);
    expect(service.stdout()).not.toContain(token.userPin);

    await db.pool.query('alter table audit.audit_records disable trigger user');
    await db.pool.query(`update audit.audit_records set value_base64 = $1 where position = 2`, [
      Buffer.from('{"forged":true}').toString('base64'),
    ]);
    await db.pool.query('alter table audit.audit_records enable trigger user');
    await waitFor(
      async () => /custody_audit_record_verified\{service="audit"\} 0\n/.test(await metrics()),
      'the verification to find the break',
      WAIT_MS,
    );
    expect(await metrics()).toMatch(
      /custody_audit_record_verification_failures_total\{service="audit"\} [1-9]\d*\n/,
    );
    expect(service.stdout()).toMatch(/the record's hash chain is broken/);
  });
});
