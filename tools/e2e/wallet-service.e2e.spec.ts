import { randomBytes } from 'node:crypto';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signTestToken } from '@custody/auth/testing';
import {
  DEAD_LETTER_TOPIC,
  EXCHANGE_TRADES_TOPIC,
  EXCHANGE_WITHDRAWAL_REQUESTS_TOPIC,
  LEDGER_EVENTS_TOPIC,
  POLICY_EVENTS_TOPIC,
  WALLET_EVENTS_TOPIC,
} from '@custody/contracts';
import {
  anvilAccounts,
  createSoftHsmToken,
  createTestDatabase,
  eventually,
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
import {
  createPublicClient,
  createTestClient,
  createWalletClient,
  http,
  parseEther,
  type Address,
} from 'viem';
import { auditCli } from './audit-cli-process';

const WAIT_MS = 45_000;
const HOME = { site: 'HK-DC1', jurisdiction: 'HK' };

/**
 * The wallet, ledger and policy services as real processes, talking over Kafka (the test broker)
 * and, for the withdrawal decision, the wallet calling the policy service with its own token:
 * keys in SoftHSM2, the chain on anvil. Through the public HTTP APIs: an admin registers a
 * wallet, custodians get key access by maker-checker, the exchange forwards a client's signed
 * challenge for its address, the client's deposit is credited in the ledger, an operator's withdrawal
 * is decided by the policy service (the client's balance from the ledger's journals, a daily
 * limit), approved by two custodians, held by the ledger, signed in the HSM, mined and settled.
 */
describe('the wallet service with the ledger over Kafka, SoftHSM2 and anvil', () => {
  const secret = randomBytes(32).toString('hex');
  let db: TestDatabase;
  let broker: KafkaTestBroker;
  let node: ChainNode;
  let hsm: SoftHsmToken;
  let wallet: ServiceProcess;
  let ledger: ServiceProcess;
  let policy: ServiceProcess;
  let audit: ServiceProcess;
  let tokenDirectory = '';
  let alice: Address;
  let walletAddress: Address;
  /** Issue 8: the wallet's live state captured at moments of the run, rebuilt later from the audit record alone. */
  type Captured = {
    at: string;
    wallets: { walletId: string; tier: string; ownerClass: string; keyId: string }[];
    keyAccess: string[];
    allowListed: string[];
  };
  const captures: Captured[] = [];
  const capture = async () => {
    const wallets = (
      (await call(wallet, 'GET', '/v1/wallets', ['auditor'], 'auditor-1')).body['wallets'] as {
        registration: {
          walletId: string;
          tier: string;
          ownerClass: string;
          key: { keyId: string };
        };
      }[]
    ).map(({ registration }) => ({
      walletId: registration.walletId,
      tier: registration.tier,
      ownerClass: registration.ownerClass,
      keyId: registration.key.keyId,
    }));
    const custodians = (await call(wallet, 'GET', '/v1/custodians', ['auditor'], 'auditor-1')).body[
      'custodians'
    ] as { custodianId: string; wallets: string[] }[];
    const addresses = (
      await call(wallet, 'GET', '/v1/clients/alice/allow-list', ['auditor'], 'auditor-1')
    ).body['addresses'] as { chain: string; address: string }[];
    captures.push({
      at: new Date().toISOString(),
      wallets: wallets.sort((a, b) => (a.walletId < b.walletId ? -1 : 1)),
      keyAccess: custodians
        .flatMap((custodian) =>
          custodian.wallets.map((walletId) => `${walletId}/${custodian.custodianId}`),
        )
        .sort(),
      allowListed: addresses
        .map((entry) => `alice/${entry.chain}/${entry.address.toLowerCase()}`)
        .sort(),
    });
  };

  const call = (
    service: ServiceProcess,
    method: 'GET' | 'POST',
    path: string,
    roles: string[],
    subject: string,
    body?: unknown,
  ) => callService(secret, service.baseUrl, method, path, roles, subject, body);
  const aliceEth = async () => {
    const { body } = await call(
      ledger,
      'GET',
      '/v1/clients/alice/balances',
      ['auditor'],
      'auditor-1',
    );
    const balances = (body['balances'] ?? []) as {
      asset: string;
      postedMinor: string;
      availableMinor: string;
    }[];
    return balances.find((line) => line.asset === 'ETH');
  };

  beforeAll(async () => {
    [db, broker, node, hsm] = await Promise.all([
      createTestDatabase(),
      startKafkaTestBroker(),
      startAnvil(),
      createSoftHsmToken('wallet-e2e'),
    ]);
    for (const topic of [
      EXCHANGE_TRADES_TOPIC,
      EXCHANGE_WITHDRAWAL_REQUESTS_TOPIC,
      WALLET_EVENTS_TOPIC,
      LEDGER_EVENTS_TOPIC,
      POLICY_EVENTS_TOPIC,
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
    // the wallet's own identity towards the policy service: a workload token in a file (as a projected service-account token would be)
    tokenDirectory = await mkdtemp(join(tmpdir(), 'wallet-token-'));
    const tokenFile = join(tokenDirectory, 'policy-token');
    await writeFile(
      tokenFile,
      `${await signTestToken({ secret, issuer: ISSUER, audience: AUDIENCE, subject: 'wallet-service', roles: ['custody-service'], expiresInSeconds: 3_600 })}\n`,
      { mode: 0o600 },
    );
    // the HSM's PIN from a file, as in production (WALLET_HSM_PIN is for development only)
    const hsmPinFile = join(tokenDirectory, 'hsm-pin');
    await writeFile(hsmPinFile, `${hsm.userPin}\n`, { mode: 0o600 });
    // the audit service beside them, with its signing key in a file, and the auditor's token for the CLI
    await writeFile(
      join(tokenDirectory, 'audit-signing.pem'),
      generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }),
      { mode: 0o600 },
    );
    await writeFile(
      join(tokenDirectory, 'auditor-token'),
      await signTestToken({
        secret,
        issuer: ISSUER,
        audience: AUDIENCE,
        subject: 'auditor-cli',
        roles: ['auditor'],
        expiresInSeconds: 3_600,
      }),
    );
    [ledger, policy, audit] = await Promise.all([
      startService('ledger', common),
      startService('policy', {
        ...common,
        POLICY_JURISDICTIONS: 'HK',
        POLICY_WITHDRAWAL_LIMITS: JSON.stringify({
          dailyPerClientMinor: { ETH: parseEther('1').toString() },
        }),
      }),
      startService('audit', {
        ...common,
        AUDIT_SIGNING_KEY_FILE: join(tokenDirectory, 'audit-signing.pem'),
      }),
    ]);
    [wallet] = await Promise.all([
      startService('wallet', {
        ...common,
        WALLET_POLICY_URL: policy.baseUrl,
        WALLET_POLICY_TOKEN_FILE: tokenFile,
        SOFTHSM2_CONF: hsm.confPath,
        WALLET_HSM_MODULE: hsm.modulePath,
        WALLET_HSM_TOKEN_LABEL: hsm.tokenLabel,
        WALLET_HSM_PIN_FILE: hsmPinFile,
        WALLET_EVM_RPC_URL: node.rpcUrl,
        WALLET_EVM_CHAIN_ID: String(node.chainId),
        WALLET_PROCESSOR_INTERVAL_MS: '200',
        WALLET_ADDRESS_COOLING_OFF_MS: '0', // HK-11h's cooling-off is trust-boundaries-wallet.e2e's; here alice withdraws at once
      }),
    ]);
    await expectReady([ledger, policy, wallet, audit], WAIT_MS);
    [, alice] = (await anvilAccounts(node)) as [Address, Address];
  }, 90_000);

  afterAll(async () => {
    await wallet?.stop();
    await policy?.stop();
    await ledger?.stop();
    await audit?.stop();
    if (tokenDirectory !== '') await rm(tokenDirectory, { recursive: true, force: true });
    await broker?.stop();
    await node?.stop();
    await hsm?.destroy();
    await db?.drop();
  });

  it('HK-11a registers a wallet for an admin only, its key generated in the HSM; a key location abroad is refused with its code', async () => {
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
    expect(
      (await call(wallet, 'POST', '/v1/wallets', ['operator'], 'operator-1', registration)).status,
    ).toBe(403);
    const abroad = await call(wallet, 'POST', '/v1/wallets', ['admin'], 'admin-1', {
      ...registration,
      walletId: 'eth-hot-sg',
      keyLocation: { site: 'SG-1', jurisdiction: 'SG' },
    });
    expect(abroad).toMatchObject({
      status: 422,
      body: { code: 'KEY_LOCATION_OUTSIDE_JURISDICTIONS', path: 'body.key.location.jurisdiction' },
    });
    expect(
      await call(wallet, 'POST', '/v1/wallets', ['admin'], 'admin-1', {
        ...registration,
        tier: 'lukewarm',
      }),
    ).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_FAILED', errors: [{ path: 'body.tier' }] },
    });
    const created = await call(wallet, 'POST', '/v1/wallets', ['admin'], 'admin-1', registration);
    expect(created.status).toBe(201);
    walletAddress = (created.body['registration'] as { address: Address }).address;
    expect(walletAddress).toMatch(/^0x[0-9a-fA-F]{40}$/);
    await capture();
  });

  it('TW-18 grants key access by maker-checker: the requesting admin cannot approve; a different approver does', async () => {
    for (const [custodianId, department, site] of [
      ['ann', 'treasury', 'HK-DC1'],
      ['cat', 'risk', 'HK-DC2'],
    ]) {
      expect(
        (
          await call(wallet, 'POST', '/v1/custodians', ['admin'], 'admin-1', {
            custodianId,
            name: custodianId,
            department,
            site,
          })
        ).status,
      ).toBe(201);
      expect(
        (
          await call(wallet, 'POST', '/v1/custodians/key-access-changes', ['admin'], 'admin-1', {
            changeId: `grant-${custodianId}`,
            custodianId,
            walletId: 'eth-hot-1',
            action: 'grant',
            reason: 'vetted',
          })
        ).status,
      ).toBe(201);
      expect(
        await call(
          wallet,
          'POST',
          `/v1/custodians/key-access-changes/grant-${custodianId}/decision`,
          ['admin'],
          'admin-1',
          { decision: 'approve', reason: 'mine' },
        ),
      ).toMatchObject({ status: 403, body: { code: 'AUTH_ROLE_MISSING' } }); // an approver decides, never an admin
      expect(
        await call(
          wallet,
          'POST',
          `/v1/custodians/key-access-changes/grant-${custodianId}/decision`,
          ['approver'],
          'approver-1',
          { decision: 'approve', reason: 'vetting file checked' },
        ),
      ).toMatchObject({ status: 200, body: { status: 'approved' } });
    }
    const roster = await call(wallet, 'GET', '/v1/custodians', ['auditor'], 'auditor-1');
    expect(
      (roster.body['custodians'] as { custodianId: string; wallets: string[] }[]).map((entry) => [
        entry.custodianId,
        entry.wallets,
      ]),
    ).toEqual([
      ['ann', ['eth-hot-1']],
      ['cat', ['eth-hot-1']],
    ]);
    await capture();
  });

  it("HK-11h allow-lists alice's address by her EIP-191 signature, and credits her deposit in the ledger once confirmed", async () => {
    expect(
      (await call(ledger, 'POST', '/v1/clients', ['operator'], 'operator-1', { clientId: 'alice' }))
        .status,
    ).toBe(200);
    // through alice's own channel: the exchange's service identity forwards her signature
    const challenge = await call(
      wallet,
      'POST',
      '/v1/clients/alice/allow-list/challenges',
      ['custody-service'],
      'exchange',
      { challengeId: 'CH-1', chain: 'ethereum', address: alice, method: 'signed-message' },
    );
    expect(challenge.status).toBe(201);
    const signature = await createWalletClient({ transport: http(node.rpcUrl) }).signMessage({
      account: alice,
      message: challenge.body['message'] as string,
    });
    expect(
      await call(
        wallet,
        'POST',
        '/v1/clients/alice/allow-list/challenges/CH-1/signature',
        ['custody-service'],
        'exchange',
        { signature },
      ),
    ).toMatchObject({ status: 200, body: { proven: true, status: 'listed' } });

    const deposit = await createWalletClient({ transport: http(node.rpcUrl) }).sendTransaction({
      account: alice,
      to: walletAddress,
      value: parseEther('2'),
      chain: null,
    });
    await createPublicClient({ transport: http(node.rpcUrl) }).waitForTransactionReceipt({
      hash: deposit,
      pollingInterval: 20,
    });
    await createTestClient({ mode: 'anvil', transport: http(node.rpcUrl) }).mine({ blocks: 1 });
    expect(
      await eventually(
        async () => (await aliceEth())?.postedMinor === parseEther('2').toString(),
        WAIT_MS,
      ),
    ).toBe(true);
    await capture();
  });

  it("issue 22: the exchange's custody-service identity cannot take a withdrawal decision at the policy service (only POLICY_DECISION_SUBJECTS, the wallet): no reservation of alice's balance under a made-up id, no claiming W-1 first", async () => {
    for (const withdrawalId of ['FAKE-1', 'W-1']) {
      const claim = {
        withdrawalId,
        clientId: 'alice',
        asset: 'ETH',
        amountMinor: parseEther('0.5').toString(),
        destinationAllowListed: true,
      };
      expect(
        await call(
          policy,
          'POST',
          '/v1/withdrawal-decisions',
          ['custody-service'],
          'exchange',
          claim,
        ),
      ).toMatchObject({ status: 403, body: { code: 'WITHDRAWAL_DECISION_SUBJECT_UNKNOWN' } });
      expect(
        (
          await call(
            policy,
            'GET',
            `/v1/withdrawal-decisions/${withdrawalId}`,
            ['auditor'],
            'auditor-1',
          )
        ).status,
      ).toBe(404);
    }
  });

  it('HK-11d / TW-16 withdraws after two custodians approve the payload hash they reviewed; the ledger holds, the HSM signs, the chain confirms, the ledger settles', async () => {
    const chain = createPublicClient({ transport: http(node.rpcUrl) });
    const before = await chain.getBalance({ address: alice });
    // the policy service has read alice's 2 ETH from the ledger's journals on Kafka
    const owed = async () =>
      (
        (await call(policy, 'GET', '/v1/compliance', ['auditor'], 'auditor-1')).body['results'] as {
          ruleId: string;
          figures: Record<string, string>;
        }[]
      ).find((result) => result.ruleId === 'HK-6')?.figures['clientLiabilityMinor'];
    expect(
      await eventually(async () => (await owed()) === parseEther('2').toString(), WAIT_MS),
    ).toBe(true);
    const requested = await call(wallet, 'POST', '/v1/withdrawals', ['operator'], 'operator-1', {
      withdrawalId: 'W-1',
      clientId: 'alice',
      asset: 'ETH',
      amountMinor: parseEther('0.5').toString(),
      chain: 'ethereum',
      destinationAddress: alice,
    });
    expect(requested.status).toBe(201);
    expect(
      await call(policy, 'GET', '/v1/withdrawal-decisions/W-1', ['auditor'], 'auditor-1'),
    ).toMatchObject({
      status: 200,
      body: {
        allowed: true,
        quorumRequired: 2,
        policyVersion: 'HK-default-1',
        availableMinor: parseEther('2').toString(),
        withdrawnTodayMinor: '0',
      },
    });
    // the daily limit of 1 ETH: 0.5 allowed today, 0.6 more is refused by the policy service, and nothing is recorded in the wallet
    expect(
      await call(wallet, 'POST', '/v1/withdrawals', ['operator'], 'operator-1', {
        withdrawalId: 'W-2',
        clientId: 'alice',
        asset: 'ETH',
        amountMinor: parseEther('0.6').toString(),
        chain: 'ethereum',
        destinationAddress: alice,
      }),
    ).toMatchObject({
      status: 422,
      body: {
        code: 'WITHDRAWAL_REFUSED_BY_POLICY',
        reason: expect.stringMatching(
          /^daily limit: 500000000000000000 already today \+ 600000000000000000 against 1000000000000000000/,
        ),
      },
    });
    expect(
      (await call(wallet, 'GET', '/v1/withdrawals/W-2', ['auditor'], 'auditor-1')).status,
    ).toBe(404);
    let payloadHash = '';
    await eventually(async () => {
      const { body } = await call(wallet, 'GET', '/v1/withdrawals/W-1', ['key-custodian'], 'ann');
      payloadHash = (body['payload'] as { payloadHash?: string } | null)?.payloadHash ?? '';
      return payloadHash !== '';
    }, WAIT_MS);
    const { body: review } = await call(
      wallet,
      'GET',
      '/v1/withdrawals/W-1',
      ['key-custodian'],
      'ann',
    );
    const queue = await call(
      wallet,
      'GET',
      '/v1/withdrawals?status=awaiting-approval',
      ['key-custodian'],
      'ann',
    );
    expect(
      (queue.body['withdrawals'] as { request: { withdrawalId: string } }[]).map(
        (entry) => entry.request.withdrawalId,
      ),
    ).toEqual(['W-1']);
    expect(
      await call(wallet, 'GET', '/v1/withdrawals?limit=0', ['key-custodian'], 'ann'),
    ).toMatchObject({ status: 400, body: { errors: [{ path: 'query.limit' }] } });
    expect(review['payload']).toMatchObject({
      asset: 'ETH',
      amountMinor: parseEther('0.5').toString(),
      destinationAddress: alice,
      payloadHash,
    });
    expect(
      (
        await call(wallet, 'POST', '/v1/withdrawals/W-1/approvals', ['operator'], 'operator-1', {
          payloadHash,
        })
      ).status,
    ).toBe(403);
    expect(
      await call(wallet, 'POST', '/v1/withdrawals/W-1/approvals', ['key-custodian'], 'ann', {
        payloadHash,
      }),
    ).toMatchObject({ status: 201, body: { events: ['SigningApproved'] } });
    expect(
      await call(wallet, 'POST', '/v1/withdrawals/W-1/approvals', ['key-custodian'], 'ann', {
        payloadHash,
      }),
    ).toMatchObject({ status: 409, body: { code: 'SIGNING_CUSTODIAN_ALREADY_APPROVED' } });
    expect(
      await call(wallet, 'POST', '/v1/withdrawals/W-1/approvals', ['key-custodian'], 'cat', {
        payloadHash,
      }),
    ).toMatchObject({
      status: 201,
      body: { events: ['SigningApproved', 'SigningQuorumReached', 'WithdrawalApproved'] },
    });

    // held by the ledger (over Kafka), then signed and broadcast by the wallet
    expect(
      await eventually(
        async () => (await aliceEth())?.availableMinor === parseEther('1.5').toString(),
        WAIT_MS,
      ),
    ).toBe(true);
    expect(
      await eventually(
        async () =>
          ['broadcast', 'confirmed'].includes(
            (await call(wallet, 'GET', '/v1/withdrawals/W-1', ['auditor'], 'auditor-1')).body[
              'status'
            ] as string,
          ),
        WAIT_MS,
      ),
    ).toBe(true);
    await createTestClient({ mode: 'anvil', transport: http(node.rpcUrl) }).mine({ blocks: 1 });
    expect(
      await eventually(
        async () =>
          (await call(wallet, 'GET', '/v1/withdrawals/W-1', ['auditor'], 'auditor-1')).body[
            'status'
          ] === 'confirmed',
        WAIT_MS,
      ),
    ).toBe(true);
    expect((await chain.getBalance({ address: alice })) - before).toBe(parseEther('0.5'));
    expect(
      await eventually(
        async () => (await aliceEth())?.postedMinor === parseEther('1.5').toString(),
        WAIT_MS,
      ),
    ).toBe(true);
    await capture();
  });

  it("HK-22 / TW-18 the audit service recorded it all: the key's trail names every access change with who asked and who approved, and the signing; alice's trail her deposit and withdrawal; each store cross-checks against the record", async () => {
    const cli = (...args: string[]) =>
      auditCli(
        ...args,
        '--url',
        audit.baseUrl,
        '--token-file',
        join(tokenDirectory, 'auditor-token'),
      );
    const { body: registered } = await call(
      wallet,
      'GET',
      '/v1/wallets/eth-hot-1',
      ['auditor'],
      'auditor-1',
    );
    const keyId = (registered['registration'] as { key: { keyId: string } }).key.keyId;
    // every service's store reaches the audit record through its relay and the broker
    const services = [
      `${LEDGER_EVENTS_TOPIC}=${ledger.baseUrl}`,
      `${WALLET_EVENTS_TOPIC}=${wallet.baseUrl}`,
      `${POLICY_EVENTS_TOPIC}=${policy.baseUrl}`,
    ].join(',');
    let checked = await cli('cross-check', '--services', services);
    expect(
      await eventually(
        async () => (checked = await cli('cross-check', '--services', services)).code === 0,
        WAIT_MS,
      ),
    ).toBe(true);
    expect(checked.out).toMatch(
      /custody\.wallet\.events\.v1: (\d+) events in the store, \1 in the audit record, 0 findings/,
    );

    const keyTrail = await cli('trail', '--key', keyId);
    expect(keyTrail.code).toBe(0);
    for (const custodian of ['ann', 'cat'])
      expect(keyTrail.out).toMatch(
        new RegExp(
          `KeyAccessGranted  wallet eth-hot-1, custodian ${custodian}.*"requestedBy":"admin-1","approvedBy":"approver-1"`,
        ),
      );
    expect(keyTrail.out).toMatch(/KeyAccessChangeApproved .*"approvedBy":"approver-1"/);
    expect(keyTrail.out).toMatch(/KeyUsed .*"requestedBy":"operator-1"/);

    const clientTrail = await cli('trail', '--client', 'alice');
    expect(clientTrail.out).toMatch(/DepositConfirmed .*2000000000000000000 ETH \(transaction 0x/);
    expect(clientTrail.out).toMatch(/JournalPosted  withdrawal W-1: -500000000000000000 ETH/);
    expect(clientTrail.out).toMatch(
      /WithdrawalConfirmed  W-1 500000000000000000 ETH \(transaction 0x/,
    );
    expect(await cli('verify')).toMatchObject({
      code: 0,
      out: expect.stringMatching(/the audit chain holds/),
    });

    // point in time beyond balances: each moment's wallets and tiers, key-access grants and allow-listed addresses, rebuilt from the record alone
    expect(captures).toHaveLength(4);
    for (const captured of captures) {
      const replayed = await cli('replay', '--at', captured.at);
      expect(replayed.code).toBe(0);
      const state = JSON.parse(replayed.out) as {
        wallets: Captured['wallets'];
        keyAccess: { walletId: string; custodianId: string }[];
        allowListed: { clientId: string; chain: string; address: string }[];
      };
      expect({
        at: captured.at,
        wallets: [...state.wallets].sort((a, b) => (a.walletId < b.walletId ? -1 : 1)),
        keyAccess: state.keyAccess.map((grant) => `${grant.walletId}/${grant.custodianId}`).sort(),
        allowListed: state.allowListed
          .filter((entry) => entry.clientId === 'alice')
          .map((entry) => `alice/${entry.chain}/${entry.address.toLowerCase()}`)
          .sort(),
      }).toEqual(captured);
    }
    // the moments differ: no grants, then grants, then an address too
    expect(
      captures.map((captured) => [captured.keyAccess.length > 0, captured.allowListed.length > 0]),
    ).toEqual([
      [false, false],
      [true, false],
      [true, true],
      [true, true],
    ]);
  });

  it('HK-11e a wallet registered to require distinct departments: K1 (Ops, HK-DC1) and K4 (Ops, HK-DC2), one department at two sites, do not sign its withdrawal; K2 (Risk, HK-DC1) makes the quorum and the HSM signs', async () => {
    const registration = {
      walletId: 'eth-hot-2',
      tier: 'hot',
      ownerClass: 'client-segregated',
      chain: 'ethereum',
      assets: ['ETH'],
      keyLocation: HOME,
      backups: [{ site: 'HK-VAULT2', jurisdiction: 'HK' }],
      rotationDueAt: new Date(Date.now() + 365 * 24 * 3600_000).toISOString(),
      quorum: {
        required: 2,
        spanDepartmentsOrSites: true,
        span: 'departments',
        approvalTtlMs: 600_000,
      },
      confirmationsRequired: 2,
    };
    // a span the service does not know, or one that contradicts "no span", is refused before any key is generated
    expect(
      await call(wallet, 'POST', '/v1/wallets', ['admin'], 'admin-1', {
        ...registration,
        walletId: 'eth-hot-x',
        quorum: { ...registration.quorum, span: 'all' },
      }),
    ).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_FAILED', errors: [{ path: 'body.quorum.span' }] },
    });
    expect(
      await call(wallet, 'POST', '/v1/wallets', ['admin'], 'admin-1', {
        ...registration,
        walletId: 'eth-hot-x',
        quorum: { ...registration.quorum, spanDepartmentsOrSites: false },
      }),
    ).toMatchObject({
      status: 422,
      body: { code: 'QUORUM_POLICY_INVALID', path: 'body.quorum.span' },
    });
    const created = await call(wallet, 'POST', '/v1/wallets', ['admin'], 'admin-1', registration);
    expect(created).toMatchObject({ status: 201, body: { quorum: registration.quorum } });
    const address = (created.body['registration'] as { address: Address }).address;
    // the wallet as an auditor reads it: the span is part of its quorum
    expect(
      (await call(wallet, 'GET', '/v1/wallets/eth-hot-2', ['auditor'], 'auditor-1')).body['quorum'],
    ).toEqual(registration.quorum);

    for (const [custodianId, department, site] of [
      ['K1', 'Ops', 'HK-DC1'],
      ['K4', 'Ops', 'HK-DC2'],
      ['K2', 'Risk', 'HK-DC1'],
    ] as const) {
      expect(
        (
          await call(wallet, 'POST', '/v1/custodians', ['admin'], 'admin-1', {
            custodianId,
            name: custodianId,
            department,
            site,
          })
        ).status,
      ).toBe(201);
      expect(
        (
          await call(wallet, 'POST', '/v1/custodians/key-access-changes', ['admin'], 'admin-1', {
            changeId: `grant-${custodianId}-eth-hot-2`,
            custodianId,
            walletId: 'eth-hot-2',
            action: 'grant',
            reason: 'vetted',
          })
        ).status,
      ).toBe(201);
      expect(
        await call(
          wallet,
          'POST',
          `/v1/custodians/key-access-changes/grant-${custodianId}-eth-hot-2/decision`,
          ['approver'],
          'approver-1',
          { decision: 'approve', reason: 'vetting file checked' },
        ),
      ).toMatchObject({ status: 200, body: { status: 'approved' } });
    }

    // alice funds the new wallet from her allow-listed address: 1.5 + 1 ETH in the ledger
    const deposit = await createWalletClient({ transport: http(node.rpcUrl) }).sendTransaction({
      account: alice,
      to: address,
      value: parseEther('1'),
      chain: null,
    });
    await createPublicClient({ transport: http(node.rpcUrl) }).waitForTransactionReceipt({
      hash: deposit,
      pollingInterval: 20,
    });
    await createTestClient({ mode: 'anvil', transport: http(node.rpcUrl) }).mine({ blocks: 1 });
    expect(
      await eventually(
        async () => (await aliceEth())?.postedMinor === parseEther('2.5').toString(),
        WAIT_MS,
      ),
    ).toBe(true);

    const requested = await call(wallet, 'POST', '/v1/withdrawals', ['operator'], 'operator-1', {
      withdrawalId: 'W-3',
      clientId: 'alice',
      asset: 'ETH',
      amountMinor: parseEther('0.1').toString(),
      chain: 'ethereum',
      destinationAddress: alice,
      walletId: 'eth-hot-2',
    });
    expect(requested).toMatchObject({
      status: 201,
      body: { request: { walletId: 'eth-hot-2', quorum: registration.quorum } },
    });
    let payloadHash = '';
    await eventually(async () => {
      const { body } = await call(wallet, 'GET', '/v1/withdrawals/W-3', ['key-custodian'], 'K1');
      payloadHash = (body['payload'] as { payloadHash?: string } | null)?.payloadHash ?? '';
      return payloadHash !== '';
    }, WAIT_MS);
    const approve = (custodianId: string) =>
      call(wallet, 'POST', '/v1/withdrawals/W-3/approvals', ['key-custodian'], custodianId, {
        payloadHash,
      });
    // K1 and K4: two distinct custodians, enough for "two departments or two sites", not for this wallet
    expect(await approve('K1')).toMatchObject({
      status: 201,
      body: { events: ['SigningApproved'] },
    });
    expect(await approve('K4')).toMatchObject({
      status: 201,
      body: { events: ['SigningApproved'] },
    });
    const waiting = await call(wallet, 'GET', '/v1/withdrawals/W-3', ['auditor'], 'auditor-1');
    expect(waiting.body).toMatchObject({
      status: 'awaiting-approval',
      approvals: [{ custodianId: 'K1' }, { custodianId: 'K4' }],
    });
    expect(waiting.body['approvedAt']).toBeUndefined(); // no WithdrawalApproved: the ledger holds nothing, the HSM is not asked
    // K2, of another department: the quorum, the ledger's hold, the HSM's signature
    expect(await approve('K2')).toMatchObject({
      status: 201,
      body: { events: ['SigningApproved', 'SigningQuorumReached', 'WithdrawalApproved'] },
    });
    expect(
      await eventually(
        async () =>
          ['broadcast', 'confirmed'].includes(
            (await call(wallet, 'GET', '/v1/withdrawals/W-3', ['auditor'], 'auditor-1')).body[
              'status'
            ] as string,
          ),
        WAIT_MS,
      ),
    ).toBe(true);
  });
});
