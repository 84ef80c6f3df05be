import { parseReconciliationConfig } from './reconciliation-config';

describe('reconciliation configuration', () => {
  it('given nothing, then the Taiwan calendar with a 16:00 cut-off and no minimum units', () => {
    expect(parseReconciliationConfig({})).toMatchObject({ ok: true, config: { calendar: { jurisdiction: 'TW', timeZone: 'Asia/Taipei', cutOff: '16:00' } } });
  });

  it('given Hong Kong, holidays and minimum units, then each is parsed', () => {
    const parsed = parseReconciliationConfig({ RECON_JURISDICTION: 'HK', RECON_CUTOFF: '17:00', RECON_HOLIDAYS: '2026-12-25, 2026-12-26', RECON_MINIMUM_UNITS: 'USDT=10000,BTC=1' });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(parsed.config.calendar).toMatchObject({ timeZone: 'Asia/Hong_Kong', cutOff: '17:00', holidays: new Set(['2026-12-25', '2026-12-26']) });
    expect(parsed.config.minimumUnits.get('USDT')).toBe(10_000n);
  });

  it('given bad values, then each is named by its variable', () => {
    const parsed = parseReconciliationConfig({ RECON_JURISDICTION: 'SG', RECON_MINIMUM_UNITS: 'USDT=0' });
    expect(parsed.ok ? [] : parsed.problems.map((problem) => problem.variable)).toEqual(['RECON_JURISDICTION', 'RECON_MINIMUM_UNITS']);
    const cutOff = parseReconciliationConfig({ RECON_CUTOFF: '25:00', RECON_HOLIDAYS: '2026-02-30x' });
    expect(cutOff.ok ? [] : cutOff.problems.map((problem) => problem.variable)).toEqual(['RECON_CUTOFF', 'RECON_HOLIDAYS']);
  });
});
