import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signTestToken } from '@custody/auth/testing';
import { DEFAULT_ASSET_REGISTRY } from '@custody/contracts';
import { PostgresEventStore } from '@custody/event-store';
import { LedgerCommandHandler } from '@custody/ledger-application';
import type { AssetDecimals, LedgerCommand } from '@custody/ledger-domain';
import { LEDGER_SERVICE } from '@custody/ledger-service';
import { POLICY_SERVICE } from '@custody/policy-service';
import { createServiceApp, type ServiceDefinition } from '@custody/service-host';
import { createTestDatabase, type TestDatabase } from '@custody/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';

const AUTH = {
  secret: 'entitlements-test-secret-of-32-bytes!!',
  issuer: 'https://issuer.custody.test',
  audience: 'custody-services',
} as const;
const decimals: AssetDecimals = (asset) =>
  (DEFAULT_ASSET_REGISTRY as Record<string, { decimals: number }>)[asset]?.decimals;
const ETH = 10n ** 18n;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const token = (subject: string, roles: string[]) => signTestToken({ ...AUTH, subject, roles });

async function start(
  definition: ServiceDefinition,
  database: TestDatabase,
  extra: Record<string, string> = {},
): Promise<{ app: NestExpressApplication; baseUrl: string }> {
  const created = await createServiceApp({
    ...definition,
    defaultPort: 0,
    environment: {
      DATABASE_URL: database.url,
      AUTH_ISSUER: AUTH.issuer,
      AUTH_AUDIENCE: AUTH.audience,
      AUTH_JWT_SECRET: AUTH.secret,
      LOG_LEVEL: 'warn',
      ...extra,
    },
  });
  if (!created.ok) throw new Error(JSON.stringify(created.problems));
  await created.service.serve(0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${(created.service.app.getHttpServer().address() as AddressInfo).port}`;
  for (let waited = 0; (await fetch(`${baseUrl}/health/ready`)).status !== 200; waited += 100) {
    if (waited > 30_000) throw new Error(`${definition.serviceName} did not become ready`);
    await pause(100);
  }
  return { app: created.service.app, baseUrl };
}

describe('HK-20 forks and airdrops through the policy and ledger services (HTTP, PostgreSQL)', () => {
  let db: TestDatabase;
  let folder: string;
  let policy: { app: NestExpressApplication; baseUrl: string };
  let ledger: { app: NestExpressApplication; baseUrl: string };
  let handler: LedgerCommandHandler;

  const call = async (
    baseUrl: string,
    method: 'GET' | 'POST',
    path: string,
    who: [string, string[]],
    body?: unknown,
  ) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await token(...who)}`,
        'content-type': 'application/json',
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const deposit = (depositId: string, clientId: string, amountMinor: bigint): LedgerCommand => ({
    type: 'BookDeposit',
    depositId,
    clientId,
    asset: 'ETH',
    amountMinor,
    walletId: 'eth-cold-1',
    metadata: { at: new Date().toISOString() },
  });
  const usdc = async (clientId: string) => {
    const answer = await call(
      ledger.baseUrl,
      'GET',
      `/v1/clients/${clientId}/balances?at=${encodeURIComponent(new Date().toISOString())}`,
      ['auditor-1', ['auditor']],
    );
    const balances = answer.body['balances'] as { asset: string; postedMinor: string }[];
    return balances.find((balance) => balance.asset === 'USDC')?.postedMinor ?? '0';
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    folder = await mkdtemp(join(tmpdir(), 'hk20-'));
    const tokenFile = join(folder, 'ledger-token');
    await writeFile(tokenFile, await token('ledger-service', ['custody-service']));
    policy = await start(POLICY_SERVICE, db);
    ledger = await start(LEDGER_SERVICE, db, {
      LEDGER_POLICY_URL: policy.baseUrl,
      LEDGER_POLICY_TOKEN_FILE: tokenFile,
    });
    const store = new PostgresEventStore({ pool: db.pool, schema: 'ledger' });
    handler = new LedgerCommandHandler(store, decimals);
  }, 120_000);

  afterAll(async () => {
    await ledger?.app.close();
    await policy?.app.close();
    await db?.drop();
    if (folder !== undefined) await rm(folder, { recursive: true, force: true });
  });

  it('HK-20: the setting by maker-checker in the policy; the booking by maker-checker in the ledger, from balances as at the snapshot; not-supported refused; a vote recorded under the setting', async () => {
    const admin: [string, string[]] = ['compliance-1', ['admin']];
    const approver: [string, string[]] = ['compliance-2', ['approver']];
    const operator: [string, string[]] = ['ops-1', ['operator']];
    const checker: [string, string[]] = ['ops-2', ['approver']];
    const propose = (changeId: string, treatment: string) =>
      call(policy.baseUrl, 'POST', '/v1/entitlement-disclosures', admin, {
        changeId,
        asset: 'ETH',
        treatment,
        reason: 'client agreement 2026',
      });
    const decide = (changeId: string, who: [string, string[]]) =>
      call(policy.baseUrl, 'POST', `/v1/entitlement-disclosures/${changeId}/decision`, who, {
        decision: 'approve',
        reason: 'checked',
      });

    for (const clientId of ['alice', 'bob', 'carol', 'dave'])
      expect(
        (await call(ledger.baseUrl, 'POST', '/v1/clients', operator, { clientId })).status,
      ).toBe(200);
    for (const command of [
      deposit('d-alice', 'alice', ETH),
      deposit('d-bob', 'bob', 1_000_000_000_001n),
      deposit('d-carol', 'carol', 1_000_000_000_001n),
    ])
      expect((await handler.handle(command)).ok).toBe(true);
    await pause(50);
    const snapshotAt = new Date().toISOString();
    await pause(50);
    expect((await handler.handle(deposit('d-alice-2', 'alice', 5n * ETH))).ok).toBe(true);
    expect((await handler.handle(deposit('d-dave', 'dave', 2n * ETH))).ok).toBe(true);
    // the read models know every holder before the booking is approved
    for (let waited = 0; ; waited += 100) {
      const dave = await call(ledger.baseUrl, 'GET', '/v1/clients/dave/balances', [
        'auditor-1',
        ['auditor'],
      ]);
      if ((dave.body['balances'] as unknown[] | undefined)?.length === 1) break;
      if (waited > 20_000) throw new Error('the read models did not catch up');
      await pause(100);
    }

    const booking = {
      eventId: 'air-1',
      asset: 'ETH',
      kind: 'airdrop',
      snapshotAt,
      ratio: '1.5',
      newAsset: 'USDC',
      walletId: 'eth-cold-1',
    };
    const missing = await call(ledger.baseUrl, 'POST', '/v1/entitlements', operator, booking);
    expect(missing).toMatchObject({
      status: 422,
      body: { code: 'ENTITLEMENT_DISCLOSURE_MISSING' },
    });

    expect((await propose('d-1', 'not-supported')).status).toBe(201);
    expect(await decide('d-1', ['compliance-1', ['approver']])).toMatchObject({
      body: { code: 'MAKER_CHECKER_SAME_PERSON' },
    });
    expect((await decide('d-1', approver)).status).toBe(200);
    const unsupported = await call(ledger.baseUrl, 'POST', '/v1/entitlements', operator, booking);
    expect(unsupported).toMatchObject({ status: 422, body: { code: 'ENTITLEMENT_NOT_SUPPORTED' } });

    expect((await propose('d-2', 'clients-pro-rata')).status).toBe(201);
    expect((await decide('d-2', approver)).status).toBe(200);
    const recorded = await call(ledger.baseUrl, 'POST', '/v1/entitlements', operator, booking);
    expect(recorded).toMatchObject({ status: 201, body: { status: 'pending' } });
    const own = await call(ledger.baseUrl, 'POST', '/v1/entitlements/air-1/approve', [
      'ops-1',
      ['approver'],
    ]);
    expect(own.body).toMatchObject({ code: 'MAKER_CHECKER_SAME_PERSON' });
    const approved = await call(ledger.baseUrl, 'POST', '/v1/entitlements/air-1/approve', checker);
    expect(approved).toMatchObject({ status: 200, body: { status: 'approved' } });
    const again = await call(ledger.baseUrl, 'POST', '/v1/entitlements/air-1/approve', checker);
    expect(again).toMatchObject({ status: 200, body: { status: 'approved', events: [] } });

    // what a regulator reads: the event, the disclosure it was booked under, what each got
    const booked = await call(ledger.baseUrl, 'GET', '/v1/entitlements/air-1', [
      'auditor-1',
      ['auditor'],
    ]);
    expect(booked).toMatchObject({
      status: 200,
      body: {
        asset: 'ETH',
        newAsset: 'USDC',
        treatment: 'clients-pro-rata',
        status: 'approved',
        requestedBy: 'ops-1',
        decidedBy: 'ops-2',
        allocation: {
          entitledMinor: '1500003',
          credits: [
            { clientId: 'alice', amountMinor: '1500000' },
            { clientId: 'bob', amountMinor: '1' },
            { clientId: 'carol', amountMinor: '1' },
          ],
          houseMinor: '1',
        },
      },
    });
    expect(await usdc('alice')).toBe('1500000');
    expect(await usdc('bob')).toBe('1');
    expect(await usdc('dave')).toBe('0');

    const vote = await call(policy.baseUrl, 'POST', '/v1/votes', admin, {
      voteId: 'v-1',
      asset: 'ETH',
      proposal: 'EIP-9999',
      position: 'abstain',
      reason: 'no client instruction',
    });
    expect(vote).toMatchObject({
      status: 201,
      body: {
        recorded: [
          { type: 'VoteRecorded', data: { treatment: 'clients-pro-rata', disclosureVersion: 2 } },
        ],
      },
    });
    const record = await call(policy.baseUrl, 'GET', '/v1/entitlement-disclosures', [
      'auditor-1',
      ['auditor'],
    ]);
    expect(record.body['settings']).toEqual([
      { asset: 'ETH', treatment: 'clients-pro-rata', version: 2, changeId: 'd-2' },
    ]);
  }, 120_000);
});
