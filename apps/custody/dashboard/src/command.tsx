import { useState } from 'react';
import type { ApiResult } from './api';
import { Problem } from './components';

export type CommandState<T> =
  | { readonly kind: 'idle' }
  | { readonly kind: 'running' }
  | { readonly kind: 'done'; readonly result: ApiResult<T> };

/** A command sent to a service: running, then its answer or the refusal (code and reason) to show. */
export function useCommand<T>(): {
  readonly state: CommandState<T>;
  readonly run: (send: () => Promise<ApiResult<T>>) => Promise<ApiResult<T>>;
  readonly reset: () => void;
} {
  const [state, setState] = useState<CommandState<T>>({ kind: 'idle' });
  const run = async (send: () => Promise<ApiResult<T>>) => {
    setState({ kind: 'running' });
    // a failure in the page itself still ends the command, with its reason shown
    const result = await send().catch((error: unknown): ApiResult<T> => ({
      ok: false,
      status: 0,
      code: 'DASHBOARD_FAILED',
      reason: (error as Error).message,
    }));
    setState({ kind: 'done', result });
    return result;
  };
  return { state, run, reset: () => setState({ kind: 'idle' }) };
}

/** The refusal of a command, with the service's code (data-error-code) and reason. */
export function CommandRefusal<T>({
  state,
  id,
}: {
  readonly state: CommandState<T>;
  readonly id?: string;
}) {
  if (state.kind !== 'done' || state.result.ok) return null;
  return (
    <div id={id} data-testid="command-error" data-error-code={state.result.code}>
      <Problem refusal={state.result} testId="command-refusal" />
    </div>
  );
}

/** Approve or reject with a reason (maker-checker decisions: key-access changes, policy versions). */
export function Decision({
  onDecide,
  state,
}: {
  readonly onDecide: (decision: 'approve' | 'reject', reason: string) => void;
  readonly state: CommandState<unknown>;
}) {
  const [reason, setReason] = useState('');
  const running = state.kind === 'running';
  return (
    <div className="decision">
      <input
        data-testid="decision-reason"
        placeholder="reason (required)"
        maxLength={500}
        value={reason}
        onChange={(event) => setReason(event.target.value)}
      />
      <button
        type="button"
        data-testid="decision-approve"
        disabled={running || reason.trim() === ''}
        onClick={() => onDecide('approve', reason.trim())}
      >
        Approve
      </button>
      <button
        type="button"
        data-testid="decision-reject"
        disabled={running || reason.trim() === ''}
        onClick={() => onDecide('reject', reason.trim())}
      >
        Reject
      </button>
      {state.kind === 'done' && state.result.ok && (
        <span className="ok" data-testid="decision-result">
          recorded
        </span>
      )}
      <CommandRefusal state={state} />
    </div>
  );
}

/** An identifier for a new command (the services' identifier pattern), random; works outside secure contexts too. */
export function newIdentifier(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return `${prefix}-${[...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}
