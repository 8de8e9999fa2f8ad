/**
 * The V8 flags the gateway process runs with. They are written out where the process starts, not
 * set here (V8 sizes its heap when the process starts, before any module runs): in the shebang of
 * `src/cli/main.ts` (so `tollgate serve` and `npx tollgate` get them), in `npm start`, and in
 * `bench:overhead`; `gateway-node-flags.test.ts` checks that all three agree with this list.
 * `serve --workers N` forks with the primary's flags.
 *
 * - `--max-semi-space-size=8`: V8 grows each of the young generation's two semi-spaces to 16 MB
 *   under load, 32 MB of young generation that a request's short-lived objects never need. 8 MB
 *   keeps scavenges rare enough (a request allocates tens of kilobytes) at 16 MB less RSS.
 * - `--heap-growing-percent=50`: after a full collection V8 lets the old generation grow to as much
 *   as 4 times what survived before collecting it again. What a request leaves there is garbage
 *   (objects promoted while in flight), so under load the old generation filled with ~3 times the
 *   ~25 MB live heap, and with the ledger on the process peaked at 177–209 MB. A fixed 1.5 keeps it
 *   near 40 MB for a few more full collections (most of their marking runs on a helper thread).
 * - `--liftoff-only`: undici parses HTTP with llhttp compiled to WebAssembly; V8's optimizing tier
 *   recompiles its one large parsing function after a few requests, a transient 20–30 MB allocation
 *   that set the process's peak RSS. The baseline compiler's code parses the same responses a few
 *   microseconds slower per request.
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = [
  '--max-semi-space-size=8',
  '--heap-growing-percent=50',
  '--liftoff-only',
];
