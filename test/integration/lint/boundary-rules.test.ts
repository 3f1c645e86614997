import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cruise, type ICruiseOptions, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLEAN_TREE, TEST_FIXTURE, type FileTree } from './fixture-tree.js';

/**
 * Proves that every rule of .dependency-cruiser.cjs still reports what it is there to forbid: each
 * case writes the clean miniature repository of fixture-tree.ts plus one offending file into a
 * temporary directory, cruises it with the real config and the real tsconfig.json (for the @app/*
 * aliases), and expects that rule, and only it, to be reported. A rule whose pattern stops
 * matching (a renamed folder, a broken regex) would otherwise pass silently forever.
 */

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

interface Violation {
  rule: string;
  from: string;
  to: string;
}

let configOptions: ICruiseOptions;
let cruisedFolders: string[];
let workRoot: string;
let fixtureCount = 0;

beforeAll(async () => {
  configOptions = await extractDepcruiseOptions(path.join(REPO_ROOT, '.dependency-cruiser.cjs'));
  // Cruise what `npm run lint` cruises, so dropping a folder from the script fails these tests.
  const scripts = (JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  cruisedFolders = scripts.lint.split(/\s+/).filter((word, i, words) => i > 0 && !word.startsWith('-') && !words[i - 1].startsWith('--'));
  workRoot = await mkdtemp(path.join(tmpdir(), 'boundary-rules-'));
});

afterAll(async () => {
  if (workRoot) await rm(workRoot, { recursive: true, force: true });
});

/** Writes `tree` as a repository of its own (with this repository's node_modules and tsconfig.json) and lints it. */
async function lint(tree: FileTree): Promise<Violation[]> {
  const root = path.join(workRoot, `tree-${++fixtureCount}`);
  for (const [file, source] of Object.entries(tree)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), source);
  }
  await symlink(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  const tsConfigFile = path.join(root, 'tsconfig.json');
  await copyFile(path.join(REPO_ROOT, 'tsconfig.json'), tsConfigFile);

  // preserveSymlinks keeps packages reported under the fixture's node_modules link, as in the repository.
  const options: ICruiseOptions = { ...configOptions, baseDir: root, tsConfig: { fileName: tsConfigFile }, preserveSymlinks: true };
  // A folder the script names but the fixture lacks would make the cruise fail for the wrong reason.
  const folders = cruisedFolders.filter((folder) => Object.keys(tree).some((file) => file.startsWith(`${folder}/`)));
  const tsConfig = extractTSConfig(tsConfigFile);
  // Without a baseUrl, dependency-cruiser hands the alias resolver "./", which it reads against the
  // working directory: this repository, not the fixture. `npm run lint` runs from the tsconfig's
  // own folder, where both agree; naming the fixture root here makes the resolver fall back on the
  // copied tsconfig.json's folder instead, as TypeScript itself does.
  tsConfig.options.baseUrl = root;
  const { output } = await cruise(folders, options, {}, { tsConfig });
  return (output as ICruiseResult).summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
}

describe('the lint boundaries (.dependency-cruiser.cjs)', () => {
  it('cruises apps, libs, test and migrations', () => {
    expect(cruisedFolders).toEqual(expect.arrayContaining(['apps', 'libs', 'test', 'migrations']));
  });

  it('reports nothing on a tree that keeps every boundary', async () => {
    // The clean tree exercises what is allowed: domain/ importing the kernel, its own domain files
    // and another context's events.ts; events.ts re-exporting its own *.events.ts; contexts using
    // @app/shared and npm packages outside domain/; apps importing index.ts and events.ts; migrations
    // importing TypeORM, each other and the kernel; tests and *.spec.ts importing anything.
    expect(await lint(CLEAN_TREE)).toEqual([]);
  });

  const cases: Array<{ rule: string; file: string; source: string; to: string; alsoChanged?: FileTree }> = [
    {
      rule: 'no-circular',
      file: 'test/support/loop.ts',
      source: "import { fixture } from './fixture.js';\nexport const loop = fixture;\n",
      to: 'test/support/fixture.ts',
      alsoChanged: { 'test/support/fixture.ts': `${TEST_FIXTURE}export { loop } from './loop.js';\n` },
    },
    {
      rule: 'not-to-unresolvable',
      file: 'apps/api/src/typo.ts',
      source: "export { main } from './mian.js';\n",
      to: './mian.js',
    },
    {
      rule: 'domain-imports-only-kernel-domain-events',
      file: 'libs/identity/src/domain/user/user.clock.ts',
      source: "import { HttpError } from '@app/shared';\nexport const error = HttpError;\n",
      to: 'libs/shared/src/index.ts',
    },
    {
      rule: 'domain-imports-only-kernel-domain-events',
      file: 'libs/identity/src/domain/user/user.row.ts',
      source: "import type { ObjectLiteral } from 'typeorm';\nexport type Row = ObjectLiteral;\n",
      to: 'node_modules/typeorm/index.d.ts',
    },
    {
      rule: 'domain-imports-only-kernel-domain-events',
      file: 'libs/identity/src/domain/user/user.ids.ts',
      source: "import { randomUUID } from 'node:crypto';\nexport const newId = randomUUID;\n",
      to: 'crypto',
    },
    {
      rule: 'domain-imports-only-kernel-domain-events',
      file: 'libs/identity/src/domain/user/user.tokens.ts',
      source: "import { CredentialsModule } from '@app/credentials';\nexport const tokens = CredentialsModule;\n",
      to: 'libs/credentials/src/index.ts',
    },
    {
      rule: 'domain-imports-only-kernel-domain-events',
      file: 'libs/identity/src/domain/user/user.entry.ts',
      source: "export { USER_CREATED } from '@app/identity/events';\n",
      to: 'libs/identity/src/events.ts',
    },
    {
      rule: 'domain-not-to-outer-layers',
      file: 'libs/identity/src/domain/user/user.handler-leak.ts',
      source: "import { createUser } from '../../application/create-user.handler.js';\nexport const leak = createUser;\n",
      to: 'libs/identity/src/application/create-user.handler.ts',
    },
    {
      rule: 'kernel-is-self-contained',
      file: 'libs/kernel/src/ids.ts',
      source: "import { randomUUID } from 'node:crypto';\nexport const newId = randomUUID;\n",
      to: 'crypto',
    },
    {
      rule: 'kernel-is-self-contained',
      file: 'libs/kernel/src/rows.ts',
      source: "import type { ObjectLiteral } from 'typeorm';\nexport type Row = ObjectLiteral;\n",
      to: 'node_modules/typeorm/index.d.ts',
    },
    {
      rule: 'events-entry-only-kernel-and-own-events',
      file: 'libs/credentials/src/events.ts',
      source:
        "export * from './domain/token/token.events.js';\n" +
        "export { decideToken } from './domain/token/token.decider.js';\n",
      to: 'libs/credentials/src/domain/token/token.decider.ts',
    },
    {
      rule: 'no-deep-import-across-contexts',
      file: 'libs/credentials/src/application/owner.ts',
      source: "import { USER_CREATED } from '../../../identity/src/domain/user/user.events.js';\nexport const owner = USER_CREATED;\n",
      to: 'libs/identity/src/domain/user/user.events.ts',
    },
    {
      rule: 'no-deep-import-across-contexts',
      file: 'libs/credentials/src/application/errors.ts',
      source: "import { HttpError } from '../../../shared/src/http/http-error.js';\nexport const error = HttpError;\n",
      to: 'libs/shared/src/http/http-error.ts',
    },
    {
      rule: 'apps-use-context-entry-points',
      file: 'apps/api/src/shortcut.ts',
      source: "import { createUser } from '../../../libs/identity/src/application/create-user.handler.js';\nexport const shortcut = createUser;\n",
      to: 'libs/identity/src/application/create-user.handler.ts',
    },
    {
      rule: 'infrastructure-libs-never-import-contexts',
      file: 'libs/shared/src/http/user-created.ts',
      source: "export { USER_CREATED } from '@app/identity/events';\n",
      to: 'libs/identity/src/events.ts',
    },
    {
      rule: 'infrastructure-libs-never-import-contexts',
      file: 'libs/eventstore/src/tokens.ts',
      source: "export { CredentialsModule } from '@app/credentials';\n",
      to: 'libs/credentials/src/index.ts',
    },
    {
      rule: 'libs-never-import-apps',
      file: 'libs/identity/src/application/port.ts',
      source: "import { PORT } from '../../../../apps/api/src/port.js';\nexport const port = PORT;\n",
      to: 'apps/api/src/port.ts',
    },
    {
      rule: 'production-never-imports-tests',
      file: 'apps/api/src/seed.ts',
      source: "import { fixture } from '../../../test/support/fixture.js';\nexport const seed = fixture;\n",
      to: 'test/support/fixture.ts',
    },
    {
      rule: 'migrations-self-contained',
      file: 'migrations/2-shared.ts',
      source: "import { HttpError } from '@app/shared';\nexport const error = HttpError;\n",
      to: 'libs/shared/src/index.ts',
    },
    {
      rule: 'migrations-self-contained',
      file: 'migrations/3-user-created.ts',
      source: "export { USER_CREATED } from '@app/identity/events';\n",
      to: 'libs/identity/src/events.ts',
    },
    {
      rule: 'migrations-self-contained',
      file: 'migrations/4-app.ts',
      source: "import { PORT } from '../apps/api/src/port.js';\nexport const port = PORT;\n",
      to: 'apps/api/src/port.ts',
    },
  ];

  it.each(cases)('$rule: $file → $to is reported, and nothing else', async ({ rule, file, source, to, alsoChanged }) => {
    const violations = await lint({ ...CLEAN_TREE, ...alsoChanged, [file]: source });
    if (rule === 'no-circular') {
      // A cycle is reported once, from whichever of its modules the cruiser meets first.
      expect(violations).toHaveLength(1);
      expect([{ rule, from: file, to }, { rule, from: to, to: file }]).toContainEqual(violations[0]);
    } else {
      expect(violations).toEqual([{ rule, from: file, to }]);
    }
  });

  it('covers every rule of the config with at least one case', () => {
    const rules = (configOptions.ruleSet?.forbidden ?? []).map((r) => r.name);
    expect(rules.length).toBeGreaterThan(0);
    expect(new Set(cases.map((c) => c.rule))).toEqual(new Set(rules));
  });
});
