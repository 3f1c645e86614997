/**
 * A miniature of this repository's layout that keeps every lint boundary, as file path → source.
 * boundary-rules.test.ts adds one offending file to it per rule. Each file holds only the imports
 * the rules look at; none of it is compiled or run.
 */
export type FileTree = Readonly<Record<string, string>>;

/** A test helper reaching into a context's internals, as tests may; the no-circular case closes a loop through it. */
export const TEST_FIXTURE = [
  "import { decideUser } from '../../libs/identity/src/domain/user/user.decider.js';",
  "import { createUser } from '../../libs/identity/src/application/create-user.handler.js';",
  'export const fixture = [decideUser, createUser];',
  '',
].join('\n');

export const CLEAN_TREE: FileTree = {
  // The kernel: imports only itself.
  'libs/kernel/src/index.ts': "export * from './domain-error.js';\n",
  'libs/kernel/src/domain-error.ts': 'export class DomainError extends Error {}\n',

  // Infrastructure libraries: any package, the kernel, each other; never a context.
  'libs/shared/src/index.ts': "export * from '@app/kernel';\nexport * from './http/http-error.js';\n",
  'libs/shared/src/http/http-error.ts': "import { HttpException } from '@nestjs/common';\nexport class HttpError extends HttpException {}\n",
  'libs/eventstore/src/index.ts': [
    "import type { Pool } from 'pg';",
    "import { HttpError } from '@app/shared';",
    "import type { DomainError } from '@app/kernel';",
    'export type Store = { pool: Pool; error: DomainError };',
    'export const StoreError = HttpError;',
    '',
  ].join('\n'),

  // identity: domain/ uses the kernel, its own domain files and credentials' events entry point.
  'libs/identity/src/domain/user/user.events.ts': [
    "import type { DomainError } from '@app/kernel';",
    "export const USER_CREATED = 'UserCreated';",
    'export type UserRejected = { error: DomainError };',
    '',
  ].join('\n'),
  'libs/identity/src/domain/user/user.decider.ts': [
    "import { DomainError } from '@app/kernel';",
    "import { TOKEN_CREATED } from '@app/credentials/events';",
    "import { USER_CREATED } from './user.events.js';",
    'export const decideUser = () => [USER_CREATED, TOKEN_CREATED, DomainError];',
    '',
  ].join('\n'),
  // A unit test next to the code may import whatever it exercises, Nest included.
  'libs/identity/src/domain/user/user.decider.spec.ts': [
    "import { expect, it } from '@jest/globals';",
    "import { HttpError } from '@app/shared';",
    "import { decideUser } from './user.decider.js';",
    "it('decides', () => expect([decideUser, HttpError]).toHaveLength(2));",
    '',
  ].join('\n'),
  'libs/identity/src/events.ts': "export type { DomainError } from '@app/kernel';\nexport * from './domain/user/user.events.js';\n",
  'libs/identity/src/application/create-user.handler.ts': [
    "import { Injectable } from '@nestjs/common';",
    "import { HttpError } from '@app/shared';",
    "import { TOKEN_CREATED } from '@app/credentials/events';",
    "import { decideUser } from '../domain/user/user.decider.js';",
    'export const createUser = [Injectable, HttpError, TOKEN_CREATED, decideUser];',
    '',
  ].join('\n'),
  'libs/identity/src/identity.module.ts': [
    "import { Module } from '@nestjs/common';",
    "import { createUser } from './application/create-user.handler.js';",
    'export const IdentityModule = [Module, createUser];',
    '',
  ].join('\n'),
  'libs/identity/src/index.ts': "export * from './identity.module.js';\nexport * from './events.js';\n",

  // credentials: the mirror image, reading identity's events.
  'libs/credentials/src/domain/token/token.events.ts': "export const TOKEN_CREATED = 'TokenCreated';\n",
  'libs/credentials/src/domain/token/token.decider.ts': [
    "import { USER_CREATED } from '@app/identity/events';",
    "import { TOKEN_CREATED } from './token.events.js';",
    'export const decideToken = () => [USER_CREATED, TOKEN_CREATED];',
    '',
  ].join('\n'),
  'libs/credentials/src/events.ts': "export * from './domain/token/token.events.js';\n",
  'libs/credentials/src/credentials.module.ts': [
    "import { Module } from '@nestjs/common';",
    "import { Store } from '@app/eventstore';",
    "import { decideToken } from './domain/token/token.decider.js';",
    'export const CredentialsModule = [Module, decideToken];',
    'export type CredentialsStore = Store;',
    '',
  ].join('\n'),
  'libs/credentials/src/index.ts': "export * from './credentials.module.js';\nexport * from './events.js';\n",

  // An app composing contexts through their entry points, and running the migrations.
  'apps/api/src/main.ts': [
    "import { IdentityModule } from '@app/identity';",
    "import { TOKEN_CREATED } from '@app/credentials/events';",
    "import { MIGRATIONS } from '../../../migrations/index.js';",
    "import { PORT } from './port.js';",
    'export const main = [IdentityModule, TOKEN_CREATED, MIGRATIONS, PORT];',
    '',
  ].join('\n'),
  'apps/api/src/port.ts': 'export const PORT = 3000;\n',

  // Migrations: TypeORM's types, each other and the kernel.
  'migrations/index.ts': "import { First1 } from './1-first.js';\nexport const MIGRATIONS = [First1];\n",
  'migrations/1-first.ts': [
    "import type { MigrationInterface, QueryRunner } from 'typeorm';",
    "import { DomainError } from '@app/kernel';",
    'export class First1 implements MigrationInterface {',
    '  async up(runner: QueryRunner): Promise<void> { if (!runner) throw new DomainError(); }',
    '  async down(): Promise<void> {}',
    '}',
    '',
  ].join('\n'),

  // Tests: anything, deep imports included.
  'test/support/fixture.ts': TEST_FIXTURE,
  'test/e2e/users.test.ts': [
    "import { expect, it } from '@jest/globals';",
    "import request from 'supertest';",
    "import { IdentityModule } from '@app/identity';",
    "import { decideToken } from '../../libs/credentials/src/domain/token/token.decider.js';",
    "import { fixture } from '../support/fixture.js';",
    "it('runs', () => expect([request, IdentityModule, decideToken, fixture]).toHaveLength(4));",
    '',
  ].join('\n'),
};
