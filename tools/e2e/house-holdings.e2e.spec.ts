import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEAD_LETTER_TOPIC,
  EXCHANGE_PRICES_TOPIC,
  EXCHANGE_TRADES_TOPIC,
  EXCHANGE_WITHDRAWAL_REQUESTS_TOPIC,
  LEDGER_EVENTS_TOPIC,
  POLICY_EVENTS_TOPIC,
  validateMessage,
  WALLET_EVENTS_TOPIC,
} from '@custody/contracts';
import { createKafka, createOutboxProducer } from '@custody/messaging';
import {
  anvilAccounts,
  createTestDatabase,
  deployTestToken,
  eventually,
  readTopic,
  signingProducer,
  startAnvil,
  startKafkaTestBroker,
  startService,
  testServiceEnvironment,
  type ChainNode,
  type KafkaTestBroker,
  type ServiceProcess,
  type TestDatabase,
} from '@custody/testing';
import { AUDIENCE, callService, expectReady, ISSUER } from './service-support';
import { logLevel, type Kafka, type Producer } from 'kafkajs';
import {
  createPublicClient,
  createTestClient,
  createWalletClient,
  erc20Abi,
  http,
  parseEther,
  type Address,
  type Hash,
} from 'viem';

const WAIT_MS = 45_000;
const HOUSE_WALLET = 'eth-house-1';
/** 1,000 USDT in the token's raw units (the registry's 6 decimals). */
const USDT_1000 = 1_000_000_000n;

interface CapitalReportBody {
  valuation: string;
  valuationGaps: string[];
  exposures: {
    asset: string;
    group: string;
    classified: boolean;
    amountMinor: string;
    value: string;
  }[];
  ownHoldings: { walletId: string; ownerClass: string; asset: string; amountMinor: string }[];
  byGroup: Record<string, string> | null;
  group2Exposure: string | null;
  group2ShareOfTier1: string | null;
  group2Status: string;
  riskWeightedAssets: string | null;
  riskWeightedAssetLines:
    { line: string; exposure: string; riskWeight: string; riskWeightedAssets: string }[] | null;
}

/**
 * Issue 25 part 1 (BC-1..BC-4) through the services: the wallet, ledger and policy services as
 * real processes over the Kafka test broker and PostgreSQL, the chain on anvil with an ERC-20
 * standing for USDT. An admin registers a HOUSE wallet; ETH and USDT sent to it on chain are
 * observed by the wallet, confirmed with the wallet's confirmations and published as
 * HouseDepositConfirmed; the ledger books them to house inventory; the policy service counts
 * them as the house's own and its capital report (HTTP) weighs them. Tier 1 capital is
 * 1,000,000 USD, ETH 2,500 USD (classified 2a by maker-checker), USDT 1 USD (never classified:
 * 2b). The figures each step expects are worked out by hand in its comment.
 */
describe('house wallets observed: the capital report over own holdings (BC-1..BC-4, wallet + ledger + policy, anvil)', () => {
  const secret = randomBytes(32).toString('hex');
  let db: TestDatabase;
  let broker: KafkaTestBroker;
  let node: ChainNode;
  let kafka: Kafka;
  let exchange: Producer;
  let wallet: ServiceProcess;
  let ledger: ServiceProcess;
  let policy: ServiceProcess;
  let keyDirectory = '';
  let funder: Address;
  let token: Address;
  let houseAddress: Address;

  const call = (
    service: ServiceProcess,
    method: 'GET' | 'POST',
    path: string,
    roles: string[],
    subject: string,
    body?: unknown,
  ) => callService(secret, service.baseUrl, method, path, roles, subject, body);
  const capitalReport = async () => {
    const { status, body } = await call(policy, 'GET', '/v1/capital-report', ['auditor'], 'aud-1');
    expect(status).toBe(200);
    return body as unknown as CapitalReportBody;
  };
  /** The lines as [line, exposure, weight, risk-weighted]. */
  const linesOf = (report: CapitalReportBody) =>
    report.riskWeightedAssetLines?.map((line) => [
      line.line,
      line.exposure,
      line.riskWeight,
      line.riskWeightedAssets,
    ]);
  const ownOf = (report: CapitalReportBody, asset: string) =>
    report.ownHoldings.find(
      (holding) => holding.walletId === HOUSE_WALLET && holding.asset === asset,
    )?.amountMinor;
  const mined = async (hash: Hash) => {
    await createPublicClient({ transport: http(node.rpcUrl) }).waitForTransactionReceipt({
      hash,
      pollingInterval: 20,
    });
    // two more blocks: the house wallet asks for 2 confirmations
    await createTestClient({ mode: 'anvil', transport: http(node.rpcUrl) }).mine({ blocks: 2 });
  };
  const sendEth = async (ether: string) =>
    mined(
      await createWalletClient({ transport: http(node.rpcUrl) }).sendTransaction({
        account: funder,
        to: houseAddress,
        value: parseEther(ether),
        chain: null,
      }),
    );
  const price = (asset: string, value: string) => {
    const eventId = randomUUID();
    return {
      key: `price-${asset}`,
      value: JSON.stringify({
        eventId,
        type: 'PriceObserved',
        schemaVersion: 1,
        streamId: `price-${asset}-USD`,
        streamVersion: '1',
        occurredAt: new Date().toISOString(),
        causationId: null,
        correlationId: eventId,
        data: {
          asset,
          quoteCurrency: 'USD',
          price: value,
          observedAt: new Date().toISOString(),
          source: 'exchange-mid',
        },
      }),
    };
  };

  beforeAll(async () => {
    [db, broker, node] = await Promise.all([
      createTestDatabase(),
      startKafkaTestBroker(),
      startAnvil(),
    ]);
    for (const topic of [
      EXCHANGE_TRADES_TOPIC,
      EXCHANGE_WITHDRAWAL_REQUESTS_TOPIC,
      EXCHANGE_PRICES_TOPIC,
      WALLET_EVENTS_TOPIC,
      LEDGER_EVENTS_TOPIC,
      POLICY_EVENTS_TOPIC,
      DEAD_LETTER_TOPIC,
    ])
      await broker.command(`topic ${topic} 3 3`);
    [funder] = (await anvilAccounts(node)) as [Address];
    token = await deployTestToken(node, {
      name: 'Test USD',
      symbol: 'USDT',
      supply: 1_000_000_000_000n,
      owner: funder,
      from: funder,
    });
    kafka = createKafka({
      clientId: 'house-holdings-e2e',
      brokers: broker.brokers,
      logLevel: logLevel.NOTHING,
    });
    exchange = signingProducer(createOutboxProducer(kafka, { idempotent: false })); // plays the exchange: its prices signed
    await exchange.connect();
    keyDirectory = await mkdtemp(join(tmpdir(), 'house-holdings-keys-'));
    const common = testServiceEnvironment({
      databaseUrl: db.url,
      brokers: broker.brokers,
      jwtSecret: secret,
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    [ledger, policy, wallet] = await Promise.all([
      startService('ledger', common),
      startService('policy', {
        ...common,
        POLICY_JURISDICTIONS: 'HK',
        POLICY_TIER1_CAPITAL: '1000000',
      }),
      startService('wallet', {
        ...common,
        WALLET_DEV_KEY_DIR: keyDirectory, // keys in files: a local chain only; deposits sign nothing
        WALLET_EVM_RPC_URL: node.rpcUrl,
        WALLET_EVM_CHAIN_ID: String(node.chainId),
        WALLET_EVM_TOKENS: `USDT=${token}`,
        WALLET_PROCESSOR_INTERVAL_MS: '200',
      }),
    ]);
    await expectReady([ledger, policy, wallet], WAIT_MS);
  }, 120_000);

  afterAll(async () => {
    await wallet?.stop();
    await policy?.stop();
    await ledger?.stop();
    await exchange?.disconnect();
    if (keyDirectory !== '') await rm(keyDirectory, { recursive: true, force: true });
    await broker?.stop();
    await node?.stop();
    await db?.drop();
  });

  it('BC-1 an admin registers a house wallet, ETH is classified 2a by maker-checker, prices arrive: the report claims nothing while the house wallet has not been seen to move', async () => {
    const registered = await call(wallet, 'POST', '/v1/wallets', ['admin'], 'admin-1', {
      walletId: HOUSE_WALLET,
      tier: 'hot',
      ownerClass: 'house',
      chain: 'ethereum',
      assets: ['ETH', 'USDT'],
      keyLocation: { site: 'HK-DC1', jurisdiction: 'HK' },
      backups: [{ site: 'HK-VAULT2', jurisdiction: 'HK' }],
      rotationDueAt: new Date(Date.now() + 365 * 24 * 3600_000).toISOString(),
      quorum: { required: 2, spanDepartmentsOrSites: false, approvalTtlMs: 600_000 },
      confirmationsRequired: 2,
    });
    expect(registered.status).toBe(201);
    houseAddress = (registered.body['registration'] as { address: Address }).address;
    expect(
      (
        await call(policy, 'POST', '/v1/asset-classifications', ['admin'], 'admin-1', {
          changeId: 'CL-ETH',
          asset: 'ETH',
          group: '2a',
          reason: 'meets the hedging-recognition criteria (risk committee minute 12)',
        })
      ).status,
    ).toBe(201);
    expect(
      await call(
        policy,
        'POST',
        '/v1/asset-classifications/CL-ETH/decision',
        ['approver'],
        'approver-1',
        { decision: 'approve', reason: 'criteria checked' },
      ),
    ).toMatchObject({ status: 200, body: { status: 'approved' } });
    await exchange.send({
      topic: EXCHANGE_PRICES_TOPIC,
      messages: [price('ETH', '2500'), price('USDT', '1')],
    });
    // registered, never moved: its balance is not known, so no status and no risk-weighted figure (never "0.00")
    expect(
      await eventually(
        async () => (await capitalReport()).valuationGaps.some((gap) => gap.includes(HOUSE_WALLET)),
        WAIT_MS,
      ),
    ).toBe(true);
    expect(await capitalReport()).toMatchObject({
      valuation: 'indeterminate',
      group2Status: 'indeterminate',
      group2ShareOfTier1: null,
      riskWeightedAssets: null,
      riskWeightedAssetLines: null,
    });
  });

  it("BC-3 given 6 ETH (2a) deposited into the house wallet, 1.5% of Tier 1: confirmed and published as the house's, booked to house inventory, and the excess above 1% on its own line at 1250%", async () => {
    await sendEth('6');
    // 6 ETH x 2,500 = 15,000 = 1.5% of 1,000,000. Up to 1% (10,000) at 100%: 10,000.
    // The 5,000 above 1% at 1250%: 62,500. Total 72,500.
    expect(
      await eventually(
        async () => ownOf(await capitalReport(), 'ETH') === parseEther('6').toString(),
        WAIT_MS,
      ),
    ).toBe(true);
    const report = await capitalReport();
    expect(report).toMatchObject({
      valuation: 'complete',
      valuationGaps: [],
      exposures: [
        {
          asset: 'ETH',
          group: '2a',
          classified: true,
          amountMinor: parseEther('6').toString(),
          value: '15000.00',
        },
      ],
      group2Exposure: '15000.00',
      group2ShareOfTier1: '1.5000%',
      group2Status: 'above 1%',
      riskWeightedAssets: '72500.00',
    });
    expect(linesOf(report)).toEqual([
      ['group-1a', '0.00', '100%', '0.00'],
      ['group-1b', '0.00', '100%', '0.00'],
      ['group-2a', '10000.00', '100%', '10000.00'],
      ['group-2b', '0.00', '1250%', '0.00'],
      ['group-2-above-soft-limit', '5000.00', '1250%', '62500.00'],
    ]);
    // on the bus: one HouseDepositConfirmed v1 naming the house wallet, valid under the frozen contract, and no client
    const published = await readTopic(kafka, WALLET_EVENTS_TOPIC, {
      until: (messages) =>
        messages.some((message) => message.value?.toString().includes('"HouseDepositConfirmed"')),
      waitMs: WAIT_MS,
    });
    const houseDeposits = published
      .map((message) => JSON.parse(message.value?.toString() ?? '{}') as Record<string, unknown>)
      .filter((message) => message['type'] === 'HouseDepositConfirmed');
    expect(houseDeposits).toHaveLength(1);
    expect(validateMessage(WALLET_EVENTS_TOPIC, houseDeposits[0])).toMatchObject({ ok: true });
    expect(houseDeposits[0]?.['data']).toMatchObject({
      walletId: HOUSE_WALLET,
      asset: 'ETH',
      amountMinor: parseEther('6').toString(),
      confirmations: expect.any(Number),
    });
    expect(
      published.some((message) => message.value?.toString().includes('"DepositConfirmed"')),
    ).toBe(false);
    // the wallet flagged nothing for review; the ledger holds it as house inventory, its books in balance
    expect(
      (await call(wallet, 'GET', '/v1/deposits/flagged', ['operator'], 'ops-1')).body['deposits'],
    ).toEqual([]);
    expect(
      await eventually(async () => {
        const totals = (await call(ledger, 'GET', '/v1/books/totals', ['auditor'], 'aud-1')).body;
        return (totals['house'] as { purpose: string; asset: string; postedMinor: string }[]).some(
          (row) =>
            row.purpose === 'inventory' &&
            row.asset === 'ETH' &&
            String(row.postedMinor) === parseEther('6').toString(),
        );
      }, WAIT_MS),
    ).toBe(true);
    expect(
      (await call(ledger, 'GET', '/v1/books/invariants', ['auditor'], 'aud-1')).body,
    ).toMatchObject({ ok: true });
  });

  it('BC-3 given 4 ETH more, 10 ETH = 2.5% of Tier 1: above the 2% limit, every Group 2 line at 1250%', async () => {
    await sendEth('4');
    // 10 ETH x 2,500 = 25,000 = 2.5%: above 2%, all Group 2 at 1250%.
    // Up to 1% (10,000): 125,000. The 15,000 above 1%: 187,500. Total 312,500 (= 25,000 x 12.5).
    expect(
      await eventually(
        async () => ownOf(await capitalReport(), 'ETH') === parseEther('10').toString(),
        WAIT_MS,
      ),
    ).toBe(true);
    const report = await capitalReport();
    expect(report).toMatchObject({
      valuation: 'complete',
      group2Exposure: '25000.00',
      group2ShareOfTier1: '2.5000%',
      group2Status: 'above 2% limit',
      riskWeightedAssets: '312500.00',
    });
    expect(linesOf(report)?.slice(2)).toEqual([
      ['group-2a', '10000.00', '1250%', '125000.00'],
      ['group-2b', '0.00', '1250%', '0.00'],
      ['group-2-above-soft-limit', '15000.00', '1250%', '187500.00'],
    ]);
  });

  it('BC-1 / BC-2 given 1,000 USDT (an asset nobody classified) deposited into the house wallet: it counts as 2b at 1250%', async () => {
    await mined(
      await createWalletClient({ transport: http(node.rpcUrl) }).writeContract({
        account: funder,
        address: token,
        abi: erc20Abi,
        functionName: 'transfer',
        args: [houseAddress, USDT_1000],
        chain: null,
      }),
    );
    // USDT unclassified: 2b. Group 2 = 25,000 (2a) + 1,000 (2b) = 26,000 = 2.6%: above 2%.
    // The 16,000 above 1% comes out of 2a first: 2a 9,000 x 12.5 = 112,500; 2b 1,000 x 12.5 = 12,500;
    // above 1%: 16,000 x 12.5 = 200,000. Total 325,000 (= 26,000 x 12.5).
    expect(
      await eventually(
        async () => ownOf(await capitalReport(), 'USDT') === USDT_1000.toString(),
        WAIT_MS,
      ),
    ).toBe(true);
    const report = await capitalReport();
    expect(report.exposures).toEqual([
      {
        asset: 'ETH',
        group: '2a',
        classified: true,
        amountMinor: parseEther('10').toString(),
        value: '25000.00',
      },
      {
        asset: 'USDT',
        group: '2b',
        classified: false,
        amountMinor: USDT_1000.toString(),
        value: '1000.00',
      },
    ]);
    expect(report).toMatchObject({
      byGroup: { '1a': '0.00', '1b': '0.00', '2a': '25000.00', '2b': '1000.00' },
      group2Exposure: '26000.00',
      group2ShareOfTier1: '2.6000%',
      group2Status: 'above 2% limit',
      riskWeightedAssets: '325000.00',
    });
    expect(linesOf(report)?.slice(2)).toEqual([
      ['group-2a', '9000.00', '1250%', '112500.00'],
      ['group-2b', '1000.00', '1250%', '12500.00'],
      ['group-2-above-soft-limit', '16000.00', '1250%', '200000.00'],
    ]);
    expect(
      await eventually(async () => {
        const totals = (await call(ledger, 'GET', '/v1/books/totals', ['auditor'], 'aud-1')).body;
        return (totals['house'] as { purpose: string; asset: string; postedMinor: string }[]).some(
          (row) =>
            row.purpose === 'inventory' &&
            row.asset === 'USDT' &&
            String(row.postedMinor) === USDT_1000.toString(),
        );
      }, WAIT_MS),
    ).toBe(true);
  });
});
