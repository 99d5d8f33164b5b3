// Journeys run in Debian's /usr/bin/chromium (Playwright's own browser download cannot work
// here) against two fresh servers: one on a new SQLite file, one on a new PostgreSQL database.
import { defineConfig } from '@playwright/test';

const bin = process.env.XIESHANG_BIN ?? '../target/debug/xieshang';
const pg = process.env.E2E_PG_SERVER ?? 'postgres://postgres@127.0.0.1:5432';
const psql = 'psql -h 127.0.0.1 -U postgres -q';

export default defineConfig({
  testDir: './tests',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [['list']],
  use: {
    locale: 'zh-CN',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
             '--disable-component-update', '--disable-sync'],
    },
    trace: 'off',
  },
  projects: [
    { name: 'sqlite', use: { baseURL: 'http://127.0.0.1:18181' } },
    { name: 'postgres', use: { baseURL: 'http://127.0.0.1:18182' } },
  ],
  webServer: [
    {
      command: `rm -rf .data/sqlite && mkdir -p .data/sqlite && exec ${bin} serve --addr 127.0.0.1:18181 --database 'sqlite://.data/sqlite/e2e.db?mode=rwc'`,
      url: 'http://127.0.0.1:18181/readyz',
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      command: `${psql} -c 'DROP DATABASE IF EXISTS xieshang_e2e WITH (FORCE)' -c 'CREATE DATABASE xieshang_e2e' && exec ${bin} serve --addr 127.0.0.1:18182 --database ${pg}/xieshang_e2e`,
      url: 'http://127.0.0.1:18182/readyz',
      reuseExistingServer: false,
      timeout: 60_000,
    },
  ],
});
