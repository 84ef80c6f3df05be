import { parsePolicyConfig, POLICY_EVALUATION_INTERVAL_MS_DEFAULT } from './policy-config';

describe('policy configuration', () => {
  it('given nothing, then HK rules, USD, no capital report, no insurance', () => {
    expect(parsePolicyConfig({})).toEqual({ ok: true, config: { jurisdictions: ['HK'], reportCurrency: 'USD', tier1Capital: undefined, insurance: [], evaluationIntervalMs: POLICY_EVALUATION_INTERVAL_MS_DEFAULT } });
  });

  it('given both jurisdictions, Tier 1 and an insurance list, then each is parsed', () => {
    const parsed = parsePolicyConfig({ POLICY_JURISDICTIONS: 'HK,TW', POLICY_TIER1_CAPITAL: '5000000.50', POLICY_INSURANCE: '[{"policyId":"P-1","insurer":"Mutual","limit":"2000000","expiresAt":"2030-01-01T00:00:00Z"}]' });
    expect(parsed).toMatchObject({ ok: true, config: { jurisdictions: ['HK', 'TW'], tier1Capital: '5000000.50', insurance: [{ policyId: 'P-1', expiresAt: '2030-01-01T00:00:00.000Z' }] } });
  });

  it('given bad values, then each is named by its variable', () => {
    const parsed = parsePolicyConfig({ POLICY_JURISDICTIONS: 'SG', POLICY_REPORT_CURRENCY: 'usd', POLICY_TIER1_CAPITAL: '0', POLICY_INSURANCE: '[{"limit":1}]', POLICY_EVALUATION_INTERVAL_MS: '5' });
    expect(parsed.ok ? [] : parsed.problems.map((problem) => problem.variable)).toEqual(['POLICY_JURISDICTIONS', 'POLICY_REPORT_CURRENCY', 'POLICY_TIER1_CAPITAL', 'POLICY_INSURANCE', 'POLICY_EVALUATION_INTERVAL_MS']);
  });
});
