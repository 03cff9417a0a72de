// The command line of issue 2: every subcommand has --help, a wrong flag exits 2 with a
// clear message, `init` creates the first admin under the AUTH-1 password rule, and
// `serve` stops cleanly on SIGTERM. Runs the binary directly (SQLite in a temp dir).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN, freePort } from './lib/server.js';

const run = (...args) => spawnSync(BIN, args, { encoding: 'utf8', timeout: 30000 });
const tmpDb = () => `sqlite:${path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fincrm-cli-')), 'c.db')}`;

test('every subcommand answers --help with exit 0 and its usage', () => {
  for (const cmd of ['init', 'demo', 'serve', 'audit', 'routes', 'version']) {
    const r = run(cmd, '--help');
    assert.equal(r.status, 0, `${cmd} --help: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`usage: fincrm ${cmd}`));
  }
  assert.equal(run('--help').status, 0);
});

test('a wrong flag or command prints a clear message and exits 2', () => {
  for (const args of [['serve', '--bogus'], ['init', '--db'], ['demo'], ['demo', '--customers', 'ten'],
    ['serve', '--threads', '0'], ['version', 'x'], ['frobnicate']]) {
    const r = run(...args);
    assert.equal(r.status, 2, `fincrm ${args.join(' ')} → ${r.status}: ${r.stderr}`);
    assert.ok(r.stderr.length > 0, `fincrm ${args.join(' ')} says nothing`);
  }
  const bad = run('serve', '--db', 'mysql://x');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /sqlite:PATH or postgresql/);
});

test('AUTH-1 init creates the first admin only with a password of 8+ letters and digits', () => {
  const db = tmpDb();
  const weak = run('init', '--db', db, '--admin', 'root', '--password', 'short1');
  assert.equal(weak.status, 2);
  assert.match(weak.stderr, /at least 8 characters/);
  const ok = run('init', '--db', db, '--admin', 'root', '--password', 'Str0ng!<>&"\'');
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /schema version \d+/);
  assert.match(ok.stdout, /admin user 'root' created/);
  const again = run('init', '--db', db, '--admin', 'root', '--password', 'Str0ng!pass1');
  assert.equal(again.status, 1);
  assert.match(again.stderr, /exists already/);
  assert.equal(run('init', '--db', db).status, 0, 'init upgrades an existing database in place');
});

test('demo refuses a database that already has data', () => {
  const db = tmpDb();
  assert.equal(run('demo', '--db', db, '--customers', '10').status, 0);
  const r = run('demo', '--db', db, '--customers', '10');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /already has data/);
});

test('routes lists the route table, one METHOD /path a line', () => {
  const r = run('routes');
  assert.equal(r.status, 0);
  const lines = r.stdout.trim().split('\n');
  assert.ok(lines.includes('POST /api/v1/auth/login'));
  for (const l of lines) assert.match(l, /^(GET|POST|PUT|PATCH|DELETE) \/\S*$/);
});

test('serve stops on SIGTERM with exit 0 (graceful shutdown)', async () => {
  const db = tmpDb();
  assert.equal(run('init', '--db', db).status, 0);
  const port = await freePort();
  const child = spawn(BIN, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d) => { log += d; });
  for (let i = 0; i < 100 && !/serving on/.test(log); i++) await new Promise((r) => setTimeout(r, 50));
  assert.match(log, /serving on/);
  const res = await fetch(`http://127.0.0.1:${port}/healthz`);
  assert.equal(res.status, 200);
  const exited = new Promise((resolve) => child.on('exit', (code, sig) => resolve({ code, sig })));
  child.kill('SIGTERM');
  const { code } = await exited;
  assert.equal(code, 0, log);
  assert.match(log, /stopped/);
});
