import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEAD_LETTER_TOPIC,
  EXCHANGE_WITHDRAWAL_REQUESTS_TOPIC,
  LEDGER_EVENTS_TOPIC,
  WALLET_EVENTS_TOPIC,
} from '@custody/contracts';
import {
  anvilAccounts,
  createSoftHsmToken,
  createTestDatabase,
  startAnvil,
  startKafkaTestBroker,
  startService,
  testServiceEnvironment,
  type ChainNode,
  type KafkaTestBroker,
  type ServiceProcess,
  type SoftHsmToken,
  type TestDatabase,
} from '@custody/testing';
import { AUDIENCE, callService, expectReady, ISSUER } from './service-support';
import { createWalletClient, http, parseEther, type Address } from 'viem';

const WAIT_MS = 45_000;
const HOME = { site: 'HK-DC1', jurisdiction: 'HK' };
/** Short enough to see an address go from cooling off to usable within the test; production's default is 24 h. */
const COOLING_OFF_MS = 15_000;

type Answer = { status: number; body: Record<string, unknown> };

/**
 * Issue 22, items 2 and 6, played against the real wallet service (SoftHSM2, anvil, PostgreSQL,
 * the Kafka test broker) through its public HTTP API, as a dishonest insider would:
 * - an operator who controls an address puts it on a client's allow-list alone: the proof is
 *   kept, but the address is never usable without an approver, and then only after the
 *   cooling-off (HK-11h);
 * - two admins grant key access between them: an admin's decision is refused; only an approver
 *   other than the requester decides (TW-18, HK-11c).
 * Each was seen succeeding against the code before the fix (operator: 200 proven and listed;
 * admin: 200 approved).
 */
describe('trust boundaries of the wallet: no lone insider adds an address or grants key access (issue 22)', () => {
  const secret = randomBytes(32).toString('hex');
  let db: TestDatabase;
  let broker: KafkaTestBroker;
  let node: ChainNode;
  let hsm: SoftHsmToken;
  let wallet: ServiceProcess;
  let alice: Address;
  let mallory: Address;
  let secretsDirectory = '';

  const call = async (
    method: 'GET' | 'POST',
    path: string,
    roles: string[],
    subject: string,
    body?: unknown,
  ): Promise<Answer> => callService(secret, wallet.baseUrl, method, path, roles, subject, body);
  const sign = (account: Address, message: string) =>
    createWalletClient({ transport: http(node.rpcUrl) }).signMessage({ account, message });
  const withdraw = (withdrawalId: string, clientId: string, destinationAddress: Address) =>
    call('POST', '/v1/withdrawals', ['operator'], 'operator-1', {
      withdrawalId,
      clientId,
      asset: 'ETH',
      amountMinor: parseEther('0.1').toString(),
      chain: 'ethereum',
      destinationAddress,
      walletId: 'eth-hot-1',
    });
  const listedFor = async (clientId: string) =>
    (
      (await call('GET', `/v1/clients/${clientId}/allow-list`, ['auditor'], 'auditor-1')).body[
        'addresses'
      ] as { address: string }[]
    ).map((entry) => entry.address.toLowerCase());

  beforeAll(async () => {
    [db, broker, node, hsm] = await Promise.all([
      createTestDatabase(),
      startKafkaTestBroker(),
      startAnvil(),
      createSoftHsmToken('wallet-trust-e2e'),
    ]);
    for (const topic of [
      EXCHANGE_WITHDRAWAL_REQUESTS_TOPIC,
      WALLET_EVENTS_TOPIC,
      LEDGER_EVENTS_TOPIC,
      DEAD_LETTER_TOPIC,
    ])
      await broker.command(`topic ${topic} 3 3`);
    const common = testServiceEnvironment({
      databaseUrl: db.url,
      brokers: broker.brokers,
      jwtSecret: secret,
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    secretsDirectory = await mkdtemp(join(tmpdir(), 'wallet-trust-'));
    const pinFile = join(secretsDirectory, 'hsm-pin');
    await writeFile(pinFile, hsm.userPin, { mode: 0o600 });
    wallet = await startService('wallet', {
      ...common,
      SOFTHSM2_CONF: hsm.confPath,
      WALLET_HSM_MODULE: hsm.modulePath,
      WALLET_HSM_TOKEN_LABEL: hsm.tokenLabel,
      WALLET_HSM_PIN_FILE: pinFile,
      WALLET_EVM_RPC_URL: node.rpcUrl,
      WALLET_EVM_CHAIN_ID: String(node.chainId),
      WALLET_PROCESSOR_INTERVAL_MS: '200',
      WALLET_EXCHANGE_SUBJECTS: 'exchange',
      WALLET_ADDRESS_COOLING_OFF_MS: String(COOLING_OFF_MS),
    });
    await expectReady([wallet], WAIT_MS);
    [, alice, mallory] = (await anvilAccounts(node)) as [Address, Address, Address];
    const registration = {
      walletId: 'eth-hot-1',
      tier: 'hot',
      ownerClass: 'client-segregated',
      chain: 'ethereum',
      assets: ['ETH'],
      keyLocation: HOME,
      backups: [{ site: 'HK-VAULT2', jurisdiction: 'HK' }],
      rotationDueAt: new Date(Date.now() + 365 * 24 * 3600_000).toISOString(),
      quorum: { required: 2, spanDepartmentsOrSites: true, approvalTtlMs: 600_000 },
      confirmationsRequired: 2,
    };
    expect((await call('POST', '/v1/wallets', ['admin'], 'admin-1', registration)).status).toBe(
      201,
    );
  }, 90_000);

  afterAll(async () => {
    await wallet?.stop();
    await broker?.stop();
    await node?.stop();
    await hsm?.destroy();
    await db?.drop();
    if (secretsDirectory !== '') await rm(secretsDirectory, { recursive: true, force: true });
  });

  it('TW-18 HK-11c an admin-only key-access decision is refused (403); the requester is refused even as an approver; a different approver decides', async () => {
    expect(
      (
        await call('POST', '/v1/custodians', ['admin'], 'admin-1', {
          custodianId: 'ann',
          name: 'Ann',
          department: 'treasury',
          site: 'HK-DC1',
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await call('POST', '/v1/custodians/key-access-changes', ['admin'], 'admin-1', {
          changeId: 'grant-ann',
          custodianId: 'ann',
          walletId: 'eth-hot-1',
          action: 'grant',
          reason: 'vetted',
        })
      ).status,
    ).toBe(201);
    // the attack: a second admin approves; before issue 22 this was 200 approved, and ann held the key
    expect(
      await call(
        'POST',
        '/v1/custodians/key-access-changes/grant-ann/decision',
        ['admin'],
        'admin-2',
        { decision: 'approve', reason: 'looks fine' },
      ),
    ).toMatchObject({ status: 403, body: { code: 'AUTH_ROLE_MISSING' } });
    expect(
      await call(
        'POST',
        '/v1/custodians/key-access-changes/grant-ann/decision',
        ['approver', 'admin'],
        'admin-1',
        { decision: 'approve', reason: 'mine' },
      ),
    ).toMatchObject({ status: 422, body: { code: 'MAKER_CHECKER_SAME_PERSON' } });
    const roster = async () =>
      (await call('GET', '/v1/custodians', ['auditor'], 'auditor-1')).body['custodians'] as {
        custodianId: string;
        wallets: string[];
      }[];
    expect((await roster()).map((entry) => [entry.custodianId, entry.wallets])).toEqual([
      ['ann', []],
    ]);
    expect(
      await call(
        'POST',
        '/v1/custodians/key-access-changes/grant-ann/decision',
        ['approver'],
        'approver-1',
        { decision: 'approve', reason: 'vetting file checked' },
      ),
    ).toMatchObject({ status: 200, body: { status: 'approved' } });
    expect((await roster()).map((entry) => [entry.custodianId, entry.wallets])).toEqual([
      ['ann', ['eth-hot-1']],
    ]);
  });

  it('HK-11h an operator who controls an address cannot make it usable for a client alone: it waits for an approver, who is never that operator', async () => {
    // no reason, no addition; another custody service's identity is not the client's channel
    expect(
      await call('POST', '/v1/clients/alice/allow-list/challenges', ['operator'], 'operator-1', {
        challengeId: 'OPS-1',
        chain: 'ethereum',
        address: mallory,
        method: 'signed-message',
      }),
    ).toMatchObject({ status: 422, body: { code: 'REASON_REQUIRED' } });
    expect(
      await call(
        'POST',
        '/v1/clients/alice/allow-list/challenges',
        ['custody-service'],
        'wallet-service',
        { challengeId: 'OPS-1', chain: 'ethereum', address: mallory, method: 'signed-message' },
      ),
    ).toMatchObject({ status: 403, body: { code: 'CLIENT_CHANNEL_SUBJECT_UNKNOWN' } });
    const challenge = await call(
      'POST',
      '/v1/clients/alice/allow-list/challenges',
      ['operator'],
      'operator-1',
      {
        challengeId: 'OPS-1',
        chain: 'ethereum',
        address: mallory,
        method: 'signed-message',
        reason: 'client called in',
      },
    );
    expect(challenge.status).toBe(201);
    // the attack: the operator signs with their own key; before issue 22 this listed the address for alice
    const signature = await sign(mallory, challenge.body['message'] as string);
    expect(
      await call(
        'POST',
        '/v1/clients/alice/allow-list/challenges/OPS-1/signature',
        ['operator'],
        'operator-1',
        { signature },
      ),
    ).toMatchObject({
      status: 200,
      body: { proven: true, status: 'awaiting-approval', code: 'ADDITION_REQUESTED_BY_STAFF' },
    });
    expect(await listedFor('alice')).toEqual([]);
    expect(await withdraw('W-MALLORY-1', 'alice', mallory)).toMatchObject({
      status: 422,
      body: { code: 'WITHDRAWAL_DESTINATION_NOT_ALLOWLISTED' },
    });
    // the operator cannot decide it: not as an operator, not even holding the approver role too
    expect(
      await call(
        'POST',
        '/v1/clients/alice/allow-list/additions/OPS-1/decision',
        ['operator'],
        'operator-1',
        { decision: 'approve', reason: 'ok' },
      ),
    ).toMatchObject({ status: 403, body: { code: 'AUTH_ROLE_MISSING' } });
    expect(
      await call(
        'POST',
        '/v1/clients/alice/allow-list/additions/OPS-1/decision',
        ['operator', 'approver'],
        'operator-1',
        { decision: 'approve', reason: 'ok' },
      ),
    ).toMatchObject({ status: 422, body: { code: 'MAKER_CHECKER_SAME_PERSON' } });
    expect(
      await call(
        'POST',
        '/v1/clients/alice/allow-list/additions/OPS-1/decision',
        ['approver'],
        'approver-1',
        { decision: 'reject', reason: 'alice says it is not hers' },
      ),
    ).toMatchObject({ status: 200, body: { status: 'rejected' } });
    expect(await listedFor('alice')).toEqual([]);
    expect(await withdraw('W-MALLORY-2', 'alice', mallory)).toMatchObject({
      status: 422,
      body: { code: 'WITHDRAWAL_DESTINATION_NOT_ALLOWLISTED' },
    });
  });

  it("HK-11h the client's own address, forwarded by the exchange, is listed at once but refused as a destination until its cooling-off ends; the review then shows how, by whom and when it was proven", async () => {
    const challenge = await call(
      'POST',
      '/v1/clients/alice/allow-list/challenges',
      ['custody-service'],
      'exchange',
      { challengeId: 'EX-1', chain: 'ethereum', address: alice, method: 'signed-message' },
    );
    expect(challenge.status).toBe(201);
    const proven = await call(
      'POST',
      '/v1/clients/alice/allow-list/challenges/EX-1/signature',
      ['custody-service'],
      'exchange',
      { signature: await sign(alice, challenge.body['message'] as string) },
    );
    expect(proven).toMatchObject({
      status: 200,
      body: {
        status: 'listed',
        address: { channel: 'client', submittedBy: 'exchange', approvedBy: null },
      },
    });
    const usableFrom = Date.parse(proven.body['usableFrom'] as string);
    expect(usableFrom - Date.now()).toBeGreaterThan(COOLING_OFF_MS / 2);
    expect(await listedFor('alice')).toEqual([alice.toLowerCase()]);
    expect(await withdraw('W-1', 'alice', alice)).toMatchObject({
      status: 422,
      body: { code: 'WITHDRAWAL_DESTINATION_COOLING_OFF', path: 'body.destinationAddress' },
    });
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, usableFrom - Date.now() + 500)));
    expect((await withdraw('W-2', 'alice', alice)).status).toBe(201);
    const review = await call('GET', '/v1/withdrawals/W-2', ['key-custodian'], 'ann');
    expect(review).toMatchObject({
      status: 200,
      body: {
        destinationProof: {
          challengeId: 'EX-1',
          channel: 'client',
          method: 'signed-message',
          requestedBy: 'exchange',
          submittedBy: 'exchange',
          approvedBy: null,
          provenAt: expect.any(String),
          usableFrom: proven.body['usableFrom'],
        },
      },
    });
  }, 60_000);

  it("HK-11h an address already proven for another client is held even through the client's own channel (ADDRESS_BELONGS_TO_ANOTHER_CLIENT) until an approver decides", async () => {
    const challenge = await call(
      'POST',
      '/v1/clients/bob/allow-list/challenges',
      ['custody-service'],
      'exchange',
      { challengeId: 'EX-BOB-1', chain: 'ethereum', address: alice, method: 'signed-message' },
    );
    expect(challenge.status).toBe(201);
    const held = await call(
      'POST',
      '/v1/clients/bob/allow-list/challenges/EX-BOB-1/signature',
      ['custody-service'],
      'exchange',
      { signature: await sign(alice, challenge.body['message'] as string) },
    );
    expect(held).toMatchObject({
      status: 200,
      body: { status: 'awaiting-approval', code: 'ADDRESS_BELONGS_TO_ANOTHER_CLIENT' },
    });
    expect(await listedFor('bob')).toEqual([]);
    expect(await withdraw('W-BOB-1', 'bob', alice)).toMatchObject({
      status: 422,
      body: { code: 'WITHDRAWAL_DESTINATION_NOT_ALLOWLISTED' },
    });
    expect(
      await call(
        'POST',
        '/v1/clients/bob/allow-list/additions/EX-BOB-1/decision',
        ['approver'],
        'approver-1',
        { decision: 'approve', reason: 'joint account, both confirmed on recorded calls' },
      ),
    ).toMatchObject({
      status: 200,
      body: { status: 'listed', address: { approvedBy: 'approver-1' } },
    });
    expect(await listedFor('bob')).toEqual([alice.toLowerCase()]);
    expect(await withdraw('W-BOB-2', 'bob', alice)).toMatchObject({
      status: 422,
      body: { code: 'WITHDRAWAL_DESTINATION_COOLING_OFF' },
    }); // the cooling-off runs from the approval
  });
});
