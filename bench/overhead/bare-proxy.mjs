// The floor: a pass-through proxy with nothing in it but node:http in front and an undici pool
// behind, the two pieces any Node gateway is made of. What Tollgate adds over *this* is what its
// own pipeline costs; what this adds over the direct line is what a Node proxy hop costs on this box.
// Plain JavaScript so that it starts without a TypeScript loader (its RSS is then comparable).
//
//   node bench/overhead/bare-proxy.mjs --upstream http://127.0.0.1:PORT/v1 --port N
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

const { values } = parseArgs({ options: { upstream: { type: 'string' }, port: { type: 'string' } } });
if (!values.upstream || !values.port) {
  process.stderr.write('usage: bare-proxy.mjs --upstream URL --port N\n');
  process.exit(2);
}
const upstream = new URL(values.upstream);
const pool = new Pool(upstream.origin, { connections: 256 });

const server = createServer({ keepAliveTimeout: 65_000 }, (request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', async () => {
    try {
      const answer = await pool.request({
        path: `${upstream.pathname.replace(/\/$/, '')}${(request.url ?? '/').replace(/^\/v1/, '')}`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: Buffer.concat(chunks),
      });
      const type = answer.headers['content-type'];
      response.writeHead(answer.statusCode, typeof type === 'string' ? { 'content-type': type } : {});
      for await (const chunk of answer.body) response.write(chunk);
      response.end();
    } catch (error) {
      response.writeHead(502, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: String(error), type: 'proxy_error', param: null, code: null } }));
    }
  });
});
server.listen(Number(values.port), '127.0.0.1');
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => pool.close().then(() => process.exit(0)));
});
