import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** A file read once: the build output does not change while the gateway runs. */
interface CachedFile {
  body: Buffer;
  gzipped: Buffer | undefined;
  etag: string;
  contentType: string;
}

/** Security headers for every dashboard response: no framing, no sniffing, scripts only from here. */
export const DASHBOARD_SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** Serves files of one folder with ETags and gzip; names outside the folder are not found. */
export class StaticFiles {
  private readonly cache = new Map<string, Promise<CachedFile | undefined>>();
  private readonly root: string;

  constructor(directory: string) {
    this.root = resolve(directory);
  }

  private load(name: string): Promise<CachedFile | undefined> {
    let pending = this.cache.get(name);
    if (pending === undefined) {
      pending = this.read(name);
      this.cache.set(name, pending);
      // A missing file is not remembered: the build may not have run yet when the gateway started.
      pending.then((file) => file ?? this.cache.delete(name)).catch(() => this.cache.delete(name));
    }
    return pending;
  }

  private async read(name: string): Promise<CachedFile | undefined> {
    const path = resolve(this.root, name);
    if (!path.startsWith(this.root + sep)) return undefined;
    let body: Buffer;
    try {
      body = await readFile(path);
    } catch {
      return undefined;
    }
    const contentType = CONTENT_TYPES[extname(path)] ?? 'application/octet-stream';
    const compressible = /^(text\/|application\/json|image\/svg)/.test(contentType) && body.length > 1024;
    return {
      body,
      gzipped: compressible ? gzipSync(body) : undefined,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
      contentType,
    };
  }

  /**
   * Sends `name` (a path relative to the folder) and resolves true, or resolves false when there is
   * no such file. `immutable` files (content-hashed names) are cached by browsers for a year.
   */
  async send(options: {
    request: IncomingMessage;
    response: ServerResponse;
    name: string;
    immutable: boolean;
    headers?: Record<string, string>;
  }): Promise<boolean> {
    const { request, response } = options;
    if (!/^[A-Za-z0-9._/-]+$/.test(options.name) || options.name.split('/').includes('..')) return false;
    const file = await this.load(options.name);
    if (!file) return false;
    const headers: Record<string, string | number> = {
      ...DASHBOARD_SECURITY_HEADERS,
      ...options.headers,
      'content-type': file.contentType,
      etag: file.etag,
      'cache-control': options.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      vary: 'accept-encoding',
    };
    if (request.headers['if-none-match'] === file.etag) {
      response.writeHead(304, headers);
      response.end();
      return true;
    }
    const gzip = file.gzipped && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
    const body = gzip ? (file.gzipped as Buffer) : file.body;
    if (gzip) headers['content-encoding'] = 'gzip';
    headers['content-length'] = body.length;
    response.writeHead(200, headers);
    response.end(request.method === 'HEAD' ? undefined : body);
    return true;
  }
}
