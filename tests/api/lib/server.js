// tests/api/lib/server.js — start a real fincrm server for black-box API tests and
// talk to it.
//
//   import { startServer } from './lib/server.js';
//   const srv = await startServer();           // demo data + `fincrm serve`
//   const r = await srv.request('GET', '/api/v1/auth/me');
//   await srv.stop();
//
// The database comes from FINCRM_TEST_DB:
//   unset                 a fresh SQLite file in a temp dir (sqlite:/tmp/…/t.db)
//   postgresql://…        a fresh database per server: made with
//                         `tests/pg.sh createdb $FINCRM_PG_DIR NAME` when FINCRM_PG_DIR
//                         is set (tests/api/run.sh does), else with CREATE DATABASE
//                         through psql on the given URL (and dropped again on stop)
// The binary is FINCRM_BIN or build/fincrm; the web root FINCRM_TEST_WEB, else
// web/dist when it holds an index.html, else a small fixture made in the temp dir.
// Server output goes to <tmp>/server.log; its tail is printed when something fails.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import http from 'node:http';
import zlib from 'node:zlib';
import { spawn, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HERE, '..', '..', '..');
export const BIN = process.env.FINCRM_BIN
  ? path.resolve(process.env.FINCRM_BIN)
  : path.join(REPO, 'build', 'fincrm');
const PG_BIN = '/usr/lib/postgresql/15/bin';
export const DEMO_PASSWORD = 'Demo@2026';
export const SESSION_COOKIE = 'fincrm_session';

let dbCounter = 0;

export function tail(file, lines = 40) {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.split('\n').slice(-lines).join('\n');
  } catch (e) {
    return `(no log: ${e.message})`;
  }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

// A name for this test file's database: fincrm_t_<file>_<pid>_<n>, safe for SQL.
function dbName() {
  const main = path.basename(process.argv[1] || 'x').replace(/\.test\.js$|\.js$/, '');
  const clean = main.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 30);
  dbCounter += 1;
  return `fincrm_t_${clean}_${process.pid}_${dbCounter}`;
}

function psqlBin() {
  const p = path.join(PG_BIN, 'psql');
  return fs.existsSync(p) ? p : 'psql';
}

// Returns {url, drop()} for a fresh database of the backend chosen by FINCRM_TEST_DB.
function makeDatabase(tmp) {
  const base = process.env.FINCRM_TEST_DB;
  if (!base) {
    return { url: `sqlite:${path.join(tmp, 't.db')}`, kind: 'sqlite', drop() {} };
  }
  if (!/^postgres(ql)?:\/\//.test(base)) {
    // Any other URL is used as it is (the caller owns its state).
    return { url: base, kind: 'other', drop() {} };
  }
  const name = dbName();
  if (process.env.FINCRM_PG_DIR) {
    const out = execFileSync(path.join(REPO, 'tests', 'pg.sh'),
      ['createdb', process.env.FINCRM_PG_DIR, name],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const url = out.trim().split('\n').pop();
    return { url, kind: 'postgresql', drop() {} }; // the cluster goes away with pg.sh stop
  }
  execFileSync(psqlBin(), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', base, '-c',
    `CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`],
  { stdio: ['ignore', 'pipe', 'pipe'] });
  const u = new URL(base);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    kind: 'postgresql',
    drop() {
      try {
        execFileSync(psqlBin(), ['-X', '-q', '-d', base, '-c',
          `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`], { stdio: 'ignore' });
      } catch { /* best effort */ }
    },
  };
}

// A minimal web root for the static-file tests when web/dist has not been built.
function makeWebFixture(dir) {
  fs.mkdirSync(path.join(dir, 'assets'), { recursive: true });
  const js = Array.from({ length: 400 }, (_, i) =>
    `export function f${i}(a, b) { return a + b * ${i}; } // fincrm fixture line ${i}`).join('\n');
  fs.writeFileSync(path.join(dir, 'assets', 'index-4f9a1c2e.js'), js);
  fs.writeFileSync(path.join(dir, 'assets', 'index-7b3d9e10.css'),
    Array.from({ length: 200 }, (_, i) => `.c${i} { margin: ${i}px; padding: ${i}px; }`).join('\n'));
  fs.writeFileSync(path.join(dir, 'index.html'),
    '<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>fincrm</title>\n' +
    '<script type="module" crossorigin src="/assets/index-4f9a1c2e.js"></script>\n' +
    '<link rel="stylesheet" href="/assets/index-7b3d9e10.css"></head>\n' +
    '<body><div id="app"></div><!-- fincrm-test-fixture --></body></html>\n');
  // The build writes a precompressed .gz twin next to each file (the server sends it
  // to clients that accept gzip): do the same.
  for (const f of ['index.html', 'assets/index-4f9a1c2e.js', 'assets/index-7b3d9e10.css']) {
    const p = path.join(dir, f);
    fs.writeFileSync(`${p}.gz`, zlib.gzipSync(fs.readFileSync(p), { level: 9 }));
  }
  return dir;
}

function webRoot(tmp) {
  if (process.env.FINCRM_TEST_WEB) return path.resolve(process.env.FINCRM_TEST_WEB);
  const dist = path.join(REPO, 'web', 'dist');
  if (fs.existsSync(path.join(dist, 'index.html'))) return dist;
  return makeWebFixture(path.join(tmp, 'web'));
}

function runLogged(args, logFile, timeoutMs) {
  return new Promise((resolve, reject) => {
    const fd = fs.openSync(logFile, 'a');
    fs.writeSync(fd, `\n$ ${BIN} ${args.join(' ')}\n`);
    const child = spawn(BIN, args, { cwd: REPO, stdio: ['ignore', fd, fd] });
    fs.closeSync(fd);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${path.basename(BIN)} ${args[0]} failed (code ${code}, signal ${signal})\n` +
        `--- tail of ${logFile} ---\n${tail(logFile)}`));
    });
  });
}

// request(base, method, path, opts) — one HTTP request with node's http module (no
// automatic decompression, raw bytes possible).
//   opts.body     object/array/number → sent as JSON (Content-Type application/json)
//   opts.raw      string or Buffer sent as it is (Content-Type application/json unless
//                 opts.headers says otherwise)
//   opts.cookie   session token (sent as fincrm_session=…) or a whole "a=b; c=d" string
//   opts.csrf     value for X-CSRF-Token
//   opts.headers  more headers (a null value leaves that header out)
//   opts.rawPath  send urlPath as it is (no URL normalisation of '..')
//   opts.timeout  ms (default 15000): the request fails when there is no answer by then
// Resolves {status, headers, body (Buffer), text, json (or undefined), cookies}.
export function request(base, method, urlPath, opts = {}) {
  const u = new URL(urlPath, base);
  // a header given as null is left out (also the default Content-Type)
  const given = opts.headers || {};
  const lower = Object.fromEntries(Object.keys(given).map((k) => [k.toLowerCase(), k]));
  const headers = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== null && v !== undefined));
  let payload = null;
  if (opts.raw !== undefined) {
    payload = Buffer.isBuffer(opts.raw) ? opts.raw : Buffer.from(String(opts.raw), 'utf8');
  } else if (opts.body !== undefined) {
    payload = Buffer.from(JSON.stringify(opts.body), 'utf8');
  }
  if (payload !== null) {
    if (!('content-type' in lower)) headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = String(payload.length);
  }
  if (opts.cookie) {
    headers.Cookie = opts.cookie.includes('=') ? opts.cookie : `${SESSION_COOKIE}=${opts.cookie}`;
  }
  if (opts.csrf !== undefined) headers['X-CSRF-Token'] = opts.csrf;
  const timeout = opts.timeout || 15000;

  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (err, val) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err); else resolve(val);
    };
    const req = http.request({
      host: u.hostname, port: u.port, method, path: opts.rawPath ? urlPath : u.pathname + u.search, headers,
      agent: false,
    });
    const timer = setTimeout(() => {
      done(new Error(`no answer to ${method} ${urlPath} within ${timeout} ms`));
      req.destroy();
    }, timeout);
    req.on('response', (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', (e) => done(e));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = body.toString('utf8');
        let json;
        const ct = String(res.headers['content-type'] || '');
        if (/json/i.test(ct) && res.headers['content-encoding'] === undefined) {
          try { json = JSON.parse(text); } catch { json = undefined; }
        }
        const cookies = {};
        for (const sc of [].concat(res.headers['set-cookie'] || [])) {
          const [pair, ...attrs] = sc.split(';');
          const eq = pair.indexOf('=');
          cookies[pair.slice(0, eq).trim()] = {
            value: pair.slice(eq + 1).trim(),
            attrs: attrs.map((a) => a.trim()),
            raw: sc,
          };
        }
        done(null, { status: res.statusCode, headers: res.headers, body, text, json, cookies });
        req.destroy();
      });
    });
    req.on('error', (e) => {
      // The server may close the connection while we still send a body it refused
      // (e.g. 413): the answer, if any, has been handled by 'response'.
      if (!settled) setTimeout(() => done(e), 200);
    });
    if (payload !== null) {
      // Write in chunks so that an early answer can arrive before the whole body.
      const CHUNK = 256 * 1024;
      let off = 0;
      const pump = () => {
        while (off < payload.length && !req.destroyed) {
          const end = Math.min(off + CHUNK, payload.length);
          const ok = req.write(payload.subarray(off, end));
          off = end;
          if (!ok) { req.once('drain', pump); return; }
        }
        if (!req.destroyed) req.end();
      };
      pump();
    } else {
      req.end();
    }
  });
}

export function gunzip(buf) {
  return zlib.gunzipSync(buf);
}

// startServer({web, customers}) → {url, dbUrl, dbKind, tmp, logFile, web, request,
// login, stop, logTail}
export async function startServer(options = {}) {
  if (!fs.existsSync(BIN)) {
    throw new Error(`fincrm binary not found at ${BIN}: run 'make' first (or set FINCRM_BIN)`);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fincrm-api-'));
  const logFile = path.join(tmp, 'server.log');
  let db;
  try {
    db = makeDatabase(tmp);
  } catch (e) {
    throw new Error(`cannot create a test database: ${e.message}\n${e.stderr || ''}`);
  }
  const web = options.web || webRoot(tmp);
  const customers = String(options.customers || 50);

  await runLogged(['demo', '--db', db.url, '--customers', customers, '--seed', '1'], logFile, 300000);

  let child = null;
  let url = null;
  let exited = null;
  for (let attempt = 1; attempt <= 3 && !url; attempt++) {
    const port = await freePort();
    const fd = fs.openSync(logFile, 'a');
    // AUTH-2 login rate limits are generous by default, so that test files may sign
    // in often; a test of the limits passes its own (later flags win).
    const args = ['serve', '--db', db.url, '--listen', `127.0.0.1:${port}`, '--web', web,
      '--login-ip-limit', '10000', '--login-user-limit', '10000', ...(options.args || [])];
    fs.writeSync(fd, `\n$ ${BIN} ${args.join(' ')}\n`);
    child = spawn(BIN, args, { cwd: REPO, stdio: ['ignore', fd, fd] });
    fs.closeSync(fd);
    exited = null;
    child.on('exit', (code, signal) => { exited = { code, signal }; });
    child.on('error', (e) => { exited = { error: e }; });
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 20000;
    while (Date.now() < deadline && !exited) {
      try {
        const r = await request(base, 'GET', '/healthz', { timeout: 1000 });
        if (r.status === 200) { url = base; break; }
      } catch { /* not up yet */ }
      await sleep(100);
    }
    if (!url) {
      if (!exited) child.kill('SIGKILL');
      // An exit right away may be a port taken in between: try another one.
      if (!exited || attempt === 3) break;
    }
  }
  if (!url) {
    db.drop();
    throw new Error(`fincrm serve did not become healthy (${JSON.stringify(exited)})\n` +
      `--- tail of ${logFile} ---\n${tail(logFile)}`);
  }

  const srv = {
    url,
    dbUrl: db.url,
    dbKind: db.kind,
    tmp,
    logFile,
    web,
    pid: child.pid,
    request: (method, p, opts) => request(url, method, p, opts),
    logTail: (n) => tail(logFile, n),
    // login(username, password) → {status, res, cookie, csrf, user}
    async login(username = 'admin', password = DEMO_PASSWORD) {
      const res = await request(url, 'POST', '/api/v1/auth/login', { body: { username, password } });
      const c = res.cookies[SESSION_COOKIE];
      return {
        status: res.status,
        res,
        cookie: c ? c.value : undefined,
        csrf: res.json ? res.json.csrf_token : undefined,
        user: res.json ? res.json.user : undefined,
      };
    },
    async stop() {
      if (child && !exited) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const t = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 5000);
        await gone;
        clearTimeout(t);
      }
      db.drop();
      if (!process.env.FINCRM_TEST_KEEP) fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
  return srv;
}

// useServer({before, after, afterEach}): call in a test file to get one server for all its tests, with
// the server log tail printed when a test of the file fails.
export function useServer(hooks, options) {
  const { before, after, afterEach } = hooks;
  const holder = { srv: null };
  let failed = false;
  before(async () => { holder.srv = await startServer(options); });
  afterEach((t) => {
    // node:test gives afterEach the test context; a failing test has t.passed === false
    // only after it finished, so look at the diagnostic state when available.
    if (t && t.passed === false) failed = true;
  });
  after(async () => {
    if (!holder.srv) return;
    if (failed || process.exitCode) {
      process.stderr.write(`--- tail of ${holder.srv.logFile} ---\n${holder.srv.logTail(60)}\n`);
    }
    await holder.srv.stop();
  });
  return holder;
}
