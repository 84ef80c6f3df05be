import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signTestToken } from '@custody/auth/testing';
import {
  DEAD_LETTER_TOPIC,
  EXCHANGE_PRICES_TOPIC,
  EXCHANGE_TRADES_TOPIC,
  LEDGER_EVENTS_TOPIC,
  POLICY_EVENTS_TOPIC,
  RECONCILIATION_EVENTS_TOPIC,
  WALLET_EVENTS_TOPIC,
} from '@custody/contracts';
import { createKafka, createOutboxProducer } from '@custody/messaging';
import {
  createTestDatabase,
  eventually,
  startKafkaTestBroker,
  startService,
  testServiceEnvironment,
  type KafkaTestBroker,
  type ServiceProcess,
  type TestDatabase,
  signingProducer,
  aWalletRegistered,
  waitForLedgerWallets,
} from '@custody/testing';
import { logLevel, type Producer } from 'kafkajs';
import { auditCli } from './audit-cli-process';

const ISSUER = 'custody-e2e';
const AUDIENCE = 'custody';
const WAIT_MS = 40_000;
const cli = auditCli;

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
 * HK-22 end to end: the audit service as a real process records what the other services and the
 * exchange publish on the Kafka test broker, signs checkpoints with a key from a file, and the
 * auditor's CLI exports an evidence pack and verifies it offline with the public key alone; a pack
 * altered in any record, or a forged consistency proof, is refused with the position named.
 */
describe("the audit service and the auditor's CLI (test broker)", () => {
  const secret = randomBytes(32).toString('hex');
  let db: TestDatabase;
  let broker: KafkaTestBroker;
  let producer: Producer;
  let audit: ServiceProcess;
  let policy: ServiceProcess | undefined;
  let ledger: ServiceProcess | undefined;
  let directory = '';
  const file = (name: string) => join(directory, name);
  const call = async (method: 'GET' | 'POST', path: string, roles: string[]) => {
    const token = await signTestToken({
      secret,
      issuer: ISSUER,
      audience: AUDIENCE,
      subject: `${roles[0]}-1`,
      roles,
    });
    const response = await fetch(`${audit.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}` },
    });
    const text = await response.text();
    return {
      status: response.status,
      text,
      body: (text.startsWith('{') ? JSON.parse(text) : {}) as Record<string, unknown>,
    };
  };
  const publish = (
    topic: string,
    headers: Record<string, string>,
    ...messages: ReturnType<typeof envelope>[]
  ) =>
    producer.send({
      topic,
      messages: messages.map((message) => ({
        key: message.streamId,
        value: JSON.stringify(message),
        headers,
      })),
    });
  const size = async () => (await call('GET', '/v1/audit/status', ['auditor'])).body['size'];

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'audit-e2e-'));
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    await writeFile(file('signing.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }), {
      mode: 0o600,
    });
    await writeFile(file('public.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
    await writeFile(
      file('token'),
      await signTestToken({
        secret,
        issuer: ISSUER,
        audience: AUDIENCE,
        subject: 'auditor-cli',
        roles: ['auditor'],
        expiresInSeconds: 3_600,
      }),
    );
    [db, broker] = await Promise.all([createTestDatabase(), startKafkaTestBroker()]);
    for (const topic of [
      LEDGER_EVENTS_TOPIC,
      EXCHANGE_PRICES_TOPIC,
      POLICY_EVENTS_TOPIC,
      EXCHANGE_TRADES_TOPIC,
      WALLET_EVENTS_TOPIC,
      DEAD_LETTER_TOPIC,
      RECONCILIATION_EVENTS_TOPIC,
    ])
      await broker.command(`topic ${topic} 3 3`);
    producer = signingProducer(
      createOutboxProducer(
        createKafka({ clientId: 'audit-e2e', brokers: broker.brokers, logLevel: logLevel.NOTHING }),
        { idempotent: false },
      ),
    ); // plays the exchange: its messages signed
    await producer.connect();
    audit = await startService('audit', {
      ...testServiceEnvironment({
        databaseUrl: db.url,
        brokers: broker.brokers,
        jwtSecret: secret,
        issuer: ISSUER,
        audience: AUDIENCE,
      }),
      AUDIT_SIGNING_KEY_FILE: file('signing.pem'),
      AUDIT_CHECKPOINT_DIR: file('checkpoints'),
    });
    expect(
      await eventually(
        async () => (await fetch(`${audit.baseUrl}/health/ready`)).status === 200,
        WAIT_MS,
      ),
    ).toBe(true);
  }, 60_000);
  afterAll(async () => {
    await ledger?.stop();
    await policy?.stop();
    await audit?.stop();
    await producer?.disconnect();
    await broker?.stop();
    await db?.drop();
    if (directory !== '') await rm(directory, { recursive: true, force: true });
  });

  it('HK-22 records what every topic carries, signs a checkpoint kept as a file, and the CLI verifies an exported pack offline', async () => {
    await publish(
      LEDGER_EVENTS_TOPIC,
      { 'source-position': '1', 'source-hash': 'aa'.repeat(32) },
      envelope('ClientOnboarded', 'ledger-client-alice', { clientId: 'alice' }),
      envelope('ClientOnboarded', 'ledger-client-bob', { clientId: 'bob' }),
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
    expect(await eventually(async () => (await size()) === 3, WAIT_MS)).toBe(true);
    expect((await call('POST', '/v1/audit/checkpoints', ['operator'])).status).toBe(403);
    const checkpoint = await call('POST', '/v1/audit/checkpoints', ['auditor']);
    expect(checkpoint).toMatchObject({ status: 201, body: { treeSize: 3 } });
    expect(await readdir(file('checkpoints'))).toEqual(['checkpoint-000000000003.json']);

    const exported = await cli(
      'export',
      '--url',
      audit.baseUrl,
      '--token-file',
      file('token'),
      '--from',
      '1',
      '--to',
      '3',
      '--out',
      file('pack.json'),
    );
    expect(exported).toMatchObject({ code: 0, out: expect.stringMatching(/wrote 3 records/) });
    const verified = await cli(
      'verify-pack',
      '--pack',
      file('pack.json'),
      '--public-key',
      file('public.pem'),
    );
    expect(verified).toMatchObject({
      code: 0,
      out: expect.stringMatching(/signature valid[\s\S]*3 records verified/),
    });
    expect(
      await cli('verify', '--url', audit.baseUrl, '--token-file', file('token')),
    ).toMatchObject({ code: 0, out: expect.stringMatching(/holds: 3 records/) });
    // the price in force then, rebuilt from the record: before it was observed, none
    const state = await cli(
      'replay',
      '--url',
      audit.baseUrl,
      '--token-file',
      file('token'),
      '--at',
      '2026-11-24T09:30:00Z',
    );
    expect(JSON.parse(state.out)).toMatchObject({
      prices: [
        {
          asset: 'ETH',
          quoteCurrency: 'USD',
          price: '3000',
          observedAt: '2026-11-24T09:00:00.000Z',
        },
      ],
    });
    expect(
      JSON.parse(
        (
          await cli(
            'replay',
            '--url',
            audit.baseUrl,
            '--token-file',
            file('token'),
            '--at',
            '2026-11-24T08:59:59Z',
          )
        ).out,
      ),
    ).toMatchObject({ prices: [] });
    // an evidence pack as a directory: its manifest's hashes hold, then the checkpoint and every proof
    expect(
      (
        await cli(
          'export',
          '--url',
          audit.baseUrl,
          '--token-file',
          file('token'),
          '--from',
          '1',
          '--to',
          '3',
          '--out-dir',
          file('evidence'),
        )
      ).code,
    ).toBe(0);
    expect(
      await cli('verify-pack', '--dir', file('evidence'), '--public-key', file('public.pem')),
    ).toMatchObject({
      code: 0,
      out: expect.stringMatching(/manifest: 4 files as exported[\s\S]*3 records verified/),
    });
    await writeFile(file('evidence/state.json'), '{"prices":[]}\n');
    expect(
      await cli('verify-pack', '--dir', file('evidence'), '--public-key', file('public.pem')),
    ).toMatchObject({
      code: 1,
      err: expect.stringMatching(/state\.json: SHA-256 .* the pack was changed after export/),
    });
    // every query an auditor made is itself on record
    expect(
      (
        await db.pool.query(
          `select count(*)::int as n from audit.audit_queries where query like 'evidence%'`,
        )
      ).rows[0],
    ).toEqual({ n: 2 });
  });

  it('HK-22 a pack altered in one record, or signed by another key, fails verification naming what failed', async () => {
    const pack = JSON.parse(await readFile(file('pack.json'), 'utf8')) as {
      records: { entry: { valueBase64: string } }[];
    };
    const second = pack.records[1];
    if (second === undefined) throw new Error('no second record');
    second.entry.valueBase64 = Buffer.from(
      JSON.stringify({
        ...envelope('ClientOnboarded', 'ledger-client-bob', { clientId: 'mallory' }),
      }),
    ).toString('base64');
    await writeFile(file('altered.json'), JSON.stringify(pack));
    const altered = await cli(
      'verify-pack',
      '--pack',
      file('altered.json'),
      '--public-key',
      file('public.pem'),
    );
    expect(altered).toMatchObject({
      code: 1,
      err: expect.stringMatching(/record 2: NOT in the checkpoint/),
    });
    await writeFile(
      file('other.pem'),
      generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }),
    );
    expect(
      await cli('verify-pack', '--pack', file('pack.json'), '--public-key', file('other.pem')),
    ).toMatchObject({ code: 1, err: expect.stringMatching(/signature NOT valid/) });
  });

  it('HK-22 a later checkpoint extends the first (consistency proof verified offline); a forged proof does not', async () => {
    await publish(
      LEDGER_EVENTS_TOPIC,
      { 'source-position': '3', 'source-hash': 'bb'.repeat(32) },
      envelope('ClientOnboarded', 'ledger-client-carol', { clientId: 'carol' }),
    );
    expect(await eventually(async () => (await size()) === 4, WAIT_MS)).toBe(true);
    expect((await call('POST', '/v1/audit/checkpoints', ['sre'])).body).toMatchObject({
      treeSize: 4,
    });
    // a checkpoint never signed is an unknown id: 404, with the body of every refusal
    expect(
      await call('GET', '/v1/audit/consistency?first=3&second=400', ['auditor']),
    ).toMatchObject({
      status: 404,
      body: { statusCode: 404, code: 'CHECKPOINT_UNKNOWN' },
    });
    const consistency = await call('GET', '/v1/audit/consistency?first=3&second=4', ['auditor']);
    await writeFile(file('first.json'), JSON.stringify(consistency.body['first']));
    await writeFile(file('second.json'), JSON.stringify(consistency.body['second']));
    await writeFile(file('proof.json'), JSON.stringify({ proof: consistency.body['proof'] }));
    const args = [
      '--first',
      file('first.json'),
      '--second',
      file('second.json'),
      '--public-key',
      file('public.pem'),
    ];
    expect(await cli('verify-consistency', ...args, '--proof', file('proof.json'))).toMatchObject({
      code: 0,
      out: expect.stringMatching(/extends the one of 3/),
    });
    await writeFile(
      file('forged.json'),
      JSON.stringify({ proof: (consistency.body['proof'] as string[]).map(() => 'ab'.repeat(32)) }),
    );
    expect(await cli('verify-consistency', ...args, '--proof', file('forged.json'))).toMatchObject({
      code: 1,
      err: expect.stringMatching(/does NOT extend/),
    });
  });

  it("HK-22 cross-check: the policy service's own event store against the audit record, event by event; an audited hash altered behind the triggers' back is named", async () => {
    policy = await startService('policy', {
      ...testServiceEnvironment({
        databaseUrl: db.url,
        brokers: broker.brokers,
        jwtSecret: secret,
        issuer: ISSUER,
        audience: AUDIENCE,
      }),
      POLICY_JURISDICTIONS: 'HK',
    });
    const policyUrl = policy.baseUrl;
    expect(
      await eventually(
        async () => (await fetch(`${policyUrl}/health/ready`)).status === 200,
        WAIT_MS,
      ),
    ).toBe(true);
    const token = await signTestToken({
      secret,
      issuer: ISSUER,
      audience: AUDIENCE,
      subject: 'admin-1',
      roles: ['admin'],
    });
    const thresholds = {
      hkColdQuantityMin: '0.99',
      twColdQuantityMin: '0.75',
      twColdValueMin: '0.85',
      twHouseInHotMax: '0.20',
      hkInsuranceColdMin: '0.50',
      hkInsuranceHotMin: '1.00',
      staleAfterMs: 900000,
      group2SoftLimit: '0.01',
      group2HardLimit: '0.02',
    };
    for (const version of ['HK-2026.2', 'HK-2026.3']) {
      const proposed = await fetch(`${policyUrl}/v1/policy-versions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          profile: { version, jurisdictions: ['HK'], thresholds },
          reason: 'board',
        }),
      });
      expect(proposed.status).toBe(201);
    }
    // the policy store's events reach the audit record through the relay and the broker
    const audited = async () =>
      (
        (await call('GET', `/v1/audit/sources?topic=${POLICY_EVENTS_TOPIC}`, ['auditor'])).body[
          'entries'
        ] as unknown[]
      ).length;
    const auditorToken = await readFile(file('token'), 'utf8');
    const stored = async () =>
      (
        (await (
          await fetch(`${policyUrl}/v1/event-log`, {
            headers: { authorization: `Bearer ${auditorToken}` },
          })
        ).json()) as { events: unknown[] }
      ).events.length;
    expect(
      await eventually(
        async () => (await stored()) >= 2 && (await audited()) === (await stored()),
        WAIT_MS,
      ),
    ).toBe(true);
    const services = `${POLICY_EVENTS_TOPIC}=${policyUrl}`;
    const clean = await cli(
      'cross-check',
      '--url',
      audit.baseUrl,
      '--token-file',
      file('token'),
      '--services',
      services,
    );
    expect(clean).toMatchObject({
      code: 0,
      out: expect.stringMatching(
        /custody\.policy\.events\.v1: (\d+) events in the store, \1 in the audit record, 0 findings/,
      ),
    });

    await db.pool.query('alter table audit.audit_records disable trigger user');
    await db.pool.query(
      `update audit.audit_records set source_hash = $1 where topic = $2 and source_position = '2'`,
      ['00'.repeat(32), POLICY_EVENTS_TOPIC],
    );
    await db.pool.query('alter table audit.audit_records enable trigger user');
    const tampered = await cli(
      'cross-check',
      '--url',
      audit.baseUrl,
      '--token-file',
      file('token'),
      '--services',
      services,
    );
    expect(tampered).toMatchObject({
      code: 1,
      err: expect.stringMatching(/custody\.policy\.events\.v1 position 2: DIFFERENT/),
    });
  });

  it('HK-22 point-in-time: client balances captured live from the ledger at moments of a scripted run are rebuilt later from the audit record alone, equal to the unit', async () => {
    ledger = await startService(
      'ledger',
      testServiceEnvironment({
        databaseUrl: db.url,
        brokers: broker.brokers,
        jwtSecret: secret,
        issuer: ISSUER,
        audience: AUDIENCE,
      }),
    );
    const ledgerUrl = ledger.baseUrl;
    expect(
      await eventually(
        async () => (await fetch(`${ledgerUrl}/health/ready`)).status === 200,
        WAIT_MS,
      ),
    ).toBe(true);
    const ledgerCall = async (
      method: 'GET' | 'POST',
      path: string,
      roles: string[],
      body?: unknown,
    ) => {
      const token = await signTestToken({
        secret,
        issuer: ISSUER,
        audience: AUDIENCE,
        subject: `${roles[0]}-1`,
        roles,
      });
      const response = await fetch(`${ledgerUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return (await response.json()) as Record<string, unknown>;
    };
    const clients = ['alice', 'bob', 'carol'];
    for (const clientId of clients)
      await ledgerCall('POST', '/v1/clients', ['operator'], { clientId });
    const at = '2026-11-24T09:00:00.000Z';
    const deposit = (id: string, clientId: string, asset: string, amountMinor: string) =>
      envelope('DepositConfirmed', `wallet-deposit-${id}`, {
        depositId: id,
        clientId,
        asset,
        amountMinor,
        walletId: 'hot-1',
        chain: 'ethereum',
        transactionHash: `0x${'ab'.repeat(32)}`,
        confirmations: 2,
        confirmedAt: at,
      });
    const trade = (
      id: string,
      buyer: string,
      seller: string,
      quantityMinor: string,
      quoteMinor: string,
    ) =>
      envelope('TradeExecuted', `trade-${id}`, {
        tradeId: id,
        occurredAt: at,
        instrument: { base: 'ETH', quote: 'USDT' },
        buyerClientId: buyer,
        sellerClientId: seller,
        quantityMinor,
        price: '3000',
        quoteAmountMinor: quoteMinor,
        buyerFee: { asset: 'ETH', amountMinor: '1000' },
        sellerFee: { asset: 'USDT', amountMinor: '100' },
      });
    // the wallet the deposits name, registered by the wallet service first (the ledger books only for wallets it knows)
    await producer.send({
      topic: WALLET_EVENTS_TOPIC,
      acks: -1,
      messages: [aWalletRegistered('hot-1')].map((message) => ({
        key: message.streamId,
        value: JSON.stringify(message),
      })),
    });
    await waitForLedgerWallets(db.pool, ['hot-1'], WAIT_MS);
    const steps: [string, ReturnType<typeof envelope>][] = [
      [WALLET_EVENTS_TOPIC, deposit('D-a', 'alice', 'USDT', '9000000000')],
      [WALLET_EVENTS_TOPIC, deposit('D-b', 'bob', 'ETH', '5000000000000000000')],
      [EXCHANGE_TRADES_TOPIC, trade('T-1', 'alice', 'bob', '1000000000000000000', '3000000000')],
      [WALLET_EVENTS_TOPIC, deposit('D-c', 'carol', 'USDT', '1000000')],
      [EXCHANGE_TRADES_TOPIC, trade('T-2', 'carol', 'alice', '100000000000000', '300000')],
      [EXCHANGE_TRADES_TOPIC, trade('T-3', 'alice', 'bob', '2000000000000000000', '6000000000')],
    ];
    // live snapshots at moments of the run, each with the read models' own position
    const snapshots: { clientId: string; asOfPosition: string; balances: unknown }[] = [];
    const capture = async () => {
      for (const clientId of clients) {
        const live = await ledgerCall('GET', `/v1/clients/${clientId}/balances`, ['auditor']);
        snapshots.push({
          clientId,
          asOfPosition: live['asOfPosition'] as string,
          balances: live['balances'],
        });
      }
    };
    let applied = '0';
    for (const [index, [topic, message]] of steps.entries()) {
      await producer.send({
        topic,
        acks: -1,
        messages: [{ key: message.streamId, value: JSON.stringify(message) }],
      });
      await new Promise((resolve) => setTimeout(resolve, (index * 37) % 150));
      await capture(); // whatever the read models show at this moment, caught up or not
      // and once they have applied this step
      const before = applied;
      await eventually(async () => {
        applied = (await ledgerCall('GET', '/v1/clients/alice/balances', ['auditor']))[
          'asOfPosition'
        ] as string;
        return BigInt(applied) > BigInt(before);
      }, WAIT_MS);
      await capture();
    }
    // the run is over: wait for the audit record to hold every ledger event, then rebuild each moment from it alone
    const auditorToken = await readFile(file('token'), 'utf8');
    const ledgerEvents = async () =>
      (
        (await (
          await fetch(`${ledgerUrl}/v1/event-log?limit=1000`, {
            headers: { authorization: `Bearer ${auditorToken}` },
          })
        ).json()) as { events: unknown[] }
      ).events.length;
    const auditedLedger = async () =>
      (
        (await call('GET', `/v1/audit/sources?topic=${LEDGER_EVENTS_TOPIC}`, ['auditor'])).body[
          'entries'
        ] as { sourceHash: string | null }[]
      ).filter(
        (entry) =>
          entry.sourceHash !== 'aa'.repeat(32) &&
          entry.sourceHash !== 'bb'.repeat(32) &&
          entry.sourceHash !== 'cc'.repeat(32),
      ).length;
    expect(
      await eventually(
        async () =>
          (await ledgerEvents()) >= 9 && (await auditedLedger()) === (await ledgerEvents()),
        WAIT_MS,
      ),
    ).toBe(true);
    expect(new Set(snapshots.map((snapshot) => snapshot.asOfPosition)).size).toBeGreaterThanOrEqual(
      steps.length,
    ); // the moments differ
    const distinct = [
      ...new Map(
        snapshots.map((snapshot) => [`${snapshot.clientId}@${snapshot.asOfPosition}`, snapshot]),
      ).values(),
    ];
    for (const snapshot of distinct) {
      const rebuilt = await call(
        'GET',
        `/v1/audit/reconstruction/clients/${snapshot.clientId}/balances?ledgerPosition=${snapshot.asOfPosition}`,
        ['auditor'],
      );
      expect(rebuilt.body).toEqual({
        clientId: snapshot.clientId,
        asOfPosition: snapshot.asOfPosition,
        balances: snapshot.balances,
      });
    }
    // and through the auditor's CLI, for the last moment of each client
    for (const clientId of clients) {
      const last = distinct.filter((snapshot) => snapshot.clientId === clientId).at(-1);
      if (last === undefined) throw new Error(`no snapshot of ${clientId}`);
      const rebuilt = await cli(
        'replay',
        '--url',
        audit.baseUrl,
        '--token-file',
        file('token'),
        '--client',
        clientId,
        '--ledger-position',
        last.asOfPosition,
      );
      expect(rebuilt.code).toBe(0);
      expect(JSON.parse(rebuilt.out)).toEqual({
        clientId,
        asOfPosition: last.asOfPosition,
        balances: last.balances,
      });
    }
    // alice's trail: her deposit on chain and in the books, and each of her trades once
    const trail = await cli(
      'trail',
      '--url',
      audit.baseUrl,
      '--token-file',
      file('token'),
      '--client',
      'alice',
    );
    expect(trail.code).toBe(0);
    expect(trail.out).toMatch(/DepositConfirmed  D-a 9000000000 USDT \(transaction 0x(ab){32}\)/);
    expect(trail.out).toMatch(/JournalPosted  deposit D-a: \+9000000000 USDT/);
    for (const tradeId of ['T-1', 'T-2', 'T-3'])
      expect(trail.out.match(new RegExp(`JournalPosted  trade ${tradeId}:`, 'g'))).toHaveLength(1);
    expect(trail.out).toMatch(/ClientOnboarded/); // her onboarding, as the ledger recorded it
  });

  it('HK-22 / TW-14 an evidence pack carries the reconciliation reports among its records: the run as recorded and its CSV, each under the manifest', async () => {
    const before = Number(await size());
    const run = {
      runId: 'R-TW-2026-11-24-1',
      businessDay: '2026-11-24',
      jurisdiction: 'TW',
      dailyRunId: 'D-TW-2026-11-24',
      cutOff: '2026-11-24T07:30:00.000Z',
      provisional: false,
      heights: [{ chain: 'ethereum', blockNumber: '1234' }],
      unread: [],
      perAsset: [
        {
          asset: 'ETH',
          owedMinor: '10000000000000000000',
          recordedMinor: '10000000000000000000',
          houseMinor: '0',
          onChainMinor: '9000000000000000000',
        },
      ],
      perWallet: [
        {
          walletId: 'hot-eth',
          asset: 'ETH',
          recordedMinor: '10000000000000000000',
          houseMinor: '0',
          onChainMinor: '9000000000000000000',
          blockNumber: '1234',
          differenceMinor: '-1000000000000000000',
        },
      ],
      differences: [
        {
          discrepancyId: 'DSC-1',
          asset: 'ETH',
          source: 'on-chain',
          kind: 'shortfall',
          amountMinor: '1000000000000000000',
          owedMinor: '10000000000000000000',
          heldMinor: '9000000000000000000',
          wallets: ['hot-eth'],
        },
      ],
      clients: { clients: 1, movementsMatched: 1, breaks: [] },
      opened: ['DSC-1'],
      persisting: [],
      confirmedGone: [],
      digest: 'ab'.repeat(32),
      at: '2026-11-24T08:00:00.000Z',
    };
    await publish(
      RECONCILIATION_EVENTS_TOPIC,
      { 'source-position': '1', 'source-hash': 'cd'.repeat(32) },
      envelope('ReconciliationRunCompleted', 'recon-run-2026-11-24', run),
    );
    expect(await eventually(async () => Number(await size()) === before + 1, WAIT_MS)).toBe(true);
    expect((await call('POST', '/v1/audit/checkpoints', ['auditor'])).status).toBe(201);
    const position = String(before + 1);
    expect(
      (
        await cli(
          'export',
          '--url',
          audit.baseUrl,
          '--token-file',
          file('token'),
          '--from',
          position,
          '--to',
          position,
          '--out-dir',
          file('evidence-recon'),
        )
      ).code,
    ).toBe(0);
    const csv = await readFile(file('evidence-recon/reports/R-TW-2026-11-24-1.csv'), 'utf8');
    expect(csv.split('\n')).toEqual([
      'section,asset,wallet_id,owed_minor,recorded_minor,house_minor,on_chain_minor,block_number,difference_minor,discrepancy_id',
      'asset,ETH,,10000000000000000000,10000000000000000000,0,9000000000000000000,,-1000000000000000000,',
      'wallet,ETH,hot-eth,,10000000000000000000,0,9000000000000000000,1234,-1000000000000000000,',
      'difference:on-chain:shortfall,ETH,hot-eth,10000000000000000000,,,9000000000000000000,,-1000000000000000000,DSC-1',
      '',
    ]);
    expect(
      JSON.parse(await readFile(file('evidence-recon/reports/R-TW-2026-11-24-1.json'), 'utf8')),
    ).toMatchObject({ position, runId: run.runId, data: run });
    const manifest = JSON.parse(await readFile(file('evidence-recon/manifest.json'), 'utf8')) as {
      files: { name: string }[];
    };
    expect(manifest.files.map((entry) => entry.name)).toEqual(
      expect.arrayContaining(['reports/R-TW-2026-11-24-1.csv', 'reports/R-TW-2026-11-24-1.json']),
    );
    expect(
      await cli('verify-pack', '--dir', file('evidence-recon'), '--public-key', file('public.pem')),
    ).toMatchObject({ code: 0, out: expect.stringMatching(/manifest: 6 files as exported/) });
    // a report changed after export is named
    await writeFile(
      file('evidence-recon/reports/R-TW-2026-11-24-1.csv'),
      csv.replace('-1000000000000000000,DSC-1', '0,DSC-1'),
    );
    expect(
      await cli('verify-pack', '--dir', file('evidence-recon'), '--public-key', file('public.pem')),
    ).toMatchObject({
      code: 1,
      err: expect.stringMatching(
        /reports\/R-TW-2026-11-24-1\.csv: SHA-256 .* changed after export/,
      ),
    });
  });
});
