import { parsePolicyConfig, POLICY_EVALUATION_INTERVAL_MS_DEFAULT } from './policy-config';

describe('policy configuration', () => {
  it('given nothing, then HK rules, USD, no capital report, no insurance', () => {
    expect(parsePolicyConfig({})).toEqual({
      ok: true,
      config: {
        jurisdictions: ['HK'],
        reportCurrency: 'USD',
        tier1Capital: undefined,
        insurance: [],
        evaluationIntervalMs: POLICY_EVALUATION_INTERVAL_MS_DEFAULT,
        withdrawalLimits: { baseQuorum: 2, dailyPerClientMinor: new Map(), quorumTiers: [] },
        evm: undefined,
        onChainCheckIntervalMs: 30 * 24 * 60 * 60 * 1000,
        decisionSubjects: ['wallet-service'],
      },
    });
  });

  it('given both jurisdictions, Tier 1 and an insurance list, then each is parsed', () => {
    const parsed = parsePolicyConfig({
      POLICY_JURISDICTIONS: 'HK,TW',
      POLICY_TIER1_CAPITAL: '5000000.50',
      POLICY_INSURANCE:
        '[{"policyId":"P-1","insurer":"Mutual","limit":"2000000","expiresAt":"2030-01-01T00:00:00Z"}]',
    });
    expect(parsed).toMatchObject({
      ok: true,
      config: {
        jurisdictions: ['HK', 'TW'],
        tier1Capital: '5000000.50',
        insurance: [{ policyId: 'P-1', expiresAt: '2030-01-01T00:00:00.000Z' }],
      },
    });
  });

  it('given withdrawal limits, then amounts are minor units as bigint and tiers keep their quorum', () => {
    const parsed = parsePolicyConfig({
      POLICY_WITHDRAWAL_LIMITS:
        '{"baseQuorum":3,"dailyPerClientMinor":{"ETH":"5000000000000000000"},"quorumTiers":[{"asset":"ETH","aboveMinor":"1000000000000000000","quorum":4}]}',
    });
    expect(parsed).toMatchObject({
      ok: true,
      config: {
        withdrawalLimits: {
          baseQuorum: 3,
          dailyPerClientMinor: new Map([['ETH', 5n * 10n ** 18n]]),
          quorumTiers: [{ asset: 'ETH', aboveMinor: 10n ** 18n, quorum: 4 }],
        },
      },
    });
  });

  it('given bad values, then each is named by its variable', () => {
    const parsed = parsePolicyConfig({
      POLICY_JURISDICTIONS: 'SG',
      POLICY_REPORT_CURRENCY: 'usd',
      POLICY_TIER1_CAPITAL: '0',
      POLICY_INSURANCE: '[{"limit":1}]',
      POLICY_EVALUATION_INTERVAL_MS: '5',
      POLICY_WITHDRAWAL_LIMITS: '{"baseQuorum":1}',
      POLICY_EVM_RPC_URL: 'http://node:8545',
      POLICY_ONCHAIN_CHECK_INTERVAL_MS: '3000000000',
    });
    expect(parsed.ok ? [] : parsed.problems.map((problem) => problem.variable)).toEqual([
      'POLICY_JURISDICTIONS',
      'POLICY_REPORT_CURRENCY',
      'POLICY_TIER1_CAPITAL',
      'POLICY_INSURANCE',
      'POLICY_EVALUATION_INTERVAL_MS',
      'POLICY_WITHDRAWAL_LIMITS',
      'POLICY_EVM_CHAIN_ID',
      'POLICY_ONCHAIN_CHECK_INTERVAL_MS',
    ]);
    expect(parsePolicyConfig({ POLICY_WITHDRAWAL_LIMITS: 'not json' })).toMatchObject({
      ok: false,
      problems: [{ variable: 'POLICY_WITHDRAWAL_LIMITS' }],
    });
    expect(
      parsePolicyConfig({ POLICY_WITHDRAWAL_LIMITS: '{"dailyPerClientMinor":{"ETH":"-1"}}' }),
    ).toMatchObject({ ok: false });
  });

  it("issue 22: POLICY_DECISION_SUBJECTS lists the wallet's subjects (default wallet-service); a bad subject is its problem", () => {
    expect(
      parsePolicyConfig({
        POLICY_DECISION_SUBJECTS: 'system:serviceaccount:custody:wallet, wallet-next',
      }),
    ).toMatchObject({
      ok: true,
      config: { decisionSubjects: ['system:serviceaccount:custody:wallet', 'wallet-next'] },
    });
    expect(parsePolicyConfig({ POLICY_DECISION_SUBJECTS: 'wallet,' })).toMatchObject({
      ok: false,
      problems: [{ variable: 'POLICY_DECISION_SUBJECTS' }],
    });
  });
});
