import { useEffect, useState, type FormEvent } from 'react';
import { loadSession, logIn, logOut, saveSession, setUnauthorisedHandler } from './api';
import { DashboardContext, REFRESH_MS } from './dashboard-context';
import { MomentSelector } from './MomentSelector';
import { LIVE, type Moment } from './moment';
import { ApprovalsPage } from './pages/ApprovalsPage';
import { AuditPage } from './pages/AuditPage';
import { BalancesPage } from './pages/BalancesPage';
import { BreachesPage } from './pages/BreachesPage';
import { WalletsPage } from './pages/WalletsPage';
import type { Session } from './types';

const PAGES = [
  { id: 'balances', title: 'Balances & statement', Page: BalancesPage },
  { id: 'wallets', title: 'Wallets', Page: WalletsPage },
  { id: 'breaches', title: 'Breaches & discrepancies', Page: BreachesPage },
  { id: 'approvals', title: 'Approvals', Page: ApprovalsPage },
  { id: 'audit', title: 'Audit', Page: AuditPage },
] as const;
type PageId = (typeof PAGES)[number]['id'];

function pageOfHash(): PageId {
  const id = window.location.hash.replace(/^#\/?/, '');
  return PAGES.find((page) => page.id === id)?.id ?? 'balances';
}

function usePage(): PageId {
  const [page, setPage] = useState<PageId>(pageOfHash);
  useEffect(() => {
    const follow = () => setPage(pageOfHash());
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  return page;
}

function useTick(moment: Moment): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (moment.kind !== 'live') return;
    const timer = setInterval(() => setTick((count) => count + 1), REFRESH_MS);
    return () => clearInterval(timer);
  }, [moment]);
  return tick;
}

function LoginView({ onLogin }: { readonly onLogin: (session: Session) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError('');
    const answer = await logIn(username, password);
    if (answer.ok) onLogin(answer.body);
    else setError(answer.reason);
  };
  return (
    <section id="login-view" className="card narrow">
      <h2>Log in</h2>
      <p className="muted">
        Development users (one per role) and their passwords are printed by <code>npm start</code>{' '}
        and kept in <code>.custody/dev-users.json</code>.
      </p>
      <form id="login-form" onSubmit={(event) => void submit(event)}>
        <label>
          User{' '}
          <input
            id="username"
            name="username"
            autoComplete="username"
            required
            maxLength={128}
            value={username}
            onChange={(event) => setUsername(event.target.value)}
          />
        </label>
        <label>
          Password{' '}
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            maxLength={128}
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        <button type="submit">Log in</button>
        <p id="login-error" className="error" role="alert">
          {error}
        </p>
      </form>
    </section>
  );
}

export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const [moment, setMoment] = useState<Moment>(LIVE);
  const page = usePage();
  const tick = useTick(moment);
  const changeSession = (next: Session | null) => {
    saveSession(next);
    setSession(next);
  };
  useEffect(() => setUnauthorisedHandler(() => changeSession(null)), []);
  const current = PAGES.find((entry) => entry.id === page) ?? PAGES[0];
  return (
    <>
      <header>
        <h1>Custody ledger</h1>
        {session !== null && <MomentSelector moment={moment} onChange={setMoment} />}
        {session !== null && (
          <div id="who">
            <span id="who-name">{session.username}</span>{' '}
            <span id="who-roles">({session.roles.join(', ')})</span>{' '}
            <button
              id="logout"
              type="button"
              onClick={() => {
                void logOut(session);
                changeSession(null);
              }}
            >
              Log out
            </button>
          </div>
        )}
      </header>
      {session === null ? (
        <main>
          <LoginView onLogin={changeSession} />
        </main>
      ) : (
        <DashboardContext.Provider value={{ session, moment, tick }}>
          <nav id="nav">
            {PAGES.map((entry) => (
              <a
                key={entry.id}
                id={`nav-${entry.id}`}
                data-page={entry.id}
                href={`#/${entry.id}`}
                className={entry.id === page ? 'active' : undefined}
                aria-current={entry.id === page ? 'page' : undefined}
              >
                {entry.title}
              </a>
            ))}
          </nav>
          <main
            id="app-view"
            data-page={page}
            data-moment={moment.kind === 'live' ? 'live' : moment.instant}
          >
            <current.Page />
          </main>
        </DashboardContext.Provider>
      )}
    </>
  );
}
