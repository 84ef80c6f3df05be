'use strict';
// The dashboard's page: no build step, no third-party code. Amounts stay strings of minor units and
// are formatted exactly (no floating point), with each asset's decimals.
(() => {
  const DECIMALS = { BTC: 8, ETH: 18, USDT: 6, USDC: 6 };
  const REFRESH_MS = 2000;
  const $ = (id) => document.getElementById(id);
  let session = JSON.parse(sessionStorage.getItem('custody.session') || 'null');
  let timer;

  function formatMinor(minor, asset) {
    const decimals = DECIMALS[asset];
    if (decimals === undefined || !/^-?\d+$/.test(minor)) return `${minor} (minor units)`;
    const negative = minor.startsWith('-');
    const digits = (negative ? minor.slice(1) : minor).padStart(decimals + 1, '0');
    const whole = digits.slice(0, digits.length - decimals).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    const fraction = digits.slice(digits.length - decimals).replace(/0+$/, '');
    return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
  }

  const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

  async function api(service, path) {
    const response = await fetch(`/api/${service}${path}`, { headers: { authorization: `Bearer ${session.token}` } });
    const body = await response.json().catch(() => ({}));
    if (response.status === 401) logout();
    if (!response.ok) throw new Error(`${response.status} ${body.code || ''}: ${body.reason || body.message || 'failed'}`);
    return body;
  }

  function show() {
    const loggedIn = session !== null;
    $('login-view').hidden = loggedIn;
    $('app-view').hidden = !loggedIn;
    $('who').hidden = !loggedIn;
    if (!loggedIn) return;
    $('who-name').textContent = session.username;
    $('who-roles').textContent = `(${session.roles.join(', ')})`;
    refresh();
    clearInterval(timer);
    timer = setInterval(refresh, REFRESH_MS);
  }

  function logout() {
    session = null;
    sessionStorage.removeItem('custody.session');
    clearInterval(timer);
    show();
  }

  async function refreshBalances() {
    const clientId = $('client-id').value.trim();
    const asOf = $('as-of').value;
    const query = asOf ? `?at=${encodeURIComponent(new Date(asOf).toISOString())}` : '';
    try {
      const body = await api('ledger', `/v1/clients/${encodeURIComponent(clientId)}/balances${query}`);
      const rows = body.balances.map((b) => `<tr data-asset="${escape(b.asset)}"><td>${escape(b.asset)}</td><td class="num">${escape(formatMinor(b.postedMinor, b.asset))}</td><td class="num">${escape(formatMinor(b.pendingDebitsMinor, b.asset))}</td><td class="num">${escape(formatMinor(b.availableMinor, b.asset))}</td></tr>`);
      $('balances').querySelector('tbody').innerHTML = rows.join('');
      $('balances-caption').textContent = `${body.clientId}, ${asOf ? `as at ${new Date(asOf).toISOString()}` : 'live'}, event-store position ${body.asOfPosition}`;
      $('balances-error').textContent = '';
    } catch (error) {
      $('balances-error').textContent = error.message;
    }
  }

  async function refreshBooks() {
    try {
      const body = await api('ledger', '/v1/books/invariants');
      $('books').innerHTML = body.ok ? '<span class="ok">in balance</span>: client liabilities plus house balances equal the custody assets recorded, for every asset' : '<span class="bad">OUT OF BALANCE</span>';
    } catch (error) {
      $('books').textContent = error.message;
    }
  }

  async function refreshAudit() {
    try {
      const body = await api('audit', '/v1/audit/status');
      const last = body.lastCheckpoint;
      $('audit').innerHTML = '';
      $('audit').append(`${body.size} records; ${body.checkpoints} signed checkpoints`, document.createElement('br'), last ? `latest checkpoint: ${last.treeSize} records, root ${last.rootHash.slice(0, 16)}…, signed ${last.at}` : 'no checkpoint yet');
    } catch (error) {
      $('audit').textContent = error.message;
    }
  }

  function refresh() {
    if ($('as-of').value === '') void refreshBalances();
    void refreshBooks();
    void refreshAudit();
  }

  $('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('login-error').textContent = '';
    const response = await fetch('/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: $('username').value, password: $('password').value }) });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      $('login-error').textContent = body.reason || 'login failed';
      return;
    }
    session = body;
    sessionStorage.setItem('custody.session', JSON.stringify(session));
    show();
  });
  $('logout').addEventListener('click', logout);
  $('client-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void refreshBalances();
  });
  $('live').addEventListener('click', () => {
    $('as-of').value = '';
    void refreshBalances();
  });
  show();
})();
