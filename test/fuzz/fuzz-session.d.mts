// Types for fuzz-session.mjs (plain ESM, shared with bench/fuzz.mjs).
import type { RequestTemplate } from './request-arbitraries.mjs';

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

export interface FuzzResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: unknown;
  /** Set when no response came (connection refused or reset, timeout, headers Node refused to parse). */
  error?: string;
}

export interface FuzzFailure {
  request: string;
  status: number;
  body: string;
  problems: string[];
}

export class FuzzSession {
  constructor(options: { port: number; rootToken: string; label?: string });
  readonly user: { id: number; username: string; token: string } | null;
  readonly victims: { id: number; username: string }[];
  readonly requests: number;
  readonly operations: Map<string, number>;
  readonly failures: FuzzFailure[];
  readonly failureCount: number;
  setUp(): Promise<void>;
  materialize(template: RequestTemplate): FuzzRequest;
  send(template: RequestTemplate): Promise<{ request: FuzzRequest; response: FuzzResponse; describe(): string }>;
  recordFailure(request: FuzzRequest, response: FuzzResponse, problems: string[]): void;
  raw(request: FuzzRequest): Promise<FuzzResponse>;
  histogram(): Record<string, number>;
  close(): void;
}
