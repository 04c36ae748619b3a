import { existsSync, readdirSync } from 'fs';
import { join } from 'path';
import * as aws from '../lib/aws';
import * as azure from '../lib/azure';
import * as calico from '../lib/calico';
import * as checks from '../lib/checks';
import * as core from '../lib/core';
import * as patterns from '../lib/patterns';
import * as report from '../lib/report';

const docs = join(__dirname, '..', 'docs', 'api');

function pages(dir: string): Set<string> {
  const names = new Set<string>();
  const walk = (d: string) => readdirSync(d, { withFileTypes: true }).forEach((e) => {
    if (e.isDirectory()) walk(join(d, e.name));
    else names.add(e.name.replace(/\.md$/, ''));
  });
  if (existsSync(dir)) walk(dir);
  return names;
}

describe('the API reference in docs/api', () => {
  test.each([
    ['core', core], ['azure', azure], ['aws', aws], ['calico', calico], ['checks', checks], ['report', report], ['patterns', patterns],
  ] as const)('has a page for every runtime export of lib/%s (run `npm run docs` after adding one)', (area, mod) => {
    const have = pages(join(docs, area));
    const missing = Object.keys(mod).filter((name) => !have.has(name));
    expect(missing).toEqual([]);
  });
});
