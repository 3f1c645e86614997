// Types for response-contract.mjs (plain ESM, shared with bench/fuzz.mjs).
import type { FuzzResponse } from './fuzz-session.mjs';

export function isGitlabErrorBody(body: unknown): boolean;
export function contractProblems(response: FuzzResponse): string[];
