import { ADJUSTMENT_APPROVAL_WINDOW_MS_DEFAULT } from '@custody/ledger-domain';
import { parseInteger, type ConfigProblem } from '@custody/service-host';

/** Injection token: how long a requested adjustment may wait for its approval (milliseconds). */
export const LEDGER_ADJUSTMENT_APPROVAL_WINDOW_MS = Symbol(
  'custody.ledger.adjustment-approval-window-ms',
);
/** The longest approval window a deployment may set: thirty days (a request older than that is stale whoever approves it). */
export const ADJUSTMENT_APPROVAL_WINDOW_MS_LIMIT = 30 * 24 * 60 * 60 * 1000;
/** The shortest: one minute. */
export const ADJUSTMENT_APPROVAL_WINDOW_MS_MIN = 60 * 1000;

/** LEDGER_ADJUSTMENT_APPROVAL_WINDOW_MS (default 72 h): an adjustment not approved within it expires. */
export function parseAdjustmentApprovalWindow(
  environment: Readonly<Record<string, string | undefined>>,
  problems: ConfigProblem[] = [],
): number {
  return parseInteger(
    environment,
    'LEDGER_ADJUSTMENT_APPROVAL_WINDOW_MS',
    ADJUSTMENT_APPROVAL_WINDOW_MS_DEFAULT,
    ADJUSTMENT_APPROVAL_WINDOW_MS_MIN,
    ADJUSTMENT_APPROVAL_WINDOW_MS_LIMIT,
    problems,
  );
}

export function parseAdjustmentApprovalWindowProblems(
  environment: Readonly<Record<string, string | undefined>>,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  parseAdjustmentApprovalWindow(environment, problems);
  return problems;
}
