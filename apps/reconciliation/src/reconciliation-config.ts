import { parseEvmChainConfig, type EvmChainOptions } from '@custody/chain';
import type { ConfigProblem } from '@custody/service-host';
import { EXPLAIN_WITHIN_MS_DEFAULT } from '@custody/reconciliation-application';
import { calendarProblems, type BusinessCalendar } from '@custody/reconciliation-domain';

export const RECONCILIATION_CONFIG = Symbol('custody.reconciliation.config');
/** Holidays a deployment lists (a few years' worth). */
export const HOLIDAYS_MAX = 1_000;
const ZONES: Readonly<Record<string, string>> = { HK: 'Asia/Hong_Kong', TW: 'Asia/Taipei' };

export const EXPLAIN_WITHIN_MS_MIN = 60_000;
export const EXPLAIN_WITHIN_MS_MAX = 30 * 24 * 60 * 60 * 1000;
export const DEADLINE_CHECK_INTERVAL_MS_DEFAULT = 60_000;
export const DEADLINE_CHECK_INTERVAL_MS_MIN = 1_000;
export const DEADLINE_CHECK_INTERVAL_MS_MAX = 3_600_000;

export interface ReconciliationConfig {
  readonly calendar: BusinessCalendar;
  /** asset -> the institution's minimum unit in minor units (TW-13 (2)); an asset not listed: 1. */
  readonly minimumUnits: ReadonlyMap<string, bigint>;
  /** The chain the wallets live on, client and house (TW-14 balances at a height); absent: wallets are reported unread. */
  readonly evm: EvmChainOptions | undefined;
  /** A discrepancy not explained within this is escalated to the board and internal audit. */
  readonly explainWithinMs: number;
  /** How often deadlines are checked (escalation, overdue shortfalls). */
  readonly deadlineCheckIntervalMs: number;
  /** Where discrepancy notifications are POSTed; absent: logged (they are events either way). */
  readonly notifyWebhookUrl: string | undefined;
}

type Environment = Readonly<Record<string, string | undefined>>;

/** RECON_JURISDICTION (HK|TW), RECON_CUTOFF (HH:MM local), RECON_HOLIDAYS (comma-separated YYYY-MM-DD), RECON_MINIMUM_UNITS (ASSET=minor units). */
export function parseReconciliationConfig(
  env: Environment,
): { ok: true; config: ReconciliationConfig } | { ok: false; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const jurisdiction = env['RECON_JURISDICTION'] || 'TW';
  const timeZone = ZONES[jurisdiction];
  if (timeZone === undefined) problems.push({ variable: 'RECON_JURISDICTION', reason: 'HK or TW' });
  const holidays = (env['RECON_HOLIDAYS'] ?? '')
    .split(',')
    .map((day) => day.trim())
    .filter((day) => day !== '');
  if (holidays.length > HOLIDAYS_MAX)
    problems.push({ variable: 'RECON_HOLIDAYS', reason: `at most ${HOLIDAYS_MAX} days` });
  const calendar: BusinessCalendar = {
    jurisdiction,
    timeZone: timeZone ?? 'UTC',
    cutOff: env['RECON_CUTOFF'] || '16:00',
    weekendDays: [0, 6],
    holidays: new Set(holidays),
  };
  for (const problem of timeZone === undefined ? [] : calendarProblems(calendar))
    problems.push({
      variable: problem.startsWith('cutOff') ? 'RECON_CUTOFF' : 'RECON_HOLIDAYS',
      reason: problem,
    });
  const minimumUnits = new Map<string, bigint>();
  for (const pair of (env['RECON_MINIMUM_UNITS'] ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')) {
    const [asset, unit] = pair.split('=');
    if (
      asset === undefined ||
      unit === undefined ||
      !/^[A-Z0-9]{2,16}$/.test(asset) ||
      !/^[1-9][0-9]{0,30}$/.test(unit)
    )
      problems.push({
        variable: 'RECON_MINIMUM_UNITS',
        reason: `'${pair}' is not ASSET=<minor units>`,
      });
    else minimumUnits.set(asset, BigInt(unit));
  }
  const chain = parseEvmChainConfig(env, 'RECON_EVM');
  problems.push(...chain.problems);
  const integer = (variable: string, fallback: number, min: number, max: number) => {
    const text = env[variable];
    const value = text === undefined || text === '' ? fallback : Number(text);
    if (!Number.isSafeInteger(value) || value < min || value > max)
      problems.push({ variable, reason: `an integer from ${min} to ${max}` });
    return value;
  };
  const explainWithinMs = integer(
    'RECON_EXPLAIN_WITHIN_MS',
    EXPLAIN_WITHIN_MS_DEFAULT,
    EXPLAIN_WITHIN_MS_MIN,
    EXPLAIN_WITHIN_MS_MAX,
  );
  const deadlineCheckIntervalMs = integer(
    'RECON_DEADLINE_CHECK_INTERVAL_MS',
    DEADLINE_CHECK_INTERVAL_MS_DEFAULT,
    DEADLINE_CHECK_INTERVAL_MS_MIN,
    DEADLINE_CHECK_INTERVAL_MS_MAX,
  );
  const webhook = env['RECON_NOTIFY_WEBHOOK_URL'];
  let notifyWebhookUrl: string | undefined;
  if (webhook !== undefined && webhook !== '') {
    if (/^https?:\/\/[^\s]+$/.test(webhook) && URL.canParse(webhook)) notifyWebhookUrl = webhook;
    else problems.push({ variable: 'RECON_NOTIFY_WEBHOOK_URL', reason: 'must be an http(s) URL' });
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    config: {
      calendar,
      minimumUnits,
      evm: chain.options,
      explainWithinMs,
      deadlineCheckIntervalMs,
      notifyWebhookUrl,
    },
  };
}
