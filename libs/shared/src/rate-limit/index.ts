export * from './rate-limit.rules.js';
export * from './redis-rate-limiter.js';
export * from './rate-limit.guard.js';
