import { callService, type ApiResult } from './api';
import { hasRole, useDashboard, useResource } from './dashboard-context';
import { atQuery } from './moment';
import type { ReconstructedState } from './types';

/**
 * The state at the chosen past moment as the audit record rebuilds it (GET
 * /v1/audit/reconstruction/state?at=; auditors only): what a page shows when its own service
 * answers only for now. Nothing is asked when live or for another role (`auditor` says which).
 */
export function useReconstructedState(): {
  readonly auditor: boolean;
  readonly result: ApiResult<ReconstructedState> | undefined;
} {
  const { session, moment } = useDashboard();
  const auditor = hasRole(session, 'auditor');
  const query = atQuery(moment);
  const { result } = useResource(
    auditor && moment.kind === 'at'
      ? () =>
          callService<ReconstructedState>(
            session,
            'audit',
            `/v1/audit/reconstruction/state${query}`,
          )
      : null,
    `state${query}`,
    false,
  );
  return { auditor, result };
}
