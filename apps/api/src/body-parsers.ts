import express, { type RequestHandler } from 'express';
import multer from 'multer';
import type { AppConfig } from '@app/shared';

/** Clients send JSON, form and multipart bodies on every write, a JSON body on DELETE included. */
export function bodyParsers(config: AppConfig): RequestHandler[] {
  return [
    express.json({ limit: config.bodyLimitBytes, type: ['application/json', 'application/*+json'] }),
    express.urlencoded({ extended: true, limit: config.bodyLimitBytes }),
    multer({ storage: multer.memoryStorage(), limits: { fileSize: config.bodyLimitBytes, files: 5 } }).any(),
  ];
}
