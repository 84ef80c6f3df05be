import { parseReconciliationConfig } from './reconciliation-config';

describe('reconciliation configuration', () => {
  it('given nothing, then the Taiwan calendar with a 16:00 cut-off and no minimum units', () => {
    expect(parseReconciliationConfig({})).toMatchObject({
      ok: true,
      config: { calendar: { jurisdiction: 'TW', timeZone: 'Asia/Taipei', cutOff: '16:00' } },
    });
  });

  it('given Hong Kong, holidays and minimum units, then each is parsed', () => {
    const parsed = parseReconciliationConfig({
      RECON_JURISDICTION: 'HK',
      RECON_CUTOFF: '17:00',
      RECON_HOLIDAYS: '2026-12-25, 2026-12-26',
      RECON_MINIMUM_UNITS: 'USDT=10000,BTC=1',
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(parsed.config.calendar).toMatchObject({
      timeZone: 'Asia/Hong_Kong',
      cutOff: '17:00',
      holidays: new Set(['2026-12-25', '2026-12-26']),
    });
    expect(parsed.config.minimumUnits.get('USDT')).toBe(10_000n);
  });

  it('given a chain, a deadline, an interval and a webhook, then each is parsed; unset, no chain, 24 h to explain, a check a minute', () => {
    const parsed = parseReconciliationConfig({
      RECON_EVM_RPC_URL: 'http://127.0.0.1:8545',
      RECON_EVM_CHAIN_ID: '31337',
      RECON_EXPLAIN_WITHIN_MS: '3600000',
      RECON_DEADLINE_CHECK_INTERVAL_MS: '5000',
      RECON_NOTIFY_WEBHOOK_URL: 'https://ops.example/hooks/recon',
    });
    expect(parsed).toMatchObject({
      ok: true,
      config: {
        evm: {
          chain: 'ethereum',
          rpcUrl: 'http://127.0.0.1:8545',
          chainId: 31337,
          nativeAsset: 'ETH',
        },
        explainWithinMs: 3_600_000,
        deadlineCheckIntervalMs: 5_000,
        notifyWebhookUrl: 'https://ops.example/hooks/recon',
      },
    });
    expect(parseReconciliationConfig({})).toMatchObject({
      ok: true,
      config: {
        evm: undefined,
        explainWithinMs: 86_400_000,
        deadlineCheckIntervalMs: 60_000,
        notifyWebhookUrl: undefined,
      },
    });
  });

  it('given bad values, then each is named by its variable', () => {
    const parsed = parseReconciliationConfig({
      RECON_JURISDICTION: 'SG',
      RECON_MINIMUM_UNITS: 'USDT=0',
      RECON_EVM_RPC_URL: 'ftp://node',
      RECON_EXPLAIN_WITHIN_MS: '5',
      RECON_DEADLINE_CHECK_INTERVAL_MS: 'often',
      RECON_NOTIFY_WEBHOOK_URL: 'mailto:board',
    });
    expect(parsed.ok ? [] : parsed.problems.map((problem) => problem.variable)).toEqual([
      'RECON_JURISDICTION',
      'RECON_MINIMUM_UNITS',
      'RECON_EVM_RPC_URL',
      'RECON_EVM_CHAIN_ID',
      'RECON_EXPLAIN_WITHIN_MS',
      'RECON_DEADLINE_CHECK_INTERVAL_MS',
      'RECON_NOTIFY_WEBHOOK_URL',
    ]);
    const cutOff = parseReconciliationConfig({
      RECON_CUTOFF: '25:00',
      RECON_HOLIDAYS: '2026-02-30x',
    });
    expect(cutOff.ok ? [] : cutOff.problems.map((problem) => problem.variable)).toEqual([
      'RECON_CUTOFF',
      'RECON_HOLIDAYS',
    ]);
  });
});
