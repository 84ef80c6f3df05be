import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import type { ApiResult } from './api';
import type { Moment } from './moment';
import type { Session } from './types';

/** Live pages refresh this often. */
export const REFRESH_MS = 2_000;

export interface DashboardState {
  readonly session: Session;
  readonly moment: Moment;
  /** Moves every REFRESH_MS while live; a past moment does not move. */
  readonly tick: number;
}

export const DashboardContext = createContext<DashboardState | null>(null);

export function useDashboard(): DashboardState {
  const state = useContext(DashboardContext);
  if (state === null) throw new Error('useDashboard outside the logged-in dashboard');
  return state;
}

export function hasRole(session: Session, ...roles: readonly string[]): boolean {
  return roles.some((role) => session.roles.includes(role));
}

/**
 * Loads `load()` when `key` changes (and on every tick when `live`), keeping the last answer
 * shown while the next one comes; an answer overtaken by a later request is dropped. `load`
 * null: nothing to load (the page says why).
 */
export function useResource<T>(
  load: (() => Promise<ApiResult<T>>) | null,
  key: string,
  live: boolean,
): { readonly result: ApiResult<T> | undefined; readonly reload: () => void } {
  const { tick } = useDashboard();
  const [result, setResult] = useState<{ key: string; value: ApiResult<T> } | undefined>(undefined);
  const [reloads, setReloads] = useState(0);
  const latest = useRef(0);
  const loader = useRef(load);
  useEffect(() => {
    loader.current = load; // declared before the effect that loads: it runs first, with this render's `load`
  });
  const refreshTick = live ? tick : 0;
  const enabled = load !== null;
  useEffect(() => {
    const current = loader.current;
    if (!enabled || current === null) return;
    const request = ++latest.current;
    void current()
      .catch((error: unknown): ApiResult<T> => ({
        ok: false,
        status: 0,
        code: 'DASHBOARD_FAILED',
        reason: (error as Error).message,
      }))
      .then((value) => {
        if (request === latest.current) setResult({ key, value });
      });
  }, [key, refreshTick, reloads, enabled]);
  const reload = useCallback(() => setReloads((count) => count + 1), []);
  return { result: result?.key === key ? result.value : undefined, reload };
}
