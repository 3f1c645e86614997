// Types for request-arbitraries.mjs (plain ESM, shared with bench/fuzz.mjs).
import type { Arbitrary } from 'fast-check';

export type Fixture = { fixture: 'root' | 'user' | 'user-name' } | { fixture: 'victim'; index: number };

/** One generated request, before its fixtures are resolved (FuzzSession.materialize). */
export interface RequestTemplate {
  operation: string;
  method: string;
  template: string;
  pathValues: Record<string, string | Fixture>;
  query: Record<string, unknown>;
  body: Record<string, unknown>;
  extra: Record<string, unknown>;
  encoding: string;
  role: 'anonymous' | 'user' | 'admin' | 'admin-sudo' | 'bad-token';
  tokenIn: 'header' | 'bearer' | 'query';
  sudo?: { in: 'header' | 'query'; value: string | Fixture };
  duplicate: boolean;
  headers: Record<string, string>;
}

export const VICTIMS: number;
export function requestArbitrary(document: unknown): Arbitrary<RequestTemplate>;
export function operationIds(document: unknown): string[];
export function percentEncode(text: string): string;
export function formPairs(name: string, value: unknown, pairs?: [string, string][]): [string, string][];
export function encodePairs(pairs: [string, string][]): string;
