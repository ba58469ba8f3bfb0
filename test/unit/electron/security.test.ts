// The window's security settings and decisions, checked without the Electron binary.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_ENTRY, CSP, externalLink, navigationAllowed, permissionAllowed, rendererFile, RESPONSE_HEADERS, windowOpenDecision, windowOptions } from '../../../electron/security.ts';

function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
}

describe('BrowserWindow options', () => {
  const o = windowOptions('/app/dist-electron/preload.cjs', { width: 1200, height: 800 });
  it('sandboxes the renderer, isolates its context and gives it no Node', () => {
    expect(o.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false, webSecurity: true, allowRunningInsecureContent: false, webviewTag: false });
    expect(o.webPreferences?.preload).toBe('/app/dist-electron/preload.cjs');
    expect(o.show).toBe(false);
    expect(o.width).toBe(1200);
  });
});

describe('CSP', () => {
  const d = directives(CSP);
  it('denies by default and allows scripts only from the app itself', () => {
    expect(d.get('default-src')).toEqual(["'none'"]);
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('base-uri')).toEqual(["'none'"]);
    expect(d.get('form-action')).toEqual(["'none'"]);
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
    expect(d.get('connect-src')).toEqual(["'self'"]);
  });
  it('has no eval, no inline script, no wildcard or remote source', () => {
    expect(CSP).not.toMatch(/unsafe-eval|wasm-unsafe-eval|\*|https?:|ws:|wss:|file:/);
    for (const [name, values] of directives(CSP)) if (name !== 'style-src') expect(values).not.toContain("'unsafe-inline'");
  });
  it('is sent with every app response', () => {
    expect(RESPONSE_HEADERS['Content-Security-Policy']).toBe(CSP);
    expect(RESPONSE_HEADERS['X-Content-Type-Options']).toBe('nosniff');
  });
});

describe('navigation and new windows', () => {
  it('allows only the app origin', () => {
    expect(navigationAllowed(APP_ENTRY)).toBe(true);
    expect(navigationAllowed('studio://app/index.html#/image/3')).toBe(true);
    for (const url of ['https://example.com/', 'http://127.0.0.1:5173/', 'file:///etc/passwd', 'studio://evil/index.html', 'studio://user@app/index.html', 'javascript:alert(1)', 'data:text/html,hi', 'about:blank', '', 'not a url']) {
      expect(navigationAllowed(url), url).toBe(false);
    }
  });
  it('denies every window.open, and only http(s) links go to the system browser', () => {
    expect(windowOpenDecision('https://example.com')).toEqual({ action: 'deny' });
    expect(windowOpenDecision(APP_ENTRY)).toEqual({ action: 'deny' });
    expect(externalLink('https://example.com/a')).toBe('https://example.com/a');
    expect(externalLink('file:///etc/passwd')).toBeNull();
    expect(externalLink('smb://host/share')).toBeNull();
    expect(externalLink('javascript:alert(1)')).toBeNull();
  });
  it('grants no permission', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read']) expect(permissionAllowed(p)).toBe(false);
  });
});

describe('renderer files', () => {
  const root = resolve('/app/dist/renderer');
  const file = (url: string) => rendererFile(url, root, sep, resolve);
  it('maps app URLs into the renderer folder', () => {
    expect(file('studio://app/')).toBe(join(root, 'index.html'));
    expect(file('studio://app/assets/app.js?x=1')).toBe(join(root, 'assets', 'app.js'));
  });
  it('refuses traversal, encoded separators and other hosts', () => {
    for (const url of ['studio://app/../secret.txt', 'studio://app/%2e%2e/secret.txt', 'studio://app/assets/..%2f..%2fsecret', 'studio://app/a%5c..%5c..%5csecret', 'studio://app/%00', 'studio://other/index.html', 'https://app/index.html', 'studio://app/%E0%A4%A']) {
      const f = file(url);
      expect(f === null || f.startsWith(root + sep), url).toBe(true);
      if (url.includes('%5c') || url.includes('%00') || url.includes('other') || url.startsWith('https') || url.endsWith('%A')) expect(f, url).toBeNull();
    }
  });
});

describe('module boundaries', () => {
  it("no module but main.ts and preload.ts imports 'electron' at run time", () => {
    const dir = resolve('electron');
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts') && n !== 'main.ts' && n !== 'preload.ts')) {
      const text = readFileSync(join(dir, f), 'utf8');
      const valueImports = text.match(/^import\s+(?!type\b)[^;]*from\s+'electron'/gm) ?? [];
      expect(valueImports, f).toEqual([]);
      expect(text, f).not.toMatch(/require\(['"]electron['"]\)/);
    }
  });
});
