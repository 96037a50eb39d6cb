import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './workspace.js';

const RECIPES = join(REPO_ROOT, 'apps/adopter/recipes');
const section = (() => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## Use it in your app');
  return readme.slice(start, readme.indexOf('\n## ', start + 1));
})();

describe("the root README's \"Use it in your app\"", () => {
  const files = readdirSync(RECIPES, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));

  it.each(files.map((f) => [relative(RECIPES, f), f]))('shows %s exactly as the tests run it', (_, file) => {
    expect(section).toContain(readFileSync(file, 'utf8').trimEnd());
  });

  it('has the three recipes', () => {
    expect(section.match(/^### \d\. .*/gm)).toEqual(['### 1. A Node script', '### 2. A browser app with a bundler', '### 3. An existing OHIF deployment']);
  });
});
