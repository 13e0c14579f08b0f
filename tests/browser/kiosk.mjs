// Starts a real hub-kiosk — the kiosk (`run --headless`, or `run` with its screen on an Xvfb
// display), or the central service (`central`), each on its built-in demo with a fresh data
// directory on a free port of 127.0.0.1 — and Debian's Chromium through playwright-core, for
// the browser tests.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const TOKEN = 'demo-api-token-not-for-real-use';

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export const CENTRAL_TOKEN = 'demo-central-token-not-for-real-use';
export const CENTRAL_KIOSK_TOKEN = 'demo-kiosk-token-not-for-real-use';

export function startKiosk() {
  return start((listen) => ['run', '--headless', '--listen', listen], TOKEN);
}

// The kiosk with its touchscreen on a fresh Xvfb display (1280×800), and `tap(x, y)` on it
// (xdotool): what a visitor's finger does.
export async function startKioskOnScreen() {
  // Xvfb picks a free display and writes its number once it accepts clients (-displayfd).
  // -noreset: by default it resets when its last client leaves, and a client that connects
  // during that reset (the kiosk, while xdotool comes and goes) is refused.
  const xvfb = spawn(
    'Xvfb',
    ['-displayfd', '1', '-noreset', '-nolisten', 'tcp', '-screen', '0', '1280x800x24'],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const display = await new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error('Xvfb did not get ready within 60 s')), 60000);
    xvfb.stdout.on('data', (chunk) => {
      text += chunk;
      if (text.includes('\n')) {
        clearTimeout(timer);
        resolve(':' + text.trim());
      }
    });
    xvfb.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Xvfb exited (${code}) before it was ready`));
    });
  });
  // Whatever fails from here on stops what was started: a live child would keep the test
  // run waiting for ever.
  let kiosk = null;
  const stop = async () => {
    await kiosk?.stop();
    xvfb.kill('SIGTERM');
  };
  try {
    kiosk = await start((listen) => ['run', '--listen', listen], TOKEN, {
      DISPLAY: display,
      SLINT_BACKEND: 'winit',
      WAYLAND_DISPLAY: '',
    });
    const env = { ...process.env, DISPLAY: display };
    // The window is up once xdotool finds it.
    for (let i = 0; ; i++) {
      try {
        execFileSync('xdotool', ['search', '--name', 'hub-kiosk'], { env, stdio: 'ignore' });
        break;
      } catch (e) {
        if (e.code === 'ENOENT') throw new Error('xdotool is not installed (Debian package xdotool)');
        if (i > 100) throw new Error('the kiosk window did not open on ' + display);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    await new Promise((r) => setTimeout(r, 500));
    const tap = (x, y) =>
      execFileSync('xdotool', ['mousemove', String(x), String(y), 'click', '1'], { env });
    return { ...kiosk, tap, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

export function startCentral() {
  return start((listen) => ['central', '--listen', listen], CENTRAL_TOKEN);
}

async function start(args, token, extraEnv = {}) {
  const bin = process.env.HUB_KIOSK_BIN || join(root, 'target/debug/hub-kiosk');
  const dir = mkdtempSync(join(tmpdir(), 'hub-kiosk-browser-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(bin, args(`127.0.0.1:${port}`), {
    env: {
      ...process.env,
      HUB_KIOSK_DEMO_DIR: join(dir, 'data'),
      HUB_KIOSK_CENTRAL_DEMO_DIR: join(dir, 'central'),
      RUST_LOG: 'warn',
      ...extraEnv,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  let exited = null;
  child.on('exit', (code) => { exited = code; });
  for (let i = 0; ; i++) {
    if (exited !== null) throw new Error(`hub-kiosk exited with ${exited}`);
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) break;
    } catch { /* not listening yet */ }
    if (i > 300) {
      child.kill('SIGKILL');
      throw new Error('hub-kiosk did not answer /healthz within 30 s');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const api = async (method, path, body, bearer = token) => {
    const r = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, body: await r.json() };
  };
  const stop = async () => {
    if (exited === null) {
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await done;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { base, api, stop, dir };
}

// Desktop browsers start a page's audio only after a tap or key press on it; Chromium run here
// (headless, or on Xvfb) lets it run at once. This holds `context`'s pages to the desktop rule:
// an AudioContext stays suspended, and `resume()` is refused, until the page has had a gesture.
export async function gestureForSound(context) {
  await context.addInitScript(() => {
    const Real = window.AudioContext;
    window.AudioContext = class extends Real {
      get state() {
        return this.allowed ? super.state : 'suspended';
      }
      resume() {
        if (!navigator.userActivation.hasBeenActive) {
          return Promise.reject(new DOMException('a gesture first', 'NotAllowedError'));
        }
        this.allowed = true;
        return super.resume();
      }
    };
  });
}

// Chromium with a fresh profile; `extraArgs` are added to its command line.
export async function startBrowser(options = {}, extraArgs = []) {
  const profile = mkdtempSync(join(tmpdir(), 'hub-kiosk-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    acceptDownloads: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
      ...extraArgs,
    ],
    ...options,
  });
  const close = async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return { context, close };
}
