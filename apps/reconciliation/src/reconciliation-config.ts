import type { ConfigProblem } from '@custody/service-host';
import { calendarProblems, type BusinessCalendar } from '@custody/reconciliation-domain';

export const RECONCILIATION_CONFIG = Symbol('custody.reconciliation.config');
/** Holidays a deployment lists (a few years' worth). */
export const HOLIDAYS_MAX = 1_000;
const ZONES: Readonly<Record<string, string>> = { HK: 'Asia/Hong_Kong', TW: 'Asia/Taipei' };

export interface ReconciliationConfig {
  readonly calendar: BusinessCalendar;
  /** asset -> the institution's minimum unit in minor units (TW-13 (2)); an asset not listed: 1. */
  readonly minimumUnits: ReadonlyMap<string, bigint>;
}

type Environment = Readonly<Record<string, string | undefined>>;

/** RECON_JURISDICTION (HK|TW), RECON_CUTOFF (HH:MM local), RECON_HOLIDAYS (comma-separated YYYY-MM-DD), RECON_MINIMUM_UNITS (ASSET=minor units). */
export function parseReconciliationConfig(env: Environment): { ok: true; config: ReconciliationConfig } | { ok: false; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const jurisdiction = env['RECON_JURISDICTION'] || 'TW';
  const timeZone = ZONES[jurisdiction];
  if (timeZone === undefined) problems.push({ variable: 'RECON_JURISDICTION', reason: 'HK or TW' });
  const holidays = (env['RECON_HOLIDAYS'] ?? '').split(',').map((day) => day.trim()).filter((day) => day !== '');
  if (holidays.length > HOLIDAYS_MAX) problems.push({ variable: 'RECON_HOLIDAYS', reason: `at most ${HOLIDAYS_MAX} days` });
  const calendar: BusinessCalendar = { jurisdiction, timeZone: timeZone ?? 'UTC', cutOff: env['RECON_CUTOFF'] || '16:00', weekendDays: [0, 6], holidays: new Set(holidays) };
  for (const problem of timeZone === undefined ? [] : calendarProblems(calendar)) problems.push({ variable: problem.startsWith('cutOff') ? 'RECON_CUTOFF' : 'RECON_HOLIDAYS', reason: problem });
  const minimumUnits = new Map<string, bigint>();
  for (const pair of (env['RECON_MINIMUM_UNITS'] ?? '').split(',').map((item) => item.trim()).filter((item) => item !== '')) {
    const [asset, unit] = pair.split('=');
    if (asset === undefined || unit === undefined || !/^[A-Z0-9]{2,16}$/.test(asset) || !/^[1-9][0-9]{0,30}$/.test(unit)) problems.push({ variable: 'RECON_MINIMUM_UNITS', reason: `'${pair}' is not ASSET=<minor units>` });
    else minimumUnits.set(asset, BigInt(unit));
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, config: { calendar, minimumUnits } };
}
