import type { ReactNode } from 'react';
import type { ApiResult, Refusal } from './api';
import { useDashboard } from './dashboard-context';

export function Loading() {
  return (
    <p className="muted" data-testid="loading">
      Loading…
    </p>
  );
}

/** A service's refusal: a 403 says plainly that the role cannot see it; anything else shows the service's code and reason. */
export function Problem({
  refusal,
  testId = 'api-error',
}: {
  readonly refusal: Refusal;
  readonly testId?: string;
}) {
  const { session } = useDashboard();
  if (refusal.status === 403) {
    return (
      <p className="forbidden" data-testid="forbidden" data-error-code={refusal.code}>
        Your role ({session.roles.join(', ')}) cannot see this.{' '}
        <span className="muted">{refusal.reason}</span>
      </p>
    );
  }
  return (
    <div className="error" role="alert" data-testid={testId} data-error-code={refusal.code}>
      <strong>{refusal.code}</strong>: {refusal.reason}{' '}
      <span className="muted">(HTTP {refusal.status || 'none'})</span>
      {refusal.errors !== undefined && refusal.errors.length > 0 && (
        <ul>
          {refusal.errors.map((error) => (
            <li key={`${error.path}:${error.reason}`}>
              <code>{error.path}</code>: {error.reason}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Renders a loaded answer, its refusal, or that it is loading. */
export function Loaded<T>({
  result,
  children,
}: {
  readonly result: ApiResult<T> | undefined;
  readonly children: (body: T) => ReactNode;
}) {
  if (result === undefined) return <Loading />;
  if (!result.ok) return <Problem refusal={result} />;
  return <>{children(result.body)}</>;
}

/** What a page says instead of showing live data as if it were the past. */
export function NotAtMoment({ what, why }: { readonly what: string; readonly why: string }) {
  const { moment } = useDashboard();
  return (
    <p className="notice" data-testid="not-at-moment">
      {what} is not available as at a moment ({moment.kind === 'at' ? moment.instant : 'live'}):{' '}
      {why}. Switch to <em>Live</em> to see it now.
    </p>
  );
}

export function Verdict({ verdict }: { readonly verdict: string }) {
  return (
    <span className={`verdict verdict-${verdict}`} data-verdict={verdict}>
      {verdict}
    </span>
  );
}

export function Section({
  id,
  title,
  children,
}: {
  readonly id: string;
  readonly title: string;
  readonly children: ReactNode;
}) {
  return (
    <section className="card" id={`${id}-section`} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
    </section>
  );
}

/** A long hash or address: its start, the whole on hover and for copying. */
export function Hash({ value, testId }: { readonly value: string; readonly testId?: string }) {
  return (
    <code className="hash" title={value} data-testid={testId} data-value={value}>
      {value.length > 20 ? `${value.slice(0, 10)}…${value.slice(-8)}` : value}
    </code>
  );
}
