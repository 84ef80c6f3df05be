import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@custody/testing';
import { chromium, type Browser, type Page } from 'playwright-core';
import { freePortRun, startRunner, stopRunner, type Runner } from './runner-process';

const WAIT_MS = 90_000;
const TEST_TIMEOUT_MS = 240_000;
/** Debian's Chromium (tools/scripts/lib.sh: ensure_chromium); Playwright's own download is never used. */
const CHROMIUM = '/usr/bin/chromium';
/** Without the background-networking flags Chromium keeps calling out, refused by this closed network. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Where the test saves its screenshots (kept after the run, for people). */
const SCREENSHOTS = join(__dirname, '..', '..', 'tmp', 'screenshots');

/**
 * Issue 9, the dashboard in headless Chromium: the runner serves it on CUSTODY_PORT; a wrong
 * password is refused; the auditor logs in with the development login npm start printed, sees a
 * simulated client's balances change as the simulator trades, the books in balance and the
 * audit record with its checkpoints, and the same balances as they were at a chosen moment.
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
    rmSync(dataDir, { recursive: true, force: true });
  });

  const text = async (page: Page, selector: string) => (await page.locator(selector).textContent()) ?? '';

  it(
    'given the runner, when the auditor logs in, then balances change with the trades, the books balance, the audit record shows, and a past moment can be shown',
    async () => {
      const port = await freePortRun();
      runner = startRunner({ CUSTODY_DATA_DIR: dataDir, CUSTODY_PORT: String(port), CUSTODY_SIMULATOR_TICK_MS: '150', CUSTODY_SIMULATOR_CLIENTS: '3', LOG_LEVEL: 'warn' });
      const dashboardUrl = `http://127.0.0.1:${port}`;
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port + 1}/health/ready`).then((response) => response.status, () => 0)) === 200, 'the ledger to be ready', WAIT_MS);
      await waitFor(() => runner?.output.stderr.includes('auditor') ?? false, 'the development logins to be printed', WAIT_MS);
      const users = JSON.parse(readFileSync(join(dataDir, 'dev-users.json'), 'utf8')) as Array<{ username: string; password: string }>;
      const auditor = users.find((user) => user.username === 'auditor');
      expect(auditor).toBeDefined();
      // the password npm start printed is the one that logs in
      expect(runner.output.stderr).toContain(auditor?.password);

      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      await page.goto(dashboardUrl);
      await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-1-login.png') });

      await page.fill('#username', 'auditor');
      await page.fill('#password', 'not-the-password');
      await page.click('#login-form button[type=submit]');
      await page.locator('#login-error').filter({ hasText: 'wrong password' }).waitFor({ timeout: WAIT_MS });
      expect(await page.locator('#app-view').isHidden()).toBe(true);

      await page.fill('#password', auditor?.password ?? '');
      await page.click('#login-form button[type=submit]');
      await page.locator('#who-name').filter({ hasText: 'auditor' }).waitFor({ timeout: WAIT_MS });
      const btc = page.locator('#balances tbody tr[data-asset="BTC"] td:nth-child(2)');
      await btc.waitFor({ timeout: WAIT_MS });
      const firstCaption = await text(page, '#balances-caption');
      const firstBtc = await btc.textContent();
      await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-2-balances.png') });
      // the page refreshes itself: the simulator's next trades show without a reload
      await waitFor(async () => (await btc.textContent()) !== firstBtc, "sim-0001's BTC balance to change on the page", WAIT_MS, 250);
      expect(await text(page, '#books')).toContain('in balance');
      await waitFor(async () => /\d+ records; \d+ signed checkpoints/.test(await text(page, '#audit')), 'the audit record status', WAIT_MS);
      await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-3-changed.png') });

      // a past moment: the balances as they were when the page first showed them
      const firstPosition = BigInt(/position (\d+)/.exec(firstCaption)?.[1] ?? '-1');
      const livePosition = BigInt(/position (\d+)/.exec(await text(page, '#balances-caption'))?.[1] ?? '-1');
      expect(livePosition).toBeGreaterThan(firstPosition);
      const liveBeforePast = BigInt(/position (\d+)/.exec(await text(page, '#balances-caption'))?.[1] ?? '-1');
      const past = new Date(Date.now() - 1_000);
      const local = new Date(past.getTime() - past.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
      await page.fill('#as-of', local);
      await page.click('#client-form button[type=submit]');
      await page.locator('#balances-caption').filter({ hasText: 'as at' }).waitFor({ timeout: WAIT_MS });
      const pastPosition = BigInt(/position (\d+)/.exec(await text(page, '#balances-caption'))?.[1] ?? '-1');
      // a second ago the ledger had booked less than it shows live (trades every 150 ms): the moment was asked for
      expect(pastPosition).toBeGreaterThan(0n);
      expect(pastPosition).toBeLessThan(liveBeforePast);
      // no later than what the ledger had booked by then, and the page stays on that moment while trades go on
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(await text(page, '#balances-caption')).toContain(`position ${pastPosition}`);
      await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-4-point-in-time.png') });
    },
    TEST_TIMEOUT_MS,
  );
});
