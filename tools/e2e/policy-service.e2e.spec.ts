import { randomBytes, randomUUID } from 'node:crypto';
import { signTestToken } from '@custody/auth/testing';
import {
  DEAD_LETTER_TOPIC,
  EXCHANGE_PRICES_TOPIC,
  LEDGER_EVENTS_TOPIC,
  POLICY_EVENTS_TOPIC,
  WALLET_EVENTS_TOPIC,
} from '@custody/contracts';
import { createKafka, createOutboxProducer } from '@custody/messaging';
import {
  createTestDatabase,
  eventually,
  readTopic,
  startKafkaTestBroker,
  startService,
  testServiceEnvironment,
  type KafkaTestBroker,
  type ServiceProcess,
  type TestDatabase,
  signingProducer,
} from '@custody/testing';
import { AUDIENCE, callService, expectReady, ISSUER } from './service-support';
import { logLevel, type Kafka, type Producer } from 'kafkajs';

const WAIT_MS = 40_000;
const ETH = 10n ** 18n;

function envelope(type: string, streamId: string, data: Record<string, unknown>) {
  const eventId = randomUUID();
  return {
    eventId,
    type,
    schemaVersion: 1,
    streamId,
    streamVersion: '1',
    occurredAt: new Date().toISOString(),
    causationId: null,
    correlationId: eventId,
    data,
  };
}

/**
 * The policy service as a real process on the Kafka test broker: wallet movements and prices in,
 * breach events out on custody.policy.events.v1, compliance (now and as of a past instant) and the
 * capital report over HTTP, policy versions by maker-checker.
 */
describe('the policy service checks compliance continuously from Kafka (test broker)', () => {
  const secret = randomBytes(32).toString('hex');
  let db: TestDatabase;
  let broker: KafkaTestBroker;
  let kafka: Kafka;
  let producer: Producer;
  let policy: ServiceProcess;
  let audit: ServiceProcess;
  /** Issue 8: the live compliance captured at moments of the run, rebuilt later from the audit record alone. */
  const snapshots: {
    at: string;
    policySource: string;
    policyVersion: string;
    openBreaches: { breachId: string; ruleId: string; subject: string }[];
  }[] = [];
  const capture = async () => {
    const live = (await call('GET', '/v1/compliance', ['auditor'], 'aud-1')).body as {
      policySource: string;
      policyVersion: string;
      openBreaches: { breachId: string; ruleId: string; subject: string }[];
    };
    snapshots.push({
      at: new Date().toISOString(),
      policySource: live.policySource,
      policyVersion: live.policyVersion,
      openBreaches: live.openBreaches.map(({ breachId, ruleId, subject }) => ({
        breachId,
        ruleId,
        subject,
      })),
    });
  };
  const call = (
    method: 'GET' | 'POST',
    path: string,
    roles: string[],
    subject: string,
    body?: unknown,
  ) => callService(secret, policy.baseUrl, method, path, roles, subject, body);
  const send = (topic: string, ...messages: ReturnType<typeof envelope>[]) =>
    producer.send({
      topic,
      messages: messages.map((message) => ({
        key: message.streamId,
        value: JSON.stringify(message),
      })),
    });
  const wallet = (walletId: string, tier: 'cold' | 'hot') =>
    envelope('WalletRegistered', `wallet-${walletId}`, {
      walletId,
      tier,
      ownerClass: 'client-segregated',
      chain: 'ethereum',
      assets: ['ETH'],
      address: `0x${tier === 'cold' ? 'c' : 'd'}${'0'.repeat(39)}`,
      key: {
        keyId: `${walletId}.k1`,
        location: { site: 'HK-DC1', jurisdiction: 'HK' },
        backups: [{ site: 'HK-VAULT2', jurisdiction: 'HK' }],
        rotationDueAt: '2027-11-24T00:00:00.000Z',
      },
      quorum: { required: 2, spanDepartmentsOrSites: false, approvalTtlMs: 600_000 },
      confirmationsRequired: 2,
      registeredBy: 'admin-1',
      at: new Date().toISOString(),
    });
  const deposit = (depositId: string, walletId: string, amountMinor: bigint) =>
    envelope('DepositConfirmed', `wallet-deposit-${depositId}`, {
      depositId,
      clientId: 'alice',
      asset: 'ETH',
      amountMinor: amountMinor.toString(),
      walletId,
      chain: 'ethereum',
      transactionHash: `0x${'ab'.repeat(32)}`,
      confirmations: 2,
      confirmedAt: new Date().toISOString(),
    });
  const breachEvents = async (
    until: (events: { type: string; data: Record<string, unknown> }[]) => boolean,
  ) => {
    const read = await readTopic(kafka, POLICY_EVENTS_TOPIC, {
      until: (messages) =>
        until(messages.map((message) => JSON.parse(message.value?.toString() ?? '{}'))),
      waitMs: WAIT_MS,
    });
    return read.map(
      (message) =>
        JSON.parse(message.value?.toString() ?? '{}') as {
          type: string;
          data: Record<string, unknown>;
        },
    );
  };

  beforeAll(async () => {
    [db, broker] = await Promise.all([createTestDatabase(), startKafkaTestBroker()]);
    for (const topic of [
      WALLET_EVENTS_TOPIC,
      LEDGER_EVENTS_TOPIC,
      EXCHANGE_PRICES_TOPIC,
      POLICY_EVENTS_TOPIC,
      DEAD_LETTER_TOPIC,
    ])
      await broker.command(`topic ${topic} 3 3`);
    kafka = createKafka({
      clientId: 'policy-e2e',
      brokers: broker.brokers,
      logLevel: logLevel.NOTHING,
    });
    producer = signingProducer(createOutboxProducer(kafka, { idempotent: false })); // plays the exchange: its messages signed
    await producer.connect();
    policy = await startService('policy', {
      ...testServiceEnvironment({
        databaseUrl: db.url,
        brokers: broker.brokers,
        jwtSecret: secret,
        issuer: ISSUER,
        audience: AUDIENCE,
      }),
      POLICY_JURISDICTIONS: 'HK,TW',
      POLICY_TIER1_CAPITAL: '5000000',
      POLICY_INSURANCE: JSON.stringify([
        {
          policyId: 'P-1',
          insurer: 'Custody Mutual',
          limit: '2000000',
          expiresAt: '2030-01-01T00:00:00Z',
        },
      ]),
    });
    await expectReady([policy], WAIT_MS);
    audit = await startService(
      'audit',
      testServiceEnvironment({
        databaseUrl: db.url,
        brokers: broker.brokers,
        jwtSecret: secret,
        issuer: ISSUER,
        audience: AUDIENCE,
      }),
    );
    await expectReady([audit], WAIT_MS);
  }, 60_000);
  afterAll(async () => {
    await audit?.stop();
    await policy?.stop();
    await producer?.disconnect();
    await broker?.stop();
    await db?.drop();
  });

  let detectedAt = '';
  it('HK-11g a client deposit into a hot wallet opens a breach that reaches Kafka with its evidence; the status over HTTP shows it', async () => {
    await send(WALLET_EVENTS_TOPIC, wallet('c1', 'cold'), wallet('h1', 'hot'));
    await send(
      EXCHANGE_PRICES_TOPIC,
      envelope('PriceObserved', 'price-ETH', {
        asset: 'ETH',
        quoteCurrency: 'USD',
        price: '3000',
        observedAt: new Date().toISOString(),
        source: 'mid',
      }),
    );
    await send(WALLET_EVENTS_TOPIC, deposit('D-1', 'h1', 10n * ETH));
    const events = await breachEvents((read) =>
      read.some(
        (event) => event.type === 'ComplianceBreachDetected' && event.data['ruleId'] === 'HK-11g',
      ),
    );
    const detected = events.find((event) => event.data['ruleId'] === 'HK-11g');
    expect(detected?.data).toMatchObject({
      subject: 'ETH',
      evidence: { verdict: 'fail', figures: { coldShare: '0.0000%' } },
    });
    detectedAt = detected?.data['detectedAt'] as string;
    expect((await call('GET', '/v1/compliance', ['operator'], 'ops-1')).body).toMatchObject({
      policySource: 'default',
      openBreaches: expect.arrayContaining([expect.objectContaining({ ruleId: 'HK-11g' })]),
    });
    expect((await call('GET', '/v1/compliance', ['custodian'], 'x')).status).toBe(403);
    await capture(); // a breach open, the default policy
    // issue 10: the open breach is exported for the alert
    expect(await (await fetch(`${policy.baseUrl}/metrics`)).text()).toMatch(
      /custody_policy_open_breaches\{rule="HK-11g",service="policy"\} 1\n/,
    );
  });

  it("HK-11g a cold deposit that restores 98% resolves it; the compliance as of the breach's time still shows it", async () => {
    await send(WALLET_EVENTS_TOPIC, deposit('D-2', 'c1', 990n * ETH));
    await breachEvents((read) =>
      read.some(
        (event) => event.type === 'ComplianceBreachResolved' && event.data['ruleId'] === 'HK-11g',
      ),
    );
    expect(
      (await call('GET', '/v1/compliance', ['auditor'], 'aud-1')).body['openBreaches'],
    ).toEqual([]);
    await capture(); // resolved
    expect(await (await fetch(`${policy.baseUrl}/metrics`)).text()).not.toMatch(
      /custody_policy_open_breaches\{rule="HK-11g"/,
    );
    const past = await call(
      'GET',
      `/v1/compliance?at=${encodeURIComponent(detectedAt)}`,
      ['auditor'],
      'aud-1',
    );
    expect(
      (past.body['openBreaches'] as { ruleId: string }[]).map((breach) => breach.ruleId),
    ).toContain('HK-11g');
    // the rules as they stood then, rebuilt from history: 10 ETH hot, nothing cold
    expect(
      (past.body['results'] as { ruleId: string }[]).find((result) => result.ruleId === 'HK-11g'),
    ).toMatchObject({ verdict: 'fail', figures: { coldShare: '0.0000%' } });
    expect((await call('GET', '/v1/compliance?at=yesterday', ['auditor'], 'aud-1')).status).toBe(
      400,
    );
    expect(
      await call(
        'GET',
        `/v1/compliance?at=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`,
        ['auditor'],
        'aud-1',
      ),
    ).toMatchObject({ status: 422, body: { code: 'INSTANT_IN_THE_FUTURE', path: 'query.at' } });
  });

  it('serves the BC capital report and changes policy versions only by maker-checker', async () => {
    expect(await call('GET', '/v1/capital-report', ['auditor'], 'aud-1')).toMatchObject({
      status: 200,
      body: { group2Status: 'within 1%', clientCustody: { segregation: 'holds' } },
    });
    const current = (await call('GET', '/v1/compliance', ['auditor'], 'aud-1')).body as {
      policyVersion: string;
    };
    expect(current.policyVersion).toBe('HK+TW-default-1');
    const thresholds = {
      hkColdQuantityMin: '0.995',
      twColdQuantityMin: '0.75',
      twColdValueMin: '0.85',
      twHouseInHotMax: '0.20',
      hkInsuranceColdMin: '0.50',
      hkInsuranceHotMin: '1.00',
      staleAfterMs: 900000,
      group2SoftLimit: '0.01',
      group2HardLimit: '0.02',
    };
    expect(
      (
        await call('POST', '/v1/policy-versions', ['admin'], 'admin-1', {
          profile: { version: 'HK+TW-2026.2', jurisdictions: ['HK', 'TW'], thresholds },
          reason: 'board resolution',
        })
      ).status,
    ).toBe(201);
    expect(
      await call(
        'POST',
        '/v1/policy-versions/HK+TW-2026.2/decision',
        ['approver', 'admin'],
        'admin-1',
        { decision: 'approve', reason: 'mine' },
      ),
    ).toMatchObject({ status: 422, body: { code: 'MAKER_CHECKER_SAME_PERSON' } });
    expect(
      await call('POST', '/v1/policy-versions/HK+TW-2026.2/decision', ['approver'], 'approver-1', {
        decision: 'approve',
        reason: 'checked',
      }),
    ).toMatchObject({ status: 200, body: { status: 'approved' } });
    expect(
      (
        (await call('GET', '/v1/compliance', ['auditor'], 'aud-1')).body as {
          policyVersion: string;
        }
      ).policyVersion,
    ).toBe('HK+TW-2026.2');
    await capture(); // an approved version in force
  });

  it('TW-14 the on-chain check on demand: with no chain configured every wallet is named unread, and the check is recorded for auditors', async () => {
    expect((await call('POST', '/v1/onchain-checks', ['auditor'], 'aud-1')).status).toBe(403);
    const check = await call('POST', '/v1/onchain-checks', ['operator'], 'ops-1');
    expect(check).toMatchObject({
      status: 201,
      body: { heights: [], unread: ['c1', 'h1'], policyVersion: 'HK+TW-2026.2' },
    });
    expect(
      (await call('GET', '/v1/onchain-checks?limit=1', ['auditor'], 'aud-1')).body,
    ).toMatchObject({ checks: [{ checkId: check.body['checkId'] }] });
  });

  it("HK-6 the ledger's journals from custody.ledger.events.v1: client ETH whose custody moved to a house wallet opens a segregation breach on Kafka", async () => {
    await send(WALLET_EVENTS_TOPIC, {
      ...wallet('elsewhere', 'hot'),
      data: {
        ...wallet('elsewhere', 'hot').data,
        ownerClass: 'house',
        address: `0x${'e'.repeat(40)}`,
      },
    });
    const entry = (
      account: Record<string, string>,
      side: 'debit' | 'credit',
      amountMinor: bigint,
    ) => ({ account: { ...account, asset: 'ETH' }, side, amountMinor: amountMinor.toString() });
    const posted = (journalId: string, kind: string, entries: ReturnType<typeof entry>[]) =>
      envelope('JournalPosted', `ledger-${journalId}`, {
        journalId,
        kind,
        sourceReference: journalId,
        fingerprint: `fp-${journalId}`,
        entries,
        at: new Date().toISOString(),
      });
    await send(
      LEDGER_EVENTS_TOPIC,
      posted('deposit:D-1', 'deposit', [
        entry({ kind: 'custody', walletId: 'h1' }, 'debit', 10n * ETH),
        entry({ kind: 'client', clientId: 'alice' }, 'credit', 10n * ETH),
      ]),
    );
    await send(
      LEDGER_EVENTS_TOPIC,
      posted('custody-transfer:T-1', 'custody-transfer', [
        entry({ kind: 'custody', walletId: 'elsewhere' }, 'debit', 3n * ETH),
        entry({ kind: 'custody', walletId: 'h1' }, 'credit', 3n * ETH),
      ]),
    );
    const events = await breachEvents((read) =>
      read.some(
        (event) => event.type === 'ComplianceBreachDetected' && event.data['ruleId'] === 'HK-6',
      ),
    );
    expect(events.find((event) => event.data['ruleId'] === 'HK-6')?.data).toMatchObject({
      subject: 'ETH',
      evidence: {
        verdict: 'fail',
        figures: {
          clientLiabilityMinor: (10n * ETH).toString(),
          shortfallMinor: (3n * ETH).toString(),
        },
      },
    });
    expect(await call('GET', '/v1/capital-report', ['auditor'], 'aud-1')).toMatchObject({
      status: 200,
      body: { clientCustody: { segregation: 'in doubt' } },
    });
    await capture(); // the segregation breach open
  });

  it('HK-22 the compliance captured live at four moments (open breaches, the policy version in force) is rebuilt later from the audit record alone, moment by moment', async () => {
    expect(snapshots).toHaveLength(4);
    const auditGet = async (path: string) => {
      const token = await signTestToken({
        secret,
        issuer: ISSUER,
        audience: AUDIENCE,
        subject: 'aud-1',
        roles: ['auditor'],
      });
      return (await (
        await fetch(`${audit.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as Record<string, unknown>;
    };
    // the policy service's whole store has reached the audit record
    const stored = async () =>
      (
        (await call('GET', '/v1/event-log?limit=1000', ['auditor'], 'aud-1')).body[
          'events'
        ] as unknown[]
      ).length;
    const audited = async () =>
      ((await auditGet(`/v1/audit/sources?topic=${POLICY_EVENTS_TOPIC}`))['entries'] as unknown[])
        .length;
    expect(
      await eventually(
        async () => (await stored()) > 0 && (await audited()) === (await stored()),
        WAIT_MS,
      ),
    ).toBe(true);
    const byBreach = (breaches: { breachId: string; ruleId: string; subject: string }[]) =>
      breaches
        .map(({ breachId, ruleId, subject }) => ({ breachId, ruleId, subject }))
        .sort((a, b) => (a.breachId < b.breachId ? -1 : 1));
    for (const snapshot of snapshots) {
      const rebuilt = (await auditGet(
        `/v1/audit/reconstruction/state?at=${encodeURIComponent(snapshot.at)}`,
      )) as {
        policyVersion: string | null;
        openBreaches: { breachId: string; ruleId: string; subject: string }[];
      };
      expect({ at: snapshot.at, openBreaches: byBreach(rebuilt.openBreaches) }).toEqual({
        at: snapshot.at,
        openBreaches: byBreach(snapshot.openBreaches),
      });
      // the configured default is no event: the record knows a version only once one was approved
      expect({ at: snapshot.at, policyVersion: rebuilt.policyVersion }).toEqual({
        at: snapshot.at,
        policyVersion: snapshot.policySource === 'default' ? null : snapshot.policyVersion,
      });
    }
    // the moments differ (breaches open, none, a version approved, a new breach): the comparison is not vacuous
    expect(snapshots.map((snapshot) => snapshot.openBreaches.length > 0)).toEqual([
      true,
      false,
      false,
      true,
    ]);
    expect(snapshots.map((snapshot) => snapshot.policySource === 'default')).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});
