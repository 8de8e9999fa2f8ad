import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GATEWAY_NODE_FLAGS } from './gateway-node-flags.js';

const REPO = join(import.meta.dirname, '../..');

describe('the gateway process starts with its V8 flags', () => {
  it('in the shebang of the CLI (tollgate serve) and in npm start', () => {
    const shebang = readFileSync(join(REPO, 'src/cli/main.ts'), 'utf8').split('\n')[0];
    assert.equal(shebang, `#!/usr/bin/env -S node ${GATEWAY_NODE_FLAGS.join(' ')}`);
    const scripts = (
      JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    assert.equal(scripts.start, `node ${GATEWAY_NODE_FLAGS.join(' ')} dist/cli/main.js serve`);
  });

  it('which this node accepts, and which keep the young generation small under allocation', () => {
    const script = `
      const v8 = require('node:v8');
      let keep = [];
      for (let i = 0; i < 2e6; i++) { keep.push({ i, list: [i] }); if (keep.length > 20000) keep = []; }
      const young = v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
      process.stdout.write(String(young.space_size));`;
    const bounded = Number(execFileSync(process.execPath, [...GATEWAY_NODE_FLAGS, '-e', script], { encoding: 'utf8' }));
    const unbounded = Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
    assert.ok(bounded <= 16 * 1024 * 1024, `young generation ${bounded} bytes`);
    assert.ok(bounded < unbounded, `${bounded} bytes with the flags, ${unbounded} without`);
  });
});
