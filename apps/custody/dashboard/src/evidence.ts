/**
 * Evidence as the pages show it: a rule's figures with each amount in units of its asset and its
 * minor units beside it, and the day a discrepancy was discovered with the day its run was about.
 * Text only, exactly as the services wrote it (no arithmetic, no floating point).
 */

const MINOR_SUFFIX = 'Minor';

/** One line of a rule's figures: its value, and the same amount in minor units when the evidence gives both. */
export interface FigureRow {
  readonly name: string;
  readonly value: string;
  readonly minor?: string;
}

/**
 * The figures in the evidence's order, an amount in units of its asset on one line with its
 * minor units (libs/policy/domain rules.ts: HK-6 gives `shortfall` `0.000001` beside
 * `shortfallMinor` `1`). A figure in minor units alone (evidence recorded before the units were
 * given) stays as it is.
 */
export function figureRows(figures: Readonly<Record<string, string>>): FigureRow[] {
  const rows: FigureRow[] = [];
  for (const [name, value] of Object.entries(figures)) {
    const units = name.endsWith(MINOR_SUFFIX) ? name.slice(0, -MINOR_SUFFIX.length) : undefined;
    if (units !== undefined && figures[units] !== undefined) continue; // on the line of its units
    const minor = figures[`${name}${MINOR_SUFFIX}`];
    rows.push(minor === undefined ? { name, value } : { name, value, minor });
  }
  return rows;
}

/** TW-14.3: the day a run found a discrepancy, and the earlier business day a late run was about. */
export function discoveredText(entry: {
  readonly discoveredOn: string;
  readonly businessDay: string;
}): string {
  return entry.businessDay === entry.discoveredOn
    ? entry.discoveredOn
    : `${entry.discoveredOn} (by the run about ${entry.businessDay})`;
}
