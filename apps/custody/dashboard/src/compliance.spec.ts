import { coldHotView, ratioAsPercent } from './compliance';
import type { RuleResult } from './types';

const result = (
  ruleId: string,
  subject: string,
  inputs: Record<string, unknown>,
  figures: Record<string, string>,
  verdict: RuleResult['verdict'] = 'pass',
): RuleResult => ({
  ruleId,
  subject,
  verdict,
  policyVersion: 'HK+TW-default-1',
  asOf: '2026-11-24T09:00:00.000Z',
  reason: 'as the policy service says',
  inputs,
  figures,
});

describe('cold and hot per asset from the policy rules', () => {
  it('given HK-11g per asset and TW-3 over all, then one row per asset with the thresholds of both', () => {
    const view = coldHotView([
      result('HK-6', 'ETH', {}, {}),
      result(
        'HK-11g',
        'ETH',
        { coldMinor: '97', hotMinor: '3', minimum: '0.98' },
        { coldShare: '97.0000%' },
        'fail',
      ),
      result(
        'TW-3',
        'all',
        {
          holdings: [
            { asset: 'ETH', coldMinor: '97', hotMinor: '3' },
            { asset: 'BTC', coldMinor: '1', hotMinor: '0' },
          ],
          quantityMinimum: '0.75',
        },
        { 'coldShare.ETH': '97.0000%', 'coldShare.BTC': '100.0000%' },
      ),
    ]);
    expect(view.hkMinimum).toBe('0.98');
    expect(view.twMinimum).toBe('0.75');
    expect(
      view.rows.map((row) => [
        row.asset,
        row.coldMinor,
        row.hotMinor,
        row.coldShare,
        row.hk?.verdict,
      ]),
    ).toEqual([
      ['BTC', '1', '0', '100.0000%', undefined],
      ['ETH', '97', '3', '97.0000%', 'fail'],
    ]);
  });

  it('given no holdings rule (no wallet holds client assets yet), then no rows and no thresholds', () => {
    const view = coldHotView([result('HK-6', 'BTC', {}, {}, 'fail')]);
    expect(view).toEqual({ rows: [], hkMinimum: undefined, twMinimum: undefined, tw3: undefined });
  });

  it('given ratios, then exact percentages', () => {
    expect(ratioAsPercent('0.98')).toBe('98%');
    expect(ratioAsPercent('0.755')).toBe('75.5%');
    expect(ratioAsPercent('1')).toBe('100%');
    expect(ratioAsPercent('0.05')).toBe('5%');
    expect(ratioAsPercent('0')).toBe('0%');
  });
});
