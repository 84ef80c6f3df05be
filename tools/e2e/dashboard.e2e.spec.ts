import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@custody/testing';
import { chromium, type Browser, type Page } from 'playwright-core';
import {
  freePortRun,
  startRunner,
  stopLeftOverChain,
  stopRunner,
  type Runner,
} from './runner-process';

const WAIT_MS = 90_000;
const TEST_TIMEOUT_MS = 240_000;
/** Debian's Chromium (tools/scripts/lib.sh: ensure_chromium); Playwright's own download is never used. */
const CHROMIUM = '/usr/bin/chromium';
/** Without the background-networking flags Chromium keeps calling out, refused by this closed network. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Where the test saves its screenshots (kept after the run, for people). */
const SCREENSHOTS = join(__dirname, '..', '..', 'tmp', 'screenshots');

/** The value a `datetime-local` input takes for an instant, in this machine's zone (the browser's too). */
/**
 * The value a `datetime-local` input holds for `instant`, in the browser's normal form: Chromium
 * drops seconds that are zero (`21:14`, never `21:14:00`), and Playwright's fill refuses a value
 * the input would rewrite ("Malformed value"), so a moment on a whole minute must be given so.
 */
function localInput(instant: Date): string {
  return new Date(instant.getTime() - instant.getTimezoneOffset() * 60_000)
    .toISOString()
    .slice(0, 19)
    .replace(/:00$/, '');
}

/**
 * Issue 9, the dashboard (React, built by Vite, served by the runner) in headless Chromium: the
 * runner serves it on CUSTODY_PORT; a wrong password is refused; the auditor logs in with the
 * development login npm start printed, sees a simulated client's balances change as the simulator
 * trades, the books in balance and the audit record with its checkpoints, and the same balances as
 * they were at a chosen moment; every page renders, the point-in-time selector switches the
 * compliance pages to that moment (and pages whose services cannot answer for a past moment say
 * so); a role a service refuses is told so. Screenshots in tmp/screenshots/dashboard-*.png.
 */
describe('dashboard (headless Chromium)', () => {
  let dataDir: string;
  let runner: Runner | undefined;
  let browser: Browser | undefined;

  beforeAll(() => {
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'custody-dashboard-'));
  });

  afterEach(async () => {
    await browser?.close();
    browser = undefined;
    await stopRunner(runner);
    runner = undefined;
    await stopLeftOverChain(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const text = async (page: Page, selector: string) =>
    (await page.locator(selector).textContent()) ?? '';
  const positionIn = async (page: Page) =>
    BigInt(/position (\d+)/.exec(await text(page, '#balances-caption'))?.[1] ?? '-1');
  const screenshot = (page: Page, name: string) =>
    page.screenshot({ path: join(SCREENSHOTS, `dashboard-${name}.png`), fullPage: true });
  const openPage = async (page: Page, id: string) => {
    await page.click(`#nav-${id}`);
    await page.locator(`#app-view[data-page="${id}"]`).waitFor({ timeout: WAIT_MS });
  };
  /**
   * A section has rendered when it shows its content (or, at a past moment, says it cannot show
   * one); the auditor may read every section, so a service's error or a refusal there fails the test.
   */
  const rendered = async (page: Page, section: string, content: string) => {
    const located = page.locator(`#${section}-section`);
    await located
      .locator(
        `${content}, [data-testid="not-at-moment"], [data-testid="api-error"], [data-testid="forbidden"]`,
      )
      .first()
      .waitFor({ timeout: WAIT_MS });
    const problems = await located
      .locator('[data-testid="api-error"], [data-testid="forbidden"]')
      .allTextContents();
    expect({ section, problems }).toEqual({ section, problems: [] });
  };

  async function logIn(page: Page, username: string, password: string) {
    await page.fill('#username', username);
    await page.fill('#password', password);
    await page.click('#login-form button[type=submit]');
  }

  async function startAndReadUsers(): Promise<{
    dashboardUrl: string;
    users: Array<{ username: string; password: string }>;
  }> {
    const port = await freePortRun();
    runner = startRunner({
      CUSTODY_DATA_DIR: dataDir,
      CUSTODY_PORT: String(port),
      CUSTODY_SIMULATOR_TICK_MS: '150',
      CUSTODY_SIMULATOR_CLIENTS: '3',
      LOG_LEVEL: 'warn',
    });
    await waitFor(
      async () =>
        (await fetch(`http://127.0.0.1:${port + 1}/health/ready`).then(
          (response) => response.status,
          () => 0,
        )) === 200,
      'the ledger to be ready',
      WAIT_MS,
    );
    await waitFor(
      () => runner?.output.stderr.includes('auditor') ?? false,
      'the development logins to be printed',
      WAIT_MS,
    );
    return {
      dashboardUrl: `http://127.0.0.1:${port}`,
      users: JSON.parse(readFileSync(join(dataDir, 'dev-users.json'), 'utf8')) as Array<{
        username: string;
        password: string;
      }>,
    };
  }

  it(
    'given the runner, when the auditor logs in, then balances change with the trades, the books balance, the audit record shows, every page renders, and a past moment can be shown',
    async () => {
      const { dashboardUrl, users } = await startAndReadUsers();
      const auditor = users.find((user) => user.username === 'auditor');
      expect(auditor).toBeDefined();
      // the password npm start printed is the one that logs in
      expect(runner?.output.stderr).toContain(auditor?.password);

      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
      });
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      const response = await page.goto(dashboardUrl);
      // the built page under the same strict policy: no inline script, nothing from another origin
      expect(response?.headers()['content-security-policy']).toBe(
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
      );
      await page.locator('#login-form').waitFor({ timeout: WAIT_MS });
      await screenshot(page, '1-login');

      await logIn(page, 'auditor', 'not-the-password');
      await page
        .locator('#login-error')
        .filter({ hasText: 'wrong password' })
        .waitFor({ timeout: WAIT_MS });
      expect(await page.locator('#app-view').isHidden()).toBe(true);

      await logIn(page, 'auditor', auditor?.password ?? '');
      await page.locator('#who-name').filter({ hasText: 'auditor' }).waitFor({ timeout: WAIT_MS });
      // the assets sim-0001 trades are the simulator's choice: any of its balances will do
      const balances = page.locator('#balances tbody');
      await balances
        .locator('tr[data-asset] td:nth-child(2)')
        .first()
        .waitFor({ timeout: WAIT_MS });
      const firstPosition = await positionIn(page);
      const firstBalances = await balances.textContent();
      await screenshot(page, '2-balances');
      // the page refreshes itself: the simulator's next trades show without a reload
      await waitFor(
        async () => (await balances.textContent()) !== firstBalances,
        "sim-0001's balances to change on the page",
        WAIT_MS,
        250,
      );
      await page.locator('#books').filter({ hasText: 'in balance' }).waitFor({ timeout: WAIT_MS });
      await page.locator('#statement tbody tr').first().waitFor({ timeout: WAIT_MS });
      await screenshot(page, '3-changed');
      expect(await positionIn(page)).toBeGreaterThan(firstPosition);

      // a past moment, chosen in the header: the balances as they were a second ago
      const liveBeforePast = await positionIn(page);
      const past = new Date(Date.now() - 1_000);
      const pastInstant = new Date(past.getTime() - (past.getTime() % 1_000)).toISOString();
      await page.fill('#moment', localInput(past));
      await page.click('#moment-apply');
      await page
        .locator('#moment-caption')
        .filter({ hasText: `as at ${pastInstant}` })
        .waitFor({ timeout: WAIT_MS });
      await page
        .locator('#balances-caption')
        .filter({ hasText: 'as at' })
        .waitFor({ timeout: WAIT_MS });
      const pastPosition = await positionIn(page);
      // a second ago the ledger had booked less than it shows live (trades every 150 ms): the moment was asked for
      expect(pastPosition).toBeGreaterThan(0n);
      expect(pastPosition).toBeLessThan(liveBeforePast);
      // the books' check has no past: the page says so rather than showing now as then
      await page
        .locator('#books-section [data-testid="not-at-moment"]')
        .waitFor({ timeout: WAIT_MS });
      // no later than what the ledger had booked by then, and the page stays on that moment while trades go on
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(await text(page, '#balances-caption')).toContain(`position ${pastPosition}`);
      await screenshot(page, '4-point-in-time');

      // the compliance pages at that moment: the policy service evaluated as of the instant chosen
      await openPage(page, 'wallets');
      const walletsCaption = page.locator('#cold-hot-section [data-testid="compliance-caption"]');
      await walletsCaption.waitFor({ timeout: WAIT_MS });
      expect(await walletsCaption.getAttribute('data-as-of')).toBe(pastInstant);
      await rendered(page, 'wallets', '#wallets');
      await screenshot(page, '5-wallets-at-moment');
      await openPage(page, 'breaches');
      const breachesCaption = page.locator('#breaches-section [data-testid="compliance-caption"]');
      await breachesCaption.waitFor({ timeout: WAIT_MS });
      expect(await breachesCaption.getAttribute('data-as-of')).toBe(pastInstant);
      await rendered(
        page,
        'discrepancies',
        '#discrepancies, #discrepancies-none, #discrepancies-reconstructed',
      );
      await screenshot(page, '6-breaches-at-moment');
      // the approval queue then, as the audit record has it (the auditor's reconstruction); nothing is decided from the past
      await openPage(page, 'approvals');
      await page.locator('#approvals-reconstructed').waitFor({ timeout: WAIT_MS });
      // the reconstruction only: not the live queue shown as if it were the past
      expect(
        await page.locator('#withdrawals, #withdrawals-none, #key-access-changes').count(),
      ).toBe(0);
      await openPage(page, 'audit');
      await page.locator('#audit-at').waitFor({ timeout: WAIT_MS });

      // back to live: each page renders now
      await page.click('#moment-live');
      await page
        .locator('#moment-caption')
        .filter({ hasText: 'live' })
        .waitFor({ timeout: WAIT_MS });
      await waitFor(
        async () => /\d+ records; \d+ signed checkpoints/.test(await text(page, '#audit')),
        'the audit record status',
        WAIT_MS,
      );
      await screenshot(page, '7-audit');
      await openPage(page, 'wallets');
      await walletsCaption.waitFor({ timeout: WAIT_MS });
      await waitFor(
        async () => ((await walletsCaption.getAttribute('data-as-of')) ?? '') > pastInstant,
        'the compliance page to show now',
        WAIT_MS,
      );
      await rendered(page, 'cold-hot', '#cold-hot-chart, #cold-hot-empty');
      await rendered(page, 'wallets', '#wallets');
      await screenshot(page, '8-wallets');
      await openPage(page, 'breaches');
      await rendered(page, 'breaches', '#breaches, #breaches-none');
      await rendered(page, 'discrepancies', '#discrepancies, #discrepancies-none');
      await rendered(page, 'rules', '#rules');
      await screenshot(page, '9-breaches');
      await openPage(page, 'approvals');
      await rendered(page, 'withdrawals', '#withdrawals, #withdrawals-none');
      await rendered(page, 'key-access', '#key-access-changes');
      await rendered(page, 'policy-changes', '#policy-versions');
      // an auditor reads the queue but requests and approves nothing
      expect(await page.locator('#withdrawal-form').count()).toBe(0);
      await screenshot(page, '10-approvals');
      expect(pageErrors).toEqual([]);

      // a role a service refuses is told so, not shown a broken page: the SRE reads no client balances
      const sre = users.find((user) => user.username === 'sre');
      await page.click('#logout');
      await logIn(page, 'sre', sre?.password ?? '');
      await page.locator('#who-name').filter({ hasText: 'sre' }).waitFor({ timeout: WAIT_MS });
      await openPage(page, 'balances');
      await page
        .locator('#balances-section [data-testid="forbidden"]')
        .filter({ hasText: 'cannot see this' })
        .waitFor({ timeout: WAIT_MS });
      await screenshot(page, '11-role-refused');
      expect(pageErrors).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "HK-11d given the runner with its chain, when the operator requests a withdrawal in the browser and two custodians approve it, then it is held, signed, confirmed on chain and the client's balance falls by exactly that amount",
    async () => {
      // no trades (0 per tick): sim-0001's balance moves only by its deposit and this withdrawal
      const port = await freePortRun();
      runner = startRunner({
        CUSTODY_DATA_DIR: dataDir,
        CUSTODY_PORT: String(port),
        CUSTODY_SIMULATOR_TICK_MS: '500',
        CUSTODY_SIMULATOR_CLIENTS: '2',
        CUSTODY_SIMULATOR_TRADES_PER_TICK: '0',
        LOG_LEVEL: 'warn',
      });
      await waitFor(
        async () =>
          (await fetch(`http://127.0.0.1:${port + 1}/health/ready`).then(
            (response) => response.status,
            () => 0,
          )) === 200,
        'the ledger to be ready',
        WAIT_MS,
      );
      await waitFor(
        () =>
          runner?.output.stderr.includes('simulator: 0 ticks') === true ||
          /simulator: [1-9]\d* ticks/.test(runner?.output.stderr ?? ''),
        'the clients to be set up and funded',
        WAIT_MS,
      );
      const users = JSON.parse(readFileSync(join(dataDir, 'dev-users.json'), 'utf8')) as Array<{
        username: string;
        password: string;
      }>;
      const password = (username: string) =>
        users.find((user) => user.username === username)?.password ?? '';

      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
      });
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(`http://127.0.0.1:${port}`);
      const balanceOf = async (column: number) =>
        (
          await page
            .locator(`#balances tbody tr[data-asset="ETH"] td:nth-child(${column})`)
            .textContent()
        )?.trim();
      const showSim1 = async () => {
        await openPage(page, 'balances');
        await page.fill('#client-id', 'sim-0001');
        await page.click('#client-form button[type=submit]');
        await page.locator('#balances tbody tr[data-asset="ETH"]').waitFor({ timeout: WAIT_MS });
      };

      // the auditor sees sim-0001's confirmed deposit: 10 ETH, 99% of it sent to cold storage
      await logIn(page, 'auditor', password('auditor'));
      await page.locator('#who-name').filter({ hasText: 'auditor' }).waitFor({ timeout: WAIT_MS });
      await showSim1();
      await waitFor(
        async () => (await balanceOf(2)) === '10',
        "sim-0001's 10 ETH deposit to show",
        WAIT_MS,
        250,
      );

      // the operator requests 0.05 ETH to sim-0001's allow-listed address
      await page.click('#logout');
      await logIn(page, 'operator', password('operator'));
      await openPage(page, 'approvals');
      await page.fill('#withdrawal-client', 'sim-0001');
      await page.selectOption('#withdrawal-asset', 'ETH');
      await page.fill('#withdrawal-amount', '0.05');
      await page
        .locator('#withdrawal-destination option[data-address]')
        .first()
        .waitFor({ state: 'attached', timeout: WAIT_MS });
      await page.selectOption('#withdrawal-destination', { index: 1 });
      const withdrawalId = await page.inputValue('#withdrawal-id');
      await screenshot(page, '20-withdrawal-request');
      await page.click('#withdrawal-submit');
      await page
        .locator(`#withdrawal-result[data-withdrawal-id="${withdrawalId}"]`)
        .waitFor({ timeout: WAIT_MS });

      // each custodian reviews the payload hash and approves it; the first cannot approve twice
      const approveAs = async (custodian: string, name: string) => {
        await page.click('#logout');
        await logIn(page, custodian, password(custodian));
        await openPage(page, 'approvals');
        const row = page.locator(
          `#withdrawals tr[data-withdrawal-id="${withdrawalId}"][data-status="awaiting-approval"]`,
        );
        await row.waitFor({ timeout: WAIT_MS });
        await row.locator('[data-testid="withdrawal-review"]').click();
        await page
          .locator('#withdrawal-payload-hash')
          .filter({ hasText: /^0x[0-9a-f]{64}$/ })
          .waitFor({ timeout: WAIT_MS });
        await page.click('#withdrawal-approve');
        await page.locator('#withdrawal-approve-result').waitFor({ timeout: WAIT_MS });
        await screenshot(page, name);
      };
      await approveAs('custodian-1', '21-first-approval');
      await page.click('#withdrawal-approve');
      await page
        .locator('#withdrawal-approve-error [data-error-code="SIGNING_CUSTODIAN_ALREADY_APPROVED"]')
        .waitFor({ timeout: WAIT_MS });
      // a moment between the two approvals (the selector counts whole seconds): looked at again below
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const nowMs = Date.now();
      const between = new Date(nowMs - (nowMs % 1_000));
      await approveAs('custodian-2', '22-second-approval');
      await page
        .locator(
          `#withdrawal-detail div[data-withdrawal-id="${withdrawalId}"][data-status="confirmed"]`,
        )
        .waitFor({ timeout: WAIT_MS });
      await screenshot(page, '23-withdrawal-confirmed');

      // the ledger settled it: 10 - 0.05 posted, nothing left on hold
      await page.click('#logout');
      await logIn(page, 'auditor', password('auditor'));
      await showSim1();
      await waitFor(
        async () => (await balanceOf(2)) === '9.95' && (await balanceOf(3)) === '0',
        "sim-0001's balance to fall by the 0.05 ETH withdrawn",
        WAIT_MS,
        250,
      );
      await screenshot(page, '24-balance-after-withdrawal');

      // HK-22 the approval queue as it was between the approvals, from the audit record: custodian-1's approval only
      await page.fill('#moment', localInput(between));
      await page.click('#moment-apply');
      await page
        .locator('#moment-caption')
        .filter({ hasText: `as at ${between.toISOString()}` })
        .waitFor({ timeout: WAIT_MS });
      await openPage(page, 'approvals');
      const then = page.locator(
        `#withdrawals-reconstructed tr[data-withdrawal-id="${withdrawalId}"][data-status="awaiting-approval"]`,
      );
      await then.waitFor({ timeout: WAIT_MS });
      expect(await then.textContent()).toContain('custodian-1');
      expect(await then.textContent()).not.toContain('custodian-2');
      await screenshot(page, '25-queue-between-approvals');
      expect(pageErrors).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );
});
