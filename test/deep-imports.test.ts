import { readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('provider bindings', () => {
  test('are imported by deep path only in lib/ and stacks/', () => {
    const root = join(__dirname, '..');
    const files = [...sources(join(root, 'lib')), ...sources(join(root, 'stacks'))];
    expect(files.length).toBeGreaterThan(10);
    const rootImports = files.filter((f) => /from '@cdktf\/provider-[a-z]+'/.test(readFileSync(f, 'utf8')));
    expect(rootImports).toEqual([]);
  });
});
