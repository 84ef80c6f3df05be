import type { RuleResult } from './types';

/**
 * The cold/hot split per asset as the policy service's rules report it (libs/policy/domain:
 * rules.ts): HK-11g per asset (`inputs.coldMinor`, `inputs.hotMinor`, `inputs.minimum`,
 * `figures.coldShare`) and TW-3 over all (`inputs.holdings[]`, `inputs.quantityMinimum`,
 * `figures['coldShare.<asset>']`). Client-segregated holdings only, as the rules count them.
 */
export interface ColdHotRow {
  readonly asset: string;
  readonly coldMinor: string;
  readonly hotMinor: string;
  /** The service's own figure, e.g. `97.5000%`. */
  readonly coldShare: string | undefined;
  readonly hk: RuleResult | undefined;
}

export interface ColdHotView {
  readonly rows: readonly ColdHotRow[];
  /** HK-11g's minimum cold share by quantity (`0.98`), when the policy in force applies it. */
  readonly hkMinimum: string | undefined;
  /** TW-3's minimum cold share by quantity (`0.75`), when the policy in force applies it. */
  readonly twMinimum: string | undefined;
  readonly tw3: RuleResult | undefined;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

function twHoldings(
  tw3: RuleResult | undefined,
): { asset: string; coldMinor: string; hotMinor: string }[] {
  const holdings = tw3?.inputs['holdings'];
  if (!Array.isArray(holdings)) return [];
  return holdings.flatMap((entry: unknown) => {
    const holding = entry as Record<string, unknown>;
    const [asset, coldMinor, hotMinor] = [
      text(holding['asset']),
      text(holding['coldMinor']),
      text(holding['hotMinor']),
    ];
    return asset !== undefined && coldMinor !== undefined && hotMinor !== undefined
      ? [{ asset, coldMinor, hotMinor }]
      : [];
  });
}

export function coldHotView(results: readonly RuleResult[]): ColdHotView {
  const hkResults = results.filter((result) => result.ruleId === 'HK-11g');
  const tw3 = results.find((result) => result.ruleId === 'TW-3');
  const rows = new Map<string, ColdHotRow>();
  for (const result of hkResults) {
    const [coldMinor, hotMinor] = [
      text(result.inputs['coldMinor']),
      text(result.inputs['hotMinor']),
    ];
    if (coldMinor === undefined || hotMinor === undefined) continue;
    rows.set(result.subject, {
      asset: result.subject,
      coldMinor,
      hotMinor,
      coldShare: result.figures['coldShare'],
      hk: result,
    });
  }
  for (const holding of twHoldings(tw3)) {
    if (!rows.has(holding.asset))
      rows.set(holding.asset, {
        ...holding,
        coldShare: tw3?.figures[`coldShare.${holding.asset}`],
        hk: undefined,
      });
  }
  return {
    rows: [...rows.values()].sort((left, right) => (left.asset < right.asset ? -1 : 1)),
    hkMinimum: text(hkResults[0]?.inputs['minimum']),
    twMinimum: text(tw3?.inputs['quantityMinimum']),
    tw3,
  };
}

/** `0.98` -> `98%`, exactly (decimal text moved two places, trailing zeros dropped). */
export function ratioAsPercent(ratio: string): string {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(ratio);
  if (match === null) return ratio;
  const digits = `${match[1]}${(match[2] ?? '').padEnd(2, '0')}`;
  const whole = digits.slice(0, (match[1] ?? '').length + 2).replace(/^0+(?=\d)/, '');
  const fraction = digits.slice((match[1] ?? '').length + 2).replace(/0+$/, '');
  return `${whole}${fraction ? `.${fraction}` : ''}%`;
}
