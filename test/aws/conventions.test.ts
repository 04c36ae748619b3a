import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';

const root = join(__dirname, '..', '..');
const files = [
  ...readdirSync(join(root, 'lib', 'aws')).map((f) => join(root, 'lib', 'aws', f)),
  join(root, 'stacks', 'aws-inspection-egw.ts'),
  join(root, 'stacks', 'aws-inspection-egw-calico.ts'),
];

describe('lib/aws conventions', () => {
  test.each(files.map((f) => [f.slice(root.length + 1), f]))('%s imports provider bindings by deep path only', (_, file) => {
    const text = readFileSync(file, 'utf8');
    expect(text).not.toMatch(/from '@cdktf\/provider-[a-z]+'/);
    expect(text).not.toMatch(/require\('@cdktf\/provider-[a-z]+'\)/);
  });

  test.each(files.map((f) => [f.slice(root.length + 1), f]))('%s leaves no unfinished work', (_, file) => {
    expect(readFileSync(file, 'utf8')).not.toMatch(/TODO|FIXME|XXX|not implemented/i);
  });

  test('the folder index only re-exports', () => {
    const lines = readFileSync(join(root, 'lib', 'aws', 'index.ts'), 'utf8').trim().split('\n');
    expect(lines.every((l) => /^export \* from '\.\/[a-z-]+';$/.test(l))).toBe(true);
  });
});
